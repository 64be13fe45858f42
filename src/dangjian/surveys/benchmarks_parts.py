"""The surveys' concurrency figure, called by the `evaluation` bench: `measure_surveys(run)`.

A real server is started on loopback against the bench database: gunicorn through this interpreter,
sync workers (2 × cores + 1), the app preloaded, with production settings (DEBUG=0,
fresh SECRET_KEY, the bench's field keys; `server_env`). It counts as started when the survey's own
public URL answers 200 (up to 2 minutes); its log is kept and shown if it does not, and the whole
process group is stopped whatever happens. A public survey with 20,000 one-use links is made, and
20,000 answers are POSTed to the public submit endpoint 50 at a time from one event loop (a fresh
connection per request, like phones would; each request written as bytes on a socket, see `_submit_all`).
Then: no answer lost (responses == 20,000), none counted twice (links used == 20,000), zero server errors
and zero refusals, and p50/p95/p99 (target p95 300 ms). The survey and everything hanging on it are removed
afterwards; the setup writes through the ORM (not audited: the audit trail cannot be deleted, and this is
not a business record). The per-IP rate limit is lifted through its documented switch (every request comes
from 127.0.0.1); nothing else.
"""

import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from dangjian.core.bench import BenchRun, Timing

RESPONSES = 20_000
CONCURRENCY = 50
# gunicorn's own advice for its default sync workers: 2 × cores + 1 (README's deployment uses sync workers).
# Measured on 2 cores (2026-11-29): sync workers queue in the kernel's one accept queue, first come first
# served, p95 188 ms; gthread workers (2 × 8 threads, 4 × 4, 3 × 6) took connections unevenly, p95 338–429 ms
# at the same throughput.
WORKERS = 2 * (os.cpu_count() or 1) + 1
START_SECONDS = 120
P95_TARGET_MS = 300


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _setup(count: int):
    """A public survey of the root organization with two questions and `count` links (ORM, setup only)."""
    from dangjian.organizations.models import Organization

    from . import services
    from .models import Question, Survey, SurveyToken

    root = Organization.objects.filter(depth=1).order_by("path").first()
    today = timezone.localdate()
    with transaction.atomic():
        survey = Survey.objects.create(
            organization=root,
            title="基准测试满意度测评",
            kind="satisfaction",
            audience="public",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=1),
            status="open",
        )
        q1 = Question.objects.create(survey=survey, position=1, kind="satisfaction", text="是否满意")
        q2 = Question.objects.create(survey=survey, position=2, kind="rating", text="评分")
        tokens = [f"bench-{survey.pk}-{n}-{os.urandom(8).hex()}" for n in range(count)]
        SurveyToken.objects.bulk_create(  # audit-exempt: bench setup, removed by _cleanup
            [SurveyToken(survey=survey, token_hash=services.hash_token(t), issued_on=today) for t in tokens],
            batch_size=5000,
        )
    return survey, tokens, {str(q1.pk): "satisfied", str(q2.pk): 95}


def _cleanup(survey) -> None:
    from .models import Answer, Question, Response, SurveyToken

    with transaction.atomic():
        Answer.objects.filter(response__survey=survey).delete()  # audit-exempt: bench rows
        Response.objects.filter(survey=survey).delete()  # audit-exempt: bench rows
        SurveyToken.objects.filter(survey=survey).delete()  # audit-exempt: bench rows
        Question.objects.filter(survey=survey).delete()  # audit-exempt: bench rows
        survey.delete()


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the measured server: production settings (DEBUG=0, as `.ci/run`'s deploy
    check) on plain-HTTP loopback. HTTPS=0 because nothing terminates TLS here (with HTTPS on, every
    request would be redirected to https:// and never answered); a fresh SECRET_KEY (nothing signed is
    shared with the bench process); the bench process's own field keys, so the server reads the same
    database. The per-IP rate limit is lifted by its documented switch (ADR 012 §9): every request comes
    from 127.0.0.1. Nothing else is weakened: one response per link and anonymity are the same code."""
    from django.conf import settings

    keys = {
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
        "FIELD_ENCRYPTION_ACTIVE_KEY": settings.FIELD_ENCRYPTION_ACTIVE_KEY,
        "BLIND_INDEX_KEY": settings.BLIND_INDEX_KEY,
    }
    return {
        **(os.environ if base is None else base),
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DANGJIAN_KEYS": json.dumps(keys),
        "DANGJIAN_SURVEY_PUBLIC_RATE": "off",
        "LOG_LEVEL": "WARNING",
    }


def server_command(port: int) -> list[str]:
    """gunicorn through this interpreter (no PATH lookup that could find another Python's gunicorn):
    sync workers (see WORKERS); the app preloaded in the master so a worker answers its first request
    without importing Django."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "dangjian.wsgi",
        "--worker-class",
        "sync",
        "--workers",
        str(WORKERS),
        "--backlog",
        "512",
        "--preload",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]


