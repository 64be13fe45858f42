"""Test data of the evaluation app: a small 五好党支部 rubric of the county and its assessments."""

from datetime import date
from decimal import Decimal

from dangjian.evaluation import services
from dangjian.evaluation.choices import ComputeRule, ScoringMethod
from dangjian.evaluation.sources import OVERDUE_TASKS

BANDS = [("五好", Decimal("90")), ("合格", Decimal("60")), ("不合格", Decimal("0"))]


def make_rubric(world, *, publish=True):
    """Three items: assessed (60), deduction per occurrence (20, 5 each, floor 5), overdue tasks (20)."""
    rubric = services.do_create_rubric(world["root"], "五好党支部评估细则", acting_user=None)
    version = rubric.latest_version()
    section = services.do_add_section(version, "支部班子好", acting_user=None)
    services.do_add_item(section, acting_user=None, text="班子团结、分工明确", points=Decimal("60"))
    services.do_add_item(
        section,
        acting_user=None,
        text="组织生活会议记录缺项",
        points=Decimal("20"),
        method=ScoringMethod.DEDUCTION,
        per_occurrence=Decimal("5"),
        floor=Decimal("5"),
    )
    services.do_add_item(
        section,
        acting_user=None,
        text="交办任务按期办结（每逾期一件扣4分）",
        points=Decimal("20"),
        method=ScoringMethod.COMPUTED,
        source_key=OVERDUE_TASKS,
        rule=ComputeRule.PER_OCCURRENCE,
        per_occurrence=Decimal("4"),
    )
    services.do_set_bands(version, BANDS, acting_user=None)
    if publish:
        services.do_publish_version(version, acting_user=None)
    return rubric


def make_assessment(
    world, rubric, *, year=2025, units=("a1", "a2", "b1"), assessors=("county_admin",), **extra
):
    return services.do_create_assessment(
        rubric.latest_version() if not extra.get("version") else extra.pop("version"),
        name=f"{year}年度五好党支部考核",
        year=year,
        organizations=[world[key] for key in units],
        assessors=[world[name] for name in assessors],
        acting_user=None,
        **extra,
    )


def score_all(assessment, marks: dict, assessor, *, occurrences=0):
    """Score every unit: `marks` maps organization name → points of the assessed item."""
    items = list(assessment.version.items())
    for unit in assessment.units.select_related("organization"):
        for item in items:
            if item.method == ScoringMethod.ASSESSED:
                services.do_score_item(unit, item, points=marks[unit.organization.name], acting_user=assessor)
            elif item.method == ScoringMethod.DEDUCTION:
                services.do_score_item(unit, item, occurrences=occurrences, acting_user=assessor)


def finished(world, rubric, marks, *, year=2025, **extra):
    assessment = make_assessment(world, rubric, year=year, **extra)
    services.do_start_scoring(assessment, acting_user=None)
    score_all(assessment, marks, world["county_admin"])
    return services.do_finalize(assessment, acting_user=None)


def last_day(year):
    return date(year, 12, 31)
