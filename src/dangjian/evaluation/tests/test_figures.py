"""考核评价 figures: units in published assessments of the period's years and those in the rubric's top
band (五好), by the assessed unit's subtree; an assessment still being scored counts nowhere."""

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db

Y2025 = Period.year(2025)


def value(key, org, period=Y2025):
    return get_figure(key).value(org, period)


@pytest.fixture
def published(world):
    rubric = make_rubric(world)
    # 60 + 20 + 20 = 100 → 五好; 40 + 20 + 20 = 80 → 合格.
    assessment = finished(world, rubric, {"A1村党支部": 60, "A2社区党支部": 40, "B1村党支部": 60})
    make_assessment(world, rubric, year=2025, units=("a1",))  # not published: not counted
    return assessment


def test_units_and_top_band(world, published):
    names = set(
        get_figure("evaluation.units.top_rated")
        .records(world["root"], Y2025)
        .values_list("organization__name", flat=True)
    )
    assert names == {"A1村党支部", "B1村党支部"}
    assert value("evaluation.units.assessed", world["root"]) == 3
    assert value("evaluation.units.assessed", world["town_a"]) == 2
    assert value("evaluation.units.top_rated", world["town_a"]) == 1
    assert value("evaluation.units.top_rated", world["a2"]) == 0
    assert value("evaluation.units.assessed", world["root"], Period.year(2026)) == 0


@pytest.mark.parametrize("org", ["root", "town_a", "a1"])
def test_values_are_what_the_records_list(world, published, org, django_assert_max_num_queries):
    for key in figure_keys("evaluation."):
        figure = get_figure(key)
        with django_assert_max_num_queries(1):
            found = figure.value(world[org], Y2025)
        assert found == figure.recount(world[org], Y2025), key
