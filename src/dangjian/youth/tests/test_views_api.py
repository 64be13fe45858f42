"""Pages and API of 推优 and cohorts: entry from the page, Chinese errors, out of scope is 404."""

import json
from datetime import date

import pytest
from django.urls import reverse

from dangjian.development.models import DevelopmentFile
from dangjian.youth import services
from dangjian.youth.models import Recommendation

pytestmark = pytest.mark.django_db


def test_entry_from_the_page_opens_the_file_and_shows_the_link(world, client_as, recommend):
    recommendation = recommend()
    client = client_as("branch_a1_admin")
    response = client.post(
        reverse("youth:recommendation_accept", args=[recommendation.pk]),
        {"decided_on": "2025-03-10", "applied_on": "2025-03-05"},
    )
    assert response.status_code == 302
    file = DevelopmentFile.objects.get(name="王青年")
    detail = client.get(reverse("youth:recommendation_detail", args=[recommendation.pk])).content.decode()
    assert "已列为入党积极分子人选" in detail and file.get_absolute_url() in detail


def test_the_form_shows_the_age_rule_in_chinese(world, client_as, youth):
    response = client_as("branch_a1_admin").post(
        reverse("youth:recommendation_add"),
        {
            "organization": world["a1"].pk,
            "youth_organization": youth.pk,
            "name": "年长者",
            "sex": "male",
            "birth_date": "1990-01-01",
            "recommended_on": "2025-03-01",
            "attendees": 10,
            "votes_for": 8,
            "votes_against": 0,
            "opinion": "同意",
        },
    )
    assert response.status_code == 200
    assert "推优对象须为未满28周岁的青年" in response.content.decode()
    assert not Recommendation.objects.filter(name="年长者").exists()


def test_out_of_scope_is_404_in_pages_and_api(world, client_as, recommend):
    recommendation = recommend()
    client = client_as("member_a1")
    assert client.get(reverse("youth:recommendation_detail", args=[recommendation.pk])).status_code == 404
    town_b = services.do_create_cohort(
        acting_user=None, organization=world["b1"], name="B青马", tier="other", year=2025
    )
    town_a = client_as("town_a_admin")
    assert town_a.get(reverse("youth:cohort_detail", args=[town_b.pk])).status_code == 404
    assert town_a.get(reverse("youth-api:cohort-detail", args=[town_b.pk])).status_code == 404
    listing = town_a.get(reverse("youth-api:cohort-list")).json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert town_b.pk not in [row["id"] for row in rows]
    outside = services.do_create_recommendation(
        acting_user=None,
        organization=world["b1"],
        youth_organization=services.do_create_youth_organization(
            acting_user=None, organization=world["b1"], name="B1团支部"
        ),
        **{f: getattr(recommendation, f) for f in ("name", "sex", "birth_date", "recommended_on", "opinion")},
        attendees=5,
        votes_for=5,
    )
    assert town_a.get(reverse("youth:recommendation_detail", args=[outside.pk])).status_code == 404
    assert town_a.get(reverse("youth-api:recommendation-detail", args=[outside.pk])).status_code == 404
    assert (
        town_a.post(
            reverse("youth:recommendation_accept", args=[outside.pk]), {"decided_on": "2025-03-10"}
        ).status_code
        == 404
    )


def test_api_accept_and_a_refused_completion_is_400_in_chinese(world, client_as, recommend):
    recommendation = recommend()
    client = client_as("town_a_admin")
    response = client.post(
        reverse("youth-api:recommendation-accept", args=[recommendation.pk]),
        data=json.dumps({"decided_on": "2025-03-10", "applied_on": "2025-03-05"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["development_file"]
    cohort = services.do_create_cohort(
        acting_user=None,
        organization=world["a1"],
        name="青马班",
        tier="school",
        year=2025,
        required_practice_hours=8,
    )
    added = client.post(
        reverse("youth-api:cohort-trainees", args=[cohort.pk]),
        data=json.dumps({"name": "张青年", "mentor": "王老师"}),
        content_type="application/json",
    )
    assert added.status_code == 201
    trainee = added.json()["id"]
    refused = client.post(
        reverse("youth-api:trainee-complete", args=[trainee]),
        data=json.dumps({"completed_on": "2025-05-01"}),
        content_type="application/json",
    )
    assert refused.status_code == 400 and "未达到结业所需的8小时" in refused.content.decode()
    client.post(
        reverse("youth-api:trainee-practices", args=[trainee]),
        data=json.dumps({"title": "志愿服务", "date": "2025-04-01", "hours": "8"}),
        content_type="application/json",
    )
    done = client.post(
        reverse("youth-api:trainee-complete", args=[trainee]),
        data=json.dumps({"completed_on": "2025-05-01"}),
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["completed_on"] == "2025-05-01"


def test_pages_render(world, client_as, recommend):
    recommend()
    cohort = services.do_create_cohort(
        acting_user=None, organization=world["a1"], name="青马班", tier="school", year=2025
    )
    services.do_add_trainee(cohort, acting_user=None, name="某青年", mentor="导师甲")
    client = client_as("branch_a1_admin")
    assert "王青年" in client.get(reverse("youth:recommendation_list")).content.decode()
    assert "青马班" in client.get(reverse("youth:cohort_list")).content.decode()
    page = client.get(reverse("youth:cohort_detail", args=[cohort.pk])).content.decode()
    assert "某青年" in page and "导师甲" in page and "记录实践活动" in page


def test_writes_are_audited_under_the_organization_and_readers_see_no_forms(world, client_as, recommend):
    from dangjian.audit.models import AuditEvent

    cohort = services.do_create_cohort(
        acting_user=world["town_a_admin"], organization=world["a1"], name="青马班", tier="school", year=2025
    )
    trainee = services.do_add_trainee(cohort, acting_user=world["town_a_admin"], name="某青年")
    services.do_record_practice(
        trainee, acting_user=world["town_a_admin"], title="志愿服务", date=date(2025, 4, 1), hours="2"
    )
    events = AuditEvent.objects.filter(object_type__startswith="youth.")
    assert {e.object_type for e in events} >= {"youth.cohort", "youth.cohortmember", "youth.practiceactivity"}
    assert all(e.organization_path == world["a1"].path for e in events)
    recommendation = recommend()
    page = client_as("inspector_a").get(reverse("youth:recommendation_detail", args=[recommendation.pk]))
    assert page.status_code == 200 and "列为入党积极分子人选</button>" not in page.content.decode()
    page = client_as("branch_a1_admin").get(reverse("youth:recommendation_detail", args=[recommendation.pk]))
    assert "列为入党积极分子人选</button>" in page.content.decode()
