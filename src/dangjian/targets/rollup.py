"""A parent's view of its children's indicators (汇总): for each indicator of a target, the targets and
actual values of the copies decomposed from it, summed for additive units (个、次、学时、名…) and
averaged for rates (%) — a plain mean of the children, each child counting once — and how many reached.

Four queries whatever the number of children: the parent's indicators, the children's targets, their
commitments, the children's indicators. Actual values are read as stored: entered ones as entered,
computed ones as last computed (`services.do_refresh_computed`, shown with its time).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from dangjian.core import xlsx

from .choices import Rollup
from .models import Commitment, Indicator, Target, plain

PLACES = Decimal("0.01")


@dataclass
class ChildFigure:
    """One child's copy of a parent indicator (None when that child has no copy)."""

    target: Target
    indicator: Indicator | None

    @property
    def reached(self) -> bool | None:
        return self.indicator.reached if self.indicator else None


@dataclass
class RollupRow:
    indicator: Indicator
    children: list[ChildFigure] = field(default_factory=list)

    @property
    def copies(self) -> list[Indicator]:
        return [c.indicator for c in self.children if c.indicator is not None]

    @property
    def how(self) -> str:
        return self.indicator.effective_rollup

    def _combine(self, values: list[Decimal]) -> Decimal | None:
        if not values:
            return None
        total = sum(values, Decimal(0))
        if self.how == Rollup.MEAN:
            total /= len(values)
        return total.quantize(PLACES)

    @property
    def target_total(self) -> Decimal | None:
        return self._combine([i.target_value for i in self.copies])

    @property
    def actual_total(self) -> Decimal | None:
        return self._combine([i.actual_value for i in self.copies if i.actual_value is not None])

    @property
    def reported(self) -> int:
        return sum(1 for i in self.copies if i.actual_value is not None)

    @property
    def reached_count(self) -> int:
        return sum(1 for i in self.copies if i.reached)

    @property
    def count(self) -> int:
        return len(self.copies)


@dataclass
class RollupResult:
    """The children's targets (drill-down rows) and one row per parent indicator."""

    targets: list[Target]
    rows: list[RollupRow]

    @property
    def by_child(self) -> list[tuple[Target, list[ChildFigure]]]:
        """The drill-down table: each child target with its figure for every parent indicator."""
        return [(child, [row.children[n] for row in self.rows]) for n, child in enumerate(self.targets)]


def child_targets(target: Target):
    return (
        Target.objects.current()
        .filter(parent=target)
        .select_related("organization", "responsible_member", "evaluation")
        .prefetch_related(Prefetch("commitments", queryset=Commitment.objects.order_by("kind")))
        .order_by("organization__path", "responsible_member_id", "id")
    )


def rollup(target: Target) -> RollupResult:
    indicators = list(target.indicators.order_by("position", "id"))
    children = list(child_targets(target))
    copies = defaultdict(dict)  # parent indicator id -> {child target id: indicator}
    rows = Indicator.objects.filter(parent__target=target, target__in=[c.pk for c in children])
    for copy in rows:
        copies[copy.parent_id][copy.target_id] = copy
    table = [
        RollupRow(indicator, [ChildFigure(child, copies[indicator.pk].get(child.pk)) for child in children])
        for indicator in indicators
    ]
    return RollupResult(children, table)


def _owner(target: Target) -> str:
    if target.responsible_member_id:
        return f"{target.organization.name}·{target.responsible_member.name}"
    return target.organization.name


def _number(value):
    return float(value) if value is not None else None


def rollup_xlsx(target: Target, found: RollupResult) -> bytes:
    """Two sheets: 汇总 (one row per indicator) and 明细 (indicator × child)."""
    workbook = xlsx.new_workbook()
    headers = ["指标", "单位", "达标条件", "本级目标值", "本级实际值", "汇总方式", "下级目标值合计"]
    headers += ["下级实际值合计", "已填报", "达标下级数", "下级数"]
    summary = xlsx.add_sheet(workbook, "汇总", headers, {"指标": 30})
    for row in found.rows:
        i = row.indicator
        xlsx.append_row(
            summary,
            [
                i.name,
                i.unit,
                f"{i.get_comparison_display()}{plain(i.target_value)}",
                _number(i.target_value),
                _number(i.actual_value),
                Rollup(row.how).label,
                _number(row.target_total),
                _number(row.actual_total),
                row.reported,
                row.reached_count,
                row.count,
            ],
        )
    xlsx.append_row(summary, [f"{target}；比率类指标取下级平均值（每个下级计一次）"], font=xlsx.NOTE_FONT)
    detail = xlsx.add_sheet(
        workbook,
        "明细",
        ["指标", "责任单位（人）", "状态", "目标值", "实际值", "达标", "来源"],
        {"指标": 30, "责任单位（人）": 32},
    )
    for row in found.rows:
        for child in row.children:
            copy = child.indicator
            reached = {True: "达标", False: "未达标", None: "未填报"}[child.reached]
            xlsx.append_row(
                detail,
                [
                    row.indicator.name,
                    _owner(child.target),
                    child.target.get_status_display(),
                    _number(copy.target_value) if copy else None,
                    _number(copy.actual_value) if copy else None,
                    reached if copy else "无此指标",
                    copy.get_source_kind_display() if copy else "",
                ],
            )
    return xlsx.to_bytes(workbook)
