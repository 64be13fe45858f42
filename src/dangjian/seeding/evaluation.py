"""Demo data of 考核评价 (issue #7, rubric part), demo scale only: the 教育局党委's 五好党支部评估细则
(five sections, items scored by assessors, a deduction per occurrence, and items computed from the records:
组织生活合规率, 党员人均学时, 逾期未办结任务数), applied to its branches for the year before last and for
last year. Last year's units assessed themselves, two assessors scored (one conflict reconciled), the
results were published with ranks and the change of rank against the year before, and two appeals were
filed (one 改分, one 维持). Every write goes through `evaluation.services` (scoped, audited)."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from dangjian.evaluation import services
from dangjian.evaluation.choices import AppealDecision, ComputeRule, RankingVisibility, ScoringMethod
from dangjian.evaluation.sources import OVERDUE_TASKS

from .plan import Plan

D = Decimal
SECTIONS = {
    "支部班子好": [("支部委员会分工明确、按期换届", 10), ("书记履行第一责任人职责，抓党建述职", 10)],
    "党员管理好": [("党员教育管理规范，组织关系及时转接", 10)],
    "制度落实好": [("三会一课等组织生活记录完整（每缺一项扣2分）", 10, "deduction")],
    "思想作风好": [("理论学习有计划、有记录", 10)],
    "作用发挥好": [("党员先锋岗、志愿服务开展情况", 10)],
}
# (section, text, points, source, rule, threshold, per occurrence)
COMPUTED = [
    (
        "制度落实好",
        "组织生活合规率（达到90%得满分，不足按比例）",
        15,
        "compliance_rate",
        ComputeRule.PROPORTIONAL,
        D("90"),
        None,
    ),
    (
        "党员管理好",
        "党员人均学时（按32学时折算）",
        15,
        "study_hours_per_member",
        ComputeRule.PROPORTIONAL,
        D("32"),
        None,
    ),
    (
        "作用发挥好",
        "交办任务按期办结（每逾期一件扣2分）",
        10,
        OVERDUE_TASKS,
        ComputeRule.PER_OCCURRENCE,
        None,
        D("2"),
    ),
]
BANDS = [("五好", 85), ("良好", 75), ("合格", 60), ("不合格", 0)]


def seed_evaluation(plan: Plan, today: datetime.date, seed: int) -> str:
    rng = random.Random(seed * 53 + 7)
    education = plan.landmarks["education"].instance
    rubric = services.do_create_rubric(education, "五好党支部评估细则", acting_user=None)
    version = rubric.latest_version()
    _items(version)
    services.do_set_bands(version, BANDS, acting_user=None)
    services.do_publish_version(version, acting_user=None)
    branches = services.branches_below(education)
    users = get_user_model().objects.filter(username__in=("jiaoyu_zzb", "xianwei_zzb")).order_by("username")
    assessors = list(users)
    earlier = _assessment(
        version, today.year - 2, branches, assessors[:1], rng, visibility=RankingVisibility.OWN
    )
    last = _assessment(version, today.year - 1, branches, assessors, rng, visibility=RankingVisibility.OWN)
    appeals = _appeals(last, rng)
    moved = sum(1 for unit in last.units.all() if unit.rank_change)
    ratings = ", ".join(f"{label}{n}" for label, n in _ratings(last))
    return (
        f"考核评价：{rubric.name}（{version.items().count()}项细则），{earlier.year}、{last.year}年度各考核"
        f"{len(branches)}个支部；{last.year}年等次 {ratings}，{moved}个单位名次变化，申诉{appeals}件"
    )


def _items(version) -> None:
    sections = {}
    for title, rows in SECTIONS.items():
        sections[title] = section = services.do_add_section(version, title, acting_user=None)
        for text, points, *method in rows:
            extra = (
                {"method": ScoringMethod.DEDUCTION, "per_occurrence": D("2"), "floor": D("2")}
                if method
                else {}
            )
            services.do_add_item(
                section, acting_user=None, text=text, points=D(points), evidence="会议记录、台账", **extra
            )
    for title, text, points, key, rule, threshold, each in COMPUTED:
        services.do_add_item(
            sections[title],
            acting_user=None,
            text=text,
            points=D(points),
            method=ScoringMethod.COMPUTED,
            source_key=key,
            rule=rule,
            threshold=threshold,
            per_occurrence=each,
            evidence="系统记录自动计算",
        )


def _assessment(version, year, branches, assessors, rng, *, visibility):
    assessment = services.do_create_assessment(
        version,
        name=f"{year}年度五好党支部考核",
        year=year,
        organizations=branches,
        assessors=assessors,
        acting_user=None,
        ranking_visibility=visibility,
    )
    items = list(version.items())
    units = list(assessment.units.select_related("organization"))
    for unit in units[: len(units) * 2 // 3]:  # most units assessed themselves
        for item in items:
            if item.method == ScoringMethod.ASSESSED:
                services.do_self_assess(unit, item, item.points - rng.randint(0, 1), acting_user=None)
    services.do_start_scoring(assessment, acting_user=None)
    for unit in units:
        strength = rng.randint(0, 2)
        for item in items:
            if item.method == ScoringMethod.COMPUTED:
                continue
            for n, assessor in enumerate(assessors):
                if item.method == ScoringMethod.DEDUCTION:
                    services.do_score_item(unit, item, occurrences=rng.randint(0, 2), acting_user=assessor)
                else:
                    points = max(
                        D("0"),
                        item.points - strength - rng.randint(0, 1) - (4 if n and unit is units[0] else 0),
                    )
                    services.do_score_item(unit, item, points=points, acting_user=assessor)
    for unit, item in services.conflicts(assessment):
        services.do_reconcile(unit, item, item.points - 3, acting_user=None, comment="查阅会议记录后复核认定")
    return services.do_finalize(assessment, acting_user=None)


def _appeals(assessment, rng) -> int:
    units = list(assessment.units.order_by("-rank")[:2])
    item = assessment.version.items().filter(method=ScoringMethod.ASSESSED).first()
    for n, unit in enumerate(units):
        appeal = services.do_file_appeal(
            unit, item, "支部委员会已于年中完成分工调整，有会议记录为证。", acting_user=None
        )
        if n == 0:
            services.do_decide_appeal(
                appeal,
                AppealDecision.CHANGED,
                new_points=item.points,
                note="核实会议记录，改为满分",
                acting_user=None,
            )
        else:
            services.do_decide_appeal(
                appeal, AppealDecision.UPHELD, note="分工调整晚于考核期，维持原分", acting_user=None
            )
    return len(units)


def _ratings(assessment):
    from collections import Counter

    counts = Counter(assessment.units.values_list("rating", flat=True))
    return [(label, counts[label]) for label, _ in BANDS if counts[label]]
