"""In-app submission and rating through the API: an observer (no role, while serving, about what they
observe) and a member (own organization or above) submit; only the submitter sees and rates the item."""

import json
from datetime import date

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.feedback import services
from dangjian.feedback.models import Feedback

from .factories import appoint

pytestmark = pytest.mark.django_db
JSON = "application/json"
MINE = "feedback-api:mine-list"


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type=JSON)


def item(world, source, org="a1", **extra):
    return {
        "source": source,
        "organization": world[org].pk,
        "category": "organization",
        "subject": "三会一课记录不全",
        "content": "建议规范记录。",
        **extra,
    }


def test_an_observer_submits_and_rates_through_the_api(world, client_as):
    observer = appoint(world)  # the login `nobody`, no role, observing A镇党委
    client = client_as("nobody")
    created = post(client, reverse(MINE), item(world, f"observer:{observer.pk}"))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["channel"] == "observer" and data["organization_name"] == world["a1"].name
    feedback = Feedback.objects.get(pk=data["id"])
    assert feedback.observer == observer and feedback.submitted_by == world.users["nobody"]
    assert feedback.due_on > feedback.submitted_on  # 15 working days, see test_services
    assert AuditEvent.objects.filter(object_id=str(feedback.pk), message="提交意见建议").exists()

    rate = reverse("feedback-api:mine-rate", args=[feedback.pk])
    early = post(client, rate, {"satisfaction": "satisfied"})
    assert early.status_code == 400 and "尚未答复" in str(early.json())
    services.do_reply_feedback(feedback, acting_user=world.users["branch_a1_admin"], text="已整改。")
    rated = post(client, rate, {"satisfaction": "basic"})
    assert rated.status_code == 200 and rated.json()["satisfaction"] == "basic"
    assert rated.json()["replies"][0]["text"] == "已整改。"
    assert Feedback.objects.get(pk=feedback.pk).satisfaction == "basic"
    assert [row["id"] for row in client.get(reverse(MINE)).json()["results"]] == [feedback.pk]

    # Nobody else reads or rates it, not even the branch that answered it (they use the inbox).
    for role in ("member_a1", "branch_a1_admin", "county_admin"):
        assert post(client_as(role), rate, {"satisfaction": "unsatisfied"}).status_code == 404
        detail = client_as(role).get(reverse("feedback-api:mine-detail", args=[feedback.pk]))
        assert detail.status_code == 404
    assert Feedback.objects.get(pk=feedback.pk).satisfaction == "basic"


def test_an_observer_submits_only_within_the_term_and_what_they_observe(world, client_as):
    observer = appoint(world)
    client = client_as("nobody")
    elsewhere = post(client, reverse(MINE), item(world, f"observer:{observer.pk}", org="b1"))
    assert elsewhere.status_code == 400 and "organization" in elsewhere.json()
    services.do_end_observer_term(observer, acting_user=None, ended_on=date(2025, 6, 30))
    ended = post(client, reverse(MINE), item(world, f"observer:{observer.pk}"))
    assert ended.status_code == 400 and "source" in ended.json()
    assert not Feedback.objects.exists()


def test_a_member_submits_to_own_organization_or_above(world, client_as):
    client = client_as("member_a1")  # 李四 of A1
    up = post(client, reverse(MINE), item(world, "member", org="town_a"))
    assert up.status_code == 201 and up.json()["channel"] == "member"
    sideways = post(client, reverse(MINE), item(world, "member", org="a2"))
    assert sideways.status_code == 400
    assert post(client_as("town_a_admin"), reverse(MINE), item(world, "member")).status_code == 400
    assert Feedback.objects.filter(submitted_by=world.users["member_a1"]).count() == 1


def test_anonymous_cannot_use_the_own_api(world, client):
    assert client.get(reverse(MINE)).status_code in (401, 403)
    assert post(client, reverse(MINE), item(world, "member")).status_code in (401, 403)
