"""The surveys' concurrency figure, called by the `evaluation` bench: `measure_surveys(run)`.

A real server (gunicorn, several sync workers) is started on loopback against the bench database; a
public survey with 20,000 one-use links is made, and 20,000 answers are POSTed to the public submit
endpoint 50 at a time from a thread pool (urllib: a fresh connection per request, like phones would).
Then: no answer lost (responses == 20,000), none counted twice (links used == 20,000), zero server
errors, and the p95 latency (target 300 ms). The survey and everything hanging on it are removed
afterwards; the setup writes through the ORM (not audited: the audit trail cannot be deleted, and this
is not a business record). The rate limit is switched off for the server (one loopback IP).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
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
WORKERS = 4
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


def _start_server(port: int) -> subprocess.Popen:
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    env = {
        **os.environ,
        "DANGJIAN_SURVEY_PUBLIC_RATE": "off",
        "ALLOWED_HOSTS": ",".join(filter(None, [os.environ.get("ALLOWED_HOSTS"), "127.0.0.1"])),
    }
    command = [
        gunicorn,
        "dangjian.wsgi",
        "-w",
        str(WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed arguments


def _wait(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer in time")


def _post(url: str, body: bytes) -> tuple[int, float]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0  # connection refused or reset: counted as an error
    return status, (time.perf_counter() - started) * 1000


def measure_surveys(run: BenchRun, *, responses: int = RESPONSES) -> dict:
    """Submit `responses` answers concurrently to a live gunicorn; record the figures (see the docstring)."""
    from .models import Response, SurveyToken

    survey, tokens, answers = _setup(responses)
    connection.close()  # the server processes open their own
    port = _free_port()
    server = _start_server(port)
    base = f"http://127.0.0.1:{port}/api/v1/surveys/public/"
    body = json.dumps({"answers": answers}).encode()
    try:
        _wait(base + tokens[0] + "/", server)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            outcomes = list(pool.map(lambda token: _post(f"{base}{token}/", body), tokens))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    try:
        stored = Response.objects.filter(survey=survey).count()
        used = SurveyToken.objects.filter(survey=survey, used=True).count()
    finally:
        _cleanup(survey)
    timing = Timing([ms for _, ms in outcomes])
    created = sum(1 for status, _ in outcomes if status == 201)
    errors = sum(1 for status, _ in outcomes if status >= 500 or status == 0)
    found = {
        "submitted": responses,
        "created": created,
        "stored": stored,
        "tokens_used": used,
        "server_errors": errors,
        "p50_ms": timing.percentile(50),
        "p95_ms": timing.percentile(95),
        "throughput": responses / elapsed,
    }
    run.log(
        f"问卷提交：{responses}份，{CONCURRENCY}并发，gunicorn {WORKERS}个进程，用时{elapsed:.1f}秒；"
        f"201={created}，入库{stored}，链接已用{used}，服务器错误{errors}"
    )
    run.figure("survey_submit_p95", found["p95_ms"], "ms", target=P95_TARGET_MS)
    run.figure("survey_submit_p50", found["p50_ms"], "ms")
    run.figure("survey_submit_throughput", found["throughput"], "req/s", better="higher")
    run.figure("survey_responses_lost", responses - stored, "responses", target=0)
    run.figure(
        "survey_tokens_counted_twice", max(0, stored - used) + max(0, created - stored), "responses", target=0
    )
    run.figure("survey_server_errors", errors, "requests", target=0)
    return found
