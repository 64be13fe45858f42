"""Benchmarks of organizational life (issue #3): the compliance matrix of the whole tree for a year.

Run with `dangjian bench compliance --scale demo|county|city --json`; figures are recorded in
docs/benchmarks.md. Ours (`compliance.compute`) is compared with an honest per-branch ORM loop and with the
best single hand-written SQL aggregate; the bench checks first that all three give the same answer.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, Count, DateField, Exists, F, Func, OuterRef, Q, When
from django.utils import timezone

from dangjian.core.bench import BenchRun, PeakRss, Timing, explain_calls, register_bench
from dangjian.core.tree import subtree_bounds, subtree_q
from dangjian.organizations.models import Organization

from . import compliance
from .choices import SpotCheckResult, Verdict
from .compliance import EMPTY, Cell, Tally, add_months, month_start
from .models import Activity, SpotCheck

MATRIX_TARGET_MS = 1000
LOOP_TARGET_SPEEDUP = 20
SQL_TARGET_RATIO = 1.5  # ours may take at most 1.5× the hand-written SQL
BRANCH_HOME_TARGET_MS = 100
BRANCH_SAMPLE = 20  # branches whose home is timed, drawn with a fixed seed
BRANCH_REPEATS = 5
# The per-branch loop sends one query per cell: about 52,000 at county scale and 525,000 for a city
# (many minutes). At city scale it runs once: that timed run is also its answer check.
LOOP_ONCE = {"city"}


def year_range(today: date) -> tuple[date, date]:
    """The twelve months up to this one (first days of the first and the last month)."""
    this_month = month_start(today)
    return add_months(this_month, -11), this_month


def answer(cells) -> dict:
    """What the three implementations must agree on: every (organization, rule, window) cell."""
    return {
        (c.organization_id, c.rule.pk, c.window.start): (
            str(c.verdict),
            c.counted,
            c.held,
            c.wrong_day,
            c.low_attendance,
            c.failed_check,
        )
        for c in cells
    }


def _cell(rule, org, window, tally: Tally, today: date) -> Cell:
    verdict, because = compliance.verdict_for(rule, org, window, tally.counted, today)
    return Cell(
        org.pk,
        rule,
        window,
        verdict,
        tally.counted,
        tally.held,
        tally.wrong_day,
        tally.low_attendance,
        tally.failed_check,
        because,
    )


def _cells(rule, spans, targets, counts: dict, today: date) -> list[Cell]:
    """The cells of one rule, with `verdict_for` asked once per window and only for the organizations
    whose dates (founded, dissolved) can change the verdict. (This loop runs for every cell of a city.)"""
    cells, append, need = [], list.append, rule.min_count
    met = Verdict.MET
    for window in spans:
        unmet, _ = compliance.verdict_for(rule, None, window, 0, today)
        plain = unmet in (Verdict.OPEN, Verdict.MISSED)
        end, start = window.end, window.start
        for org in targets:
            org_id = org.id  # not .pk: a property, a million calls at city scale
            tally = counts.get((org_id, start), EMPTY)
            if plain and not org.dissolved_on and not (org.founded_on and org.founded_on > end):
                counted = tally.counted
                append(
                    cells,
                    Cell(
                        org_id,
                        rule,
                        window,
                        met if counted >= need else unmet,
                        counted,
                        tally.held,
                        tally.wrong_day,
                        tally.low_attendance,
                        tally.failed_check,
                        "",
                    ),
                )
            else:
                append(cells, _cell(rule, org, window, tally, today))
    return cells


def _reach(rule) -> timedelta:
    """How far beyond its windows a rule looks: a fixed day's tolerance can reach into the next month."""
    return timedelta(days=rule.tolerance_days if rule.fixed_day else 0)


