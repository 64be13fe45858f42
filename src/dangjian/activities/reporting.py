"""What the compliance pages, the API, the export and the command show of `compliance.compute`.

The engine computes; this module only arranges its cells (heat map rows, misses ranked, what is due)
and never decides a verdict itself.
"""

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dangjian.core import xlsx
from dangjian.core.tree import STEPLEN

from . import compliance
from .choices import Period, Verdict

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
# Bootstrap classes of the heat map, one per verdict.
VERDICT_CSS = {
    Verdict.MET: "text-bg-success",
    Verdict.MISSED: "text-bg-danger",
    Verdict.OPEN: "text-bg-warning",
    Verdict.NOT_APPLICABLE: "text-bg-light text-muted",
}
VERDICT_LABELS = dict(Verdict.choices)


def parse_month(text: str) -> date:
    """'2025-03' → 2025-03-01; a ValueError with a Chinese message otherwise."""
    match = MONTH_RE.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValueError(f"月份格式应为 YYYY-MM（如 2025-03），收到：{text or '（空）'}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_range(first_text: str, last_text: str, *, max_months: int = 60) -> tuple[date, date]:
    first, last = parse_month(first_text), parse_month(last_text)
    if first > last:
        raise ValueError("起始月份不能晚于结束月份。")
    if (last.year - first.year) * 12 + last.month - first.month >= max_months:
        raise ValueError(f"一次最多查询{max_months}个月。")
    return first, last


@dataclass
class ShownCell:
    """A cell with what a page needs to draw it."""

    cell: compliance.Cell
    organization: object

    @property
    def css(self) -> str:
        return VERDICT_CSS[self.cell.verdict]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.cell.verdict]

    @property
    def reason(self) -> str:
        return self.cell.reason


def organizations_by_id(matrix) -> dict:
    return {org.pk: org for org in matrix.organizations}


def visible_cells(matrix, scope) -> list:
    """Cells of organizations the user may view (a grant without descendants stops at its node)."""
    visible = visible_ids(matrix, scope)
    return [c for c in matrix.cells if c.organization_id in visible]


def visible_ids(matrix, scope) -> set[int]:
    """The organizations of the matrix the user may view (a grant without descendants stops at its
    node): the same decision as `visible_cells`, without building the cells."""
    return {org.id for org in matrix.facts if scope.covers(org.path, "view")}


def _entries(block, visible: set[int]) -> list[int]:
    """Indexes (i) of the block's organizations that are visible."""
    return [i for i, org_id in enumerate(block.org_ids) if org_id in visible]


def totals(matrix, visible: set[int]) -> dict[str, int]:
    """How many visible cells have each verdict (every rule and period)."""
    counts = dict.fromkeys(Verdict.values, 0)
    for block in matrix.blocks:
        shown = _entries(block, visible)
        if len(shown) == block.n:
            for verdict in Verdict.values:
                counts[verdict] += block.verdicts.count(verdict)
            continue
        for w in range(len(block.spans)):
            base = w * block.n
            for i in shown:
                counts[block.verdicts[base + i]] += 1
    return counts


def heat_map_ids(matrix, rule, visible: set[int], *, only_missed: bool = False) -> list[int]:
    """The rows of a rule's heat map (organization ids, in tree order); with `only_missed`, those with
    at least one missed period."""
    block = matrix.block_for(rule.pk)
    if block is None:
        return []
    shown = _entries(block, visible)
    if only_missed:
        windows = range(len(block.spans))
        shown = [i for i in shown if any(block.verdicts[w * block.n + i] == Verdict.MISSED for w in windows)]
    return [block.org_ids[i] for i in shown]


def heat_map(matrix, rule, organization_ids) -> tuple[list, list]:
    """(column labels, [(organization, [ShownCell per window])]) for one rule and the given rows."""
    block = matrix.block_for(rule.pk)
    columns = compliance.windows(rule.period, matrix.first, matrix.last)
    if block is None:
        return [column.label for column in columns], []
    rows = []
    for org_id in organization_ids:
        org, i = matrix.organization(org_id), block.position[org_id]
        rows.append((org, [ShownCell(block.cell_of(i, w), org) for w in range(len(block.spans))]))
    return [window.label for window in block.spans], rows


