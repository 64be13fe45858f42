"""The compliance engine: every period kind, each verdict, fixed days, attendance minimums, subtree rules,
late, cancelled and spot-checked records, and a query count that does not grow with the tree."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.activities import compliance
from dangjian.activities.choices import Verdict
from dangjian.activities.models import Activity, ActivityType, Rule
from dangjian.activities.services import (
    do_cancel_activity,
    do_create_rule,
    do_record_activity,
    do_record_spot_check,
)
from dangjian.core.testing import member_fields
from dangjian.members.services import do_create_member
from dangjian.organizations.services import do_create_organization, do_update_organization

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = (date(2024, m, 1) for m in (1, 2, 3, 4))
DEC = date(2024, 12, 1)
AFTER_2024 = date(2025, 1, 15)  # every 2024 window is over


def national(code: str) -> Rule:
    return Rule.objects.get(owner=None, activity_type__code=code)


def kind(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def hold(org, code: str, day: date, **extra) -> Activity:
    return do_record_activity(
        acting_user=None, organization=org, activity_type=kind(code), held_on=day, theme="学习", **extra
    )


def local_rule(world, owner: str, code: str, **fields) -> Rule:
    values = {
        "name": f"{world[owner].name}{kind(code).name}制度",
        "activity_type": kind(code),
        "organization_kinds": ["branch"],
        "period": "month",
        "valid_from": date(2020, 1, 1),
        "source": "县委组织部〔2020〕1号",
    }
    return do_create_rule(acting_user=world.users["county_admin"], owner=world[owner], **(values | fields))


def verdicts(matrix, org, rule) -> list[tuple[str, str]]:
    """[(window label, verdict)] of one organization and rule, in window order."""
    return [
        (cell.window.label, cell.verdict)
        for cell in matrix.cells
        if cell.organization_id == org.pk and cell.rule.pk == rule.pk
    ]


def cell_of(matrix, org, rule, start: date):
    found = matrix.cell(org.pk, rule.pk, start)
    assert found is not None, (org, rule, start)
    return found


@pytest.fixture
def crowd(world):
    """Three more members of A1 (since 2010): A1 has four members on 2024 dates (李四 joined later)."""
    return [
        do_create_member(
            acting_user=None,
            organization=world["a1"],
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
            **member_fields(name, "male", date(1970, 1, n), seq=501 + 2 * n),
        )
        for n, name in enumerate(["钱一", "孙二", "周三"], 1)
    ]


# Windows ------------------------------------------------------------------------------------------


def test_windows_are_aligned_to_the_calendar():
    quarters = compliance.windows("quarter", FEB, date(2024, 5, 1))
    assert [(w.start, w.end, w.label) for w in quarters] == [
        (date(2024, 1, 1), date(2024, 3, 31), "2024年第1季度"),
        (date(2024, 4, 1), date(2024, 6, 30), "2024年第2季度"),
    ]
    halves = compliance.windows("half_year", MAR, date(2024, 8, 1))
    assert [(w.start, w.end, w.label) for w in halves] == [
        (date(2024, 1, 1), date(2024, 6, 30), "2024年上半年"),
        (date(2024, 7, 1), date(2024, 12, 31), "2024年下半年"),
    ]
    years = compliance.windows("year", date(2023, 12, 1), JAN)
    assert [(w.start, w.end, w.label) for w in years] == [
        (date(2023, 1, 1), date(2023, 12, 31), "2023年"),
        (date(2024, 1, 1), date(2024, 12, 31), "2024年"),
    ]
    months = compliance.windows("month", JAN, MAR)
    assert [(w.end, w.label) for w in months] == [
        (date(2024, 1, 31), "2024年1月"),
        (date(2024, 2, 29), "2024年2月"),  # a leap year
        (date(2024, 3, 31), "2024年3月"),
    ]


def test_nearest_fixed_day_crosses_month_ends():
    rule = Rule(fixed_day=1, tolerance_days=2)
    assert compliance.nearest_fixed_date(rule, date(2024, 1, 31)) == date(2024, 2, 1)
    assert compliance.nearest_fixed_date(rule, date(2024, 1, 16)) == date(2024, 1, 1)
    assert compliance.nearest_fixed_date(rule, date(2023, 12, 30)) == date(2024, 1, 1)
    assert compliance.on_fixed_day(rule, date(2023, 12, 30)) is True
    assert compliance.on_fixed_day(rule, date(2023, 12, 29)) is False
    # Counted across the month end only when on time; a wrong day stays in its own month.
    assert compliance.due_month(rule, date(2023, 12, 30)) == JAN
    assert compliance.due_month(rule, date(2024, 2, 20)) == FEB
    assert compliance.due_month(rule, date(2024, 2, 27)) == FEB
    assert compliance.due_month(Rule(fixed_day=None), date(2024, 1, 31)) == JAN


# Each period kind -----------------------------------------------------------------------------------


def test_month_rule_met_missed_and_open(world):
    theme_day = national("theme_day")
    hold(world["a1"], "theme_day", date(2024, 1, 10))

    matrix = compliance.compute(world["a1"], JAN, MAR, today=date(2024, 3, 15))

    assert verdicts(matrix, world["a1"], theme_day) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.MISSED),
        ("2024年3月", Verdict.OPEN),
    ]
    jan, feb, mar = (cell_of(matrix, world["a1"], theme_day, m) for m in (JAN, FEB, MAR))
    assert (jan.counted, jan.held, jan.reason) == (1, 1, "")
    assert (feb.counted, feb.held, feb.reason) == (0, 0, "未开展")
    assert mar.reason == "还需1次，截止2024-03-31"


def test_a_window_ending_today_is_still_open(world):
    matrix = compliance.compute(world["a1"], MAR, MAR, today=date(2024, 3, 31))
    assert verdicts(matrix, world["a1"], national("theme_day")) == [("2024年3月", Verdict.OPEN)]


def test_quarter_rule_sums_its_months(world):
    meeting = national("general_meeting")
    hold(world["a1"], "general_meeting", date(2024, 2, 20))
    hold(world["a1"], "general_meeting", date(2024, 9, 30))

    matrix = compliance.compute(world["root"], JAN, DEC, today=AFTER_2024)

    assert verdicts(matrix, world["a1"], meeting) == [
        ("2024年第1季度", Verdict.MET),
        ("2024年第2季度", Verdict.MISSED),
        ("2024年第3季度", Verdict.MET),
        ("2024年第4季度", Verdict.MISSED),
    ]
    assert [v for _, v in verdicts(matrix, world["b1"], meeting)] == [Verdict.MISSED] * 4


def test_a_range_starting_mid_quarter_covers_the_whole_quarter(world):
    hold(world["a1"], "general_meeting", date(2024, 1, 5))
    matrix = compliance.compute(world["a1"], MAR, MAR, today=AFTER_2024)
    cell = cell_of(matrix, world["a1"], national("general_meeting"), JAN)
    assert (cell.window.end, cell.verdict, cell.counted) == (date(2024, 3, 31), Verdict.MET, 1)


def test_half_year_rule_with_a_minimum_of_two(world):
    rule = local_rule(world, "town_a", "study_session", period="half_year", min_count=2)
    hold(world["a1"], "study_session", date(2024, 3, 1))
    hold(world["a1"], "study_session", date(2024, 7, 1))
    hold(world["a1"], "study_session", date(2024, 12, 31))

    matrix = compliance.compute(world["town_a"], JAN, DEC, today=AFTER_2024)

    assert verdicts(matrix, world["a1"], rule) == [
        ("2024年上半年", Verdict.MISSED),
        ("2024年下半年", Verdict.MET),
    ]
    first_half = cell_of(matrix, world["a1"], rule, JAN)
    assert first_half.reason == "开展1次，计入1次，少于规定的2次"
    second_half = cell_of(matrix, world["a1"], rule, date(2024, 7, 1))
    assert (second_half.counted, second_half.held) == (2, 2)


def test_year_rule_open_until_held_then_met(world):
    life = national("life_meeting")
    before = compliance.compute(world["a1"], JAN, DEC, today=date(2024, 12, 10))
    assert verdicts(before, world["a1"], life) == [("2024年", Verdict.OPEN)]
    assert cell_of(before, world["a1"], life, JAN).reason == "还需1次，截止2024-12-31"

    hold(world["a1"], "life_meeting", date(2024, 12, 9))

    after = compliance.compute(world["a1"], JAN, DEC, today=date(2024, 12, 10))
    assert verdicts(after, world["a1"], life) == [("2024年", Verdict.MET)]
    last_year = compliance.compute(world["a1"], date(2023, 1, 1), date(2023, 1, 1), today=AFTER_2024)
    assert verdicts(last_year, world["a1"], life) == [("2023年", Verdict.MISSED)]


def test_min_count_above_one_per_month(world):
    rule = local_rule(world, "town_a", "study_session", min_count=2, name="集中学习每月至少2次")
    hold(world["a1"], "study_session", date(2024, 1, 8))
    for day in (5, 19):
        hold(world["a1"], "study_session", date(2024, 2, day))

    matrix = compliance.compute(world["a1"], JAN, MAR, today=date(2024, 3, 10))

    assert verdicts(matrix, world["a1"], rule) == [
        ("2024年1月", Verdict.MISSED),
        ("2024年2月", Verdict.MET),
        ("2024年3月", Verdict.OPEN),
    ]
    assert cell_of(matrix, world["a1"], rule, JAN).reason == "开展1次，计入1次，少于规定的2次"
    assert cell_of(matrix, world["a1"], rule, MAR).reason == "还需2次，截止2024-03-31"


# 不适用 ---------------------------------------------------------------------------------------------


def test_future_windows_are_not_applicable(world):
    hold(world["a1"], "theme_day", date(2024, 3, 1))
    matrix = compliance.compute(world["a1"], MAR, date(2024, 5, 1), today=date(2024, 3, 20))
    theme_day = national("theme_day")
    assert verdicts(matrix, world["a1"], theme_day) == [
        ("2024年3月", Verdict.MET),
        ("2024年4月", Verdict.NOT_APPLICABLE),
        ("2024年5月", Verdict.NOT_APPLICABLE),
    ]
    assert cell_of(matrix, world["a1"], theme_day, APR).reason == "期间尚未开始"


def test_a_rule_applies_only_while_in_force(world):
    rule = local_rule(
        world, "town_a", "study_session", valid_from=date(2024, 2, 15), valid_to=date(2024, 3, 10)
    )
    matrix = compliance.compute(world["a1"], JAN, APR, today=AFTER_2024)
    assert verdicts(matrix, world["a1"], rule) == [
        ("2024年1月", Verdict.NOT_APPLICABLE),
        ("2024年2月", Verdict.MISSED),
        ("2024年3月", Verdict.MISSED),
        ("2024年4月", Verdict.NOT_APPLICABLE),
    ]
    assert cell_of(matrix, world["a1"], rule, JAN).reason == "制度在该期间未施行"


def test_an_organization_founded_after_a_window_is_not_asked_for_it(world):
    do_update_organization(world["a2"], acting_user=None, founded_on=date(2024, 2, 10))
    matrix = compliance.compute(world["a2"], JAN, MAR, today=AFTER_2024)
    theme_day = national("theme_day")
    assert verdicts(matrix, world["a2"], theme_day) == [
        ("2024年1月", Verdict.NOT_APPLICABLE),
        ("2024年2月", Verdict.MISSED),  # founded within the month: the month counts
        ("2024年3月", Verdict.MISSED),
    ]
    assert cell_of(matrix, world["a2"], theme_day, JAN).reason == "该期间组织尚未成立"


# Fixed day and attendance minimum ------------------------------------------------------------------


@pytest.fixture
def first_of_month(world):
    """A township rule: the theme day on the 1st, two days either way."""
    return local_rule(world, "town_a", "theme_day", name="主题党日每月1日", fixed_day=1, tolerance_days=2)


def test_fixed_day_tolerance_counts_the_3rd_not_the_4th(world, first_of_month):
    hold(world["a1"], "theme_day", date(2024, 1, 3))
    hold(world["a1"], "theme_day", date(2024, 2, 4))

    matrix = compliance.compute(world["a1"], JAN, FEB, today=AFTER_2024)

    assert verdicts(matrix, world["a1"], first_of_month) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.MISSED),
    ]
    feb = cell_of(matrix, world["a1"], first_of_month, FEB)
    assert (feb.held, feb.counted, feb.wrong_day) == (1, 0, 1)
    assert feb.reason == "开展1次，计入0次，少于规定的1次：1次未在规定日（每月1日前后2天内）开展"
    # The national rule has no fixed day: the 4th is fine for it.
    assert verdicts(matrix, world["a1"], national("theme_day")) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.MET),
    ]


def test_a_fixed_day_reached_from_the_previous_month_counts_for_the_month_it_was_due(world, first_of_month):
    hold(world["a1"], "theme_day", date(2023, 12, 30))  # two days before 1 January
    hold(world["a1"], "theme_day", date(2024, 1, 31))  # one day before 1 February

    matrix = compliance.compute(world["a1"], JAN, MAR, today=AFTER_2024)

    assert verdicts(matrix, world["a1"], first_of_month) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.MET),
        ("2024年3月", Verdict.MISSED),
    ]
    assert cell_of(matrix, world["a1"], first_of_month, MAR).reason == "未开展"


def test_attendance_below_the_minimum_does_not_count(world, crowd):
    rule = local_rule(
        world, "town_a", "party_lesson", period="quarter", min_attendance_rate=Decimal("0.8"), name="党课"
    )
    hold(world["a1"], "party_lesson", date(2024, 2, 1), absent={crowd[0].pk: "sick"})  # 3 of 4
    hold(world["a1"], "party_lesson", date(2024, 5, 1), absent={})  # 4 of 4

    matrix = compliance.compute(world["a1"], JAN, date(2024, 6, 1), today=AFTER_2024)

    assert verdicts(matrix, world["a1"], rule) == [
        ("2024年第1季度", Verdict.MISSED),
        ("2024年第2季度", Verdict.MET),
    ]
    q1 = cell_of(matrix, world["a1"], rule, JAN)
    assert (q1.held, q1.counted, q1.low_attendance) == (1, 0, 1)
    assert q1.reason == "开展1次，计入0次，少于规定的1次：1次出席率低于80%"
    # The national 党课 rule has no minimum: it is met both quarters.
    assert [v for _, v in verdicts(matrix, world["a1"], national("party_lesson"))] == [Verdict.MET] * 2


def test_attendance_exactly_at_the_minimum_counts(world, crowd):
    rule = local_rule(
        world, "town_a", "party_lesson", period="quarter", min_attendance_rate=Decimal("0.75"), name="党课"
    )
    activity = hold(world["a1"], "party_lesson", date(2024, 2, 1), absent={crowd[0].pk: "sick"})
    assert activity.attendance_rate == Decimal("0.7500")
    matrix = compliance.compute(world["a1"], JAN, JAN, today=AFTER_2024)
    assert verdicts(matrix, world["a1"], rule) == [("2024年第1季度", Verdict.MET)]


# Who a rule applies to ------------------------------------------------------------------------------


def test_committee_rule_only_for_branches_with_a_committee(world):
    rule = national("committee_meeting")
    do_update_organization(world["a2"], acting_user=None, has_committee=True)
    hold(world["a2"], "committee_meeting", date(2024, 1, 12))

    matrix = compliance.compute(world["root"], JAN, FEB, today=AFTER_2024)

    assert verdicts(matrix, world["a2"], rule) == [("2024年1月", Verdict.MET), ("2024年2月", Verdict.MISSED)]
    assert verdicts(matrix, world["a1"], rule) == []
    assert verdicts(matrix, world["b1"], rule) == []


def test_group_meeting_rule_applies_to_party_groups(world):
    rule = national("group_meeting")
    hold(world["a1_group"], "group_meeting", date(2024, 1, 20))

    matrix = compliance.compute(world["root"], JAN, FEB, today=AFTER_2024)

    assert verdicts(matrix, world["a1_group"], rule) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.MISSED),
    ]
    organizations_with_cells = {c.organization_id for c in matrix.cells if c.rule.pk == rule.pk}
    assert organizations_with_cells == {world["a1_group"].pk}
    # Branch rules do not apply to the group, nor the group's rule to the branch.
    assert verdicts(matrix, world["a1_group"], national("theme_day")) == []


def test_committees_are_checked_for_their_own_rule(world):
    matrix = compliance.compute(world["root"], JAN, JAN, today=AFTER_2024)
    rule = national("leadership_life_meeting")
    with_cells = {c.organization_id for c in matrix.cells if c.rule.pk == rule.pk}
    assert with_cells == {world[k].pk for k in ("root", "town_a", "town_b")}


def test_local_rules_apply_only_in_their_subtree(world):
    rule = local_rule(world, "town_a", "study_session", name="A镇集中学习")
    matrix = compliance.compute(world["root"], JAN, JAN, today=AFTER_2024)
    with_cells = {c.organization_id for c in matrix.cells if c.rule.pk == rule.pk}
    assert with_cells == {world["a1"].pk, world["a2"].pk}
    # Computed from below the owner the rule still applies; from the other township it is not listed.
    assert rule in compliance.compute(world["a1"], JAN, JAN, today=AFTER_2024).rules
    assert rule not in compliance.compute(world["town_b"], JAN, JAN, today=AFTER_2024).rules


def test_unit_category_limits_a_rule(world):
    rule = local_rule(world, "root", "study_session", unit_categories=["community"])
    matrix = compliance.compute(world["root"], JAN, JAN, today=AFTER_2024)
    assert {c.organization_id for c in matrix.cells if c.rule.pk == rule.pk} == {world["a2"].pk}


# The records change the verdicts at once ------------------------------------------------------------


def test_a_late_record_turns_a_miss_into_met(world):
    rule = national("theme_day")
    assert verdicts(compliance.compute(world["b1"], JAN, JAN, today=AFTER_2024), world["b1"], rule) == [
        ("2024年1月", Verdict.MISSED)
    ]
    hold(world["b1"], "theme_day", date(2024, 1, 25))  # recorded a year late
    assert verdicts(compliance.compute(world["b1"], JAN, JAN, today=AFTER_2024), world["b1"], rule) == [
        ("2024年1月", Verdict.MET)
    ]


def test_a_cancelled_activity_stops_counting(world):
    rule = national("theme_day")
    activity = hold(world["b1"], "theme_day", date(2024, 1, 25))
    do_cancel_activity(activity, reason="重复登记", acting_user=None)

    matrix = compliance.compute(world["b1"], JAN, JAN, today=AFTER_2024)

    cell = cell_of(matrix, world["b1"], rule, JAN)
    assert (cell.verdict, cell.held, cell.reason) == (Verdict.MISSED, 0, "未开展")


def test_a_failed_spot_check_stops_counting_and_says_so(world):
    rule = national("theme_day")
    activity = hold(world["a1"], "theme_day", date(2024, 1, 25))
    do_record_spot_check(
        activity, result="failed", comment="会议记录与签到表不符", acting_user=world.users["town_a_admin"]
    )

    matrix = compliance.compute(world["a1"], JAN, JAN, today=AFTER_2024)

    cell = cell_of(matrix, world["a1"], rule, JAN)
    assert (cell.verdict, cell.held, cell.counted, cell.failed_check) == (Verdict.MISSED, 1, 0, 1)
    assert cell.reason == "开展1次，计入0次，少于规定的1次：1次抽查不合格"


def test_a_passed_spot_check_changes_nothing(world):
    activity = hold(world["a1"], "theme_day", date(2024, 1, 25))
    do_record_spot_check(activity, result="passed", comment="", acting_user=world.users["town_a_admin"])
    matrix = compliance.compute(world["a1"], JAN, JAN, today=AFTER_2024)
    assert cell_of(matrix, world["a1"], national("theme_day"), JAN).verdict == Verdict.MET


def test_the_latest_spot_check_wins(world):
    """Failed, put right, checked again and passed: it counts again (and the other way round)."""
    rule, admin = national("theme_day"), world.users["town_a_admin"]
    fixed = hold(world["a1"], "theme_day", date(2024, 1, 25))
    broken = hold(world["a2"], "theme_day", date(2024, 1, 25))
    do_record_spot_check(fixed, result="failed", comment="缺会议记录", acting_user=admin)
    do_record_spot_check(broken, result="passed", comment="", acting_user=admin)
    do_record_spot_check(fixed, result="passed", comment="已补齐会议记录", acting_user=admin)
    do_record_spot_check(broken, result="failed", comment="复查发现签到表不符", acting_user=admin)

    matrix = compliance.compute(world["town_a"], JAN, JAN, today=AFTER_2024)

    fixed_cell, broken_cell = cell_of(matrix, world["a1"], rule, JAN), cell_of(matrix, world["a2"], rule, JAN)
    assert (fixed_cell.verdict, fixed_cell.failed_check) == (Verdict.MET, 0)
    assert (broken_cell.verdict, broken_cell.failed_check) == (Verdict.MISSED, 1)
    assert [reasons for _, reasons in compliance.evidence(world["a2"], rule, broken_cell.window)] == [
        ["抽查不合格"]
    ]
    assert set(Activity.objects.counted().filter(pk__in=[fixed.pk, broken.pk])) == {fixed}


def test_matrix_totals_and_lookup_agree_with_its_cells(world):
    hold(world["a1"], "theme_day", date(2024, 1, 2))
    matrix = compliance.compute(world["root"], JAN, MAR, today=date(2024, 2, 10))
    counted = dict.fromkeys(Verdict.values, 0)
    for cell in matrix.cells:
        counted[cell.verdict] += 1
        assert matrix.cell(cell.organization_id, cell.rule.pk, cell.window.start) == cell
    assert matrix.totals() == counted and len(matrix) == len(matrix.cells)
    assert counted[Verdict.MET] and counted[Verdict.MISSED] and counted[Verdict.OPEN]
    assert matrix.cell(world["a1"].pk, national("theme_day").pk, date(2023, 12, 1)) is None


def test_a_dissolved_branch_keeps_its_past_and_is_not_asked_after(world):
    from dangjian.organizations.services import do_dissolve_organization

    hold(world["b1"], "theme_day", date(2024, 1, 5))
    world["zhao"].status = "transferred_out"  # a roster with nobody left, the precondition of 撤销
    world["zhao"].status_changed_on = date(2024, 2, 1)
    world["zhao"].save()
    do_dissolve_organization(world["b1"], dissolved_on=date(2024, 2, 10), reason="村合并", acting_user=None)

    matrix = compliance.compute(world["root"], JAN, MAR, today=AFTER_2024)

    assert verdicts(matrix, world["b1"], national("theme_day")) == [
        ("2024年1月", Verdict.MET),
        ("2024年2月", Verdict.NOT_APPLICABLE),
        ("2024年3月", Verdict.NOT_APPLICABLE),
    ]
    later = compliance.compute(world["root"], APR, APR, today=AFTER_2024)
    assert world["b1"].pk not in {org.pk for org in later.organizations}


# Evidence and totals --------------------------------------------------------------------------------


def test_evidence_lists_each_activity_with_why_it_does_not_count(world, first_of_month):
    on_time = hold(world["a1"], "theme_day", date(2024, 2, 2))
    late = hold(world["a1"], "theme_day", date(2024, 2, 20))
    cancelled = hold(world["a1"], "theme_day", date(2024, 2, 1))
    do_cancel_activity(cancelled, reason="误录", acting_user=None)
    window = compliance.windows("month", FEB, FEB)[0]

    rows = compliance.evidence(world["a1"], first_of_month, window)

    assert [(a.pk, reasons) for a, reasons in rows] == [
        (on_time.pk, []),
        (late.pk, ["未在规定日（每月1日前后2天内）开展"]),
    ]
    cell = cell_of(
        compliance.compute(world["a1"], FEB, FEB, today=AFTER_2024), world["a1"], first_of_month, FEB
    )
    assert (cell.held, cell.counted) == (len(rows), sum(not reasons for _, reasons in rows))


def test_totals_count_every_cell(world):
    matrix = compliance.compute(world["a1"], JAN, JAN, today=AFTER_2024)
    # A1: the five national branch rules with a window covering January (it has no committee); its
    # 党小组: the monthly group meeting.
    assert len(matrix.cells) == 6
    assert matrix.totals() == {"met": 0, "missed": 6, "open": 0, "not_applicable": 0}
    by_organization = matrix.by_organization()
    assert {org: len(cells) for org, cells in by_organization.items()} == {
        world["a1"].pk: 5,
        world["a1_group"].pk: 1,
    }


# Queries --------------------------------------------------------------------------------------------


def grow(world, count: int) -> None:
    """`count` more branches (each with a 党小组 and a few activities) under the two townships."""
    for n in range(count):
        town = world["town_a"] if n % 2 else world["town_b"]
        branch = do_create_organization(
            parent=town, acting_user=None, code=f"{town.code}-9{n:02d}", name=f"新支部{n}", kind="branch"
        )
        do_create_organization(
            parent=branch, acting_user=None, code=f"{branch.code}-G1", name=f"新小组{n}", kind="party_group"
        )
        for month in (1, 2):
            hold(branch, "theme_day", date(2024, month, 1 + n))
        hold(branch, "general_meeting", date(2024, 3, 3))


def test_compute_issues_the_same_queries_for_a_larger_tree(world, first_of_month):
    hold(world["a1"], "theme_day", date(2024, 1, 2))
    with CaptureQueriesContext(connection) as small:
        small_matrix = compliance.compute(world["root"], JAN, DEC, today=AFTER_2024)
    grow(world, 8)
    with CaptureQueriesContext(connection) as large:
        large_matrix = compliance.compute(world["root"], JAN, DEC, today=AFTER_2024)

    assert len(large_matrix.organizations) == len(small_matrix.organizations) + 16
    # Organizations, rules, one grouped query over the activities of every rule's type, and the
    # activities whose latest spot check failed.
    assert len(small) == len(large) == 4


# Per-member quotas (a measure registered by another app) ------------------------------------------


@pytest.fixture
def hours_measure(monkeypatch):
    """A stand-in for the study app's 学时: A1 has two members, one reached the quota; A2 has none."""
    calls = []

    def count(path, first, last, rule, memo):
        calls.append((path, first, last, rule.min_count))
        return {ORGS["a1"]: (1, 2), ORGS["a2"]: (0, 0)}

    ORGS = {}
    monkeypatch.setitem(compliance.MEASURES, "study_hours", compliance.Measure("study_hours", "学时", count))
    return ORGS, calls


