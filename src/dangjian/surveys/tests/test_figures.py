"""测评 figures: surveys rating the subtree's organizations that close in the period, groups under five
respondents left out, and the satisfaction rate of those counted (满意＋基本满意)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.core.figures import Period, figure_keys, get_figure

from .factories import answers, make_survey, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return Period.year((timezone.localdate() + timezone.timedelta(days=10)).year)


@pytest.fixture
def surveys(world):
    """A1 rated by five (3 满意, 1 基本满意, 1 不满意); B1 by four only (suppressed)."""
    a1 = make_survey(world["town_a"], target_organization=world["a1"], title="A1群众满意度测评")
    respond(a1, [answers(a1, "satisfied")] * 3 + [answers(a1, "basic"), answers(a1, "unsatisfied")])
    b1 = make_survey(world["town_b"], target_organization=world["b1"], title="B1群众满意度测评")
    respond(b1, [answers(b1, "satisfied")] * 4)
    return a1, b1


def test_satisfaction_rate(world, surveys, period):
    assert get_figure("surveys.satisfaction_rate").value(world["root"], period) == Decimal("80.0")
    assert get_figure("surveys.satisfaction_rate").value(world["town_b"], period) is None  # only 4 rated B1
    assert get_figure("surveys.count").value(world["root"], period) == 1
    assert list(get_figure("surveys.count").records(world["root"], period)) == [surveys[0]]
    assert get_figure("surveys.count").value(world["root"], Period.year(2020)) == 0


def test_values_are_what_the_records_list(world, surveys, period, django_assert_max_num_queries):
    for key in figure_keys("surveys."):
        figure = get_figure(key)
        with django_assert_max_num_queries(4):
            found = figure.value(world["root"], period)
        if figure.measure == "count":
            assert found == figure.recount(world["root"], period), key
