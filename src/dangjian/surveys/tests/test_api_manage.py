"""Managing surveys through the API: a draft with questions of every kind, editing, publishing, one-use
links returned once (only their hashes kept), closing; results only; every write audited and scoped."""

import json

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.surveys import services
from dangjian.surveys.models import Response, Survey, SurveyToken

from .factories import make_survey

RATE_OFF = override_settings(SURVEY_PUBLIC_RATE="off")
JSON = "application/json"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type=JSON)


def new_survey(world, **overrides):
    today = timezone.localdate().isoformat()
    return {
        "organization": world["a1"].pk,
        "title": "班子民主测评",
        "kind": "mass_review",
        "target_kind": "cadres",
        "audience": "public",
        "opens_on": today,
        "closes_on": today,
        "questions": [
            {"kind": "satisfaction", "text": "对班子整体是否满意？"},
            {"kind": "rating", "text": "班子作风评分"},
            {"kind": "single", "text": "最需改进", "options": ["作风", "服务"]},
            {
                "kind": "multiple",
                "text": "关注事项",
                "options": ["村务公开", "环境", "就业"],
                "required": False,
            },
            {"kind": "text", "text": "意见建议", "required": False},
            {"kind": "grade", "text": "对张三丰同志的评价", "person": world["zhang"].pk},
        ],
        **overrides,
    }


def audited(survey, action):
    return AuditEvent.objects.filter(object_type__endswith="survey", object_id=str(survey.pk), action=action)


@RATE_OFF
def test_owner_runs_a_survey_through_the_api(world, client_as):
    client = client_as("branch_a1_admin")
    created = post(client, reverse("surveys-api:survey-list"), new_survey(world))
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["target_kind"] == "cadres"
    assert [q["kind"] for q in data["questions"]] == [
        "satisfaction",
        "rating",
        "single",
        "multiple",
        "text",
        "grade",
    ]
    assert data["questions"][5]["person_name"] == "张三丰"
    survey = Survey.objects.get(pk=data["id"])
    assert audited(survey, "create").count() == 1

    detail = reverse("surveys-api:survey-detail", args=[survey.pk])
    patched = client.patch(
        detail, json.dumps({"title": "班子民主测评（2025）"}), content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["title"] == "班子民主测评（2025）"
    added = post(
        client,
        reverse("surveys-api:survey-questions", args=[survey.pk]),
        {"kind": "text", "text": "其他", "required": False},
    )
    assert added.status_code == 201 and added.json()["position"] == 7

    opened = post(client, reverse("surveys-api:survey-open", args=[survey.pk]))
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    late = post(
        client, reverse("surveys-api:survey-questions", args=[survey.pk]), {"kind": "text", "text": "迟"}
    )
    assert late.status_code == 400 and "已发布" in str(late.json())

    issued = post(client, reverse("surveys-api:survey-tokens", args=[survey.pk]), {"count": 3})
    assert issued.status_code == 201 and issued["Cache-Control"] == "no-store"
    links = issued.json()["links"]
    assert issued.json()["count"] == 3 and len({link["token"] for link in links}) == 3
    stored = set(SurveyToken.objects.filter(survey=survey).values_list("token_hash", flat=True))
    assert stored == {services.hash_token(link["token"]) for link in links}
    assert not any(link["token"] in h for link in links for h in stored)  # never kept in clear
    assert links[0]["url"].endswith(reverse("surveys:public_form", args=[links[0]["token"]]))
    assert audited(survey, "update").filter(message__contains="生成匿名链接3个").exists()

    questions = client.get(detail).json()["questions"]
    values = {
        str(q["id"]): v
        for q, v in zip(questions, ["satisfied", 90, "作风", [], "", "excellent"], strict=False)
    }
    answered = Client().post(
        links[0]["api_url"], json.dumps({"answers": values}), content_type="application/json"
    )
    assert answered.status_code == 201, answered.content
    results = client.get(reverse("surveys-api:survey-results", args=[survey.pk])).json()
    assert results["respondents"] == 1 and results["suppressed"] is True

    closed = post(client, reverse("surveys-api:survey-close", args=[survey.pk]))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    after = Client().post(
        links[1]["api_url"], json.dumps({"answers": values}), content_type="application/json"
    )
    assert after.status_code == 409
    assert Response.objects.filter(survey=survey).count() == 1
    assert (
        post(client, reverse("surveys-api:survey-tokens", args=[survey.pk]), {"count": 1}).status_code == 400
    )


def test_api_refuses_bad_surveys_with_the_field_named(world, client_as):
    client = client_as("branch_a1_admin")
    url = reverse("surveys-api:survey-list")
    one_option = new_survey(world, questions=[{"kind": "single", "text": "渠道", "options": ["窗口"]}])
    refused = post(client, url, one_option)
    assert refused.status_code == 400 and "至少需要两个选项" in str(refused.json())
    backwards = new_survey(world, closes_on="2020-01-01")
    assert post(client, url, backwards).status_code == 400
    assert not Survey.objects.filter(title="班子民主测评").exists()  # all or nothing
    empty = make_survey(world["a1"], open_it=False, questions=[])
    assert post(client, reverse("surveys-api:survey-open", args=[empty.pk])).status_code == 400


def test_api_writes_are_scoped(world, client_as):
    """Out of scope: another town's organization, survey or member is a 404; no change grant is a 403."""
    outside = make_survey(world["b1"], open_it=False)
    town_a = client_as("town_a_admin")
    url = reverse("surveys-api:survey-list")
    assert post(town_a, url, new_survey(world, organization=world["b1"].pk)).status_code == 404
    assert post(town_a, url, new_survey(world, target_organization=world["b1"].pk)).status_code == 404
    foreign_person = new_survey(
        world, questions=[{"kind": "grade", "text": "评价", "person": world["zhao"].pk}]
    )
    assert post(town_a, url, foreign_person).status_code == 404
    for name in ("survey-open", "survey-close", "survey-tokens", "survey-questions"):
        assert (
            post(town_a, reverse(f"surveys-api:{name}", args=[outside.pk]), {"count": 1}).status_code == 404
        )
    detail = reverse("surveys-api:survey-detail", args=[outside.pk])
    assert town_a.patch(detail, "{}", content_type=JSON).status_code == 404
    for role in ("inspector_a", "member_a1", "nobody"):
        assert post(client_as(role), url, new_survey(world)).status_code == 403
    assert Survey.objects.get(pk=outside.pk).status == "draft"
    assert not SurveyToken.objects.filter(survey=outside).exists()


def test_a_person_outside_the_owner_is_refused_by_the_service(world):
    """The county names 赵六 (B1) in a survey run by A1: refused even for the command line."""
    survey = make_survey(world["a1"], open_it=False, questions=[])
    try:
        services.do_add_question(survey, acting_user=None, kind="grade", text="评价", person=world["zhao"])
    except services.ValidationError as error:
        assert "评议对象须为组织单位本级或下级" in str(error)
    else:
        raise AssertionError("a person outside the survey's organization was accepted")
