"""The compliance engine: for organizations × periods × rules, 达标 / 未达标 / 进行中 / 不适用.

Verdicts are always computed from the records (no stored verdicts that could disagree with them). Two
queries in all, whatever the number of organizations and rules: one grouped count of the subtree's
activities of every rule's type per organization and month (per day for the types of fixed-day rules), and
the few activities whose latest spot check failed. Each rule then places the counts in its windows and
decides its verdicts on flat lists (`Block`); see `compute`. `evidence()` lists the activities behind one
cell with the same classification, for the drill-down.
"""

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Func, IntegerField, Q, Value, When
from django.utils import timezone

from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.organizations.choices import OrganizationStatus
from dangjian.organizations.models import Organization

from .choices import PERIOD_MONTHS, Period, RuleMeasure, SpotCheckResult, Verdict
from .models import Activity, Rule, SpotCheck


@dataclass(frozen=True)
class Measure:
    """A per-member quota another app computes (e.g. the study app: items studied, 学时).

    `count(path, first, last, rule, memo)` returns {organization_id: (members who reached rule.min_count,
    members the quota applies to)} for the organizations of the subtree at `path`, in a few queries;
    `memo` is a dict that lives for one `compute` (rules of the same measure can share their reading)."""

    name: str
    unit: str
    count: Callable[[str, date, date, "Rule", dict], dict[int, tuple[int, int]]]


MEASURES: dict[str, Measure] = {}


def register_measure(name: str, unit: str, count) -> None:
    """Called by the app that computes a measure (in its AppConfig.ready)."""
    MEASURES[name] = Measure(name, unit, count)


def measures() -> set[str]:
    """The measures a rule may use: activities, and those registered."""
    return {RuleMeasure.ACTIVITIES, *MEASURES}


