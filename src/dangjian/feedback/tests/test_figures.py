"""意见建议 figures against `stats.feedback_stats` on the year of test_stats: received, answered in
time, overdue at the end of the year, the in-time rate, the edges and the subtree."""

from datetime import date
from decimal import Decimal

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.feedback.stats import feedback_stats

from .factories import submit
from .test_stats import TODAY, YEAR, make_year

pytestmark = pytest.mark.django_db

Y2025 = Period(*YEAR)


def value(key, org, period=Y2025):
    return get_figure(key).value(org, period)


def test_figures_match_the_statistics_page(world):
    make_year(world)
    submit(world, "a1", on=date(2024, 12, 31), subject="去年的")
    submit(world, "a1", on=date(2026, 1, 1), subject="明年的")
    for org in ("root", "town_a", "b1"):
        total = feedback_stats(world[org], *YEAR, today=TODAY).total
        assert value("feedback.received", world[org]) == total.received
        assert value("feedback.answered_in_time", world[org]) == total.answered_in_time
        assert value("feedback.overdue", world[org]) == total.overdue
        assert value("feedback.answered_in_time_rate", world[org]) == total.in_time_rate
    assert value("feedback.received", world["town_a"]) == 4
    assert value("feedback.answered_in_time_rate", world["town_a"]) == Decimal("33.3")
    assert value("feedback.received", world["town_b"]) == 1


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, org, django_assert_max_num_queries):
    make_year(world)
    for key in figure_keys("feedback."):
        figure = get_figure(key)
        with django_assert_max_num_queries(1):
            found = figure.value(world[org], Y2025)
        if figure.measure == "count":
            assert found == figure.recount(world[org], Y2025), key
