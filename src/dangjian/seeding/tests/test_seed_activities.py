"""The seeded year of organizational life: deterministic, consistent with the roster, with the demo's gaps."""

import io

from django.core.management import call_command
from django.utils import timezone

from dangjian.activities.models import Activity, Attendance
from dangjian.seeding.activities import first_town, plan_life
from dangjian.seeding.builders import county_plan, rng_for
from dangjian.seeding.writer import ACTIVITY_FIELDS, ATTENDANCE_FIELDS


def _life(seed: int, today):
    plan = county_plan("demo", seed, today)
    rng = rng_for(seed, f"life:{plan.root.code}")
    town = first_town(plan.root)
    return plan_life(plan.root.walk(), rng, today, fixed_day_town=town, demo_root=plan.root)


def _facts(life):
    return [
        (
            a.org.code,
            a.type_code,
            a.held_on,
            a.theme,
            a.place,
            a.start_time,
            [p.id_number for p in a.expected],
            sorted(a.absent.items()),
        )
        for a in life.activities
    ], life.gaps


def test_the_same_seed_gives_the_same_year_and_another_seed_another():
    today = timezone.localdate()
    first, again, other = _life(2026, today), _life(2026, today), _life(7, today)
    assert _facts(first) == _facts(again)
    assert _facts(first)[0] != _facts(other)[0]
    assert len(first.gaps) == 10
    assert all(
        today - a.held_on < timezone.timedelta(days=366) and a.held_on <= today for a in first.activities
    )


def _seed() -> str:
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    return out.getvalue()


def test_the_row_writer_fills_every_required_column():
    """Activities and attendance are written as plain rows: a new NOT NULL field must be added there too."""
    for model, names in ((Activity, ACTIVITY_FIELDS), (Attendance, ATTENDANCE_FIELDS)):
        required = {f.name for f in model._meta.concrete_fields if not f.null and not f.primary_key}
        assert required <= set(names), model
