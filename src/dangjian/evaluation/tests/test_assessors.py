"""Changing the assessors of an assessment until its results are published: a removed assessor's scores
stay on record but no longer count; through the service and the assessment page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.evaluation import scoring, services
from dangjian.evaluation.models import ItemScore

from .helpers import finished, make_assessment, make_rubric

pytestmark = pytest.mark.django_db
D = Decimal
MARKS = {"A1村党支部": 55, "A2社区党支部": 50, "B1村党支部": 58}


@pytest.fixture
def in_conflict(world):
    """A1 scored 50 by county_admin and 56 by sysadmin (a conflict above the threshold of 2)."""
    assessment = make_assessment(world, make_rubric(world), units=("a1",))
    services.do_set_assessors(assessment, [world["county_admin"], world["sysadmin"]], acting_user=None)
    services.do_start_scoring(assessment, acting_user=None)
    unit = assessment.units.get()
    assessed = assessment.version.items().first()
    services.do_score_item(unit, assessed, points=50, acting_user=world["county_admin"])
    services.do_score_item(unit, assessed, points=56, acting_user=world["sysadmin"])
    return assessment


def choice(user) -> str:
    return f'value="{user.pk}"'


def assessed_points(assessment):
    unit = assessment.units.get()
    item = assessment.version.items().first()
    return scoring.results(assessment, [unit])[unit.pk].items[item.pk]


def test_a_removed_assessors_scores_stay_recorded_but_no_longer_count(world, in_conflict):
    assert len(services.conflicts(in_conflict)) == 1
    services.do_set_assessors(in_conflict, [world["county_admin"]], acting_user=world["county_admin"])
    assert services.conflicts(in_conflict) == []
    assert assessed_points(in_conflict) == D("50")
    assert ItemScore.objects.filter(unit__assessment=in_conflict, assessor=world["sysadmin"]).count() == 1
    event = AuditEvent.objects.filter(object_type="evaluation.assessment", action="update").latest("pk")
    assert event.user == world["county_admin"]
    assert "移除：sysadmin（已打的分数保留，不再计入）" in event.message
    # named again, the same scores count again
    services.do_set_assessors(
        in_conflict, [world["county_admin"], world["sysadmin"]], acting_user=world["county_admin"]
    )
    assert assessed_points(in_conflict) == D("53")
    assert len(services.conflicts(in_conflict)) == 1


def test_the_sheet_shows_only_what_counts(world, in_conflict):
    from dangjian.evaluation.sheets import sheet_rows

    unit = in_conflict.units.get()
    item = in_conflict.version.items().first()
    services.do_score_item(unit, item, points=56, acting_user=world["sysadmin"], comment="台账不全")
    services.do_set_assessors(in_conflict, [world["county_admin"]], acting_user=None)
    row = next(row for row in sheet_rows(unit) if row.item == item)
    assert row.points == D("50")
    assert "评分说明：台账不全" not in row.reasons


def test_an_unchanged_list_writes_nothing(world, in_conflict):
    before = AuditEvent.objects.count()
    services.do_set_assessors(in_conflict, [world["sysadmin"], world["county_admin"]], acting_user=None)
    assert AuditEvent.objects.count() == before


def test_assessors_are_fixed_once_published(world):
    published = finished(world, make_rubric(world), MARKS)
    with pytest.raises(ValidationError, match="已公布结果，评分人不能再更改"):
        services.do_set_assessors(published, [world["sysadmin"]], acting_user=None)
    assert list(published.assessors.values_list("username", flat=True)) == ["county_admin"]


def test_the_committee_changes_the_assessors_on_the_assessment_page(world, client_as, in_conflict):
    url = reverse("evaluation:assessment_detail", args=[in_conflict.pk])
    page = client_as("county_admin").get(url).content.decode()
    change = reverse("evaluation:assessment_assessors", args=[in_conflict.pk])
    assert "更改评分人" in page and f'action="{change}"' in page
    # the candidates over A1 (the committee's tree down to A1) and those named now
    assert choice(world["branch_a1_admin"]) in page
    assert choice(world["sysadmin"]) in page
    response = client_as("county_admin").post(change, {"assessors": [world["county_admin"].pk]}, follow=True)
    assert "评分人已更新：county_admin。" in response.content.decode()
    assert list(in_conflict.assessors.values_list("username", flat=True)) == ["county_admin"]
    assert services.conflicts(in_conflict) == []
    assert AuditEvent.objects.filter(
        object_type="evaluation.assessment", object_id=str(in_conflict.pk), message__contains="移除：sysadmin"
    ).exists()


def test_a_user_who_cannot_see_every_unit_is_refused_and_nothing_changes(world, client_as):
    assessment = make_assessment(world, make_rubric(world))  # A1, A2 and B1 of the county
    change = reverse("evaluation:assessment_assessors", args=[assessment.pk])
    page = client_as("county_admin").get(reverse("evaluation:assessment_detail", args=[assessment.pk]))
    assert choice(world["town_a_admin"]) not in page.content.decode()
    response = client_as("county_admin").post(change, {"assessors": [world["town_a_admin"].pk]}, follow=True)
    assert "所选评分人无权查看被考核单位。" in response.content.decode()
    assert list(assessment.assessors.values_list("username", flat=True)) == ["county_admin"]


def test_only_the_committee_changes_the_assessors(world, client_as, in_conflict):
    change = reverse("evaluation:assessment_assessors", args=[in_conflict.pk])
    writes = AuditEvent.objects.filter(object_type__startswith="evaluation.")
    before = writes.count()
    assert client_as("branch_a1_admin").post(change, {"assessors": []}).status_code == 404
    assert client_as("inspector_a").post(change, {"assessors": []}).status_code == 403
    assert in_conflict.assessors.count() == 2
    assert writes.count() == before  # the refusals are audited as access decisions, nothing else


def test_published_results_show_no_form_and_refuse_a_change(world, client_as):
    published = finished(world, make_rubric(world), MARKS)
    page = client_as("county_admin").get(reverse("evaluation:assessment_detail", args=[published.pk]))
    assert "更改评分人" not in page.content.decode()
    response = client_as("county_admin").post(
        reverse("evaluation:assessment_assessors", args=[published.pk]),
        {"assessors": [world["sysadmin"].pk]},
        follow=True,
    )
    assert "已公布结果，评分人不能再更改" in response.content.decode()
    assert list(published.assessors.values_list("username", flat=True)) == ["county_admin"]


def test_the_score_listing_says_which_scores_count(world, client_as, in_conflict):
    unit = in_conflict.units.get()
    services.do_set_assessors(in_conflict, [world["county_admin"]], acting_user=None)
    rows = client_as("county_admin").get("/api/v1/evaluation/scores/", {"unit": unit.pk}).json()
    rows = rows.get("results", rows)
    by_assessor = {row["assessor"]: row["counted"] for row in rows if row["source"] == "assessor"}
    assert by_assessor == {world["county_admin"].pk: True, world["sysadmin"].pk: False}
    assert {row["counted"] for row in rows} == {True, False}
    assert set(ItemScore.objects.counted(in_conflict).values_list("pk", flat=True)) == {
        row["id"] for row in rows if row["counted"]
    }
