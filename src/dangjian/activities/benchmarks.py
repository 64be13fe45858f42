"""Benchmarks of organizational life (issue #3): the compliance matrix of the whole tree for a year.

Run with `dangjian bench compliance --scale demo|county|city --json`; figures are recorded in
docs/benchmarks.md. Ours (`compliance.compute`) is compared with an honest per-branch ORM loop and with the
best single hand-written SQL aggregate; the bench checks first that all three give the same answer.
"""

import random
from collections import defaultdict
from datetime import date

from django.db import connection
from django.utils import timezone

from dangjian.core.bench import BenchRun, PeakRss, Timing, explain_calls, register_bench
from dangjian.core.tree import subtree_bounds, subtree_q
from dangjian.organizations.models import Organization

from . import compliance
from .choices import RuleMeasure, SpotCheckResult
from .compliance import Cell, Tally, add_months, month_start
from .models import Activity

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
    """What the three implementations must agree on: every (organization, rule, window) cell of the rules
    that count activities (the baselines do not compute per-member quotas, which only the demo has)."""
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
        if c.rule.measure == RuleMeasure.ACTIVITIES
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


# (a) The per-branch ORM loop ---------------------------------------------------------------------------
def per_branch_loop(root: Organization, first: date, last: date, today: date) -> list[Cell]:
    """The baseline: for each organization, each rule that applies, each period, ask the ORM.

    One query per cell reads that organization's activities of the rule's type in the period (with the
    result of each one's latest spot check); they are then classified as `compute` does.
    """
    rules = [r for r in compliance.applicable_rules(root, first, last) if r.measure == RuleMeasure.ACTIVITIES]
    cells = []
    for org in compliance.organizations_in(root, first):
        for rule in rules:
            if not rule.applies_to(org):
                continue
            reach = compliance._reach(rule)
            for window in compliance.windows(rule.period, first, last):
                rows = (
                    Activity.objects.current()
                    .filter(organization=org, activity_type_id=rule.activity_type_id)
                    .filter(held_on__range=(window.start - reach, window.end + reach))
                    .with_latest_check()
                    .values_list("held_on", "attendance_rate", "_latest_check")
                )
                tally = Tally()
                for day, rate, latest in rows:
                    if not window.start <= compliance.due_month(rule, day) <= window.end:
                        continue
                    is_failed = latest == SpotCheckResult.FAILED
                    good, low = _attendance_checks(rule, rate, is_failed)
                    tally.held += 1
                    if compliance.on_fixed_day(rule, day):
                        tally.counted += good
                    else:
                        tally.wrong_day += 1
                    tally.low_attendance += low
                    tally.failed_check += is_failed
                cells.append(_cell(rule, org, window, tally, today))
    return cells


def _attendance_checks(rule, rate, failed: bool) -> tuple[int, int]:
    """(counts, below the minimum) for one activity, apart from its day."""
    minimum = rule.min_attendance_rate
    if minimum is None:
        return int(not failed), 0
    low = rate is None or rate < minimum
    return int(not failed and not low), int(low)


# (b) The best single hand-written SQL aggregate ---------------------------------------------------------
def sql_matrix(root: Organization, first: date, last: date, today: date) -> compliance.Matrix:
    """One hand-written SQL aggregate over the subtree's activities of every rule's type, then the same
    placement and verdicts as `compute` (its `Plan`), so that the two differ only in how they read.

    Grouped per (organization, type, month), per day for the types of fixed-day rules, with the latest
    spot check of each activity joined as a set (a window function, then a hash join) and conditional
    counts: held, failed, and below / failed-at-or-above each attendance minimum the rules ask for.
    """
    first, last = month_start(first), month_start(last)
    facts = compliance.organization_facts(root, first)
    rules = compliance.applicable_rules(root, first, last)
    matrix = compliance.Matrix(facts, rules, first, last)
    spans = {rule.pk: compliance.windows(rule.period, first, last) for rule in rules}
    targets = {rule.pk: compliance.targets_of(rule, facts) for rule in rules}
    rules = [rule for rule in rules if targets[rule.pk] and rule.measure == RuleMeasure.ACTIVITIES]
    if not rules:
        return matrix
    minimums = sorted({r.min_attendance_rate for r in rules if r.min_attendance_rate is not None})
    rows = defaultdict(list)
    for row in _sql_rows(root, rules, spans, minimums):
        rows[row[0]].append(row)
    for rule in rules:
        plan = SqlPlan(rule, spans[rule.pk], targets[rule.pk], 0)
        plan.column = (
            None if rule.min_attendance_rate is None else 5 + 2 * minimums.index(rule.min_attendance_rate)
        )
        plan.add_rows(rows.get(rule.activity_type_id, ()))
        matrix.blocks.append(plan.decide(today))
    return matrix


