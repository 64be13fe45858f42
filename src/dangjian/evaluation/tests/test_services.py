"""Services of 考核评价: versioning, computed items, reconciliation, finalizing, rank change, appeals."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.evaluation import services
from dangjian.evaluation.choices import AppealDecision, AssessmentStatus, ScoreSource, ScoringMethod
from dangjian.evaluation.models import ItemScore
from dangjian.tasks.services import do_issue_task

from .helpers import finished, make_assessment, make_rubric, score_all

pytestmark = pytest.mark.django_db
D = Decimal
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


def test_an_item_scoring_app_usage_is_refused(world):
    rubric = make_rubric(world, publish=False)
    section = rubric.latest_version().sections.get()
    for text in ("党员每日登录学习平台", "学习时长达标", "打卡签到率", "积分排名前十"):
        with pytest.raises(ValidationError, match="考核不得以平台使用情况计分"):
            services.do_add_item(section, acting_user=None, text=text, points=D("5"))
    # recorded 学时 of sessions and courses is a record of work
    services.do_add_item(section, acting_user=None, text="党员人均学时达到32学时", points=D("5"))


def test_a_used_version_is_frozen_and_editing_makes_a_new_version(world):
    rubric = make_rubric(world)
    first = finished(world, rubric, MARKS)
    item = first.version.items().first()
    with pytest.raises(ValidationError, match="已被考核使用"):
        services.do_add_section(first.version, "新增项目", acting_user=None)
    changed = services.do_change_item(item, acting_user=None, points=D("50"))
    assert changed.section.version.number == 2
    assert changed.section.version.items().count() == 3
    item.refresh_from_db()
    first.refresh_from_db()
    assert (item.points, first.version.number) == (D("60"), 1)
    assert first.units.get(organization=world["b1"]).final_score == D("98")


def test_only_a_published_version_is_assessed_and_only_units_below_the_committee(world):
    rubric = make_rubric(world, publish=False)
    with pytest.raises(ValidationError, match="尚未发布"):
        make_assessment(world, rubric)
    services.do_publish_version(rubric.latest_version(), acting_user=None)
    town_rubric = services.do_create_rubric(world["town_a"], "A镇细则", acting_user=None)
    version = town_rubric.latest_version()
    section = services.do_add_section(version, "班子", acting_user=None)
    services.do_add_item(section, acting_user=None, text="班子团结", points=D("10"))
    services.do_set_bands(version, [("合格", 0)], acting_user=None)
    services.do_publish_version(version, acting_user=None)
    with pytest.raises(ValidationError, match="B1村党支部"):
        services.do_create_assessment(
            version, name="x", year=2025, organizations=[world["a1"], world["b1"]], acting_user=None
        )


def test_the_town_admin_may_not_define_the_county_rubric(world):
    with pytest.raises(PermissionDenied):
        services.do_create_rubric(world["root"], "细则", acting_user=world["town_a_admin"])


def test_computed_overdue_tasks_count_and_trace_their_records(world):
    task = do_issue_task(
        acting_user=None,
        organization=world["town_a"],
        title="整改",
        recipients=[world["a1"], world["a2"]],
        issued_on=date(2025, 3, 2),
        deadline=date(2025, 3, 31),
    )
    assessment = make_assessment(world, make_rubric(world))
    services.do_start_scoring(assessment, acting_user=None)
    rows = ItemScore.objects.filter(unit__assessment=assessment, source=ScoreSource.COMPUTED)
    by_org = {row.unit.organization.name: row for row in rows}
    a1 = by_org["A1村党支部"]
    assert (a1.value, a1.points) == (D("1"), D("16"))
    assert a1.record_ids == list(
        task.assignments.filter(organization=world["a1"]).values_list("pk", flat=True)
    )
    assert (by_org["B1村党支部"].value, by_org["B1村党支部"].points) == (D("0"), D("20"))
    assert "逾期未办结任务数" in a1.comment


def test_self_assessment_then_scoring_by_named_assessors_only(world):
    assessment = make_assessment(world, make_rubric(world))
    unit = assessment.units.get(organization=world["a1"])
    item = assessment.version.items().first()
    services.do_self_assess(unit, item, 58, acting_user=world["branch_a1_admin"])
    unit.refresh_from_db()
    assert unit.self_score == D("58")
    with pytest.raises(PermissionDenied):
        services.do_self_assess(
            unit, item, 58, acting_user=world["town_a_admin"].__class__.objects.get(username="nobody")
        )
    services.do_start_scoring(assessment, acting_user=None)
    with pytest.raises(ValidationError, match="考核评分"):
        services.do_self_assess(unit, item, 50, acting_user=world["branch_a1_admin"])
    with pytest.raises(PermissionDenied, match="评分人"):
        services.do_score_item(unit, item, points=50, acting_user=world["town_a_admin"])
    with pytest.raises(ValidationError, match="0到60"):
        services.do_score_item(unit, item, points=61, acting_user=world["county_admin"])


def test_assessors_without_view_access_are_refused(world):
    assessment = make_assessment(world, make_rubric(world))
    with pytest.raises(ValidationError, match="评分人须能查看全部被考核单位：town_a_admin"):
        services.do_set_assessors(assessment, [world["town_a_admin"]], acting_user=None)


def test_reconciliation_average_conflict_then_reconciled(world):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_set_assessors(assessment, [world["county_admin"], world["sysadmin"]], acting_user=None)
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    assessed, deduction, _ = assessment.version.items()
    services.do_score_item(unit, assessed, points=50, acting_user=world["county_admin"])
    services.do_score_item(unit, assessed, points=56, acting_user=world["sysadmin"])
    services.do_score_item(unit, deduction, occurrences=1, acting_user=world["county_admin"])
    services.do_score_item(unit, deduction, occurrences=1, acting_user=world["sysadmin"])
    assert services.conflicts(assessment) == [(unit, assessed)]
    with pytest.raises(ValidationError, match="1处评分分歧"):
        services.do_finalize(assessment, acting_user=None)
    services.do_reconcile(unit, assessed, 54, acting_user=world["county_admin"], comment="查阅台账后认定")
    assert services.conflicts(assessment) == []
    services.do_finalize(assessment, acting_user=None)
    unit.refresh_from_db()
    assert (unit.final_score, unit.rating, unit.rank) == (D("89"), "合格", 1)  # 54 + 15 + 20


def test_finalize_averages_assessors_without_conflict(world):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_set_assessors(assessment, [world["county_admin"], world["sysadmin"]], acting_user=None)
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    assessed, deduction, _ = assessment.version.items()
    services.do_score_item(unit, assessed, points=55, acting_user=world["county_admin"])
    services.do_score_item(unit, assessed, points=56, acting_user=world["sysadmin"])
    with pytest.raises(ValidationError, match="未评分"):
        services.do_finalize(assessment, acting_user=None)
    services.do_score_item(unit, deduction, occurrences=9, acting_user=world["sysadmin"])
    services.do_finalize(assessment, acting_user=None)
    unit.refresh_from_db()
    assert unit.final_score == D("80.50")  # 55.5 + floor 5 + 20


def test_finalize_ranks_and_rank_change_against_the_previous_assessment(world):
    rubric = make_rubric(world)
    finished(world, rubric, {"A1村党支部": 40, "A2社区党支部": 50, "B1村党支部": 58}, year=2024)
    services.do_change_item(rubric.latest_version().items().first(), acting_user=None, evidence="会议记录")
    services.do_publish_version(rubric.latest_version(), acting_user=None)
    current = finished(world, rubric, {"A1村党支部": 60, "A2社区党支部": 45, "B1村党支部": 50}, year=2025)
    assert current.version.number == 2
    units = {u.organization.name: u for u in current.units.all()}
    a1, a2, b1 = units["A1村党支部"], units["A2社区党支部"], units["B1村党支部"]
    assert (a1.rank, a1.previous_rank, a1.rank_change, a1.rating) == (1, 3, 2, "五好")
    assert (b1.rank, b1.rank_change) == (2, -1)
    assert (a2.rank, a2.rank_change) == (3, -1)
    assert current.status == AssessmentStatus.PUBLISHED


def test_an_appeal_changes_the_score_and_the_ranking(world):
    assessment = finished(world, make_rubric(world), MARKS)
    a2 = assessment.units.get(organization=world["a2"])
    assert a2.rank == 3
    item = assessment.version.items().get(method=ScoringMethod.ASSESSED)
    appeal = services.do_file_appeal(a2, item, "班子分工有文件为证", acting_user=None)
    assert appeal.old_points == D("50")
    with pytest.raises(ValidationError, match="待处理"):
        services.do_file_appeal(a2, item, "再次申诉", acting_user=None)
    services.do_decide_appeal(
        appeal, AppealDecision.CHANGED, new_points=60, note="核实后改分", acting_user=world["county_admin"]
    )
    a2.refresh_from_db()
    assert (a2.final_score, a2.rank, a2.rating) == (D("100"), 1, "五好")
    assert AuditEvent.objects.filter(object_type="evaluation.appeal", action="decide").exists()
    with pytest.raises(ValidationError, match="已处理"):
        services.do_decide_appeal(appeal, AppealDecision.UPHELD, acting_user=None)


def test_an_upheld_appeal_changes_nothing(world):
    assessment = finished(world, make_rubric(world), MARKS)
    a2 = assessment.units.get(organization=world["a2"])
    item = assessment.version.items().get(method=ScoringMethod.ASSESSED)
    appeal = services.do_file_appeal(a2, item, "理由", acting_user=world["town_a_admin"])
    services.do_decide_appeal(appeal, AppealDecision.UPHELD, note="维持原分", acting_user=None)
    a2.refresh_from_db()
    assert (a2.final_score, a2.rank) == (D("90"), 3)


def test_assessors_score_with_deductions(world):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_start_scoring(assessment, acting_user=None)
    score_all(assessment, {"A1村党支部": 60}, world["county_admin"], occurrences=2)
    row = ItemScore.objects.get(item__method=ScoringMethod.DEDUCTION)
    assert (row.value, row.points) == (D("2"), D("10"))


def test_scoring_afresh_gives_the_published_totals(world):
    from dangjian.evaluation import scoring

    assessment = finished(world, make_rubric(world), MARKS)
    found = scoring.score(assessment)
    assert {pk: result.total for pk, result in found.items()} == dict(
        assessment.units.values_list("pk", "final_score")
    )
