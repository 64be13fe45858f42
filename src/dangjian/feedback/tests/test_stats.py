"""Counts: answered in time by the working-day deadline, overdue, satisfaction; equal to a naive count."""

from datetime import date
from decimal import Decimal

import pytest

from dangjian.feedback import services
from dangjian.feedback.models import Feedback
from dangjian.feedback.stats import feedback_stats
from dangjian.targets.sources import SOURCES

from .factories import appoint, submit

pytestmark = pytest.mark.django_db
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TODAY = date(2025, 12, 31)


def make_year(world):
    """A1: 4 items (due 2025-10-23), one answered on the due date, one a day late, one overdue, one
    anonymous not due yet on a December submission; B1: one item answered in time."""
    a = [submit(world, "a1", on=date(2025, 9, 26), subject=f"事项{i}") for i in range(3)]
    late_year = submit(world, "a1", on=date(2025, 12, 29), category="other")
    observer = appoint(world, observed=("root",))
    b = submit(
        world, "b1", channel="observer", observer=observer, acting_user=world["nobody"], on=date(2025, 9, 26)
    )
    reply = services.do_reply_feedback
    reply(a[0], acting_user=None, text="已办", answered_on=date(2025, 10, 23))
    reply(a[1], acting_user=None, text="已办", answered_on=date(2025, 10, 24))
    reply(b, acting_user=None, text="已办", answered_on=date(2025, 10, 9))
    services.do_rate_reply(a[0], acting_user=None, satisfaction="satisfied")
    services.do_rate_reply(a[1], acting_user=None, satisfaction="unsatisfied")
    services.do_rate_reply(b, acting_user=world["nobody"], satisfaction="basic")
    return a, late_year, b


def test_in_time_overdue_and_satisfaction(world):
    make_year(world)
    town_a = feedback_stats(world["town_a"], *YEAR, today=TODAY).total
    assert (town_a.received, town_a.answered, town_a.answered_in_time, town_a.answered_late) == (4, 2, 1, 1)
    assert town_a.overdue == 1  # the December item is not due yet on 2025-12-31
    assert town_a.in_time_rate == Decimal("33.3")  # 1 ÷ (2 answered + 1 overdue)
    assert (town_a.satisfied, town_a.unsatisfied, town_a.rated) == (1, 1, 2)
    assert town_a.satisfaction_rate == Decimal("50.0") and town_a.strict_satisfaction_rate == Decimal("50.0")
    county = feedback_stats(world["root"], *YEAR, today=TODAY)
    assert county.total.received == 5 and county.total.satisfaction_rate == Decimal("66.7")
    assert county.total.strict_satisfaction_rate == Decimal("33.3")
    assert [row.label for row in county.by_organization] == ["A1村党支部", "B1村党支部"]
    assert {row.label: row.received for row in county.by_channel} == {"观察员提交": 1, "群众匿名提交": 4}


def test_stats_equal_a_naive_count(world):
    make_year(world)
    stats = feedback_stats(world["root"], *YEAR, today=TODAY)
    items = list(Feedback.objects.filter(submitted_on__range=YEAR))
    assert stats.total.received == len(items)
    assert stats.total.answered == sum(1 for f in items if f.answered_on)
    assert stats.total.answered_in_time == sum(
        1 for f in items if f.answered_on and f.answered_on <= f.due_on
    )
    assert stats.total.overdue == sum(1 for f in items if f.is_overdue(TODAY))
    assert stats.total.satisfied == sum(1 for f in items if f.satisfaction == "satisfied")
    for row in stats.by_organization:
        assert row.received == sum(1 for f in items if f.organization.name == row.label)


def test_registered_as_computed_sources(world):
    make_year(world)
    assert SOURCES["feedback.received"].value(world["town_a"], 2025) == Decimal("4.00")
    assert SOURCES["feedback.answered_in_time_rate"].value(world["root"], 2025) is not None
    assert SOURCES["feedback.satisfaction_rate"].value(world["b1"], 2025) == Decimal("100.00")


def test_the_organization_page_warns_of_overdue_feedback(world):
    from dangjian.core.registry import organization_warnings

    make_year(world)
    warnings = [message for check in organization_warnings for message in check(world["a1"])]
    assert "意见建议2条已超过答复期限仍未答复。" in warnings  # as of the real today
    assert not [m for check in organization_warnings for m in check(world["b1"]) if "意见建议" in m]