def _sql_rows(root: Organization, rules, spans, minimums) -> list[tuple]:
    """[(type, organization, day number, held, failed, (below, failed at or above) per minimum…)]."""
    if connection.vendor == "postgresql":
        day = "(a.held_on - DATE '0001-01-01' + 1)"
    else:
        day = "CAST(julianday(a.held_on) - 1721424.5 AS integer)"
    columns = ["COUNT(*)", "COUNT(f.activity_id)"]
    params: list = []  # in the order of the placeholders: SELECT list, JOIN, WHERE
    for minimum in minimums:
        columns.append("SUM(CASE WHEN a.attendance_rate IS NULL OR a.attendance_rate < %s THEN 1 ELSE 0 END)")
        columns.append(
            "SUM(CASE WHEN f.activity_id IS NOT NULL AND a.attendance_rate >= %s THEN 1 ELSE 0 END)"
        )
        params += [minimum, minimum]
    low_day = min(spans[r.pk][0].start - compliance._reach(r) for r in rules)
    high_day = max(spans[r.pk][-1].end + compliance._reach(r) for r in rules)
    # Only integer ids and fixed SQL are formatted in; every value is a parameter.
    sql = (
        f"SELECT a.activity_type_id, a.organization_id, {day} AS k, {', '.join(columns)} "  # noqa: S608
        "FROM activities_activity a JOIN organizations_organization o ON o.id = a.organization_id "
        "LEFT JOIN (SELECT activity_id FROM (SELECT activity_id, result, ROW_NUMBER() OVER "
        "(PARTITION BY activity_id ORDER BY created_at DESC, id DESC) AS n FROM activities_spotcheck) c "
        "WHERE n = 1 AND result = %s) f ON f.activity_id = a.id "
        "WHERE o.path BETWEEN %s AND %s AND a.cancelled_at IS NULL AND a.held_on BETWEEN %s AND %s "
        f"AND a.activity_type_id IN ({_ids({r.activity_type_id for r in rules})}) "
        "GROUP BY a.activity_type_id, a.organization_id, k"
    )
    params += [SpotCheckResult.FAILED, *subtree_bounds(root.path), low_day, high_day]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ids(ids) -> str:
    return ", ".join(str(int(i)) for i in sorted(ids))


class SqlPlan(compliance.Plan):
    """`compute`'s placement of rows, for the aggregate's columns (failed counts are in the rows)."""

    def add_rows(self, rows) -> None:
        block, slot, position = self.block, self.slot, self.block.position
        counted, held, wrong, low, failed = (
            block.counted,
            block.held,
            block.wrong_day,
            block.low_attendance,
            block.failed_check,
        )
        column = self.column  # of the count below the rule's minimum (None: no minimum)
        for row in rows:
            i = position.get(row[1])
            base = slot.get(row[2]) if i is not None else None
            if base is None:
                continue
            k = (base if base >= 0 else ~base) + i
            number, n_failed = row[3], row[4]
            held[k] += number
            if n_failed:
                failed[k] = failed.get(k, 0) + n_failed
            if column is None:
                good = number - n_failed
            else:
                below = row[column]
                if below:
                    low[k] = low.get(k, 0) + below
                good = number - below - row[column + 1]
            if base >= 0:
                counted[k] += good
            else:
                wrong[k] = wrong.get(k, 0) + number


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
    """Ours, the SQL aggregate and the loop: the same answer first, then their times.

    `compute` and the SQL aggregate return the verdicts on flat lists (cells are built when a page asks
    for them); the loop builds its cells as it goes. `compliance_matrix_year_with_cells` adds building all
    the half-million `Cell` objects of a city, for reference.
    """
    expected = answer(compliance.compute(root, first, last, today=today).cells)
    _check(run, "SQL aggregate", expected, sql_matrix(root, first, last, today).cells)
    once = run.scale in LOOP_ONCE
    if not once:
        _check(run, "per-branch loop", expected, per_branch_loop(root, first, last, today))
    ours = run.timed(lambda: compliance.compute(root, first, last, today=today))
    sql = run.timed(lambda: sql_matrix(root, first, last, today))
    with_cells = run.timed(lambda: len(compliance.compute(root, first, last, today=today).cells))
    loop = run.timed(lambda: per_branch_loop(root, first, last, today), 1 if once else None)
    if once:
        _check(run, "per-branch loop", expected, loop.result)
    run.log(f"all three agree on {len(expected):,} cells")
    run.figure("compliance_matrix_year", ours.median, "ms", target=MATRIX_TARGET_MS)
    run.figure("compliance_matrix_year_with_cells", with_cells.median, "ms")
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
        f"matrix of {len(ours.result):,} cells: ours {ours.median:.0f} ms, SQL {sql.median:.0f} ms "
        f"(ours takes {ratio:.2f}× its time, target ≤ {SQL_TARGET_RATIO}×), "
        f"loop {loop.median:.0f} ms ({speedup:.1f}× ours); "
        f"ours with every Cell built {with_cells.median:.0f} ms"
    )
    ours.result = None  # free the matrix before memory is measured
    return ours


def _check(run: BenchRun, name: str, expected: dict, cells) -> None:
    theirs = answer(cells)
    if theirs != expected:
        differ = sorted(set(theirs.items()) ^ set(expected.items()), key=str)
        raise AssertionError(f"compute differs from the {name} in {len(differ)} cells, e.g. {differ[:4]}")


def _branch_home(run: BenchRun, root, today) -> None:
    """compute() for one branch, this month and this quarter (and year), with its cells, as the branch
    home asks."""
    branches = list(Organization.objects.filter(subtree_q(root.path)).branches().active().order_by("path"))
    sample = random.Random(3).sample(branches, min(BRANCH_SAMPLE, len(branches)))  # noqa: S311 - a sample
    this_month = month_start(today)
    samples = [
        sample_ms
        for branch in sample
        for sample_ms in run.timed(
            lambda b=branch: compliance.compute(b, this_month, this_month, today=today).cells, BRANCH_REPEATS
        ).samples
    ]
    run.figure("branch_home_p50", Timing(samples).percentile(50), "ms", target=BRANCH_HOME_TARGET_MS)
    run.figure("branch_home_p95", Timing(samples).percentile(95), "ms")


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
    }
    for title, probe in probes.items():
        for sql, plan in explain_calls(probe):
            if "activities_activity" in sql:
                run.log(f"--- {title}\n{sql[:400]}\n{plan}")
