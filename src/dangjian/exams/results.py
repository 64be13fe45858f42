"""Results of an exam: each member's best sheet, statistics per organization, and the .xlsx export.

No ranking (rules.md §10): lists are ordered by organization and name, never by score; the statistics
are counts, an average, a pass rate and a distribution in bands.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q

from dangjian.core import xlsx
from dangjian.core.tree import subtree_q
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .choices import SCORE_BANDS
from .models import Attempt, Exam


@dataclass
class Figures:
    """The statistics of one organization's subtree for one exam."""

    organization: Organization | None
    expected: int = 0
    sat: int = 0
    passed: int = 0
    total_score: Decimal = Decimal(0)
    bands: list[int] = field(default_factory=lambda: [0] * len(SCORE_BANDS))

    @property
    def not_sat(self) -> int:
        return max(self.expected - self.sat, 0)

    @property
    def average(self) -> Decimal | None:
        if not self.sat:
            return None
        return (self.total_score / self.sat).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def pass_rate(self) -> Decimal | None:
        """Passed ÷ sat, as a percentage with one decimal."""
        if not self.sat:
            return None
        return (Decimal(self.passed * 100) / self.sat).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def sat_rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.sat * 100) / self.expected).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def add(self, score: Decimal, passed: bool, full: Decimal) -> None:
        self.sat += 1
        self.passed += int(passed)
        self.total_score += score
        percent = score * 100 / full if full else Decimal(0)
        for index, (low, high, _label) in enumerate(SCORE_BANDS):
            if low <= percent < high:
                self.bands[index] += 1
                break


def best_results(exam: Exam, root: Organization):
    """{member id: (best score, passed, organization path)} of the ended sheets in `root`'s subtree."""
    rows = (
        Attempt.objects.ended()
        .filter(exam=exam)
        .filter(subtree_q(root.path, "member__organization__path"))
        .values("member_id", "member__organization__path")
        .annotate(best=Max("score"))
    )
    pass_mark = exam.pass_mark
    return {
        r["member_id"]: (r["best"], r["best"] >= pass_mark, r["member__organization__path"]) for r in rows
    }


def statistics(exam: Exam, root: Organization) -> tuple[Figures, list[Figures]]:
    """(the subtree of `root`, one row per child organization of `root`): who should sit the exam (the
    active members registered there now), who sat it (an ended sheet; the best one counts), average,
    pass rate and the score bands. Three queries whatever the size of the subtree."""
    exam_root = exam.organization
    if not root.path.startswith(exam_root.path):
        root = exam_root  # a user granted above the exam sees the exam's own subtree
    children = list(Organization.objects.children_of(root).order_by("path"))
    total = Figures(root)
    rows = {child.path: Figures(child) for child in children}

    def row_of(path):
        return next((rows[p] for p in rows if path.startswith(p)), None)

    members = (
        Member.objects.active()
        .filter(subtree_q(root.path, "organization__path"))
        .values_list("organization__path", flat=True)
    )
    for path in members.iterator(chunk_size=5000):
        total.expected += 1
        if (row := row_of(path)) is not None:
            row.expected += 1
    full = exam.paper.total_points
    for best, passed, path in best_results(exam, root).values():
        total.add(best, passed, full)
        if (row := row_of(path)) is not None:
            row.add(best, passed, full)
    return total, list(rows.values())


def result_rows(exam: Exam, root: Organization):
    """Every member who should sit (or sat) the exam in `root`'s subtree, by organization then name:
    (member, best score or None, passed or None). Members who left but sat it are listed too."""
    best = best_results(exam, root)
    members = Member.objects.filter(subtree_q(root.path, "organization__path")).filter(
        Q(status__in=ACTIVE_STATUSES) | Q(pk__in=list(best))
    )
    members = members.select_related("organization").order_by("organization__path", "name_pinyin", "pk")
    for member in members:
        score, passed, _ = best.get(member.pk, (None, None, None))
        yield member, score, passed


def export_bytes(exam: Exam, root: Organization) -> bytes:
    """统计 and 成绩名单 sheets (names by organization, not by score)."""
    total, rows = statistics(exam, root)
    workbook = xlsx.new_workbook()
    headers = ["党组织", "应考人数", "参考人数", "未参考人数", "参考率(%)", "平均分", "及格人数", "及格率(%)"]
    headers += [label for _, _, label in SCORE_BANDS]
    sheet = xlsx.add_sheet(workbook, "统计", headers, {"党组织": 30})
    for figures in [*rows, total]:
        name = figures.organization.name if figures is not total else f"合计（{root.name}）"
        xlsx.append_row(
            sheet,
            [
                name,
                figures.expected,
                figures.sat,
                figures.not_sat,
                _number(figures.sat_rate),
                _number(figures.average),
                figures.passed,
                _number(figures.pass_rate),
                *figures.bands,
            ],
        )
    names = xlsx.add_sheet(
        workbook, "成绩名单", ["党组织", "姓名", "参考情况", "得分", "是否及格"], {"党组织": 30}
    )
    for member, score, passed in result_rows(exam, root):
        xlsx.append_row(
            names,
            [
                member.organization.name,
                member.name,
                "已参考" if score is not None else "未参考",
                _number(score),
                "" if passed is None else ("及格" if passed else "不及格"),
            ],
        )
    return xlsx.to_bytes(workbook)


def _number(value):
    return float(value) if value is not None else ""
