"""Benchmarks: capabilities register them here, `dangjian bench NAME` runs them.

A capability registers a function in its `<app>/benchmarks.py`:

    @register_bench("foundation")
    def foundation(run: BenchRun) -> None:
        ours = run.timed(lambda: fast_answer(), "member_counts_by_child")
        ...
        run.figure("member_counts_by_child", ours.median, "ms", target=300)

The bench command seeds (or reuses) data of the requested scale first, then prints a table to stderr and
one JSON object (the shape of style.md "Benchmarks") as the last line of stdout.
"""

import ctypes
import gc
import importlib
import json
import resource
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection

SCALES = ("demo", "county", "city")


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: float | None = None
    better: str = "lower"


@dataclass
class Comparison:
    name: str
    ours: float
    theirs: float
    unit: str
    baseline: str
    target_speedup: float | None = None

    @property
    def speedup(self) -> float:
        return self.theirs / self.ours if self.ours else float("inf")


@dataclass
class Timing:
    """Durations (ms) of repeated runs of the same work, and what the last run returned."""

    samples: list[float]
    result: Any = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile (p in 0..100)."""
        ordered = sorted(self.samples)
        rank = max(1, round(p / 100 * len(ordered) + 0.5 - 1e-9))
        return ordered[min(rank, len(ordered)) - 1]


@dataclass
class BenchRun:
    """What a bench function receives: the scale and settings, and where it records its figures."""

    bench: str
    scale: str
    runs: int = 3
    explain: bool = False
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))
    figures: list[Figure] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    @property
    def database(self) -> str:
        return connection.vendor

    def figure(self, name, value, unit, *, target=None, better="lower") -> None:
        self.figures.append(Figure(name, round(value, 3), unit, target, better))

    def compare(self, name, ours, theirs, unit, *, baseline, target_speedup=None) -> None:
        self.comparisons.append(
            Comparison(name, round(ours, 3), round(theirs, 3), unit, baseline, target_speedup)
        )

    def timed(self, fn: Callable[[], Any], runs: int | None = None) -> Timing:
        """Run `fn` `runs` times (default: the run's setting) and keep each duration in ms."""
        samples, result = [], None
        for _ in range(runs or self.runs):
            started = time.perf_counter()
            result = fn()
            samples.append((time.perf_counter() - started) * 1000)
        return Timing(samples, result)

    def as_dict(self) -> dict:
        return {
            "bench": self.bench,
            "scale": self.scale,
            "database": self.database,
            "figures": [asdict(f) for f in self.figures],
            "comparisons": [asdict(c) for c in self.comparisons],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)

    def table(self) -> str:
        rows = [
            (f.name, f"{f.value:g}", f.unit, "" if f.target is None else f"{f.target:g}", f.better)
            for f in self.figures
        ]
        text = text_table(("figure", "value", "unit", "target", "better"), rows)
        if self.comparisons:
            rows = [
                (c.name, f"{c.ours:g}", f"{c.theirs:g}", c.unit, f"{c.speedup:.1f}x", c.baseline)
                for c in self.comparisons
            ]
            text += "\n\n" + text_table(("comparison", "ours", "theirs", "unit", "speedup", "baseline"), rows)
        title = f"bench {self.bench} · scale {self.scale} · {self.database}"
        return f"{title}\n{text}"


@dataclass(frozen=True)
class Bench:
    name: str
    run: Callable[[BenchRun], None]
    needs_data: bool = True  # the command seeds (or reuses) the scale before running it
    description: str = ""


benches: dict[str, Bench] = {}


def register_bench(name: str, *, needs_data: bool = True, description: str = ""):
    def decorator(fn):
        benches[name] = Bench(name, fn, needs_data, description or (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return decorator


def load_benchmarks(extra_modules=()) -> dict[str, Bench]:
    """Import `<app>.benchmarks` of every installed dangjian app (and `extra_modules`) so they register."""
    names = [
        f"{config.name}.benchmarks"
        for config in apps.get_app_configs()
        if config.name.startswith("dangjian.")
    ]
    for name in [*names, *extra_modules]:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:  # a missing dependency inside the module is a real error
                raise
    return benches


# Memory ------------------------------------------------------------------------------------------------
PROC_STATUS = "/proc/self/status"
PROC_CLEAR_REFS = "/proc/self/clear_refs"


def max_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (ru_maxrss is in KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _proc_status_mb(key: str) -> float | None:
    try:
        with open(PROC_STATUS) as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _release_free_memory() -> None:
    """Return freed heap pages to the OS (glibc), so earlier work (e.g. seeding) does not inflate RSS."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_peak() -> bool:
    """Reset the kernel's RSS high-water mark (Linux ≥ 4.0: writing 5 to clear_refs)."""
    _release_free_memory()
    try:
        with open(PROC_CLEAR_REFS, "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


class PeakRss:
    """Peak RSS of the process while the block runs, in MB (`peak`), and its growth over the start (`delta`).

    On Linux, freed heap memory is returned to the OS (gc + malloc_trim) and the high-water mark (VmHWM)
    is reset on entry, so `peak` is the process's true peak during the block, earlier work excluded.
    Elsewhere `peak` falls back to ru_maxrss, which never goes down; `method` says which was used.
    """

    def __enter__(self):
        self.exact = _reset_peak() and _proc_status_mb("VmHWM") is not None
        self.method = "VmHWM (reset via /proc/self/clear_refs)" if self.exact else "ru_maxrss"
        self.start = _proc_status_mb("VmRSS") if self.exact else max_rss_mb()
        return self

    def __exit__(self, *exc):
        self.peak = _proc_status_mb("VmHWM") if self.exact else max_rss_mb()
        self.delta = max(0.0, self.peak - self.start)
        return False


# EXPLAIN -----------------------------------------------------------------------------------------------
def explain(sql: str) -> str:
    """The query plan of one SQL statement on the current database."""
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "\n".join(str(row[-1]) for row in rows)
    return "\n".join(str(row[0]) for row in rows)


def explain_calls(fn: Callable[[], Any]) -> list[tuple[str, str]]:
    """(sql, plan) for every SELECT that `fn` sends to the database."""
    from django.test.utils import CaptureQueriesContext  # only benches need the test utilities

    with CaptureQueriesContext(connection) as queries:
        fn()
    return [(q["sql"], explain(q["sql"])) for q in queries.captured_queries if q["sql"].startswith("SELECT")]


# Terminal tables -----------------------------------------------------------------------------------------
def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_table(headers, rows) -> str:
    """A plain aligned table (for stderr and the seed command's logins)."""
    table = [tuple(str(cell) for cell in headers), *(tuple(str(cell) for cell in row) for row in rows)]
    widths = [max(display_width(row[i]) for row in table) for i in range(len(headers))]
    lines = []
    for index, row in enumerate(table):
        cells = [cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
