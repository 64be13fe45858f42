"""Benchmarks of supervision (issue #6): `dangjian bench supervision --scale demo|county|city --json`.

The tasks figures come from `dangjian.tasks.benchmarks_parts.measure_tasks` when that module exists. Then
sampling: a stratified draw of 1,000 leading cadres (and, apart, of 1,000 members) with their notes and
reflections of this year and five activities per unit, from the root's children (a city's ten counties,
about 300,000 members), and of 1,000 leading cadres from the 250 towns and bureaus one level down (four
each; no baseline there: 250 ORDER BY RANDOM() queries take minutes on SQLite). Each draw's digest is
logged: a SQLite run and a PostgreSQL run over the same seeded data print the same ones.

The baseline is what a typical system does: per unit, count, then `order_by('?')[:quota]` as model
instances, their notes as instances, `order_by('?')` activities. Random draws cannot return the same
people, so the bench checks that both give the same counts per stratum (population, people, activities)
and compares the time; the notes counts differ with the people drawn.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from dangjian.activities.models import Activity
from dangjian.core.bench import BenchRun, PeakRss, explain_calls, register_bench
from dangjian.core.tree import subtree_q
from dangjian.organizations.choices import COMMITTEE_KINDS
from dangjian.organizations.models import Organization
from dangjian.study.models import Note

from .sampling import SampleSpec, draw, people_queryset, quotas

SAMPLE_TARGET_MS = 1000
PEOPLE = 1000
ACTIVITIES_PER_UNIT = 5
SEED = 2026
TASKS_PARTS = "dangjian.tasks.benchmarks_parts"
# ORDER BY RANDOM() over a city's counties or towns takes 5–60 s a run: at city scale it runs once.
BASELINE_ONCE = {"city"}


@register_bench("supervision")
def supervision_bench(run: BenchRun) -> None:
    """Supervision: tasks issued to every branch (when the tasks part exists) and stratified sampling."""
    try:
        from dangjian.tasks.benchmarks_parts import measure_tasks
    except ModuleNotFoundError as error:
        if error.name not in (TASKS_PARTS, "dangjian.tasks"):
            raise
        run.log(f"{TASKS_PARTS} 尚不存在：本次不测交办任务。")
    else:
        measure_tasks(run)
    measure_sampling(run)


def sampling_units() -> list[Organization]:
    """The root's children: a city's ten counties (the demo county's towns)."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    return list(Organization.objects.get_children(root).order_by("path"))


def town_units() -> list[Organization]:
    """The committees one level further down: a city's 250 towns and county bureaus (none in the demo)."""
    return list(Organization.objects.filter(depth=3, kind__in=COMMITTEE_KINDS).order_by("path"))


@dataclass(frozen=True)
class Case:
    name: str
    units: list[Organization]
    spec: SampleSpec
    compare: bool = True  # time the order_by('?') baseline too


def cases(today: date) -> list[Case]:
    """1,000 leading cadres, then 1,000 members, from the counties (a total in proportion, five activities
    per county); 1,000 leading cadres from the towns (four per town, one activity each)."""
    period = {"notes_from": date(today.year, 1, 1), "notes_to": today, "as_of": today}
    counties, towns = sampling_units(), town_units()
    total = {"total": PEOPLE, "activities_per_unit": ACTIVITIES_PER_UNIT, **period}
    found = [
        Case(f"sample_{PEOPLE}_people", counties, SampleSpec("leading_cadres", **total)),
        Case(f"sample_{PEOPLE}_members", counties, SampleSpec("members", **total)),
    ]
    if towns:
        per_town = {"per_unit": -(-PEOPLE // len(towns)), "activities_per_unit": 1, **period}
        # no baseline: 250 ORDER BY RANDOM() queries take minutes on SQLite
        towns_spec = SampleSpec("leading_cadres", **per_town)
        found.append(Case("sample_towns_people", towns, towns_spec, compare=False))
    return found


def measure_sampling(run: BenchRun) -> None:
    for case in cases(timezone.localdate()):
        measure_case(run, case)


def measure_case(run: BenchRun, case: Case) -> None:
    units, spec = case.units, case.spec
    with PeakRss() as memory:
        timing = run.timed(lambda: draw(units, spec, SEED))
    result = timing.result
    if draw(units, spec, SEED).digest() != result.digest():
        raise AssertionError("the same seed drew another sample")
    run.log(f"{case.name}: {result.describe()}（{len(units)}个单位共{_population(result)}人）")
    run.log(f"{case.name} digest (seed {SEED}): {result.digest()}")
    run.figure(f"{case.name}_ms", timing.median, "ms", target=SAMPLE_TARGET_MS)
    run.figure(f"{case.name}_peak_rss_mb", memory.peak, "MB")
    if case.name == f"sample_{PEOPLE}_people":
        run.figure("sample_people_drawn", result.people_count, "people", better="higher")
        notes = result.notes_count + result.reflections_count
        run.figure("sample_notes_drawn", notes, "notes", better="higher")
    if run.explain:
        for sql, plan in explain_calls(lambda: draw(units, spec, SEED)):
            run.log(f"{sql[:300]}\n{plan}\n")
    if not case.compare:
        return
    naive = run.timed(lambda: naive_draw(units, spec), 1 if run.scale in BASELINE_ONCE else None)
    if naive.result != counts(result):
        raise AssertionError(f"the order_by('?') baseline counts other strata: {naive.result}")
    run.compare(
        case.name,
        timing.median,
        naive.median,
        "ms",
        baseline="order_by('?') per unit with model instances (random: same counts per stratum)",
    )


def _population(result) -> int:
    return sum(stratum.population for stratum in result.strata)


def counts(result) -> list[tuple[int, int, int]]:
    """What the baseline must agree on: (population, people, activities) of each stratum."""
    return [(s.population, len(s.people), len(s.activities)) for s in result.strata]


def naive_draw(units, spec: SampleSpec) -> list[tuple[int, int, int]]:
    """The baseline: per unit, count, then draw people and activities with ORDER BY RANDOM() as model
    instances, their notes of the period prefetched as instances; returns `counts` of that draw."""
    populations = [people_queryset(spec, [unit]).count() for unit in units]
    notes = Note.objects.filter(written_on__range=(spec.notes_from, spec.notes_to))
    result = []
    for unit, population, quota in zip(units, populations, quotas(spec, populations), strict=True):
        people = people_queryset(spec, [unit]).prefetch_related(Prefetch("notes", queryset=notes))
        drawn = list(people.order_by("?")[:quota])
        activities = Activity.objects.current().filter(
            subtree_q(unit.path, "organization__path"), held_on__range=(spec.notes_from, spec.notes_to)
        )
        picked = list(activities.order_by("?")[: spec.activities_per_unit])
        result.append((population, len(drawn), len(picked)))
    return result
