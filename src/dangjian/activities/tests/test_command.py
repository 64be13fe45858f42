"""`dangjian compliance`: the matrix on the command line, as text or JSON."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_record_activity


def run(*args) -> str:
    out = StringIO()
    call_command("compliance", *args, stdout=out)
    return out.getvalue()


def test_json_lists_every_cell_with_its_verdict_and_reason(world):
    do_record_activity(
        acting_user=None,
        organization=world["a1"],
        activity_type=ActivityType.objects.get(code="theme_day"),
        held_on=date(2025, 2, 1),
        theme="学习党章",
    )
    rows = json.loads(run("--org", "XW-A-01", "--from", "2025-01", "--to", "2025-03", "--json"))
    assert set(rows[0]) == {"organization", "rule", "period", "verdict", "counted", "reason"}
    theme_days = {r["period"]: r for r in rows if r["rule"] == "每月开展1次主题党日"}
    assert theme_days["2025年1月"] == {
        "organization": "XW-A-01",
        "rule": "每月开展1次主题党日",
        "period": "2025年1月",
        "verdict": "missed",
        "counted": 0,
        "reason": "未开展",
    }
    assert theme_days["2025年2月"]["verdict"] == "met"
    assert {r["organization"] for r in rows} == {"XW-A-01", "XW-A-01-G1"}  # the subtree
    quarter = [r for r in rows if r["rule"] == "支部党员大会每季度至少召开1次"]
    assert [r["period"] for r in quarter] == ["2025年第1季度"]


def test_text_prints_one_line_per_cell_and_the_totals(world):
    out = run("--org", "XW-A", "--from", "2025-01", "--to", "2025-01")
    lines = out.strip().splitlines()
    assert "XW-A-02\tA2社区党支部\t每月开展1次主题党日\t2025年1月\t未达标\t计入0次\t未开展" in lines
    assert lines[-1].startswith(f"共{len(lines) - 1}项：达标0项，未达标")


def test_an_unknown_organization_is_a_chinese_error(db):
    with pytest.raises(CommandError, match="未找到组织编码为 NOPE 的党组织。"):
        run("--org", "NOPE", "--from", "2025-01", "--to", "2025-03")


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2025-13", "2025-03", "月份格式应为 YYYY-MM（如 2025-03），收到：2025-13"),
        ("2025/01", "2025-03", "月份格式应为 YYYY-MM"),
        ("2025-04", "2025-03", "起始月份不能晚于结束月份。"),
    ],
)
def test_a_bad_month_is_a_chinese_error(world, first, last, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run("--org", "XW-A", "--from", first, "--to", last)
