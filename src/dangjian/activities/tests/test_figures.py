"""Figures of organizational life: per type and 三会一课, the period's edges, the subtree, cancelled and
spot-check-failed activities left out, attendance person-times, and the compliance engine's rate."""

from datetime import date
from decimal import Decimal

import pytest

from dangjian.activities import compliance
from dangjian.activities.models import ActivityType, Attendance
from dangjian.activities.services import do_cancel_activity, do_record_activity, do_record_spot_check
from dangjian.core.figures import Period, figure_keys, get_figure

pytestmark = pytest.mark.django_db

Y2025 = Period.year(2025)


def hold(world, org, code, day, **extra):
    kind = ActivityType.objects.get(code=code)
    return do_record_activity(
        acting_user=None, organization=world[org], activity_type=kind, held_on=day, theme="学习", **extra
    )


def value(key, org, period=Y2025):
    return get_figure(key).value(org, period)


@pytest.fixture
def year(world):
    """A1: theme days on the year's first and last day, one just outside each edge, a lesson, a
    cancelled and a failed meeting; A2: a branch meeting with one absence; B1: a theme day."""
    made = {
        "first": hold(world, "a1", "theme_day", date(2025, 1, 1)),
        "last": hold(world, "a1", "theme_day", date(2025, 12, 31)),
        "before": hold(world, "a1", "theme_day", date(2024, 12, 31)),
        "after": hold(world, "a1", "theme_day", date(2026, 1, 1)),
        "lesson": hold(world, "a1", "party_lesson", date(2025, 3, 5)),
        "cancelled": hold(world, "a1", "general_meeting", date(2025, 4, 5)),
        "failed": hold(world, "a1", "general_meeting", date(2025, 5, 5)),
        "a2": hold(world, "a2", "general_meeting", date(2025, 6, 5), absent={world["wang"].pk: "sick"}),
        "b1": hold(world, "b1", "theme_day", date(2025, 7, 1)),
        "group": hold(world, "a1_group", "group_meeting", date(2025, 8, 1)),
    }
    do_cancel_activity(made["cancelled"], reason="录入错误", acting_user=None)
    do_record_spot_check(
        made["failed"], result="failed", comment="记录不实", acting_user=world.users["town_a_admin"]
    )
    return made


def test_counts_by_type_and_edges(world, year):
    theme_days = get_figure("activities.theme_day.count").records(world["a1"], Y2025)
    assert set(theme_days) == {year["first"], year["last"]}
    assert value("activities.theme_day.count", world["root"]) == 3
    assert value("activities.theme_day.count", world["town_a"]) == 2
    assert value("activities.general_meeting.count", world["town_a"]) == 1  # A2's; cancelled, failed not
    assert value("activities.group_meeting.count", world["a1"]) == 1  # the 党小组's, under its branch
    assert value("activities.three_meetings_one_lesson.count", world["town_a"]) == 3
    assert value("activities.count", world["root"]) == 6
    assert value("activities.count", world["town_b"]) == 1


def test_attendance_person_times(world, year):
    activities = get_figure("activities.attendance.person_times").records(world["root"], Y2025)
    present = Attendance.objects.filter(activity__in=activities.values("pk"), present=True).count()
    assert sum(activity.present_count for activity in activities) == present
    # A2's meeting: 王五 absent, nobody else on A2's 2025 roster.
    assert value("activities.attendance.person_times", world["a2"]) == 0
    expected = sum(
        activity.present_count
        for key, activity in year.items()
        if key in ("first", "last", "lesson", "a2", "b1", "group")
    )
    assert value("activities.attendance.person_times", world["root"]) == expected > 0


def test_compliance_rate_is_the_engines(world, year):
    totals = compliance.compute(world["a1"], Y2025.start, Y2025.end).totals()
    met, missed = totals["met"], totals["missed"]
    expected = (Decimal(met) * 100 / (met + missed)).quantize(Decimal("0.01"))
    assert value("activities.compliance_rate", world["a1"]) == expected
    assert get_figure("activities.compliance_rate").measure == "rate"
    assert get_figure("activities.compliance_rate").url(world["a1"], Y2025).endswith("?year=2025")


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "a2", "b1"])
def test_values_are_what_the_records_list(world, year, org, django_assert_max_num_queries):
    for key in figure_keys("activities."):
        figure = get_figure(key)
        if figure.measure not in ("count", "sum"):
            continue
        with django_assert_max_num_queries(1):
            found = figure.value(world[org], Y2025)
        assert found == figure.recount(world[org], Y2025), key
