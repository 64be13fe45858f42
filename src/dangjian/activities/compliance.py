"""The compliance engine: for organizations × periods × rules, 达标 / 未达标 / 进行中 / 不适用.

Verdicts are always computed from the records (no stored verdicts that could disagree with them). For each
rule, one grouped query over the subtree's path range counts the rule's activities per organization and
month (per day for a fixed-day rule), with conditional counts of those that do not count and why (failed
spot check, attendance below the minimum, wrong day). The number of queries therefore depends on the number
of rules, never on the number of organizations. `evidence()` lists the activities behind one cell with the
same classification, for the drill-down.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.organizations.choices import OrganizationStatus
from dangjian.organizations.models import Organization

from .choices import PERIOD_MONTHS, Period, SpotCheckResult, Verdict
from .models import Activity, Rule, SpotCheck


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


@dataclass
class Matrix:
    """The result: organizations, rules, and every (organization, rule, window) cell."""

    organizations: list
    rules: list
    first: date
    last: date
    cells: list = field(default_factory=list)

    def by_organization(self) -> dict[int, list[Cell]]:
        grouped = defaultdict(list)
        for cell in self.cells:
            grouped[cell.organization_id].append(cell)
        return grouped

    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(Verdict.values, 0)
        for cell in self.cells:
            counts[cell.verdict] += 1
        return counts

    def cell(self, organization_id: int, rule_id: int, start: date) -> Cell | None:
        """The cell of one organization, rule and window (by its first day), if the matrix has it."""
        for cell in self.cells:
            if (cell.organization_id, cell.rule.pk, cell.window.start) == (organization_id, rule_id, start):
                return cell
        return None


# Queries ------------------------------------------------------------------------------------------


def failed_check_exists():
    return Exists(SpotCheck.objects.filter(activity=OuterRef("pk"), result=SpotCheckResult.FAILED))


def _activities(path: str, rule: Rule, spans: list[Window]):
    """The rule's activities (not cancelled) under `path` that may fall in the windows."""
    # A fixed-day rule also reads its tolerance beyond the windows: held on 30 December, within two
    # days of 1 January, an activity belongs to January.
    reach = timedelta(days=rule.tolerance_days if rule.fixed_day else 0)
    # A local rule applies only under its owner: read no further than that.
    if rule.owner_id and rule.owner.path.startswith(path):
        path = rule.owner.path
    # The subtree as a subquery of ids, not a join on the path: SQLite then reads the
    # (organization, type, day) index instead of every activity of the type (city branch home: 139 → ~4 ms).
    subtree = Organization.objects.filter(subtree_q(path)).values("id")
    return Activity.objects.current().filter(
        organization_id__in=subtree,
        activity_type_id=rule.activity_type_id,
        held_on__range=(spans[0].start - reach, spans[-1].end + reach),
    )


def tallies(root: Organization, rule: Rule, spans: list[Window]) -> dict[tuple[int, date], Tally]:
    """{(organization_id, window start): Tally} for one rule over the subtree, in one grouped query."""
    failed = Q(failed_check_exists())
    aggregates = {"held": Count("id"), "failed": Count("id", filter=failed)}
    if rule.min_attendance_rate is None:
        aggregates["good"] = Count("id", filter=~failed)
    else:
        # An activity without attendance (rate unknown) cannot show that it reached the minimum.
        minimum = rule.min_attendance_rate
        aggregates["good"] = Count("id", filter=~failed & Q(attendance_rate__gte=minimum))
        aggregates["low"] = Count(
            "id", filter=Q(attendance_rate__isnull=True) | Q(attendance_rate__lt=minimum)
        )
    activities = _activities(root.path, rule, spans)
    first, last = spans[0].start, spans[-1].end
    result: dict[tuple[int, date], Tally] = {}

    def tally_of(org_id: int, start: date) -> Tally:
        tally = result.get((org_id, start))
        if tally is None:
            tally = result[(org_id, start)] = Tally()
        return tally

    if rule.fixed_day:
        # The day decides both whether an activity counts and which month it counts for.
        rows = activities.values_list("organization_id", "held_on").annotate(**aggregates).order_by()
        for org_id, day, held, failed_n, good, *low in rows:
            month = due_month(rule, day)
            if first <= month <= last:
                in_time = on_fixed_day(rule, day)
                _add(tally_of(org_id, period_start(rule.period, month)), held, failed_n, good, low, in_time)
        return result
    # Without a fixed day the month is enough: far fewer rows, and plain integers (no date parsing).
    rows = (
        activities.annotate(year=ExtractYear("held_on"), month=ExtractMonth("held_on"))
        .values_list("organization_id", "year", "month")
        .annotate(**aggregates)
        .order_by()
    )
    window_of: dict[tuple[int, int], date] = {}
    for org_id, year, month, held, failed_n, good, *low in rows:
        start = window_of.get((year, month))
        if start is None:
            start = window_of[(year, month)] = period_start(rule.period, date(year, month, 1))
        _add(tally_of(org_id, start), held, failed_n, good, low, True)
    return result


