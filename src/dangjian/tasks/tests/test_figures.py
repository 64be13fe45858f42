"""交办督办 figures: issued, received, done, overdue and the on-time rate read at period.end, the
period's edges (by the issue date) and the subtree."""

from datetime import date
from decimal import Decimal

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.tasks import services

pytestmark = pytest.mark.django_db

SEP_OCT = Period(date(2026, 9, 1), date(2026, 10, 31))


def value(key, org, period=SEP_OCT):
    return get_figure(key).value(org, period)


@pytest.fixture
def tasks(world, issue):
    """A镇党委's task of 1 September to A1 (reported done on the 20th, confirmed 5 October) and A2
    (nothing); the county's task of 31 August to B1 (outside the period)."""
    task = issue()
    copies = {copy.organization.code: copy for copy in task.assignments.all()}
    services.do_report_progress(
        copies["XW-A-01"],
        acting_user=None,
        text="已开展",
        percent=100,
        final=True,
        reported_on=date(2026, 9, 20),
    )
    services.do_confirm_assignment(copies["XW-A-01"], acting_user=None, confirmed_on=date(2026, 10, 5))
    issue(recipients=("b1",), issuer="root", issued_on=date(2026, 8, 31), deadline=date(2026, 9, 10))
    return task


def test_counts_at_the_end_of_the_period(world, tasks):
    assert value("tasks.issued", world["town_a"]) == 1
    assert value("tasks.issued", world["root"]) == 1  # the county's was issued on 31 August
    assert value("tasks.received", world["town_a"]) == 2
    assert value("tasks.received", world["town_b"]) == 0
    assert value("tasks.done", world["town_a"]) == 1
    assert set(get_figure("tasks.overdue").records(world["root"], SEP_OCT)) == {
        copy for copy in tasks.assignments.all() if copy.organization.code == "XW-A-02"
    }
    assert value("tasks.on_time_rate", world["town_a"]) == Decimal("50.00")
    assert value("tasks.on_time_rate", world["a1"]) == Decimal("100.00")
    assert value("tasks.on_time_rate", world["b1"]) is None


def test_read_back_to_an_earlier_end(world, tasks):
    before_deadline = Period(date(2026, 9, 1), date(2026, 9, 25))
    assert value("tasks.overdue", world["town_a"], before_deadline) == 0  # nothing due yet
    assert value("tasks.done", world["town_a"], before_deadline) == 0  # confirmed in October
    after_deadline = Period(date(2026, 9, 1), date(2026, 10, 1))
    # A1 reported by the deadline: waiting for the issuer is not late; A2 is.
    assert value("tasks.overdue", world["town_a"], after_deadline) == 1
    august = Period(date(2026, 8, 1), date(2026, 9, 30))
    assert value("tasks.overdue", world["b1"], august) == 1


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "a2", "b1"])
def test_values_are_what_the_records_list(world, tasks, org, django_assert_max_num_queries):
    for key in figure_keys("tasks."):
        figure = get_figure(key)
        with django_assert_max_num_queries(2):
            found = figure.value(world[org], SEP_OCT)
        if figure.measure == "count":
            assert found == figure.recount(world[org], SEP_OCT), key