def misses_ranked(matrix, visible: set[int], limit: int = 50) -> list[tuple]:
    """[(organization, number of missed periods, names of the rules missed)], most misses first."""
    counts = Counter()
    rules = defaultdict(set)
    missed = Verdict.MISSED
    for block in matrix.blocks:
        n, org_ids, name = block.n, block.org_ids, block.rule.name
        for k, verdict in enumerate(block.verdicts):
            if verdict == missed:
                org_id = org_ids[k % n]
                if org_id in visible:
                    counts[org_id] += 1
                    rules[org_id].add(name)
    paths = {org.id: org.path for org in matrix.facts if org.id in counts}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], paths[item[0]]))
    return [(matrix.organization(pk), n, sorted(rules[pk])) for pk, n in ranked[:limit]]


@dataclass
class ChildSummary:
    """One direct child of the organization and everything below it: finished periods met and missed."""

    organization: object
    met: int = 0
    missed: int = 0
    open: int = 0

    @property
    def rate(self) -> float | None:
        finished = self.met + self.missed
        return self.met / finished if finished else None


def by_child(matrix, target, visible: set[int]) -> list[ChildSummary]:
    """For each direct child of `target`: its subtree's met / missed / open cells (every rule, every
    period). The facts are in tree order, so a child's subtree is the run that starts with it."""
    depth = len(target.path) + STEPLEN
    child_of, summaries, current = {}, {}, None
    for org in matrix.facts:
        if len(org.path) == depth:
            current = org if org.id in visible else None
            if current is not None:
                summaries[current.id] = ChildSummary(matrix.organization(current.id))
        if current is not None and org.path.startswith(current.path) and org.id in visible:
            child_of[org.id] = current.id
    for block in matrix.blocks:
        n, org_ids = block.n, block.org_ids
        for k, verdict in enumerate(block.verdicts):
            child = child_of.get(org_ids[k % n])
            if child is None:
                continue
            summary = summaries[child]
            if verdict == Verdict.MET:
                summary.met += 1
            elif verdict == Verdict.MISSED:
                summary.missed += 1
            elif verdict == Verdict.OPEN:
                summary.open += 1
    return list(summaries.values())


def cells_of(matrix, organization_id: int) -> list:
    """Every cell of one organization (from the flat lists)."""
    cells = []
    for block in matrix.blocks:
        i = block.position.get(organization_id)
        if i is not None:
            cells += [block.cell_of(i, w) for w in range(len(block.spans))]
    return cells


@dataclass
class RuleSummary:
    """One rule's period: how many organizations have each verdict."""

    rule: object
    window: object
    days_left: int
    met: int = 0
    open: int = 0
    missed: int = 0


def due_summary(matrix, visible: set[int], today: date) -> list[RuleSummary]:
    """For each rule and period of the matrix, the visible organizations met / still open / missed."""
    summaries = []
    for block in matrix.blocks:
        n = block.n
        shown = _entries(block, visible)
        if not shown:
            continue
        for w, window in enumerate(block.spans):
            summary = RuleSummary(block.rule, window, (window.end - today).days)
            for i in shown:
                verdict = block.verdicts[w * n + i]
                if verdict == Verdict.MET:
                    summary.met += 1
                elif verdict == Verdict.OPEN:
                    summary.open += 1
                elif verdict == Verdict.MISSED:
                    summary.missed += 1
            if summary.met or summary.open or summary.missed:
                summaries.append(summary)
    summaries.sort(key=lambda s: (-s.open, PERIOD_ORDER.get(s.rule.period, 9), s.rule.pk))
    return summaries


PERIOD_ORDER = {Period.MONTH: 0, Period.QUARTER: 1, Period.HALF_YEAR: 2, Period.YEAR: 3}


@dataclass
class DueItem:
    """A rule's current period for one organization, with the days left in it."""

    shown: ShownCell
    days_left: int

    @property
    def cell(self):
        return self.shown.cell


