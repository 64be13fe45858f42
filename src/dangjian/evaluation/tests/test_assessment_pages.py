"""新建考核 through the page, and a unit's score sheet as .xlsx (items, lost points and why, evidence,
totals, rating, and the rank only as the committee's setting allows)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.evaluation import services
from dangjian.evaluation.choices import RankingVisibility, ScoringMethod
from dangjian.evaluation.models import Assessment, ItemScore
from dangjian.organizations.services import do_create_organization
from dangjian.tasks.services import do_issue_task

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db
D = Decimal
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


def new_assessment(version, **extra):
    data = {
        "version": version.pk,
        "name": "2025年度五好党支部考核",
        "year": "2025",
        "kinds": ["branch"],
        "ranking_visibility": "own",
        "conflict_threshold": "3",
    }
    data.update(extra)
    return data


def test_the_committee_creates_an_assessment_of_its_subtree(world, client_as):
    version = make_rubric(world).latest_version()
    client = client_as("county_admin")
    url = reverse("evaluation:assessment_add")
    page = client.get(url, {"version": version.pk}).content.decode()
    # the committee's subtree, previewed; the assessor candidates hold a grant covering all of it
    assert "参加考核的党组织：3个" in page and "B1村党支部" in page
    assert "county_admin" in page and "town_a_admin" not in page
    assert "2025年度五好党支部评估细则考核" in page
    response = client.post(
        url,
        new_assessment(
            version, subtree=world["town_a"].pk, assessors=[world["county_admin"].pk, world["sysadmin"].pk]
        ),
    )
    assessment = Assessment.objects.get()
    assert response.url == assessment.get_absolute_url()
    assert sorted(assessment.units.values_list("organization__name", flat=True)) == [
        "A1村党支部",
        "A2社区党支部",
    ]
    assert set(assessment.assessors.values_list("username", flat=True)) == {"county_admin", "sysadmin"}
    assert (assessment.year, assessment.ranking_visibility, assessment.conflict_threshold) == (
        2025,
        RankingVisibility.OWN,
        D("3"),
    )
    assert assessment.organization == world["root"] and assessment.version == version


def test_kinds_filter_the_units(world, client_as):
    version = make_rubric(world).latest_version()
    do_create_organization(
        parent=world["town_a"],
        code="XW-A-Z",
        name="A镇机关党总支",
        kind="general_branch",
        unit_category="rural",
        acting_user=None,
    )
    client_as("county_admin").post(
        reverse("evaluation:assessment_add"), new_assessment(version, kinds=["general_branch"])
    )
    assert list(Assessment.objects.get().units.values_list("organization__name", flat=True)) == [
        "A镇机关党总支"
    ]


def test_the_form_refuses_in_chinese(world, client_as):
    version = make_rubric(world).latest_version()
    client = client_as("county_admin")
    url = reverse("evaluation:assessment_add")
    text = client.post(url, new_assessment(version, name="", year="1999", kinds=[])).content.decode()
    assert (
        "请填写考核名称" in text and "考核年度不能早于2000年" in text and "请至少选择一个党组织类别" in text
    )
    none = client.post(url, new_assessment(version, subtree=world["a1"].pk)).content.decode()
    assert "考核范围须在制定细则的党委之下" in none  # a branch is no subtree root to choose
    empty = client.post(url, new_assessment(version, kinds=["temporary_branch"])).content.decode()
    assert "考核范围内没有所选类别的党组织" in empty
    draft = make_rubric(world, publish=False).latest_version()
    assert "请选择已发布的考核细则版本" in client.post(url, new_assessment(draft)).content.decode()
    # an assessor who cannot see every unit: the service's refusal at the field
    town = client.post(url, new_assessment(version, assessors=[world["inspector_a"].pk])).content.decode()
    assert "所选评分人无权查看被考核单位" in town
    assert not Assessment.objects.exists()


def test_a_town_may_not_use_the_county_rubric(world, client_as):
    version = make_rubric(world).latest_version()
    text = (
        client_as("town_a_admin")
        .post(reverse("evaluation:assessment_add"), new_assessment(version))
        .content.decode()
    )
    assert "请选择已发布的考核细则版本" in text
    assert not Assessment.objects.exists()
    assert client_as("member_a1").get(reverse("evaluation:assessment_add")).status_code == 403


def test_new_assessment_is_offered_only_to_a_committee(world, client_as):
    link = reverse("evaluation:assessment_add")
    assert link in client_as("town_a_admin").get(reverse("evaluation:assessment_list")).content.decode()
    for role in ("branch_a1_admin", "inspector_a", "member_a1"):
        assert link not in client_as(role).get(reverse("evaluation:assessment_list")).content.decode(), role


def sheet_of(client, unit):
    response = client.get(reverse("evaluation:unit_sheet_export", args=[unit.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return rows, {row[0]: row for row in rows}


@pytest.mark.parametrize(
    ("visibility", "rank_shown"), [(RankingVisibility.COMMITTEE, False), (RankingVisibility.OWN, True)]
)
def test_the_score_sheet_as_xlsx(world, client_as, visibility, rank_shown):
    task = do_issue_task(
        acting_user=None,
        organization=world["town_a"],
        title="整改",
        recipients=[world["a1"]],
        issued_on=date(2025, 3, 2),
        deadline=date(2025, 3, 31),
    )
    assessment = make_assessment(world, make_rubric(world), units=("a1", "a2"), ranking_visibility=visibility)
    services.do_start_scoring(assessment, acting_user=None)
    assessed, deduction, _ = assessment.version.items()
    county = world["county_admin"]
    for unit in assessment.units.all():
        services.do_score_item(unit, assessed, points=55, comment="分工文件不全", acting_user=county)
        services.do_score_item(unit, deduction, occurrences=2, acting_user=county)
    services.do_finalize(assessment, acting_user=None)
    a1 = assessment.units.get(organization=world["a1"])
    rows, by_label = sheet_of(client_as("branch_a1_admin"), a1)
    assert rows[0][:8] == ("考核项目", "考核内容", "评分方式", "分值", "自评", "得分", "失分", "失分原因")
    items = {row[1]: row for row in rows[1:4]}
    assert items["班子团结、分工明确"][5:8] == (55, 5, "评分说明：分工文件不全")
    assert items["组织生活会议记录缺项"][5:8] == (10, 10, "扣分2次（每次5.00分）")
    overdue = items["交办任务按期办结（每逾期一件扣4分）"]
    assert overdue[5:8] == (16, 4, "逾期未办结任务数：1件")
    record = task.assignments.get(organization=world["a1"])
    assert f"http://testserver{reverse('tasks:assignment_detail', args=[record.pk])}" in overdue[9]
    assert by_label["合计"][3:7] == (100, None, 81, 19), rows
    assert by_label["考核得分"][1] == 81 and by_label["评定等次"][1] == "合格"
    assert ("名次" in by_label) is rank_shown
    # the committee always sees the rank; another unit's sheet is not found
    _, committee = sheet_of(client_as("county_admin"), a1)
    assert committee["名次"][1] == 2  # A2 lost no points on overdue tasks
    a2 = assessment.units.get(organization=world["a2"])
    assert (
        client_as("branch_a1_admin").get(reverse("evaluation:unit_sheet_export", args=[a2.pk])).status_code
        == 404
    )


def test_the_sheet_page_offers_the_export_and_shows_zero_points(world, client_as):
    assessment = finished(world, make_rubric(world), {**MARKS, "A1村党支部": 0})
    a1 = assessment.units.get(organization=world["a1"])
    text = client_as("branch_a1_admin").get(reverse("evaluation:unit_sheet", args=[a1.pk])).content.decode()
    assert reverse("evaluation:unit_sheet_export", args=[a1.pk]) in text and "导出Excel" in text
    item = assessment.version.items().get(method=ScoringMethod.ASSESSED)
    assert f"<td>{item.points}</td><td>—</td><td>0.00</td>" in text.replace("\n", "").replace("    ", "")


def test_an_assessment_from_creation_to_results_through_the_pages(world, client_as):
    version = make_rubric(world).latest_version()
    county = client_as("county_admin")
    county.post(
        reverse("evaluation:assessment_add"),
        new_assessment(version, subtree=world["town_a"].pk, assessors=[world["county_admin"].pk]),
    )
    assessment = Assessment.objects.get()
    a1 = assessment.units.get(organization=world["a1"])
    assessed, deduction, computed = assessment.version.items()
    branch = client_as("branch_a1_admin")
    sheet = branch.get(reverse("evaluation:unit_sheet", args=[a1.pk])).content.decode()
    assert reverse("evaluation:unit_self", args=[a1.pk]) in sheet
    self_url = reverse("evaluation:unit_self", args=[a1.pk])
    refused = branch.post(self_url, {f"item_{assessed.pk}": "58", f"item_{deduction.pk}": "99"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "组织生活会议记录缺项”的得分须在0到20" in page
    assert "本次填写均未保存" in page and 'value="99"' in page and 'value="58"' in page  # typed values kept
    a1.refresh_from_db()
    assert a1.self_score is None and not a1.scores.filter(source="self").exists()  # all or nothing
    done = branch.post(self_url, {f"item_{assessed.pk}": "58", f"item_{deduction.pk}": "9"}, follow=True)
    assert "已保存2项自评" in done.content.decode()
    a1.refresh_from_db()
    assert a1.self_score == D("67")
    assert client_as("inspector_a").get(self_url).status_code == 403
    stage = reverse("evaluation:assessment_stage", args=[assessment.pk])
    assert branch.post(stage, {"step": "start"}).status_code == 404
    detail = county.get(assessment.get_absolute_url()).content.decode()
    assert "开始评分" in detail and "公布结果" not in detail
    county.post(stage, {"step": "start"})
    assessment.refresh_from_db()
    assert assessment.status == "scoring"
    assert computed_rows(assessment) == 2  # the computed item of both units
    refused = county.post(stage, {"step": "finalize"}, follow=True).content.decode()
    assert "有细则未评分" in refused
    for unit in assessment.units.all():
        county.post(
            reverse("evaluation:unit_score", args=[unit.pk]),
            {f"item_{assessed.pk}": "50", f"item_{deduction.pk}": "0"},
        )
    county.post(stage, {"step": "finalize"})
    assessment.refresh_from_db()
    a1.refresh_from_db()
    assert (assessment.status, a1.final_score, a1.rank) == ("published", D("90"), 1)  # 50 + 20 + 20
    assert "单位自评" not in branch.get(reverse("evaluation:unit_sheet", args=[a1.pk])).content.decode()


def computed_rows(assessment) -> int:
    return ItemScore.objects.filter(unit__assessment=assessment, source="computed").count()