# (a) The per-branch ORM loop ---------------------------------------------------------------------------
def per_branch_loop(root: Organization, first: date, last: date, today: date) -> list[Cell]:
    """The baseline: for each organization, each rule that applies, each period, ask the ORM.

    One query per cell reads that organization's activities of the rule's type in the period (with a
    failed spot check flagged); they are then classified as `compute` does.
    """
    failed = Exists(SpotCheck.objects.filter(activity=OuterRef("pk"), result=SpotCheckResult.FAILED))
    rules = compliance.applicable_rules(root, first, last)
    cells = []
    for org in compliance.organizations_in(root, first):
        for rule in rules:
            if not rule.applies_to(org):
                continue
            reach = _reach(rule)
            for window in compliance.windows(rule.period, first, last):
                rows = (
                    Activity.objects.current()
                    .filter(organization=org, activity_type_id=rule.activity_type_id)
                    .filter(held_on__range=(window.start - reach, window.end + reach))
                    .annotate(failed=failed)
                    .values_list("held_on", "attendance_rate", "failed")
                )
                tallies: dict = {}
                for day, rate, is_failed in rows:
                    if not window.start <= compliance.due_month(rule, day) <= window.end:
                        continue
                    good, low = _attendance_checks(rule, rate, is_failed)
                    in_time = compliance.on_fixed_day(rule, day)
                    _add(tallies, window.start, 1, good, low, int(is_failed), in_time)
                cells.append(_cell(rule, org, window, tallies.get(window.start, EMPTY), today))
    return cells


def _attendance_checks(rule, rate, failed: bool) -> tuple[int, int]:
    """(counts, below the minimum) for one activity, apart from its day."""
    minimum = rule.min_attendance_rate
    if minimum is None:
        return int(not failed), 0
    low = rate is None or rate < minimum
    return int(not failed and not low), int(low)


# (b) The best single hand-written SQL aggregate ---------------------------------------------------------
def sql_matrix(root: Organization, first: date, last: date, today: date) -> list[Cell]:
    """One SQL aggregate over the subtree's activities of every rule's type, then the same verdicts.

    Grouped per (organization, type, month), or per day for the types of fixed-day rules, with conditional
    counts: held, failed spot check, counting, and below/at each attendance minimum the rules ask for.
    """
    rules = compliance.applicable_rules(root, first, last)
    organizations = compliance.organizations_in(root, first)
    spans = {rule.pk: compliance.windows(rule.period, first, last) for rule in rules}
    minimums = sorted({r.min_attendance_rate for r in rules if r.min_attendance_rate is not None})
    rows = _sql_rows(root, rules, spans, minimums)
    cells = []
    for rule in rules:
        targets = [org for org in organizations if rule.applies_to(org)]
        if not targets:
            continue
        counts = _sql_tallies(rule, spans[rule.pk], rows.get(rule.activity_type_id, {}), targets, minimums)
        cells += _cells(rule, spans[rule.pk], targets, counts, today)
    return cells


def _sql_rows(root: Organization, rules, spans, minimums) -> dict[int, dict]:
    """{activity type: {organization_id: [(day or month, [held, failed, (low, counting) per minimum])]}}.

    The failed spot checks are joined as a set (a hash join), not probed per activity.
    """
    if connection.vendor == "postgresql":
        month = "date_trunc('month', a.held_on)::date"
    else:
        month = "date(a.held_on, 'start of month')"
    fixed = sorted({rule.activity_type_id for rule in rules if rule.fixed_day})
    key = (
        f"CASE WHEN a.activity_type_id IN ({_ids(fixed)}) THEN a.held_on ELSE {month} END" if fixed else month
    )
    columns = ["COUNT(*)", "COUNT(f.activity_id)"]
    params: list = []  # in the order of the placeholders: SELECT list, JOIN, WHERE
    for minimum in minimums:
        columns.append("SUM(CASE WHEN a.attendance_rate IS NULL OR a.attendance_rate < %s THEN 1 ELSE 0 END)")
        columns.append("SUM(CASE WHEN f.activity_id IS NULL AND a.attendance_rate >= %s THEN 1 ELSE 0 END)")
        params += [minimum, minimum]
    low_day = min(spans[r.pk][0].start - _reach(r) for r in rules)
    high_day = max(spans[r.pk][-1].end + _reach(r) for r in rules)
    # Only integer ids and fixed SQL are formatted in; every value is a parameter.
    types = _ids({r.activity_type_id for r in rules})
    sql = (
        f"SELECT a.organization_id, a.activity_type_id, {key} AS k, {', '.join(columns)} "  # noqa: S608
        "FROM activities_activity a JOIN organizations_organization o ON o.id = a.organization_id "
        "LEFT JOIN (SELECT DISTINCT activity_id FROM activities_spotcheck WHERE result = %s) f "
        "ON f.activity_id = a.id "
        "WHERE o.path BETWEEN %s AND %s AND a.cancelled_at IS NULL AND a.held_on BETWEEN %s AND %s "
        f"AND a.activity_type_id IN ({types}) GROUP BY a.organization_id, a.activity_type_id, k"
    )
    params += [SpotCheckResult.FAILED, *subtree_bounds(root.path), low_day, high_day]
    by_type = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, type_id, day, *numbers in cursor.fetchall():
            by_type[type_id].setdefault(org_id, []).append((_as_date(day), numbers))
    return by_type


