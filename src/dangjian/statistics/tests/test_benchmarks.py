"""The bench helper on the test world: both ways agree, and the figures come out in the bench's shape."""

from datetime import date

import pytest

from dangjian.core.bench import BenchRun
from dangjian.statistics.benchmarks import measure_tables, per_organization_tables, snapshot
from dangjian.statistics.engine import compute_tables

from .test_engine import person

pytestmark = pytest.mark.django_db


def test_the_per_organization_loop_gives_the_same_tables(world):
    person(world, "a2", "甲", date(1990, 1, 1), date(2025, 3, 1), status="probationary")
    day = date(2025, 12, 31)
    ours = snapshot(compute_tables(world["root"], day, prune=False))
    assert ours == snapshot(per_organization_tables(world["root"], day))
    assert ours[("admitted", "total", "total")] == 1


def test_measure_tables_records_figures_and_the_comparison(world):
    run = BenchRun("reports", "demo", runs=1, log=lambda line: None)
    measure_tables(run, world["root"], date(2025, 12, 31))
    assert [f.name for f in run.figures] == ["statistics_all_tables_p50", "statistics_all_tables_peak_rss_mb"]
    (comparison,) = run.comparisons
    assert comparison.name == "statistics_all_tables_subtree" and comparison.target_speedup == 10
    assert "示范县委 (7 organizations)" in comparison.baseline
