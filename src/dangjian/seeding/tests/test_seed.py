"""`dangjian seed` at demo scale: the plan is deterministic and its paths follow treebeard (the seeded
demo itself is checked in test_demo_capabilities, seeded once)."""

from django.utils import timezone

from dangjian.seeding.builders import county_plan
from dangjian.seeding.plan import path_step
from dangjian.seeding.tests.helpers import plan_facts


def test_path_steps_follow_treebeard():
    assert [path_step(n) for n in (1, 9, 10, 35, 36, 1297)] == [
        "0001",
        "0009",
        "000A",
        "000Z",
        "0010",
        "0101",
    ]


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    today = timezone.localdate()
    first, again = county_plan("demo", 2026, today), county_plan("demo", 2026, today)
    other = county_plan("demo", 7, today)
    assert plan_facts(first) == plan_facts(again)
    assert plan_facts(first)[1] != plan_facts(other)[1]
    assert {n.name for n in first.nodes()} != {n.name for n in other.nodes()}
    assert 500 <= len(plan_facts(first)[1]) <= 750