def _ids(ids) -> str:
    return ", ".join(str(int(i)) for i in sorted(ids))


def _as_date(value) -> date:
    """SQLite hands back dates as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


class Places(dict):
    """day → (window start, held on the fixed day), or None outside the windows: worked out once per
    distinct day (a year has 365), not once per row."""

    def __init__(self, rule, spans):
        super().__init__()
        self.rule = rule
        self.first, self.last = spans[0].start, spans[-1].end
        self.low_day, self.high_day = self.first - _reach(rule), self.last + _reach(rule)

    def __missing__(self, day):
        rule = self.rule
        month = compliance.due_month(rule, day)
        inside = self.low_day <= day <= self.high_day and self.first <= month <= self.last
        place = (
            (compliance.period_start(rule.period, month), compliance.on_fixed_day(rule, day))
            if inside
            else None
        )
        self[day] = place
        return place


def _add(result: dict, key, held: int, good: int, low: int, failed: int, in_time: bool) -> None:
    tally = result.get(key)
    if tally is None:
        tally = result[key] = Tally()
    tally.held += held
    if in_time:
        tally.counted += good
    else:
        tally.wrong_day += held
    tally.low_attendance += low
    tally.failed_check += failed


def _sql_tallies(rule, spans, by_org: dict, targets, minimums) -> dict:
    """{(organization_id, window start): Tally} of one rule from the aggregate's rows of its type."""
    places, result = Places(rule, spans), {}
    column = None if rule.min_attendance_rate is None else 2 + 2 * minimums.index(rule.min_attendance_rate)
    for org in targets:  # a local rule reads only its own subtree's rows
        for day, numbers in by_org.get(org.id, ()):
            place = places[day]
            if place is None:
                continue
            held, failed = numbers[0], numbers[1]
            low, good = (0, held - failed) if column is None else (numbers[column], numbers[column + 1])
            _add(result, (org.id, place[0]), held, good, low, failed, place[1])
    return result


# The bench -------------------------------------------------------------------------------------------
@register_bench("compliance")
def compliance_bench(run: BenchRun) -> None:
    """The whole tree's compliance matrix for a year, and the branch home (this month and quarter)."""
    today = timezone.localdate()
    first, last = year_range(today)
    root = Organization.objects.filter(depth=1).order_by("path").first()
    run.log(
        f"{Organization.objects.count():,} organizations, {Activity.objects.count():,} activities, "
        f"matrix {first:%Y-%m}..{last:%Y-%m}"
    )
    ours = _matrix(run, root, first, last, today)
    with PeakRss() as memory:  # one more run on its own: the others keep their answers for the check
        compliance.compute(root, first, last, today=today)
    _branch_home(run, root, today)
    if run.scale == "city":
        _county_subtree(run, root, first, last, today, ours.median)
    run.figure("peak_rss_mb", memory.peak, "MB")
    run.log(f"peak RSS of the matrix: {memory.peak:.0f} MB ({memory.start:.0f} MB at start, {memory.method})")
    if run.explain:
        _explain(run, root, first, last, today)


