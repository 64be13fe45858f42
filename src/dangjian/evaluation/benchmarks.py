"""Benchmark of 考核评价 (issue #7): `dangjian bench evaluation --scale demo|county|city --json`.

A 30-item rubric (20 items scored by assessors, 10 computed from the records through the targets app's
registry: overdue tasks, 主题党日, 发展党员 under different rules) of the root committee is applied to every
branch of the scale (about 10,000 at city scale). The assessors' 200,000 scores are bulk-inserted as setup;
everything is written inside a transaction that is rolled back, so the database is left as it was.

Ours: `scoring.score` — each source called once for all units (its batch form per group of siblings, the
overdue tasks in one query), the stored scores read in one query. Baseline: what a typical system does —
for each branch, for each item, an ORM query for that item's scores or the source computed for that one
branch. The baseline is measured on the first 1,000 branches (about 40,000 queries; the whole city would
take minutes), and ours on the same 1,000 for the comparison; both must give the same totals first.

The surveys' concurrency figure is added by `dangjian.surveys.benchmarks_parts.measure_surveys(run)` when
that module exists.
"""

from decimal import Decimal

from django.db import transaction

from dangjian.core.bench import BenchRun, PeakRss, register_bench
from dangjian.core.tree import subtree_q
from dangjian.organizations.choices import BRANCH_KINDS, OrganizationStatus
from dangjian.organizations.models import Organization
from dangjian.targets.sources import SOURCES

from . import scoring, services
from .choices import ComputeRule, ScoreSource, ScoringMethod
from .models import ItemScore
from .sources import OVERDUE_TASKS

SCORE_TARGET_MS = 10_000
SAMPLE = 1000
YEAR = 2025
SURVEYS_PARTS = "dangjian.surveys.benchmarks_parts"
D = Decimal
# (source, rule, threshold, per occurrence): ten computed items over three sources.
COMPUTED = [
    (OVERDUE_TASKS, ComputeRule.PER_OCCURRENCE, None, D("2")),
    (OVERDUE_TASKS, ComputeRule.PER_OCCURRENCE, None, D("1")),
    (OVERDUE_TASKS, ComputeRule.PER_OCCURRENCE, None, D("0.5")),
    ("theme_days", ComputeRule.THRESHOLD, D("12"), None),
    ("theme_days", ComputeRule.PROPORTIONAL, D("12"), None),
    ("theme_days", ComputeRule.THRESHOLD, D("6"), None),
    ("theme_days", ComputeRule.PROPORTIONAL, D("24"), None),
    ("admissions", ComputeRule.THRESHOLD, D("1"), None),
    ("admissions", ComputeRule.PROPORTIONAL, D("2"), None),
    ("admissions", ComputeRule.PROPORTIONAL, D("3"), None),
]


class Rollback(Exception):
    pass


@register_bench("evaluation")
def evaluation_bench(run: BenchRun) -> None:
    """考核评价: scoring a 30-item rubric for every branch; survey submissions when that part exists."""
    try:
        with transaction.atomic():
            measure_scoring(run)
            raise Rollback
    except Rollback:
        pass
    try:
        from dangjian.surveys.benchmarks_parts import measure_surveys
    except ModuleNotFoundError as error:
        if error.name not in (SURVEYS_PARTS, "dangjian.surveys"):
            raise
        run.log(f"{SURVEYS_PARTS} 尚不存在：本次不测问卷提交。")
    else:
        try:
            measure_surveys(run)
        except Exception as error:  # noqa: BLE001 - the scoring figures above are still reported
            run.log(f"问卷提交测量失败（{SURVEYS_PARTS}）：{error!r}")