def due_items(matrix, cells, today: date) -> dict[str, list[DueItem]]:
    """The cells of the periods containing today, grouped 本月 / 本季度 / 更长周期."""
    orgs = organizations_by_id(matrix)
    groups = {"本月": [], "本季度": [], "本半年及本年度": []}
    for cell in cells:
        if not cell.window.start <= today <= cell.window.end:
            continue
        item = DueItem(ShownCell(cell, orgs[cell.organization_id]), (cell.window.end - today).days)
        if cell.rule.period == Period.MONTH:
            groups["本月"].append(item)
        elif cell.rule.period == Period.QUARTER:
            groups["本季度"].append(item)
        else:
            groups["本半年及本年度"].append(item)
    for items in groups.values():
        items.sort(key=lambda i: (i.cell.verdict != Verdict.OPEN, orgs[i.cell.organization_id].path))
    return groups


def evidence_by_window(organization, rule, cells) -> list[tuple]:
    """[(ShownCell, [(activity, reasons it does not count)])] for one organization and rule: the
    engine's own classification, read once for the whole range and split by the period counted toward."""
    if not cells:
        return []
    cells = sorted(cells, key=lambda c: c.window.start)
    span = compliance.Window(cells[0].window.start, cells[-1].window.end, "")
    found = compliance.evidence(organization, rule, span)
    rows = []
    for cell in cells:
        inside = [
            (activity, reasons)
            for activity, reasons in found
            if cell.window.start <= compliance.due_month(rule, activity.held_on) <= cell.window.end
        ]
        rows.append((ShownCell(cell, organization), inside))
    return rows


def cell_rows(matrix, cells) -> list[dict]:
    """The cells as plain data (JSON output of the command and the API)."""
    orgs = organizations_by_id(matrix)
    ordered = sorted(cells, key=lambda c: (orgs[c.organization_id].path, c.rule.pk, c.window.start))
    return [_row(c, orgs[c.organization_id]) for c in ordered]


class CellRows(Sequence):
    """`cell_rows` of the visible cells, in the same order, built only for the slice asked for (a page
    of the API): a city's year is half a million rows."""

    def __init__(self, matrix, visible: set[int]):
        per_org = defaultdict(list)
        for block in sorted(matrix.blocks, key=lambda b: b.rule.pk):
            for i, org_id in enumerate(block.org_ids):
                if org_id in visible:
                    per_org[org_id].append((block, i))
        self.entries, self.starts, total = [], [], 0
        for org in matrix.facts:  # tree order
            for block, i in per_org.get(org.id, ()):
                self.entries.append((org, block, i))
                self.starts.append(total)
                total += len(block.spans)
        self.total = total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._row(k) for k in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError(index)
        return self._row(index)

    def _row(self, k: int) -> dict:
        entry = bisect_right(self.starts, k) - 1
        org, block, i = self.entries[entry]
        cell = block.cell_of(i, k - self.starts[entry])
        return _row(cell, org)


def _row(cell, org) -> dict:
    return {
        "organization": org.code,
        "organization_id": cell.organization_id,
        "organization_name": org.name,
        "rule": cell.rule.name,
        "rule_id": cell.rule.pk,
        "period": cell.window.label,
        "period_start": cell.window.start.isoformat(),
        "period_end": cell.window.end.isoformat(),
        "verdict": str(cell.verdict),
        "counted": cell.counted,
        "held": cell.held,
        "reason": cell.reason,
    }


MATRIX_HEADERS = ["党组织", "组织编码", "制度", "周期", "结论", "计入次数", "开展次数", "原因"]


def matrix_xlsx(matrix, cells, title: str) -> bytes:
    """The whole matrix: one row per organization × rule × period, then the misses ranked."""
    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(
        workbook, "合规明细", MATRIX_HEADERS, {"党组织": 28, "制度": 30, "周期": 16, "原因": 40}
    )
    for row in cell_rows(matrix, cells):
        xlsx.append_row(
            sheet,
            [
                row["organization_name"],
                row["organization"],
                row["rule"],
                row["period"],
                VERDICT_LABELS[row["verdict"]],
                row["counted"],
                row["held"],
                row["reason"],
            ],
        )
    xlsx.append_row(sheet, [title], font=xlsx.NOTE_FONT)
    ranking = xlsx.add_sheet(workbook, "未达标统计", ["党组织", "未达标次数", "未达标制度"], {"党组织": 28})
    visible = {cell.organization_id for cell in cells}
    for org, n, rules in misses_ranked(matrix, visible, limit=100000):
        xlsx.append_row(ranking, [org.name, n, "、".join(rules)])
    return xlsx.to_bytes(workbook)