def test_a_per_member_quota_is_met_only_when_every_member_reached_it(world, hours_measure):
    orgs, calls = hours_measure
    orgs.update(a1=world["a1"].pk, a2=world["a2"].pk)
    rule = do_create_rule(
        acting_user=None,
        owner=world["town_a"],
        name="党员每年学习不少于32学时",
        activity_type=ActivityType.objects.get(code="study_session"),
        organization_kinds=["branch"],
        measure="study_hours",
        period="year",
        min_count=32,
        valid_from=date(2024, 1, 1),
        source="全国党员教育培训工作规划",
    )
    matrix = compliance.compute(world["town_a"], JAN, DEC, today=AFTER_2024)

    a1, a2 = cell_of(matrix, world["a1"], rule, JAN), cell_of(matrix, world["a2"], rule, JAN)
    assert (a1.verdict, a1.counted, a1.held, a1.reason) == (Verdict.MISSED, 1, 2, "2名党员中1名未达到32学时")
    assert (a2.verdict, a2.reason) == (Verdict.NOT_APPLICABLE, "无适用的党员")
    assert calls == [(world["town_a"].path, date(2024, 1, 1), date(2024, 12, 31), 32)]
    open_year = compliance.compute(world["town_a"], JAN, DEC, today=date(2024, 6, 30))
    assert cell_of(open_year, world["a1"], rule, JAN).verdict == Verdict.OPEN
    assert calls[-1][2] == date(2024, 6, 30)  # counted up to today, not beyond


def test_a_per_member_quota_needs_its_measure_and_no_fixed_day(world, monkeypatch):
    monkeypatch.delitem(compliance.MEASURES, "study_hours", raising=False)  # as if the study app were absent
    fields = {
        "acting_user": None,
        "owner": world["town_a"],
        "name": "学时",
        "activity_type": ActivityType.objects.get(code="study_session"),
        "organization_kinds": ["branch"],
        "period": "year",
        "min_count": 32,
        "valid_from": date(2024, 1, 1),
        "source": "测试",
    }
    with pytest.raises(ValidationError) as raised:
        do_create_rule(measure="study_hours", **fields)  # no app registered it here
    assert raised.value.message_dict == {"measure": ["该计量方式尚未启用（相应的学习模块未安装）。"]}
    with pytest.raises(ValidationError) as raised:
        do_create_rule(measure="activities", member_scope="leaders", **fields)
    assert raised.value.message_dict == {"member_scope": ["只有按每名党员计量的制度才能限定适用党员。"]}
