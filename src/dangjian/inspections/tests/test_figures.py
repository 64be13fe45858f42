"""督导检查 figures: units visited, problems found and those closed (销号) by period.end, by the inspected
unit's subtree; the period's edges."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.inspections import services

from .factories import inspection

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
WINDOW = Period(TODAY - timedelta(days=7), TODAY)


def value(key, org, period=WINDOW):
    return get_figure(key).value(org, period)


@pytest.fixture
def found(world):
    """A1 visited 5 days ago: two problems then, one closed today; one found 8 days ago (outside)."""
    done = inspection(world)
    unit = done.unit_inspection
    services.do_record_visit(unit, acting_user=None, visited_on=TODAY - timedelta(days=5), status="visited")

    def problem(days_ago):
        return services.do_record_finding(
            unit,
            acting_user=world["inspector_a"],
            severity="minor",
            description=f"{days_ago}天前发现的问题",
            found_on=TODAY - timedelta(days=days_ago),
        )

    first, _second, _early = problem(5), problem(5), problem(8)
    services.do_close_finding(first, acting_user=None, comment="已整改")
    return done


def test_findings_and_rectification(world, found):
    assert value("inspections.units", world["root"]) == 1
    assert value("inspections.findings", world["town_a"]) == 2
    assert value("inspections.rectified", world["town_a"]) == 1
    assert value("inspections.rectification_rate", world["a1"]) == Decimal("50.00")
    assert value("inspections.findings", world["a2"]) == 0
    assert value("inspections.findings", world["town_b"]) == 0
    assert value("inspections.rectification_rate", world["town_b"]) is None
    yesterday = Period(WINDOW.start, TODAY - timedelta(days=1))
    assert value("inspections.rectified", world["town_a"], yesterday) == 0  # closed today


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, found, org, django_assert_max_num_queries):
    for key in figure_keys("inspections."):
        figure = get_figure(key)
        with django_assert_max_num_queries(2):
            found_value = figure.value(world[org], WINDOW)
        if figure.measure == "count":
            assert found_value == figure.recount(world[org], WINDOW), key
