"""The figures of a plan, per unit and per team, counted from the records in a few grouped queries:
checklist items checked and their scores, interviews and participants, sampled people, notes,
reflections and activities, findings by severity and the progress of their rectification. Every figure is
a count or a sum of rows a reader can open; nothing is typed in."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from .choices import FindingStatus, SampleItemKind, Severity
from .models import ChecklistResult, Finding, Interview, SampleItem, TeamUnit, UnitInspection

COUNTED = (
    "items_checked",
    "score",
    "interviews",
    "participants",
    "people",
    "notes",
    "reflections",
    "activities",
    "findings",
    "closed",
    "rectifying",
    "open",
)
SAMPLE_FIELDS = {
    SampleItemKind.PERSON: "people",
    SampleItemKind.STUDY_NOTE: "notes",
    SampleItemKind.REFLECTION: "reflections",
    SampleItemKind.ACTIVITY: "activities",
}
STATUS_FIELDS = {
    FindingStatus.CLOSED: "closed",
    FindingStatus.RECTIFYING: "rectifying",
    FindingStatus.OPEN: "open",
}


@dataclass
class Figures:
    """Counts of one unit, one team or the whole plan."""

    units: int = 0
    items_checked: int = 0
    score: Decimal = Decimal("0")
    interviews: int = 0
    participants: int = 0
    people: int = 0
    notes: int = 0
    reflections: int = 0
    activities: int = 0
    findings: int = 0
    by_severity: dict = field(default_factory=lambda: dict.fromkeys(Severity.values, 0))
    closed: int = 0
    rectifying: int = 0
    open: int = 0

    def add(self, other: "Figures") -> None:
        self.units += other.units
        for name in COUNTED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.by_severity.items():
            self.by_severity[key] += value

    @property
    def severity_rows(self) -> list[tuple[str, int]]:
        """(label, count), the gravest first."""
        return [(label, self.by_severity[value]) for value, label in reversed(Severity.choices)]

    @property
    def closed_rate(self) -> str:
        return f"{self.closed * 100 / self.findings:.0f}%" if self.findings else "—"


@dataclass
class UnitRow:
    unit_inspection: UnitInspection
    team_name: str
    figures: Figures


@dataclass
class TeamRow:
    pk: int | None
    name: str
    leader: str
    people: int
    units: list = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


@dataclass
class Summary:
    plan: object
    units: list
    teams: list
    total: Figures
    items_total: int
    max_score: Decimal


def summarize(plan, unit_inspections) -> Summary:
    """The figures of `unit_inspections` (those of `plan` the reader may see), per unit, per team and in
    total; every team of the plan is listed (the reader's units under it)."""
    rows = list(unit_inspections.filter(plan=plan).select_related("unit").order_by("unit__path", "id"))
    ids = [row.pk for row in rows]
    figures = {pk: Figures(units=1) for pk in ids}
    for pk, count, score in (
        ChecklistResult.objects.filter(unit_inspection_id__in=ids, item__active=True)
        .order_by()
        .values_list("unit_inspection_id")
        .annotate(Count("id"), Sum("score"))
    ):
        figures[pk].items_checked, figures[pk].score = count, score or Decimal("0")
    for pk, count, participants in (
        Interview.objects.filter(unit_inspection_id__in=ids)
        .order_by()
        .values_list("unit_inspection_id")
        .annotate(Count("id"), Sum("participants"))
    ):
        figures[pk].interviews, figures[pk].participants = count, participants or 0
    for pk, severity, status, count in (
        Finding.objects.filter(unit_inspection_id__in=ids)
        .order_by()
        .values_list("unit_inspection_id", "severity", "status")
        .annotate(Count("id"))
    ):
        found = figures[pk]
        found.findings += count
        found.by_severity[severity] += count
        setattr(found, STATUS_FIELDS[status], getattr(found, STATUS_FIELDS[status]) + count)
    by_unit = {row.unit_id: row.pk for row in rows}
    for unit_id, kind, count in (
        SampleItem.objects.filter(sample__plan=plan, unit_id__in=list(by_unit))
        .order_by()
        .values_list("unit_id", "kind")
        .annotate(Count("id"))
    ):
        found = figures[by_unit[unit_id]]
        setattr(found, SAMPLE_FIELDS[kind], getattr(found, SAMPLE_FIELDS[kind]) + count)
    return _assemble(plan, rows, figures)


def _assemble(plan, rows, figures) -> Summary:
    teams = {
        team.pk: TeamRow(team.pk, team.name, str(team.leader), len(team.people()))
        for team in plan.teams.select_related("leader").prefetch_related("members").order_by("id")
    }
    assigned = dict(TeamUnit.objects.in_force().filter(plan=plan).values_list("unit_id", "team_id"))
    units, total = [], Figures()
    for row in rows:
        team = teams.get(assigned.get(row.unit_id))
        if team is None:
            team = teams.setdefault(None, TeamRow(None, "（未分配督导组）", "", 0))
        unit = UnitRow(row, team.name, figures[row.pk])
        units.append(unit)
        team.units.append(unit)
        team.figures.add(unit.figures)
        total.add(unit.figures)
    items = plan.checklist.filter(active=True)
    return Summary(
        plan=plan,
        units=units,
        teams=list(teams.values()),
        total=total,
        items_total=items.count(),
        max_score=items.aggregate(s=Sum("max_points"))["s"] or Decimal("0"),
    )
