"""Study figures against the hand-built world of test_totals (and `totals.subtree_totals`, whose basis
they share): person-times, notes, characters and 学时, the period's edges and the subtree."""

from datetime import timedelta
from decimal import Decimal

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.study.totals import per_member, subtree_totals

from .test_totals import FIRST, LAST, hand_built

pytestmark = pytest.mark.django_db

WINDOW = Period(FIRST, LAST)


def value(key, org, period=WINDOW):
    return get_figure(key).value(org, period)


def test_figures_match_the_study_totals(world):
    hand_built(world)
    _, total = subtree_totals(world["root"], FIRST, LAST, [])
    assert value("study.person_times", world["root"]) == total.person_times == 6
    assert value("study.sessions.person_times", world["root"]) == total.session_person_times
    assert value("study.courses.person_times", world["root"]) == total.course_person_times
    assert value("study.notes.count", world["root"]) == total.notes == 1
    assert value("study.reflections.count", world["root"]) == total.reflections == 1
    chars = value("study.notes.chars", world["root"]) + value("study.reflections.chars", world["root"])
    assert chars == total.characters == 15
    # 学时: 张三丰 12 + 2.5 + 2, 李四 4 + 2 (as per_member counts them).
    hours = sum(row.hours for row in per_member(world["root"].path, FIRST, LAST).values())
    assert value("study.hours", world["root"]) == hours == Decimal("22.5")
    assert value("study.courses.hours", world["root"]) == Decimal("16")
    assert value("study.sessions.hours", world["root"]) == Decimal("6.5")
    assert value("study.completions.count", world["root"]) == 3  # the one 5 days before is outside
    assert value("study.courses.count", world["town_a"]) == 1


def test_edges_and_subtree(world):
    hand_built(world)
    assert value("study.person_times", world["town_b"]) == 0
    assert value("study.hours", world["b1"]) == 0
    # The session 10 days before FIRST counts once the period reaches back to it.
    earlier = Period(FIRST - timedelta(days=10), LAST)
    assert value("study.sessions.person_times", world["a1"], earlier) == 3 + 2
    late = Period(FIRST, FIRST + timedelta(days=3))  # up to the 2.5-hour session only
    assert value("study.sessions.hours", world["a1"], late) == Decimal("2.5")


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, org, django_assert_max_num_queries):
    hand_built(world)
    for key in figure_keys("study."):
        figure = get_figure(key)
        with django_assert_max_num_queries(3):
            found = figure.value(world[org], WINDOW)
        assert found == figure.recount(world[org], WINDOW), key
