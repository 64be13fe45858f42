"""The seeded year of organizational life: deterministic, consistent with the roster, with the demo's gaps."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from dangjian.activities.choices import Verdict
from dangjian.activities.compliance import compute
from dangjian.activities.models import Activity, Attendance, Rule
from dangjian.activities.services import expected_members
from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization
from dangjian.seeding.activities import DemoGaps, add_months, first_town, month_start, plan_life, quarter_of
from dangjian.seeding.builders import county_plan, rng_for
from dangjian.seeding.writer import ACTIVITY_FIELDS, ATTENDANCE_FIELDS


def _life(seed: int, today):
    plan = county_plan("demo", seed, today)
    rng = rng_for(seed, f"life:{plan.root.code}")
    town = first_town(plan.root)
    return plan_life(plan.root.walk(), rng, today, fixed_day_town=town, demo_root=plan.root)


def _facts(life):
    return [
        (
            a.org.code,
            a.type_code,
            a.held_on,
            a.theme,
            a.place,
            a.start_time,
            [p.id_number for p in a.expected],
            sorted(a.absent.items()),
        )
        for a in life.activities
    ], life.gaps


def test_the_same_seed_gives_the_same_year_and_another_seed_another():
    today = timezone.localdate()
    first, again, other = _life(2026, today), _life(2026, today), _life(7, today)
    assert _facts(first) == _facts(again)
    assert _facts(first)[0] != _facts(other)[0]
    assert len(first.gaps) == 10
    assert all(
        today - a.held_on < timezone.timedelta(days=366) and a.held_on <= today for a in first.activities
    )


def _seed() -> str:
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_year_is_recorded_with_consistent_attendance():
    output = _seed()

    activities = Activity.objects.annotate(
        rows=Count("attendance"), present=Count("attendance", filter=Q(attendance__present=True))
    )
    assert 1500 <= activities.count() <= 3000
    for activity in activities:
        assert (activity.expected_count, activity.present_count) == (activity.rows, activity.present)
        expected_rate = (
            (Decimal(activity.present) / activity.rows).quantize(Decimal("0.0001")) if activity.rows else None
        )
        assert activity.attendance_rate == expected_rate
    totals = Activity.objects.aggregate(expected=Count("attendance"))
    present = Attendance.objects.filter(present=True).count()
    assert 0.85 <= present / totals["expected"] <= 0.95
    reasons = Counter(Attendance.objects.filter(present=False).values_list("absence_reason", flat=True))
    assert set(reasons) == {"sick", "personal", "official", "other"}
    assert not Attendance.objects.filter(present=True).exclude(absence_reason="").exists()
    types = set(Activity.objects.values_list("activity_type__code", flat=True))
    assert {"theme_day", "committee_meeting", "general_meeting", "party_lesson", "group_meeting"} <= types
    assert {"life_meeting", "member_review", "leadership_life_meeting", "study_session"} <= types
    # Hosts are the branch secretaries (a 党小组's leader); themes and places are filled in.
    assert Activity.objects.filter(host__isnull=False).count() > 0.9 * Activity.objects.count()
    assert not Activity.objects.filter(Q(theme="") | Q(place="")).exists()
    # A committee is in office for every 支委会 of the year, also before a recent 换届 (posts re-elected).
    assert not Activity.objects.filter(activity_type__code="committee_meeting", expected_count=0).exists()
    event = AuditEvent.objects.get(action="import")
    assert "组织生活" in event.message
    assert "供“组织生活合规”演示的缺漏" in output


@pytest.mark.django_db
def test_attendance_lists_are_the_roster_on_the_day():
    _seed()

    activities = Activity.objects.select_related("organization", "activity_type").order_by("id")
    for activity in activities[::10]:  # a tenth of them: one query each
        expected = expected_members(activity.organization, activity.activity_type, activity.held_on)
        listed = set(activity.attendance.values_list("member_id", flat=True))
        assert listed == set(expected.values_list("pk", flat=True)), activity


def _cell(matrix, org_code: str, rule_name: str, start):
    organization = Organization.objects.get(code=org_code)
    cell = next(
        (
            c
            for c in matrix.cells
            if c.organization_id == organization.pk and c.rule.name == rule_name and c.window.start == start
        ),
        None,
    )
    assert cell is not None, (org_code, rule_name, start)
    return cell


@pytest.mark.django_db
def test_demo_year_holds_the_deliberate_gaps_and_realistic_misses():
    _seed()
    today = timezone.localdate()
    plan = county_plan("demo", 2026, today)
    gaps = DemoGaps(plan.root, first_town(plan.root), today)
    root = Organization.objects.get(depth=1)
    matrix = compute(root, add_months(month_start(today), -11), today, today=today)
    town_rule = Rule.objects.get(owner__code=gaps.town.code).name
    year = today.year - 1

    def verdict(node, rule, start):
        return _cell(matrix, node.code, rule, start).verdict

    quarter = quarter_of(today)[0]
    assert verdict(gaps.village, "党课每季度至少1次", quarter) == Verdict.OPEN
    if gaps.village.has_committee:
        assert verdict(gaps.village, "支部委员会会议每月至少召开1次", month_start(today)) == Verdict.OPEN
    theme = "每月开展1次主题党日"
    missed = _cell(matrix, gaps.missed_theme.code, theme, gaps.month(3))
    assert (missed.verdict, missed.held) == (Verdict.MISSED, 0)
    for back in (8, 7):
        assert verdict(gaps.office, "支部委员会会议每月至少召开1次", gaps.month(back)) == Verdict.MISSED
    assert (
        verdict(gaps.school, "支部党员大会每季度至少召开1次", quarter_of(gaps.month(6))[0]) == Verdict.MISSED
    )
    for rule in ("组织生活会每年至少召开1次", "民主评议党员每年1次"):
        assert verdict(gaps.no_life, rule, timezone.datetime(year, 1, 1).date()) == Verdict.MISSED
    late = "组织生活会每年至少召开1次"
    assert verdict(gaps.late_life, late, timezone.datetime(year, 1, 1).date()) == Verdict.MISSED
    assert verdict(gaps.late_life, late, timezone.datetime(year + 1, 1, 1).date()) == Verdict.MET
    assert verdict(gaps.group, "党小组会每月至少召开1次", gaps.month(4)) == Verdict.MISSED
    wrong = _cell(matrix, gaps.wrong_day.code, town_rule, gaps.month(1))
    assert (wrong.verdict, wrong.wrong_day) == (Verdict.MISSED, 1)
    assert verdict(gaps.wrong_day, theme, gaps.month(1)) == Verdict.MET
    for back in (10, 7, 5, 2):
        assert verdict(gaps.behind, theme, gaps.month(back)) == Verdict.MISSED
    checked = _cell(matrix, gaps.checked.code, theme, gaps.month(2))
    assert (checked.verdict, checked.failed_check) == (Verdict.MISSED, 1)
    # Besides the planted gaps: about 5–10 % of the required meetings of finished periods are missing.
    closed = Counter(c.verdict for c in matrix.cells if c.window.end < today)
    share = closed[Verdict.MISSED] / (closed[Verdict.MISSED] + closed[Verdict.MET])
    assert 0.03 <= share <= 0.12, closed
    assert Counter(c.verdict for c in matrix.cells)[Verdict.OPEN] > 0


def test_the_row_writer_fills_every_required_column():
    """Activities and attendance are written as plain rows: a new NOT NULL field must be added there too."""
    for model, names in ((Activity, ACTIVITY_FIELDS), (Attendance, ATTENDANCE_FIELDS)):
        required = {f.name for f in model._meta.concrete_fields if not f.null and not f.primary_key}
        assert required <= set(names), model


@pytest.mark.django_db
def test_demo_county_adopts_the_study_hour_quotas_and_compliance_judges_them():
    _seed()
    quotas = {rule.min_count: rule for rule in Rule.objects.filter(measure="study_hours")}
    assert set(quotas) == {32, 56} and quotas[56].member_scope == "leaders"
    root = Organization.objects.get(depth=1)
    today = timezone.localdate()
    matrix = compute(root, today, today, today=today)
    cells = [c for c in matrix.cells if c.rule.pk == quotas[32].pk]
    assert cells and all(c.held > 0 for c in cells if c.verdict != Verdict.NOT_APPLICABLE)
    # Counted from the seeded study records: the demo's members have fewer than 32 学时 so far.
    assert {c.verdict for c in cells} <= {Verdict.OPEN, Verdict.MET, Verdict.NOT_APPLICABLE}
    assert any("名未达到32学时" in c.reason for c in cells)
