"""目标责任 figures: targets of the subtree for the period's years, issued (not drafts), evaluated."""

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure

from .factories import YEAR, make_target

pytestmark = pytest.mark.django_db


def test_targets(world, django_assert_max_num_queries):
    make_target(world, "town_a", by="root")
    make_target(world, "town_b", by="root", issue=False)  # a draft
    make_target(world, "town_a", by="root", year=YEAR + 1)
    period = Period.year(YEAR)
    assert get_figure("targets.issued").value(world["root"], period) == 1
    assert get_figure("targets.issued").value(world["town_b"], period) == 0
    assert get_figure("targets.evaluated").value(world["root"], period) == 0
    assert get_figure("targets.issued").value(world["root"], Period.year(YEAR + 1)) == 1
    for key in figure_keys("targets."):
        for org in ("root", "town_a", "b1"):
            with django_assert_max_num_queries(1):
                found = get_figure(key).value(world[org], period)
            assert found == get_figure(key).recount(world[org], period)
