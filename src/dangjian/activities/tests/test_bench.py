"""`dangjian bench compliance` at demo scale, and its baselines giving the engine's answer."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities import compliance
from dangjian.activities.benchmarks import answer, per_branch_loop, sql_matrix, year_range
from dangjian.activities.models import Activity, ActivityType, SpotCheck
from dangjian.activities.services import do_cancel_activity, do_create_rule
from dangjian.organizations.models import Organization


@pytest.mark.django_db
def test_bench_compliance_prints_one_json_line():
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", "compliance", scale="demo", json=True, runs=1, stdout=out, stderr=err)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"bench", "scale", "database", "figures", "comparisons"}
    assert (result["bench"], result["scale"], result["database"]) == ("compliance", "demo", connection.vendor)
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert {"compliance_matrix_year", "branch_home_p50", "peak_rss_mb"} <= set(figures)
    assert figures["compliance_matrix_year"]["target"] == 1000
    assert figures["branch_home_p50"]["target"] == 100
    for figure in result["figures"]:
        assert set(figure) == {"name", "value", "unit", "target", "better"}
    comparisons = {c["name"]: c for c in result["comparisons"]}
    loop, sql = comparisons["compliance_matrix_year"], comparisons["compliance_matrix_year_vs_sql"]
    assert "loop" in loop["baseline"] and loop["target_speedup"] == 20
    assert "SQL" in sql["baseline"] and sql["target_speedup"] == pytest.approx(1 / 1.5, abs=0.001)
    for comparison in comparisons.values():
        assert set(comparison) == {"name", "ours", "theirs", "unit", "baseline", "target_speedup"}
        assert comparison["ours"] > 0 and comparison["theirs"] > 0
    assert "all three agree on" in err.getvalue()


@pytest.mark.django_db
def test_baselines_give_the_engines_answer():
    """Also with what the demo lacks: an attendance minimum, a cancelled activity, spot checks that fail
    and pass (the latest one wins)."""
    call_command("seed", scale="demo", stdout=io.StringIO())
    root = Organization.objects.get(depth=1)
    education = Organization.objects.get(name="中共丰南县教育局委员会")
    do_create_rule(
        acting_user=None,
        owner=education,
        name="主题党日党员到会率不低于90%",
        activity_type=ActivityType.objects.get(code="theme_day"),
        organization_kinds=["branch"],
        period="month",
        min_count=1,
        min_attendance_rate=Decimal("0.9"),
        valid_from=timezone.datetime(2024, 1, 1).date(),
        source="测试",
    )
    under_education = Activity.objects.filter(organization__path__startswith=education.path).order_by("id")
    do_cancel_activity(under_education[0], reason="录入错误", acting_user=None)
    checker = User.objects.get(username="xianwei_zzb")
    failed_then_passed, failed, passed_then_failed = under_education[1:4]
    for activity, results in (
        (failed_then_passed, ["failed", "passed"]),
        (failed, ["failed"]),
        (passed_then_failed, ["passed", "failed"]),
    ):
        for result in results:
            SpotCheck.objects.create(activity=activity, checked_by=checker, result=result, comment="测试")
    today = timezone.localdate()
    first, last = year_range(today)

    ours = answer(compliance.compute(root, first, last, today=today).cells)
    assert any(cell[4] for cell in ours.values())  # some below the attendance minimum
    assert sum(cell[5] for cell in ours.values()) >= 2  # failed spot checks (the latest one) taken off
    assert answer(sql_matrix(root, first, last, today).cells) == ours
    for subtree in (Organization.objects.get(name="中共丰南县稻地镇委员会"), education):
        assert answer(per_branch_loop(subtree, first, last, today)) == answer(
            compliance.compute(subtree, first, last, today=today).cells
        )
