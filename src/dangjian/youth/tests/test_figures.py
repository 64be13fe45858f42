"""推优 figures: recommendations to the subtree's organizations in the period, and those taken up."""

from datetime import date

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure

pytestmark = pytest.mark.django_db

Y2025 = Period.year(2025)


def test_recommendations(world, recommend, django_assert_max_num_queries):
    recommend(name="甲")
    recommend(name="乙", recommended_on=date(2025, 12, 31))
    recommend(name="丙", recommended_on=date(2026, 1, 1))
    figure = get_figure("youth.recommendations.count")
    assert set(figure.records(world["root"], Y2025).values_list("name", flat=True)) == {"甲", "乙"}
    assert figure.value(world["town_b"], Y2025) == 0
    assert get_figure("youth.recommendations.accepted").value(world["root"], Y2025) == 0
    for key in figure_keys("youth."):
        for org in ("root", "a1", "b1"):
            with django_assert_max_num_queries(1):
                found = get_figure(key).value(world[org], Y2025)
            assert found == get_figure(key).recount(world[org], Y2025)