def _matrix(run: BenchRun, root, first, last, today) -> Timing:
    """Ours, the SQL aggregate, the proposal and the loop: the same answer first, then their times."""
    expected = answer(compliance.compute(root, first, last, today=today).cells)
    _check(run, "SQL aggregate", expected, sql_matrix(root, first, last, today))
    _check(run, "proposal", expected, proposed_compute(root, first, last, today=today).cells)
    once = run.scale in LOOP_ONCE
    if not once:
        _check(run, "per-branch loop", expected, per_branch_loop(root, first, last, today))
    ours = run.timed(lambda: compliance.compute(root, first, last, today=today))
    sql = run.timed(lambda: sql_matrix(root, first, last, today))
    proposal = run.timed(lambda: proposed_compute(root, first, last, today=today))
    loop = run.timed(lambda: per_branch_loop(root, first, last, today), 1 if once else None)
    if once:
        _check(run, "per-branch loop", expected, loop.result)
    run.log(f"all three (and the proposal) agree on {len(expected):,} cells")
    run.figure("compliance_matrix_year", ours.median, "ms", target=MATRIX_TARGET_MS)
    run.compare(
        "compliance_matrix_year",
        ours.median,
        loop.median,
        "ms",
        baseline="per-branch ORM loop (each organization × rule that applies × period: one query)",
        target_speedup=LOOP_TARGET_SPEEDUP,
    )
    run.compare(
        "compliance_matrix_year_vs_sql",
        ours.median,
        sql.median,
        "ms",
        baseline="best single hand-written SQL aggregate (one GROUP BY over the subtree) + the same verdicts",
        target_speedup=round(1 / SQL_TARGET_RATIO, 3),
    )
    ratio, speedup = ours.median / sql.median, loop.median / ours.median
    run.log(
        f"matrix of {len(ours.result.cells):,} cells: ours {ours.median:.0f} ms, SQL {sql.median:.0f} ms "
        f"(ours takes {ratio:.2f}× its time, target ≤ {SQL_TARGET_RATIO}×), "
        f"loop {loop.median:.0f} ms ({speedup:.1f}× ours)"
    )
    run.figure("proposal_matrix_year", proposal.median, "ms", target=MATRIX_TARGET_MS)
    run.log(f"proposal for the engine (proposed_compute): {proposal.median:.0f} ms")
    ours.result = None  # free the matrix before memory is measured
    return ours


def _check(run: BenchRun, name: str, expected: dict, cells) -> None:
    theirs = answer(cells)
    if theirs != expected:
        differ = sorted(set(theirs.items()) ^ set(expected.items()), key=str)
        raise AssertionError(f"compute differs from the {name} in {len(differ)} cells, e.g. {differ[:4]}")


def _branch_home(run: BenchRun, root, today) -> None:
    """compute() for one branch, this month and this quarter (and year), as the branch home asks."""
    branches = list(Organization.objects.filter(subtree_q(root.path)).branches().active().order_by("path"))
    sample = random.Random(3).sample(branches, min(BRANCH_SAMPLE, len(branches)))  # noqa: S311 - a sample
    this_month = month_start(today)
    for name, fn in (("branch_home", compliance.compute), ("proposal_branch_home", proposed_compute)):
        samples = [
            sample_ms
            for branch in sample
            for sample_ms in run.timed(
                lambda b=branch, fn=fn: fn(b, this_month, this_month, today=today), BRANCH_REPEATS
            ).samples
        ]
        run.figure(f"{name}_p50", Timing(samples).percentile(50), "ms", target=BRANCH_HOME_TARGET_MS)
        if fn is compliance.compute:
            run.figure(f"{name}_p95", Timing(samples).percentile(95), "ms")


def _county_subtree(run: BenchRun, root, first, last, today, city_ms: float) -> None:
    """The first county inside the city: the county scale's data, measured in the city database."""
    county = Organization.objects.get_first_child(root)
    timing = run.timed(lambda: compliance.compute(county, first, last, today=today))
    run.figure("compliance_matrix_year_first_county", timing.median, "ms")
    run.figure("growth_first_county_to_city", city_ms / timing.median, "x", target=12)


def _explain(run: BenchRun, root, first, last, today) -> None:
    probes = {
        "compute (whole tree)": lambda: compliance.compute(root, first, last, today=today),
        "SQL aggregate": lambda: sql_matrix(root, first, last, today),
        "proposal": lambda: proposed_compute(root, first, last, today=today),
    }
    for title, probe in probes.items():
        for sql, plan in explain_calls(probe):
            if "activities_activity" in sql:
                run.log(f"--- {title}\n{sql[:400]}\n{plan}")


# A proposal for the engine ----------------------------------------------------------------------------
class MonthStart(Func):
    """The first day of the month, computed by the database (on SQLite, Django's TruncMonth calls back into
    Python once per row)."""

    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = "CAST(DATE_TRUNC('month', %(expressions)s) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra)