def _add(tally: Tally, held: int, failed: int, good: int, low: list, in_time: bool) -> None:
    tally.held += held
    tally.failed_check += failed
    tally.low_attendance += low[0] if low else 0
    if in_time:
        tally.counted += good
    else:
        tally.wrong_day += held


def qualifying_filter(rule: Rule) -> Q:
    """Conditions on activities annotated with `day` (ExtractDay) that a rule's activities must meet.

    Kept for callers that filter one month's activities in SQL. It cannot see a fixed day reached across
    a month boundary (held on 31 January for 1 February); `evidence()` classifies exactly as `compute`.
    """
    condition = Q()
    if rule.fixed_day:
        condition &= Q(
            day__gte=rule.fixed_day - rule.tolerance_days, day__lte=rule.fixed_day + rule.tolerance_days
        )
    if rule.min_attendance_rate is not None:
        condition &= Q(attendance_rate__gte=rule.min_attendance_rate)
    return condition


def applicable_rules(root: Organization, first: date, last: date):
    """Rules in force at some point of the range that could apply inside the subtree."""
    rules = Rule.objects.filter(is_active=True, valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    owners = Q(owner__isnull=True) | Q(owner__path__in=[*ancestor_paths(root.path), root.path])
    owners |= subtree_q(root.path, "owner__path")
    return list(rules.filter(owners).select_related("activity_type", "owner"))


def organizations_in(root: Organization, first: date):
    """The subtree's organizations that existed at some point from `first` on (dissolved ones included
    for the months before they were dissolved, so a past year's matrix still shows them)."""
    return list(
        Organization.objects.filter(subtree_q(root.path))
        .filter(Q(status=OrganizationStatus.ACTIVE) | Q(dissolved_on__gte=first))
        .only("id", "path", "name", "kind", "unit_category", "has_committee", "founded_on", "dissolved_on")
        .order_by("path")
    )


def compute(root: Organization, first: date, last: date, *, today: date | None = None) -> Matrix:
    """The compliance matrix of `root`'s subtree for the months first..last (inclusive)."""
    today = today or timezone.localdate()
    first, last = month_start(first), month_start(last)
    organizations = organizations_in(root, first)
    rules = applicable_rules(root, first, last)
    matrix = Matrix(organizations, rules, first, last)
    for rule in rules:
        targets = [(org.pk, org) for org in organizations if rule.applies_to(org)]
        if targets:
            spans = windows(rule.period, first, last)
            matrix.cells.extend(_cells(rule, spans, targets, tallies(root, rule, spans), today))
    return matrix


def _cells(rule: Rule, spans: list[Window], targets: list, counts: dict, today: date) -> list[Cell]:
    cells = []
    for window in spans:
        # What does not depend on the organization is decided once per window (this loop runs for
        # every branch of a city × month × rule).
        plain = verdict_for(rule, None, window, 0, today) == (Verdict.MISSED, "")
        for org_id, org in targets:
            tally = counts.get((org_id, window.start), EMPTY)
            if plain and not (org.founded_on or org.dissolved_on):
                verdict = Verdict.MET if tally.counted >= rule.min_count else Verdict.MISSED
                because = ""
            else:
                verdict, because = verdict_for(rule, org, window, tally.counted, today)
            cells.append(
                Cell(
                    org_id,
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
            )
    return cells


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
    activities = (
        _activities(organization.path, rule, [window])
        .filter(organization=organization)
        .annotate(failed=failed_check_exists())
        .select_related("activity_type")
        .order_by("held_on", "id")
    )
    result = []
    for activity in activities:
        if not window.start <= due_month(rule, activity.held_on) <= window.end:
            continue
        reasons = []
        if not on_fixed_day(rule, activity.held_on):
            reasons.append(fixed_day_text(rule))
        minimum = rule.min_attendance_rate
        if minimum is not None and (activity.attendance_rate is None or activity.attendance_rate < minimum):
            reasons.append(f"出席率低于{minimum:.0%}")
        if activity.failed:
            reasons.append("抽查不合格")
        result.append((activity, reasons))
    return result
