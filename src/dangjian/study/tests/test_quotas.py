"""Per-member study quotas judged by the compliance engine (measures registered by the study app)."""

from datetime import date

from django.utils import timezone

from dangjian.activities import compliance
from dangjian.activities.choices import Verdict
from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_create_rule

from .test_totals import hand_built


def quota(world, name: str, minimum: int, **fields):
    return do_create_rule(
        acting_user=None,
        owner=world["town_a"],
        name=name,
        activity_type=ActivityType.objects.get(code="study_session"),
        organization_kinds=["branch"],
        period="year",
        min_count=minimum,
        valid_from=date(2019, 1, 1),
        source="测试",
        **fields,
    )


def test_study_hour_quotas_count_every_member_or_the_leaders(world):
    hand_built(world)  # this year: 张三丰 (A1 书记) 16.5 学时, 李四 (A1) 6, 王五 (A2 书记) none
    everyone = quota(world, "党员每年不少于10学时", 10, measure="study_hours")
    leaders = quota(world, "书记和委员每年不少于10学时", 10, measure="study_hours", member_scope="leaders")
    items = quota(world, "每年学习不少于2篇", 2, measure="study_items")
    today = timezone.localdate()
    month = today.replace(day=1)

    matrix = compliance.compute(world["town_a"], month, month, today=today)

    def cell(org, rule):
        return matrix.cell(world[org].pk, rule.pk, date(today.year, 1, 1))

    a1 = cell("a1", everyone)
    assert (a1.verdict, a1.counted, a1.held) == (Verdict.OPEN, 1, 2)
    assert a1.reason == f"2名党员中1名未达到10学时，截止{today.year}-12-31"
    assert (cell("a1", leaders).verdict, cell("a1", leaders).held) == (Verdict.MET, 1)
    assert (cell("a2", leaders).verdict, cell("a2", leaders).counted) == (Verdict.OPEN, 0)
    # Items of the whole year so far: both A1 members studied at least two.
    assert (cell("a1", items).verdict, cell("a1", items).counted, cell("a1", items).held) == (
        Verdict.MET,
        2,
        2,
    )
    # After the year, what is still short is a miss.
    later = compliance.compute(world["town_a"], month, month, today=date(today.year + 1, 1, 5))
    assert later.cell(world["a1"].pk, everyone.pk, date(today.year, 1, 1)).verdict == Verdict.MISSED
