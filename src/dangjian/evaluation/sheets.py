"""A unit's score sheet (评分表): every item with its points, where points were lost and why, and the
evidence; shown on the printable page and exported as .xlsx (the same rows for both)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from openpyxl.styles import Font

from dangjian.accounts.scope import get_scope
from dangjian.core import xlsx

from . import scoring
from .choices import AssessmentStatus, RankingVisibility, ScoreSource, ScoringMethod
from .sources import OVERDUE_TASKS

# Where a counted record of a traced source is shown (sources without a page per record: none).
RECORD_PAGES = {OVERDUE_TASKS: "tasks:assignment_detail", "theme_days": "activities:activity_detail"}


@dataclass
class SheetRow:
    item: object
    points: Decimal | None
    self_row: object = None
    computed: object = None
    reasons: list = field(default_factory=list)
    records: list = field(default_factory=list)  # (label, url or "")

    @property
    def lost(self) -> Decimal | None:
        return None if self.points is None else self.item.points - self.points

    @property
    def self_points(self):
        return self.self_row.points if self.self_row else None


def committee_sees(user, assessment) -> bool:
    return get_scope(user).covers(assessment.organization.path, "view")


def rank_shown(user, unit) -> bool:
    """The unit's rank: to the committee always; to the unit when published and the setting allows."""
    assessment = unit.assessment
    if assessment.status != AssessmentStatus.PUBLISHED:
        return False
    return committee_sees(user, assessment) or assessment.ranking_visibility != RankingVisibility.COMMITTEE


def _reasons(item, rows) -> list[str]:
    """Why an item's points are what they are: deductions counted, comments, reconciliation, appeal."""
    found = []
    for row in rows:
        if row.source == ScoreSource.ASSESSOR:
            if item.method == ScoringMethod.DEDUCTION and row.value is not None:
                found.append(f"扣分{row.value.normalize():f}次（每次{item.per_occurrence}分）")
            if row.comment:
                found.append(f"评分说明：{row.comment}")
        elif row.source == ScoreSource.COMPUTED and row.comment:
            found.append(row.comment)
        elif row.source == ScoreSource.RECONCILED:
            found.append(f"复核认定{row.points}分" + (f"：{row.comment}" if row.comment else ""))
        elif row.source == ScoreSource.APPEAL:
            found.append(f"申诉改分为{row.points}分" + (f"：{row.comment}" if row.comment else ""))
    return list(dict.fromkeys(found))


def _records(item, computed) -> list[tuple[str, str]]:
    if computed is None:
        return []
    page = RECORD_PAGES.get(item.source_key)
    return [(f"#{pk}", reverse(page, args=[pk]) if page else "") for pk in computed.record_ids or []]


def sheet_rows(unit) -> list[SheetRow]:
    """The rows of `unit`'s score sheet in the rubric's order (two queries: items, scores)."""
    assessment = unit.assessment
    items = list(assessment.version.items().select_related("section"))
    result = scoring.results(assessment, [unit], items)[unit.pk]
    by_item = {}
    for row in unit.scores.counted(assessment).order_by("item", "source", "pk"):
        by_item.setdefault(row.item_id, []).append(row)
    sheet = []
    for item in items:
        rows = by_item.get(item.pk, [])
        computed = next((row for row in rows if row.source == ScoreSource.COMPUTED), None)
        line = SheetRow(
            item=item,
            points=result.items.get(item.pk),
            self_row=next((row for row in rows if row.source == ScoreSource.SELF), None),
            computed=computed,
            records=_records(item, computed),
        )
        line.reasons = _reasons(item, rows) if line.lost else []
        sheet.append(line)
    return sheet


HEADERS = [
    "考核项目",
    "考核内容",
    "评分方式",
    "分值",
    "自评",
    "得分",
    "失分",
    "失分原因",
    "佐证要求",
    "佐证链接",
]
WIDTHS = {"考核项目": 16, "考核内容": 40, "失分原因": 40, "佐证要求": 24, "佐证链接": 50}


def sheet_xlsx(unit, rows: list[SheetRow], *, show_rank: bool, absolute) -> bytes:
    """The score sheet as .xlsx: the rows, the totals, the rating and (when shown) the rank."""
    assessment = unit.assessment
    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(workbook, "评分表", HEADERS, WIDTHS)
    for row in rows:
        links = [absolute(row.computed.evidence_url)] if row.computed and row.computed.evidence_url else []
        links += [f"{label} {absolute(url)}" if url else f"记录{label}" for label, url in row.records]
        xlsx.append_row(
            sheet,
            [
                row.item.section.title,
                row.item.text,
                row.item.get_method_display(),
                row.item.points,
                row.self_points,
                row.points,
                row.lost,
                "；".join(row.reasons),
                row.item.evidence,
                "\n".join(links),
            ],
        )
    total = sum((row.item.points for row in rows), Decimal("0"))
    scored = [row.points for row in rows if row.points is not None]
    lost = sum((row.lost for row in rows if row.lost is not None), Decimal("0"))
    bold = Font(bold=True)
    xlsx.append_row(
        sheet,
        ["合计", "", "", total, unit.self_score, sum(scored, Decimal("0")) if scored else None, lost],
        font=bold,
    )
    xlsx.append_row(sheet, ["考核得分", unit.final_score], font=bold)
    xlsx.append_row(sheet, ["评定等次", unit.rating or "未评定"], font=bold)
    if show_rank and unit.rank:
        change = unit.rank_change
        moved = (
            ""
            if change is None
            else ("持平" if change == 0 else f"{'晋升' if change > 0 else '下降'}{abs(change)}个位次")
        )
        xlsx.append_row(sheet, ["名次", unit.rank, moved], font=bold)
    xlsx.append_row(sheet, [f"{assessment}（{assessment.organization.name}）· {unit.organization.name}"])
    return xlsx.to_bytes(workbook)
