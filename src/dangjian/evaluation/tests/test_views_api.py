"""Pages and API of 考核评价: scope (out of scope → 404 / nothing), ranking visibility, appeals, export."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dangjian.evaluation import services
from dangjian.evaluation.choices import AppealDecision, RankingVisibility, ScoringMethod
from dangjian.evaluation.models import Appeal

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


@pytest.fixture
def published(world):
    return finished(world, make_rubric(world), MARKS)


def test_the_committee_sees_the_ranking_and_exports_it(world, client_as, published):
    page = client_as("county_admin").get(reverse("evaluation:assessment_detail", args=[published.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "B1村党支部" in text and "等次分布" in text
    export = client_as("county_admin").get(reverse("evaluation:assessment_export", args=[published.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_branch_sees_its_own_sheet_only(world, client_as, published):
    client = client_as("branch_a1_admin")
    own = published.units.get(organization=world["a1"])
    other = published.units.get(organization=world["b1"])
    assert client.get(reverse("evaluation:assessment_detail", args=[published.pk])).status_code == 404
    assert client.get(reverse("evaluation:unit_sheet", args=[other.pk])).status_code == 404
    page = client.get(reverse("evaluation:unit_sheet", args=[own.pk]))
    assert page.status_code == 200
    assert "A1村党支部评分表" in page.content.decode()
    listing = client.get(reverse("evaluation:assessment_list")).content.decode()
    assert published.name in listing
    # The list leads the branch to its own sheet, never to the committee's pages (a 404 for it).
    assert reverse("evaluation:unit_sheet", args=[own.pk]) in listing
    assert reverse("evaluation:assessment_detail", args=[published.pk]) not in listing
    assert reverse("evaluation:rubric_detail", args=[published.version.rubric_id]) not in listing
    assert client_as("town_a_admin").get(reverse("evaluation:unit_sheet", args=[other.pk])).status_code == 404


@pytest.mark.parametrize(
    ("visibility", "rank_shown", "table_shown"),
    [
        (RankingVisibility.COMMITTEE, False, False),
        (RankingVisibility.OWN, True, False),
        (RankingVisibility.PUBLIC, True, True),
    ],
)
def test_ranking_visibility_is_respected(world, client_as, visibility, rank_shown, table_shown):
    assessment = finished(world, make_rubric(world), MARKS, ranking_visibility=visibility)
    own = assessment.units.get(organization=world["a1"])
    text = client_as("branch_a1_admin").get(reverse("evaluation:unit_sheet", args=[own.pk])).content.decode()
    assert ("名次 2" in text) is rank_shown
    assert ("B1村党支部" in text) is table_shown
    api = client_as("branch_a1_admin").get(reverse("evaluation-api:unit-detail", args=[own.pk])).json()
    assert (api["rank"] == 2) is rank_shown
    assert api["final_score"] == "95.00"


def test_an_appeal_through_the_pages(world, client_as, published):
    own = published.units.get(organization=world["a1"])
    item = published.version.items().get(method=ScoringMethod.ASSESSED)
    url = reverse("evaluation:appeal_add", args=[own.pk])
    client_as("branch_a1_admin").post(url, {"item": item.pk, "reason": "有会议记录为证"})
    appeal = Appeal.objects.get()
    decide = reverse("evaluation:appeal_decide", args=[published.pk, appeal.pk])
    assert (
        client_as("branch_a1_admin").post(decide, {"decision": "changed", "new_points": "60"}).status_code
        == 404
    )
    client_as("county_admin").post(decide, {"decision": "changed", "new_points": "60", "note": "核实"})
    own.refresh_from_db()
    assert (own.final_score, own.rank) == (Decimal("100"), 1)
    other = published.units.get(organization=world["b1"])
    assert (
        client_as("branch_a1_admin").post(reverse("evaluation:appeal_add", args=[other.pk]), {}).status_code
        == 404
    )


def test_the_rubric_page(world, client_as, published):
    page = client_as("county_admin").get(
        reverse("evaluation:rubric_detail", args=[published.version.rubric_id])
    )
    assert "每次扣5" in page.content.decode() or "每次扣5.00" in page.content.decode()
    assert (
        client_as("town_a_admin")
        .get(reverse("evaluation:rubric_detail", args=[published.version.rubric_id]))
        .status_code
        == 404
    )


def test_api_lists_are_scoped(world, client_as, published):
    county = client_as("county_admin")
    branch = client_as("branch_a1_admin")
    assert len(county.get(reverse("evaluation-api:assessment-list")).json()["results"]) == 1
    assert branch.get(reverse("evaluation-api:assessment-list")).json()["results"] == []
    assert branch.get(reverse("evaluation-api:assessment-detail", args=[published.pk])).status_code == 404
    units = branch.get(reverse("evaluation-api:unit-list")).json()["results"]
    assert [row["organization_name"] for row in units] == ["A1村党支部"]
    scores = branch.get(reverse("evaluation-api:score-list")).json()["results"]
    assert {row["unit"] for row in scores} == {units[0]["id"]}
    ranked = county.get(reverse("evaluation-api:assessment-units", args=[published.pk])).json()
    assert [row["rank"] for row in ranked] == [1, 2, 3]
    assert len(county.get(reverse("evaluation-api:rubric-list")).json()["results"]) == 1
    assert branch.get(reverse("evaluation-api:rubric-list")).json()["results"] == []


def test_api_scoring_and_appeal(world, client_as):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    assessed, deduction, _ = assessment.version.items()
    county = client_as("county_admin")
    url = reverse("evaluation-api:score-list")
    made = county.post(
        url, {"unit": unit.pk, "item": assessed.pk, "points": "57"}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    refused = client_as("town_a_admin").post(
        url, {"unit": unit.pk, "item": deduction.pk, "occurrences": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
    county.post(
        url, {"unit": unit.pk, "item": deduction.pk, "occurrences": 1}, content_type="application/json"
    )
    services.do_finalize(assessment, acting_user=None)
    filed = client_as("branch_a1_admin").post(
        reverse("evaluation-api:appeal-list"),
        {"unit": unit.pk, "item": assessed.pk, "reason": "理由"},
        content_type="application/json",
    )
    assert filed.status_code == 201, filed.content
    decide = reverse("evaluation-api:appeal-decide", args=[filed.json()["id"]])
    assert (
        client_as("branch_a1_admin")
        .post(decide, {"decision": "upheld"}, content_type="application/json")
        .status_code
        == 404
    )
    done = county.post(decide, {"decision": AppealDecision.UPHELD}, content_type="application/json")
    assert done.json()["decision"] == "upheld"


def test_assessors_score_through_the_form_and_the_committee_reconciles(world, client_as):
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_set_assessors(assessment, [world["county_admin"], world["sysadmin"]], acting_user=None)
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    assessed, deduction, computed = assessment.version.items()
    url = reverse("evaluation:unit_score", args=[unit.pk])
    page = client_as("county_admin").get(url)
    assert page.status_code == 200 and f"item_{computed.pk}" not in page.content.decode()
    client_as("county_admin").post(url, {f"item_{assessed.pk}": "50", f"item_{deduction.pk}": "1"})
    refused = client_as("sysadmin").post(url, {f"item_{assessed.pk}": "abc"}, follow=True)
    assert "请填写数字" in refused.content.decode()
    client_as("sysadmin").post(url, {f"item_{assessed.pk}": "58", f"item_{deduction.pk}": "1"})
    outsider = client_as("town_a_admin").post(url, {f"item_{assessed.pk}": "58"}, follow=True)
    assert "您不是本次考核的评分人" in outsider.content.decode()
    detail = client_as("county_admin").get(reverse("evaluation:assessment_detail", args=[assessment.pk]))
    assert "评分分歧待复核（1处）" in detail.content.decode()
    reconcile = reverse("evaluation:reconcile", args=[assessment.pk])
    client_as("county_admin").post(reconcile, {"unit": unit.pk, "item": assessed.pk, "points": "55"})
    assert services.conflicts(assessment) == []
    services.do_finalize(assessment, acting_user=None)
    unit.refresh_from_db()
    assert unit.final_score == Decimal("90")  # 55 + 15 + 20


def test_an_inspector_named_as_assessor_scores_through_the_api(world, client_as):
    assessment = make_assessment(world, make_rubric(world), units=("a1",), assessors=("inspector_a",))
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    item = assessment.version.items().first()
    made = client_as("inspector_a").post(
        reverse("evaluation-api:score-list"),
        {"unit": unit.pk, "item": item.pk, "points": "50"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