def _start_server(port: int, log) -> subprocess.Popen:
    # A session of its own: on failure the whole group (master and workers) is killed, nothing is left.
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        server_command(port),
        env=server_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to the group (gunicorn's graceful stop), SIGKILL if it is still there after 20 s."""
    if server.poll() is not None:
        return
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    except ProcessLookupError:
        pass


def _log_tail(log) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-2000:]


def _wait(url: str, server: subprocess.Popen, log, seconds: float = START_SECONDS) -> None:
    """Until the survey's own public URL answers 200 (a 4xx or 5xx is a failure to report, not a start)."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}) before answering: {_log_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"gunicorn answered {error.code} at {url}: {_log_tail(log)}") from error
        except OSError as error:
            last = repr(error)
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer in {seconds:.0f} s ({last}): {_log_tail(log)}")


def _warm(url: str) -> None:
    """Every worker through the request path once (URLconf, DRF, connection) before timing."""
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(lambda _: _get(url), range(WORKERS * 8)))


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


async def _post(port: int, path: str, body: bytes) -> tuple[int, float]:
    """One POST on a fresh loopback connection, written out as bytes. (status, ms from connect to the last
    byte); status 0 when the connection failed, timed out or the answer was not HTTP."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    started = time.perf_counter()
    try:
        async with asyncio.timeout(60):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.read()  # to the end: the server closes the connection
            writer.close()
    except (OSError, TimeoutError):
        return 0, (time.perf_counter() - started) * 1000  # refused, reset or timed out: an error
    elapsed = (time.perf_counter() - started) * 1000
    status = int(head[9:12]) if head.startswith(b"HTTP/1.") and head[9:12].isdigit() else 0
    return status, elapsed


def _submit_all(port: int, path: str, body: bytes, tokens: list[str]) -> list[tuple[int, float]]:
    """POST an answer for every token, CONCURRENCY at a time, from one event loop: the client must cost the
    shared cores little (a pool of 50 threads with urllib took about a core of the two, more than the
    server's own work, and set the pace of the whole run)."""
    outcomes = []

    async def client(pending):
        for token in pending:  # one iterator shared by every client: each takes the next link
            outcomes.append(await _post(port, f"{path}{token}/", body))

    async def run():
        pending = iter(tokens)
        await asyncio.gather(*(client(pending) for _ in range(CONCURRENCY)))

    asyncio.run(run())
    return outcomes


def measure_surveys(run: BenchRun, *, responses: int = RESPONSES) -> dict:
    """Submit `responses` answers concurrently to a live gunicorn; record the figures (see the docstring)."""
    from .models import Response, SurveyToken

    survey, tokens, answers = _setup(responses)
    connection.close()  # the server processes open their own
    port = _free_port()
    path = "/api/v1/surveys/public/"
    base = f"http://127.0.0.1:{port}{path}"
    body = json.dumps({"answers": answers}).encode()
    with tempfile.TemporaryFile() as log:
        server = _start_server(port, log)
        try:
            _wait(base + tokens[0] + "/", server, log)
            _warm(base + tokens[0] + "/")
            started = time.perf_counter()
            outcomes = _submit_all(port, path, body, tokens)
            elapsed = time.perf_counter() - started
        except BaseException:
            _stop_server(server)
            _cleanup(survey)
            raise
        _stop_server(server)
    try:
        stored = Response.objects.filter(survey=survey).count()
        used = SurveyToken.objects.filter(survey=survey, used=True).count()
    finally:
        _cleanup(survey)
    timing = Timing([ms for _, ms in outcomes])
    created = sum(1 for status, _ in outcomes if status == 201)
    errors = sum(1 for status, _ in outcomes if status >= 500 or status == 0)
    refused = sum(1 for status, _ in outcomes if 300 <= status < 500)
    found = {
        "submitted": responses,
        "created": created,
        "stored": stored,
        "tokens_used": used,
        "server_errors": errors,
        "refused": refused,
        "p50_ms": timing.percentile(50),
        "p95_ms": timing.percentile(95),
        "p99_ms": timing.percentile(99),
        "throughput": responses / elapsed,
    }
    run.log(
        f"问卷提交：{responses}份，{CONCURRENCY}并发，gunicorn {WORKERS}个进程（sync，"
        f"DEBUG=0），用时{elapsed:.1f}秒；201={created}，入库{stored}，链接已用{used}，"
        f"服务器错误{errors}，被拒{refused}；p50 {found['p50_ms']:.0f} ms，p95 {found['p95_ms']:.0f} ms，"
        f"p99 {found['p99_ms']:.0f} ms"
    )
    run.figure("survey_submit_p95", found["p95_ms"], "ms", target=P95_TARGET_MS)
    run.figure("survey_submit_p50", found["p50_ms"], "ms")
    run.figure("survey_submit_p99", found["p99_ms"], "ms")
    run.figure("survey_submit_throughput", found["throughput"], "req/s", better="higher")
    run.figure("survey_responses_lost", responses - stored, "responses", target=0)
    run.figure(
        "survey_tokens_counted_twice", max(0, stored - used) + max(0, created - stored), "responses", target=0
    )
    run.figure("survey_server_errors", errors, "requests", target=0)
    run.figure("survey_submissions_refused", refused, "requests", target=0)
    return found
