"""Exam figures: exams held by the subtree, and its members who sat and passed (once per exam however
many attempts), the period's edges by the opening date, a cancelled exam, and the pass rate."""

import datetime
from decimal import Decimal

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.exams import services

from .factories import T0, correct_responses, make_bank, make_exam, make_paper

pytestmark = pytest.mark.django_db

MARCH = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


def value(key, org, period=MARCH):
    return get_figure(key).value(org, period)


def sit(exam, member, *, right: bool, at):
    attempt = services.do_start_attempt(exam, member=member, acting_user=None, now=at)
    responses = correct_responses(attempt) if right else {}
    return services.do_submit_attempt(
        attempt, responses, acting_user=None, now=at + datetime.timedelta(minutes=5)
    )


@pytest.fixture
def exams(world):
    """The county's exam of 2 March: 张三丰 passes at the second attempt, 王五 fails, 赵六 passes;
    A镇党委's exam of 1 April (outside March) and a cancelled one in March."""
    paper = make_paper(world, make_bank(world, org="root"), org="root")
    county = make_exam(world, paper, org="root", attempts_allowed=2)
    at = T0 + datetime.timedelta(hours=1)
    sit(county, world["zhang"], right=False, at=at)
    sit(county, world["zhang"], right=True, at=at + datetime.timedelta(hours=1))
    sit(county, world["wang"], right=False, at=at)
    sit(county, world["zhao"], right=True, at=at)
    make_exam(world, paper, org="town_a", opens=datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC))
    cancelled = make_exam(world, paper, org="town_a", opens=T0 + datetime.timedelta(days=1))
    services.do_cancel_exam(cancelled, acting_user=None, reason="安排调整")
    return county


def test_takers_count_where_they_belong(world, exams):
    assert value("exams.count", world["root"]) == 1  # the April one is outside, the cancelled one out
    assert value("exams.count", world["town_a"]) == 0  # the county set it
    assert value("exams.person_times", world["root"]) == 3
    assert value("exams.person_times", world["town_a"]) == 2
    assert value("exams.passed", world["town_a"]) == 1  # 张三丰 once, though he sat twice
    assert value("exams.pass_rate", world["town_a"]) == Decimal("50.00")
    assert value("exams.pass_rate", world["b1"]) == Decimal("100.00")
    assert value("exams.person_times", world["root"], Period.year(2025)) == 0


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, exams, org, django_assert_max_num_queries):
    for key in figure_keys("exams."):
        figure = get_figure(key)
        with django_assert_max_num_queries(2):
            found = figure.value(world[org], MARCH)
        if figure.measure == "count":
            assert found == figure.recount(world[org], MARCH), key