@dataclass(frozen=True)
class Window:
    """One period of a rule: [start, end], labelled the Chinese way."""

    start: date
    end: date
    label: str


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_start(period: str, day: date) -> date:
    """The first day of the calendar-aligned period of kind `period` that contains `day`."""
    size = PERIOD_MONTHS[Period(period)]
    return date(day.year, (day.month - 1) // size * size + 1, 1)


def windows(period: str, first: date, last: date) -> list[Window]:
    """The periods of kind `period` that overlap the months first..last (calendar-aligned)."""
    size = PERIOD_MONTHS[Period(period)]
    start = period_start(period, first)
    result = []
    while start <= last:
        end = add_months(start, size) - timedelta(days=1)
        result.append(Window(start, end, window_label(period, start)))
        start = add_months(start, size)
    return result


def window_label(period: str, start: date) -> str:
    if period == Period.MONTH:
        return f"{start.year}年{start.month}月"
    if period == Period.QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if period == Period.HALF_YEAR:
        return f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    return f"{start.year}年"


# Fixed day (固定日) -----------------------------------------------------------------------------------


def nearest_fixed_date(rule: Rule, day: date) -> date:
    """The fixed day (of this, the previous or the next month) closest to `day`; ties go to this month."""
    this_month = month_start(day)
    candidates = [add_months(this_month, shift).replace(day=rule.fixed_day) for shift in (0, -1, 1)]
    return min(candidates, key=lambda fixed: abs((day - fixed).days))


def on_fixed_day(rule: Rule, day: date) -> bool:
    """True when `day` is within the rule's tolerance of its nearest fixed day (always, without one)."""
    if not rule.fixed_day:
        return True
    return abs((day - nearest_fixed_date(rule, day)).days) <= rule.tolerance_days


def due_month(rule: Rule, day: date) -> date:
    """The month an activity held on `day` counts toward: its own, except that one held within the
    tolerance of another month's fixed day belongs to that month (a theme day due on the 1st and held on
    the last day of the month before). One held on a wrong day stays in its own month, where the miss
    it explains is shown."""
    if rule.fixed_day and on_fixed_day(rule, day):
        return month_start(nearest_fixed_date(rule, day))
    return month_start(day)


# Cells --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """What happened in one (organization, window) for one rule."""

    held: int = 0  # activities of the type, not cancelled
    counted: int = 0  # of which count toward the rule
    wrong_day: int = 0  # held too far from the fixed day
    low_attendance: int = 0  # attendance below the minimum (or not recorded)
    failed_check: int = 0  # failed a spot check


EMPTY = Tally()


@dataclass(slots=True)
class Cell:
    """One verdict: an organization, a rule and one of its windows."""

    organization_id: int
    rule: Rule
    window: Window
    verdict: str
    counted: int
    held: int
    wrong_day: int = 0
    low_attendance: int = 0
    failed_check: int = 0
    not_applicable_because: str = ""

    @property
    def reason(self) -> str:
        """Why a cell is not met (or what is still due); empty when met."""
        if self.verdict == Verdict.MET:
            return ""
        if self.verdict == Verdict.NOT_APPLICABLE:
            return self.not_applicable_because
        need = self.rule.min_count
        if self.rule.measure != RuleMeasure.ACTIVITIES:
            unit = MEASURES[self.rule.measure].unit if self.rule.measure in MEASURES else ""
            short = f"{self.held}名党员中{self.held - self.counted}名未达到{need}{unit}"
            return f"{short}，截止{self.window.end:%Y-%m-%d}" if self.verdict == Verdict.OPEN else short
        if self.verdict == Verdict.OPEN:
            return f"还需{need - self.counted}次，截止{self.window.end:%Y-%m-%d}"
        if self.held == 0:
            return "未开展"
        summary = f"开展{self.held}次，计入{self.counted}次，少于规定的{need}次"
        details = self.not_counted_reasons()
        return f"{summary}：{'；'.join(details)}" if details else summary

    def not_counted_reasons(self) -> list[str]:
        """Each cause that kept activities from counting, with how many it hit (one may have several)."""
        rule, parts = self.rule, []
        if self.wrong_day:
            parts.append(f"{self.wrong_day}次{fixed_day_text(rule)}")
        if self.low_attendance:
            parts.append(f"{self.low_attendance}次出席率低于{rule.min_attendance_rate:.0%}")
        if self.failed_check:
            parts.append(f"{self.failed_check}次抽查不合格")
        return parts


def fixed_day_text(rule: Rule) -> str:
    tolerance = f"前后{rule.tolerance_days}天内" if rule.tolerance_days else "当天"
    return f"未在规定日（每月{rule.fixed_day}日{tolerance}）开展"


class Matrix:
    """The result: organizations, rules, and a verdict for every (organization, rule, window).

    The verdicts are decided by `compute` and held per rule in flat lists (a `Block`), one entry per
    window × organization the rule applies to; `cells` turns them into `Cell` objects, and `organizations`
    the facts read into model instances, on first use (a city's matrix is half a million cells over
    22,000 organizations: a page or an export asks for the few it shows).
    """

    def __init__(self, facts: list, rules: list, first: date, last: date):
        self.facts = facts  # OrgFacts, in tree order
        self.rules = rules
        self.first = first
        self.last = last
        self.blocks: list[Block] = []
        self._cells: list[Cell] | None = None
        self._organizations: list | None = None
        self._by_id: dict | None = None
        self._instances: dict = {}

    @property
    def organizations(self) -> list[Organization]:
        if self._organizations is None:
            db = Organization.objects.db
            self._organizations = [Organization.from_db(db, ORG_FIELDS, values) for values in self.facts]
        return self._organizations

    @property
    def cells(self) -> list[Cell]:
        if self._cells is None:
            self._cells = [cell for block in self.blocks for cell in block.cells()]
        return self._cells

    def __len__(self) -> int:
        return sum(len(block.verdicts) for block in self.blocks)

    def organization(self, organization_id: int) -> Organization:
        """One organization of the matrix as a model instance (built from its facts on first use)."""
        if self._by_id is None:
            self._by_id = {org.id: org for org in self.facts}
        instances = self._instances
        found = instances.get(organization_id)
        if found is None:
            found = instances[organization_id] = Organization.from_db(
                Organization.objects.db, ORG_FIELDS, self._by_id[organization_id]
            )
        return found

    def block_for(self, rule_id: int):
        """The verdicts of one rule (None when it applies to no organization of the matrix)."""
        return next((block for block in self.blocks if block.rule.pk == rule_id), None)

    def by_organization(self) -> dict[int, list[Cell]]:
        grouped = defaultdict(list)
        for cell in self.cells:
            grouped[cell.organization_id].append(cell)
        return grouped

    def totals(self) -> dict[str, int]:
        """How many cells have each verdict (counted on the flat lists, no cells built)."""
        counts = dict.fromkeys(Verdict.values, 0)
        for block in self.blocks:
            for verdict in Verdict.values:
                counts[verdict] += block.verdicts.count(verdict)
        return counts

    def cell(self, organization_id: int, rule_id: int, start: date) -> Cell | None:
        """The cell of one organization, rule and window (by its first day), if the matrix has it."""
        for block in self.blocks:
            if block.rule.pk == rule_id:
                return block.cell_at(organization_id, start)
        return None


ORG_FIELDS = (
    *("id", "path", "code", "name", "kind", "unit_category", "has_committee", "founded_on", "dissolved_on"),
)


class OrgFacts(NamedTuple):
    """What the engine reads of an organization (in the order of ORG_FIELDS)."""

    id: int
    path: str
    code: str
    name: str
    kind: str
    unit_category: str
    has_committee: bool
    founded_on: date | None
    dissolved_on: date | None


class Block:
    """The verdicts of one rule: for window w and the i-th organization it applies to, entry w·n + i."""

    __slots__ = ("rule", "spans", "org_ids", "position", "n", "verdicts", "counted", "held", "wrong_day")
    __slots__ += ("low_attendance", "failed_check", "because", "window_because")

    def __init__(self, rule: Rule, spans: list[Window], targets: list):
        self.rule, self.spans = rule, spans
        self.org_ids = [org.id for org in targets]
        self.position = {org_id: i for i, org_id in enumerate(self.org_ids)}
        self.n = n = len(targets)
        size = n * len(spans)
        self.counted, self.held = [0] * size, [0] * size
        self.verdicts: list = []
        # What is rare is kept sparse: {entry: count} and {entry: why not applicable}.
        self.wrong_day, self.low_attendance, self.failed_check, self.because = {}, {}, {}, {}
        self.window_because = [""] * len(spans)

    def cells(self):
        rule, n, verdicts, counted, held = self.rule, self.n, self.verdicts, self.counted, self.held
        wrong, low, failed, because = self.wrong_day, self.low_attendance, self.failed_check, self.because
        for w, window in enumerate(self.spans):
            base, window_because = w * n, self.window_because[w]
            for i, org_id in enumerate(self.org_ids):
                k = base + i
                verdict = verdicts[k]
                yield Cell(
                    org_id,
                    rule,
                    window,
                    verdict,
                    counted[k],
                    held[k],
                    wrong.get(k, 0),
                    low.get(k, 0),
                    failed.get(k, 0),
                    because.get(k, window_because) if verdict == Verdict.NOT_APPLICABLE else "",
                )

    def cell_at(self, organization_id: int, start: date) -> Cell | None:
        i = self.position.get(organization_id)
        w = next((w for w, window in enumerate(self.spans) if window.start == start), None)
        if i is None or w is None:
            return None
        return self.cell_of(i, w)

    def cell_of(self, i: int, w: int) -> Cell:
        """The cell of the i-th organization in window w."""
        k, window, organization_id = w * self.n + i, self.spans[w], self.org_ids[i]
        verdict = self.verdicts[k]
        because = self.because.get(k, self.window_because[w]) if verdict == Verdict.NOT_APPLICABLE else ""
        return Cell(
            organization_id,
            self.rule,
            window,
            verdict,
            self.counted[k],
            self.held[k],
            self.wrong_day.get(k, 0),
            self.low_attendance.get(k, 0),
            self.failed_check.get(k, 0),
            because,
        )


# Queries ------------------------------------------------------------------------------------------


class DayNumber(Func):
    """A date as its proleptic Gregorian ordinal (`date.toordinal()`), computed by the database."""

    output_field = IntegerField()
    template = "(%(expressions)s - DATE '0001-01-01' + 1)"

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(julianday(%(expressions)s) - 1721424.5 AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)


def _places(rule: Rule, spans: list[Window]) -> dict[int, tuple[int, bool]]:
    """{day number: (window index, held on time)} for the days whose activities land in the windows.

    Worked out once per day (a year has 365), and shared by rules with the same period and fixed day
    (every town that fixes the 1st ± 2 days)."""
    return _places_cached(rule.period, rule.fixed_day, rule.tolerance_days, tuple(spans))


@lru_cache(maxsize=64)
def _places_cached(period: str, fixed_day: int | None, tolerance: int, spans: tuple) -> dict:
    rule = Rule(period=period, fixed_day=fixed_day, tolerance_days=tolerance)
    window_of = {}
    for w, window in enumerate(spans):
        month = window.start
        while month <= window.end:
            window_of[month] = w
            month = add_months(month, 1)
    places = {}
    reach = _reach(rule)
    day, high = spans[0].start - reach, spans[-1].end + reach
    while day <= high:
        w = window_of.get(due_month(rule, day))
        if w is not None:
            places[day.toordinal()] = (w, on_fixed_day(rule, day))
        day += timedelta(days=1)
    return places


def _reach(rule: Rule) -> timedelta:
    """How far beyond its windows a rule looks: held on 30 December, within two days of 1 January, an
    activity of a fixed-day rule belongs to January."""
    return timedelta(days=rule.tolerance_days if rule.fixed_day else 0)


def _activities(path: str, rules: list[Rule], low: date, high: date):
    """The rules' activities (not cancelled) under `path` held from `low` to `high`."""
    # The subtree as a subquery of ids, not a join on the path: for one branch the database then reads
    # the (organization, type, day) index instead of every activity of the type (SQLite city: 139 → 3 ms).
    subtree = Organization.objects.filter(subtree_q(path)).values("id")
    return Activity.objects.current().filter(
        organization_id__in=subtree,
        activity_type_id__in={rule.activity_type_id for rule in rules},
        held_on__range=(low, high),
    )


def _failed_activities(path: str, rules: list[Rule], low: date, high: date) -> list[tuple]:
    """[(type, organization, day, attendance rate)] of the activities whose latest spot check failed.

    Read from the spot checks (a few thousand at most), each joined to its activity by key, and the latest
    check per activity picked here: no subquery per activity.
    """
    subtree = Organization.objects.filter(subtree_q(path)).values("id")
    checks = SpotCheck.objects.filter(
        activity__organization_id__in=subtree,
        activity__activity_type_id__in={rule.activity_type_id for rule in rules},
        activity__held_on__range=(low, high),
        activity__cancelled_at__isnull=True,
    ).order_by("activity_id", "created_at", "id")
    latest = {}
    for row in checks.values_list(
        "activity_id",
        "result",
        "activity__activity_type_id",
        "activity__organization_id",
        "activity__held_on",
        "activity__attendance_rate",
    ):
        latest[row[0]] = row
    return [row[2:] for row in latest.values() if row[1] == SpotCheckResult.FAILED]


class Plan:
    """One rule being computed: where each activity lands (window and organization), and the verdicts."""

    def __init__(self, rule: Rule, spans: list[Window], targets: list, low_bit: int):
        self.rule, self.block = rule, Block(rule, spans, targets)
        self.low_bit = low_bit  # the bit of the row's flags set when below this rule's minimum (0: none)
        self.slot = self._slots(spans)
        # The organizations whose dates (founded inside or after the range, dissolved) can change a verdict.
        self.dated = [
            (i, org)
            for i, org in enumerate(targets)
            if org.dissolved_on or (org.founded_on and org.founded_on > spans[0].start)
        ]

    def _slots(self, spans: list[Window]) -> dict[int, int]:
        """{day number: where an activity held that day lands} for every day that lands inside the
        windows: the first entry of its window (w · n) when it is held on time, its complement
        (~(w · n)) when it is held on the wrong day of a fixed-day rule."""
        n = self.block.n
        return {
            day: w * n if on_time else ~(w * n) for day, (w, on_time) in _places(self.rule, spans).items()
        }

    def add_rows(self, rows: list) -> None:
        """Count the activity rows (type, organization, day number, flags) of the rule's type."""
        block, slot, position = self.block, self.slot, self.block.position
        counted, held, wrong, low = block.counted, block.held, block.wrong_day, block.low_attendance
        low_bit = self.low_bit
        for row in rows:
            i = position.get(row[1])
            if i is None:  # an organization the rule does not apply to
                continue
            base = slot.get(row[2])
            if base is None:  # outside the windows
                continue
            if base < 0:  # held on the wrong day
                k = ~base + i
                held[k] += 1
                wrong[k] = wrong.get(k, 0) + 1
            else:
                k = base + i
                held[k] += 1
                if not low_bit:
                    counted[k] += 1
                    continue
            if low_bit and row[3] & low_bit:
                low[k] = low.get(k, 0) + 1
            elif base >= 0:
                counted[k] += 1

    def take_failed(self, failed: list[tuple]) -> None:
        """An activity whose latest spot check failed stays held but stops counting."""
        block, slot, type_id, minimum = (
            self.block,
            self.slot,
            self.rule.activity_type_id,
            self.rule.min_attendance_rate,
        )
        for activity_type, org_id, day, rate in failed:
            i = block.position.get(org_id)
            base = slot.get(day.toordinal())
            if activity_type != type_id or i is None or base is None:
                continue
            k = (base if base >= 0 else ~base) + i
            block.failed_check[k] = block.failed_check.get(k, 0) + 1
            low = minimum is not None and (rate is None or rate < minimum)
            if base >= 0 and not low:
                block.counted[k] -= 1

    def decide(self, today: date) -> Block:
        """Every verdict: what does not depend on the organization is decided once per window, and
        `verdict_for` is asked only where an organization's dates (founded, dissolved) matter."""
        block, rule, n = self.block, self.rule, self.block.n
        need, met = rule.min_count, Verdict.MET
        verdicts, counted = block.verdicts, block.counted
        for w, window in enumerate(block.spans):
            unmet, because = verdict_for(rule, None, window, 0, today)
            if unmet == Verdict.NOT_APPLICABLE:
                verdicts += [unmet] * n
                block.window_because[w] = because
                continue
            base = w * n
            verdicts += [met if c >= need else unmet for c in counted[base : base + n]]
        for i, org in self.dated:
            for w, window in enumerate(block.spans):
                k = w * n + i
                verdict, because = verdict_for(rule, org, window, counted[k], today)
                verdicts[k] = verdict
                if because:
                    block.because[k] = because
        return block


class MeasurePlan:
    """A per-member quota rule: for each window, the members of each organization who reached it."""

    def __init__(self, rule: Rule, spans: list[Window], targets: list, measure: Measure):
        self.rule, self.block, self.measure = rule, Block(rule, spans, targets), measure

    def decide(self, path: str, today: date, memo: dict) -> Block:
        block, rule, n = self.block, self.rule, self.block.n
        for w, window in enumerate(block.spans):
            unmet, because = verdict_for(rule, None, window, 0, today)
            if unmet == Verdict.NOT_APPLICABLE:
                block.verdicts += [unmet] * n
                block.window_because[w] = because
                continue
            counts = self.measure.count(path, window.start, min(window.end, today), rule, memo)
            base = w * n
            for i, org_id in enumerate(block.org_ids):
                reached, total = counts.get(org_id, (0, 0))
                block.counted[base + i], block.held[base + i] = reached, total
                if total == 0:
                    block.verdicts.append(Verdict.NOT_APPLICABLE)
                    block.because[base + i] = "无适用的党员"
                else:
                    block.verdicts.append(Verdict.MET if reached >= total else unmet)
        return block


def compute(root: Organization, first: date, last: date, *, today: date | None = None) -> Matrix:
    """The compliance matrix of `root`'s subtree for the months first..last (inclusive).

    1. One query reads the subtree's activities of every rule's type as integers: type, organization,
       day number, and a flag per attendance minimum the rules ask for. Not grouped: at one meeting per
       organization, type and month, a GROUP BY would return as many rows and cost the database a hash
       aggregate (measured: the query takes twice as long on PostgreSQL).
    2. One small query for the activities whose latest spot check failed, taken off in Python.
    3. Each rule places the activities in its windows (where a day lands is worked out once per day)
       and decides its verdicts on flat lists; cells are built only when asked for.
    """
    today = today or timezone.localdate()
    first, last = month_start(first), month_start(last)
    facts = organization_facts(root, first)
    rules = applicable_rules(root, first, last)
    matrix = Matrix(facts, rules, first, last)
    spans = {rule.pk: windows(rule.period, first, last) for rule in rules}
    paths = [org.path for org in facts]
    kinds = [(org.kind, org.unit_category, org.has_committee) for org in facts]
    targets = {rule.pk: targets_of(rule, facts, paths, kinds) for rule in rules}
    rules = [rule for rule in rules if targets[rule.pk]]
    if not rules:
        return matrix
    memo: dict = {}
    for rule in rules:
        if rule.measure != RuleMeasure.ACTIVITIES:
            measure = MEASURES.get(rule.measure)
            if measure is not None:  # a measure whose app is not installed counts nothing
                plan = MeasurePlan(rule, spans[rule.pk], targets[rule.pk], measure)
                matrix.blocks.append(plan.decide(root.path, today, memo))
    rules = [rule for rule in rules if rule.measure == RuleMeasure.ACTIVITIES]
    if not rules:
        return matrix
    minimums = sorted({r.min_attendance_rate for r in rules if r.min_attendance_rate is not None})
    bits = {minimum: 1 << i for i, minimum in enumerate(minimums)}
    plans = [
        Plan(rule, spans[rule.pk], targets[rule.pk], bits.get(rule.min_attendance_rate, 0)) for rule in rules
    ]
    low = min(spans[r.pk][0].start - _reach(r) for r in rules)
    high = max(spans[r.pk][-1].end + _reach(r) for r in rules)
    rows = defaultdict(list)
    for row in _fetch(activity_rows(root.path, rules, low, high, minimums)):
        rows[row[0]].append(row)
    failed = _failed_activities(root.path, rules, low, high)
    per_type = Counter(rule.activity_type_id for rule in rules)
    by_org: dict[int, dict] = {}
    for plan in plans:
        type_id = plan.rule.activity_type_id
        if plan.rule.owner_id and per_type[type_id] > 1 and plan.block.n * 4 < len(matrix.facts):
            # A local rule of a type other rules read too (a town's fixed-day theme day): its own
            # organizations' rows only, not the whole city's.
            if type_id not in by_org:
                by_org[type_id] = grouped = defaultdict(list)
                for row in rows.get(type_id, ()):
                    grouped[row[1]].append(row)
            grouped = by_org[type_id]
            plan.add_rows([row for org_id in plan.block.org_ids for row in grouped.get(org_id, ())])
        else:
            plan.add_rows(rows.get(type_id, ()))
        if failed:
            plan.take_failed(failed)
        matrix.blocks.append(plan.decide(today))
    return matrix


def _fetch(queryset) -> list[tuple]:
    """The rows as the driver returns them: the columns are integers, so Django's per-row converters
    (half a second for a city's 480,000 rows) have nothing to do."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def activity_rows(path: str, rules: list[Rule], low: date, high: date, minimums: list):
    """(type, organization, day number[, flags]) of each activity: bit i of the flags is set when its
    attendance is below the i-th minimum (or not recorded)."""
    columns = {"day": DayNumber("held_on")}
    if minimums:
        flags = [
            Case(
                When(Q(attendance_rate__isnull=True) | Q(attendance_rate__lt=minimum), then=Value(1 << i)),
                default=Value(0),
            )
            for i, minimum in enumerate(minimums)
        ]
        columns["flags"] = sum(flags[1:], flags[0])
    return (
        _activities(path, rules, low, high)
        .annotate(**columns)
        .values_list("activity_type_id", "organization_id", *columns)
        .order_by()
    )


def applicable_rules(root: Organization, first: date, last: date):
    """Rules in force at some point of the range that could apply inside the subtree."""
    rules = Rule.objects.filter(is_active=True, valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    owners = Q(owner__isnull=True) | Q(owner__path__in=[*ancestor_paths(root.path), root.path])
    owners |= subtree_q(root.path, "owner__path")
    return list(rules.filter(owners).select_related("activity_type", "owner"))


def _existing_in(root: Organization, first: date):
    """The subtree's organizations that existed at some point from `first` on (dissolved ones included
    for the months before they were dissolved, so a past year's matrix still shows them), in tree order."""
    return (
        Organization.objects.filter(subtree_q(root.path))
        .filter(Q(status=OrganizationStatus.ACTIVE) | Q(dissolved_on__gte=first))
        .order_by("path")
    )


def organizations_in(root: Organization, first: date):
    """`_existing_in` as model instances."""
    return list(_existing_in(root, first).only(*ORG_FIELDS))


def organization_facts(root: Organization, first: date) -> list[OrgFacts]:
    """`_existing_in` as plain tuples (no model instances: 22,000 of them cost a city 0.2 s)."""
    return [OrgFacts._make(row) for row in _existing_in(root, first).values_list(*ORG_FIELDS)]


def targets_of(rule: Rule, facts: list, paths: list[str] | None = None, kinds: list | None = None) -> list:
    """The organizations `rule` applies to, in tree order. Whether it fits is decided once per (kind,
    unit category, committee); a local rule looks only at its owner's subtree, one contiguous run of
    the facts (they are sorted by path: pass `paths`, their paths, to find it by bisection; and `kinds`,
    their (kind, unit category, committee), to skip building them per rule)."""
    if kinds is None:
        kinds = [(org.kind, org.unit_category, org.has_committee) for org in facts]
    if rule.owner_id:
        owner = rule.owner.path
        if paths is None:
            paths = [org.path for org in facts]
        low, high = bisect_left(paths, owner), bisect_right(paths, owner + "\U0010ffff")
        facts, kinds = facts[low:high], kinds[low:high]
    fits = {key: rule.fits(*key) for key in set(kinds)}
    return [org for org, key in zip(facts, kinds, strict=True) if fits[key]]


def verdict_for(rule: Rule, org, window: Window, counted: int, today: date) -> tuple[str, str]:
    """(verdict, why not applicable) of one cell."""
    if rule.valid_from > window.end or (rule.valid_to is not None and rule.valid_to < window.start):
        return Verdict.NOT_APPLICABLE, "制度在该期间未施行"
    if org is not None and org.founded_on and org.founded_on > window.end:
        return Verdict.NOT_APPLICABLE, "该期间组织尚未成立"
    if window.start > today:
        return Verdict.NOT_APPLICABLE, "期间尚未开始"
    if counted >= rule.min_count:
        return Verdict.MET, ""
    # A branch dissolved before the period ended cannot be asked to finish it (unless it already did).
    if org is not None and org.dissolved_on and org.dissolved_on < window.end:
        return Verdict.NOT_APPLICABLE, "组织已于期间内撤销"
    if window.end >= today:
        return Verdict.OPEN, ""
    return Verdict.MISSED, ""


def evidence(organization: Organization, rule: Rule, window: Window) -> list[tuple[Activity, list[str]]]:
    """The activities behind one cell, each with the reasons it does not count (none: it counts).

    Classified exactly as `compute` counts them (cancelled activities are not listed).
    """
    reach = _reach(rule)
    activities = (
        _activities(organization.path, [rule], window.start - reach, window.end + reach)
        .filter(organization=organization)
        .with_latest_check()
    )
    result = []
    for activity in activities.select_related("activity_type").order_by("held_on", "id"):
        if not window.start <= due_month(rule, activity.held_on) <= window.end:
            continue
        reasons = []
        if not on_fixed_day(rule, activity.held_on):
            reasons.append(fixed_day_text(rule))
        minimum = rule.min_attendance_rate
        if minimum is not None and (activity.attendance_rate is None or activity.attendance_rate < minimum):
            reasons.append(f"出席率低于{minimum:.0%}")
        if activity._latest_check == SpotCheckResult.FAILED:
            reasons.append("抽查不合格")
        result.append((activity, reasons))
    return result
