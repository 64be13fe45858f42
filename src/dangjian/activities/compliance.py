"""The compliance engine: for organizations × periods × rules, 达标 / 未达标 / 进行中 / 不适用.

Verdicts are always computed from the records (no stored verdicts that could disagree with them). For each
rule, one grouped query counts the qualifying activities per (organization, month) over the whole subtree;
periods longer than a month add up their months. Rules with a fixed day or a minimum attendance also count
every activity of the type, so a miss can say why ("held on the wrong day", "attendance below minimum").
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.db.models.functions import ExtractDay, TruncMonth
from django.utils import timezone

from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .choices import PERIOD_MONTHS, Period, Verdict
from .models import Activity, Rule


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


def windows(period: str, first: date, last: date) -> list[Window]:
    """The periods of kind `period` that overlap the months first..last (calendar-aligned)."""
    size = PERIOD_MONTHS[Period(period)]
    start = date(first.year, (first.month - 1) // size * size + 1, 1)
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


@dataclass
class Cell:
    organization_id: int
    rule: Rule
    window: Window
    verdict: str
    counted: int
    held: int

    @property
    def reason(self) -> str:
        """Why a cell is missed (or what is still due)."""
        if self.verdict == Verdict.MET:
            return ""
        need = self.rule.min_count
        if self.verdict == Verdict.OPEN:
            return f"还需{need - self.counted}次，截止{self.window.end:%Y-%m-%d}"
        if self.held == 0:
            return "未开展"
        if self.held > self.counted:
            return _qualifier_reason(self.rule, self.held - self.counted)
        return f"开展{self.counted}次，少于规定的{need}次"


def _qualifier_reason(rule: Rule, not_counted: int) -> str:
    parts = []
    if rule.fixed_day:
        parts.append(f"未在规定日（每期{rule.fixed_day}日±{rule.tolerance_days}天）开展")
    if rule.min_attendance_rate is not None:
        parts.append(f"出席率低于{rule.min_attendance_rate:.0%}")
    return f"{not_counted}次活动{'或'.join(parts)}，不计入"


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


def qualifying_filter(rule: Rule) -> Q:
    """The conditions an activity must meet to count for `rule` (fixed day, minimum attendance)."""
    condition = Q()
    if rule.fixed_day:
        condition &= Q(
            day__gte=rule.fixed_day - rule.tolerance_days, day__lte=rule.fixed_day + rule.tolerance_days
        )
    if rule.min_attendance_rate is not None:
        condition &= Q(attendance_rate__gte=rule.min_attendance_rate)
    return condition


def monthly_counts(root: Organization, rule: Rule, first: date, last_day: date, qualifying: bool):
    """{(organization_id, month): count} of the rule's activity type in the subtree, in one query."""
    activities = (
        Activity.objects.counted()
        .filter(subtree_q(root.path, "organization__path"), activity_type_id=rule.activity_type_id)
        .filter(held_on__gte=first, held_on__lte=last_day)
    )
    if qualifying and (rule.fixed_day or rule.min_attendance_rate is not None):
        activities = activities.annotate(day=ExtractDay("held_on")).filter(qualifying_filter(rule))
    rows = (
        activities.annotate(month=TruncMonth("held_on"))
        .values_list("organization_id", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(org_id, month if isinstance(month, date) else month.date()): n for org_id, month, n in rows}


def applicable_rules(root: Organization, first: date, last: date):
    """Rules in force at some point of the range that could apply inside the subtree."""
    rules = Rule.objects.filter(is_active=True, valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    owners = Q(owner__isnull=True) | Q(
        owner__path__in=[root.path[:end] for end in range(4, len(root.path) + 1, 4)]
    )
    owners |= subtree_q(root.path, "owner__path")
    return list(rules.filter(owners).select_related("activity_type", "owner"))


def compute(root: Organization, first: date, last: date, *, today: date | None = None) -> Matrix:
    """The compliance matrix of `root`'s subtree for the months first..last (inclusive)."""
    today = today or timezone.localdate()
    first, last = month_start(first), month_start(last)
    organizations = list(
        Organization.objects.filter(subtree_q(root.path))
        .active()
        .only("id", "path", "name", "kind", "unit_category", "has_committee", "founded_on")
    )
    rules = applicable_rules(root, first, last)
    matrix = Matrix(organizations, rules, first, last)
    for rule in rules:
        targets = [org for org in organizations if rule.applies_to(org)]
        if not targets:
            continue
        spans = windows(rule.period, first, last)
        counted = monthly_counts(root, rule, spans[0].start, spans[-1].end, qualifying=True)
        conditional = rule.fixed_day or rule.min_attendance_rate is not None
        held = (
            monthly_counts(root, rule, spans[0].start, spans[-1].end, qualifying=False)
            if conditional
            else counted
        )
        for window in spans:
            months = _months_of(window)
            in_force = rule.valid_from <= window.end and (
                rule.valid_to is None or rule.valid_to >= window.start
            )
            for org in targets:
                n_counted = sum(counted.get((org.pk, m), 0) for m in months)
                n_held = sum(held.get((org.pk, m), 0) for m in months)
                verdict = _verdict(rule, org, window, n_counted, in_force, today)
                matrix.cells.append(Cell(org.pk, rule, window, verdict, n_counted, n_held))
    return matrix


def _months_of(window: Window) -> list[date]:
    months, month = [], window.start
    while month <= window.end:
        months.append(month)
        month = add_months(month, 1)
    return months


def _verdict(rule: Rule, org, window: Window, counted: int, in_force: bool, today: date) -> str:
    if not in_force or (org.founded_on and org.founded_on > window.end) or window.start > today:
        return Verdict.NOT_APPLICABLE
    if counted >= rule.min_count:
        return Verdict.MET
    if window.end >= today:
        return Verdict.OPEN
    return Verdict.MISSED