def proposed_compute(root: Organization, first: date, last: date, *, today: date) -> compliance.Matrix:
    """`compute` with two queries in all instead of one per rule, and no per-row subquery.

    1. One grouped query over the subtree's activities of every rule's type, per (organization, type,
       month) — per day for the types of fixed-day rules — with a count below each attendance minimum.
    2. The few activities that failed a spot check, read on their own and taken off in Python (instead of
       an EXISTS evaluated for every activity).
    3. Each row's window and fixed-day verdict are worked out once per distinct day, not once per row;
       a local rule (a town's) reads only the rows of its own organizations.
    4. Verdicts are decided once per window; `verdict_for` is asked only where an organization's dates
       (founded, dissolved) can change the answer.
    """
    first, last = month_start(first), month_start(last)
    organizations = compliance.organizations_in(root, first)
    rules = compliance.applicable_rules(root, first, last)
    matrix = compliance.Matrix(organizations, rules, first, last)
    if not rules:
        return matrix
    spans = {rule.pk: compliance.windows(rule.period, first, last) for rule in rules}
    minimums = sorted({r.min_attendance_rate for r in rules if r.min_attendance_rate is not None})
    activities = _proposed_activities(root, rules, spans)
    fixed = {rule.activity_type_id for rule in rules if rule.fixed_day}
    key = Case(
        When(activity_type_id__in=fixed, then=F("held_on")),
        default=MonthStart("held_on"),
        output_field=DateField(),
    )
    lows = {
        f"low{i}": Count("id", filter=Q(attendance_rate__isnull=True) | Q(attendance_rate__lt=minimum))
        for i, minimum in enumerate(minimums)
    }
    rows = defaultdict(dict)  # {type: {organization: [(day or month, held, [below each minimum])]}}
    grouped = activities.annotate(k=key).values_list("activity_type_id", "organization_id", "k")
    for type_id, org_id, day, held, *low in grouped.annotate(held=Count("id"), **lows).order_by():
        rows[type_id].setdefault(org_id, []).append((day, held, low))
    failed = _failed(activities, fixed, minimums)
    for rule in rules:
        targets = [org for org in organizations if rule.applies_to(org)]
        if targets:
            by_org = rows[rule.activity_type_id]
            counts = _proposed_tallies(rule, spans[rule.pk], by_org, targets, failed, minimums)
            matrix.cells += _cells(rule, spans[rule.pk], targets, counts, today)
    return matrix


def _proposed_activities(root, rules, spans):
    low = min(spans[r.pk][0].start - _reach(r) for r in rules)
    high = max(spans[r.pk][-1].end + _reach(r) for r in rules)
    # The subtree as a list of ids (a subquery), not a join on the path: for a branch the database then
    # reads the (organization, type, day) index instead of every activity of the type in the city.
    subtree = Organization.objects.filter(subtree_q(root.path)).values("id")
    return Activity.objects.current().filter(
        organization_id__in=subtree,
        activity_type_id__in={rule.activity_type_id for rule in rules},
        held_on__range=(low, high),
    )


def _failed(activities, fixed, minimums) -> dict:
    """{(type, organization, day or month): [failed, failed at or above each minimum…]}."""
    result = {}
    rows = activities.filter(Exists(SpotCheck.objects.filter(activity=OuterRef("pk"), result="failed")))
    for type_id, org_id, day, rate in rows.values_list(
        "activity_type_id", "organization_id", "held_on", "attendance_rate"
    ):
        key = (type_id, org_id, day if type_id in fixed else day.replace(day=1))
        numbers = result.setdefault(key, [0] * (1 + len(minimums)))
        numbers[0] += 1
        for i, minimum in enumerate(minimums, 1):
            numbers[i] += rate is not None and rate >= minimum
    return result


def _proposed_tallies(rule, spans, by_org: dict, targets, failed, minimums) -> dict:
    places, result = Places(rule, spans), {}
    column = None if rule.min_attendance_rate is None else minimums.index(rule.min_attendance_rate)
    type_id = rule.activity_type_id
    for org in targets:  # a local rule reads only its own subtree's rows
        org_id = org.id
        for day, held, lows in by_org.get(org_id, ()):
            place = places[day]
            if place is None:
                continue
            f = failed.get((type_id, org_id, day)) if failed else None
            n_failed = f[0] if f else 0
            if column is None:
                low, good = 0, held - n_failed
            else:
                low = lows[column]
                good = held - low - (f[1 + column] if f else 0)
            _add(result, (org_id, place[0]), held, good, low, n_failed, place[1])
    return result