def build(root):
    """The rubric, an assessment of every active branch, and 20 assessor scores per branch."""
    rubric = services.do_create_rubric(root, "基准测试五好党支部评估细则", acting_user=None)
    version = rubric.latest_version()
    section = services.do_add_section(version, "党建工作", acting_user=None)
    for n in range(20):
        services.do_add_item(section, acting_user=None, text=f"评分细则{n + 1}", points=D("3"))
    for n, (key, rule, threshold, each) in enumerate(COMPUTED):
        fields = {"source_key": key, "rule": rule, "threshold": threshold, "per_occurrence": each}
        services.do_add_item(
            section,
            acting_user=None,
            text=f"计算细则{n + 1}",
            points=D("4"),
            method=ScoringMethod.COMPUTED,
            **fields,
        )
    services.do_set_bands(version, [("五好", 90), ("合格", 60), ("不合格", 0)], acting_user=None)
    services.do_publish_version(version, acting_user=None)
    branches = Organization.objects.filter(
        subtree_q(root.path), kind__in=BRANCH_KINDS, status=OrganizationStatus.ACTIVE
    ).order_by("path")
    assessment = services.do_create_assessment(
        version, name="基准测试考核", year=YEAR, organizations=list(branches), acting_user=None
    )
    assessment.status = "scoring"
    assessment.save(update_fields=["status"])
    units = list(assessment.units.select_related("organization").order_by("organization__path"))
    assessed = [item for item in version.items() if item.method == ScoringMethod.ASSESSED]
    rows = [
        ItemScore(unit=unit, item=item, source=ScoreSource.ASSESSOR, points=D((unit.pk + item.pk) % 4))
        for unit in units
        for item in assessed
    ]
    ItemScore.objects.bulk_create(rows, batch_size=5000)  # audit-exempt: bench setup, rolled back
    return assessment, units


def measure_scoring(run: BenchRun) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    assessment, units = build(root)
    run.log(
        f"考核：{len(units)}个支部 × 30项细则（10项按记录计算，{len({c[0] for c in COMPUTED})}个数据来源）"
    )
    with PeakRss() as memory:
        timing = run.timed(lambda: scoring.score(assessment, units))
    totals = {pk: result.total for pk, result in timing.result.items()}
    run.figure("score_assessment_ms", timing.median, "ms", target=SCORE_TARGET_MS)
    run.figure("score_assessment_units", len(units), "units", better="higher")
    run.figure("score_assessment_peak_rss_mb", memory.peak, "MB")
    sample = units[:SAMPLE]
    ours = run.timed(lambda: scoring.score(assessment, sample))
    naive = run.timed(lambda: naive_score(assessment, sample), runs=1)
    expected = {unit.pk: totals[unit.pk] for unit in sample}
    if naive.result != expected or {pk: r.total for pk, r in ours.result.items()} != expected:
        raise AssertionError("the per-branch ORM baseline gives other totals")
    run.log(f"样本{len(sample)}个支部总分合计 {sum(expected.values())}（两种算法一致）")
    run.log(
        f"全部{len(units)}个支部评分 {timing.median:.0f} ms；样本{len(sample)}个：{ours.median:.0f} ms，"
        f"逐支部逐项 {naive.median:.0f} ms（{naive.median / ours.median:.1f}倍）"
    )
    run.compare(
        f"score_{len(sample)}_branches",
        ours.median,
        naive.median,
        "ms",
        baseline="per-branch per-item ORM loop (each item's scores queried, each source computed per branch)",
        target_speedup=10,
    )


def naive_score(assessment, units) -> dict:
    """The baseline: every branch, every item, one ORM read (or one source computation) at a time."""
    totals = {}
    items = list(assessment.version.items())
    for unit in units:
        organization = Organization.objects.get(pk=unit.organization_id)
        total = D("0")
        for item in items:
            if item.method == ScoringMethod.COMPUTED:
                points = scoring.points_for(
                    item, SOURCES[item.source_key].value(organization, assessment.year)
                )
            else:
                rows = ItemScore.objects.filter(unit=unit, item=item).exclude(source=ScoreSource.SELF)
                marks = [(row.source, row.points) for row in rows]
                points, _ = scoring.final_points(item, marks, assessment.conflict_threshold)
            total += points or D("0")
        totals[unit.pk] = scoring.q(total)
    return totals
