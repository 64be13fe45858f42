"""Pages and API of 发展党员: the pipeline, a file's timeline, recording a step (refused, overridden)."""

import json
from datetime import date

import pytest
from django.urls import reverse

from dangjian.core.validators import make_id_number
from dangjian.development import services
from dangjian.development.models import DevelopmentFile, Step

pytestmark = pytest.mark.django_db

BORN = date(2000, 5, 6)


def open_file(world, org="a1", seq=702, applied_on=date(2025, 3, 1), name="刘申请"):
    return services.do_open_file(
        acting_user=None,
        organization=world[org],
        name=name,
        sex="female",
        birth_date=BORN,
        id_number=make_id_number(BORN, "female", area_code="130102", seq=seq),
        applied_on=applied_on,
    )


def test_the_pipeline_shows_stage_next_step_and_overdue(world, client_as):
    file = open_file(world)
    other = open_file(world, org="b1", seq=704, name="外支部人")
    page = client_as("town_a_admin").get(reverse("development:file_list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert file.name in html and other.name not in html
    assert "2. 派人谈话" in html
    assert "2025-04-01" in html and "逾期" in html  # the talk was due within a month
    assert "table-danger" in html
    only_overdue = client_as("county_admin").get(reverse("development:file_list"), {"overdue": "1"})
    assert file.name in only_overdue.content.decode() and other.name in only_overdue.content.decode()


def test_open_a_file_from_the_page(world, client_as):
    client = client_as("branch_a1_admin")
    response = client.post(
        reverse("development:file_add"),
        {
            "organization": world["a1"].pk,
            "name": "新人",
            "sex": "male",
            "birth_date": "2008-06-01",
            "id_number": make_id_number(date(2008, 6, 1), "male", area_code="130102", seq=705),
            "applied_on": "2025-06-01",
        },
    )
    assert response.status_code == 200  # refused: not yet 18 on the day of the application
    assert "未满18周岁" in response.content.decode()
    assert not DevelopmentFile.objects.filter(name="新人").exists()


def test_record_a_step_on_the_page_and_see_it_in_the_timeline(world, client_as):
    file = open_file(world)
    client = client_as("branch_a1_admin")
    response = client.post(reverse("development:step_add", args=[file.pk]), {"no": 2, "date": "2025-03-20"})
    assert response.status_code == 302
    detail = client.get(reverse("development:file_detail", args=[file.pk])).content.decode()
    assert "第2步 派人谈话" in detail and "推荐和确定入党积极分子" in detail
    assert "例外放行理由" not in detail  # a branch admin cannot override


def test_a_refused_step_shows_the_rule_and_a_committee_admin_may_override(world, client_as):
    file = open_file(world)
    branch = client_as("branch_a1_admin")
    response = branch.post(reverse("development:step_add", args=[file.pk]), {"no": 3, "date": "2025-03-20"})
    assert response.status_code == 200
    assert "须先完成第2步" in response.content.decode()
    assert not Step.objects.filter(file=file, no=3).exists()
    town = client_as("town_a_admin")
    assert "例外放行理由" in town.get(reverse("development:file_detail", args=[file.pk])).content.decode()
    response = town.post(
        reverse("development:step_add", args=[file.pk]),
        {"no": 3, "date": "2025-03-20", "override_reason": "谈话记录遗失，经党委核实后补录"},
    )
    assert response.status_code == 302
    assert Step.objects.get(file=file, no=3).override_reason == "谈话记录遗失，经党委核实后补录"


def test_a_vote_step_needs_its_numbers(world, client_as):
    file = open_file(world)
    response = client_as("branch_a1_admin").post(
        reverse("development:step_add", args=[file.pk]), {"no": 15, "date": "2025-03-20"}
    )
    assert "支部大会表决须填写此项" in response.content.decode()


def test_out_of_scope_file_is_404_on_pages_and_api(world, client_as):
    file = open_file(world, org="b1", seq=706)
    client = client_as("town_a_admin")
    assert client.get(reverse("development:file_detail", args=[file.pk])).status_code == 404
    assert client.post(reverse("development:step_add", args=[file.pk]), {"no": 2}).status_code == 404
    assert client.get(f"/api/v1/development/files/{file.pk}/").status_code == 404
    assert client.get(f"/api/v1/development/files/{file.pk}/steps/").status_code == 404
    assert client.get("/api/v1/development/files/").json()["count"] == 0
    member = client_as("member_a1")
    assert member.get("/api/v1/development/files/").json()["count"] == 0


def test_api_records_a_step_and_refuses_with_the_engines_message(world, client_as):
    file = open_file(world)
    client = client_as("branch_a1_admin")
    url = f"/api/v1/development/files/{file.pk}/steps/"
    refused = client.post(
        url, data=json.dumps({"no": 2, "date": "2025-04-02"}), content_type="application/json"
    )
    assert refused.status_code == 400
    assert "一个月内派人谈话" in json.dumps(refused.json(), ensure_ascii=False)
    ok = client.post(url, data=json.dumps({"no": 2, "date": "2025-04-01"}), content_type="application/json")
    assert ok.status_code == 201
    assert ok.json()["name"] == "派人谈话"
    listed = client.get(url).json()
    assert [s["no"] for s in listed] == [1, 2]
    detail = client.get(f"/api/v1/development/files/{file.pk}/").json()
    assert detail["stage"] == "applicant" and detail["next_step"] == 3
    assert "*" in detail["id_number"]


def test_api_opens_a_file_and_checks_a_timeline(world, client_as):
    client = client_as("town_a_admin")
    born = date(1999, 1, 2)
    response = client.post(
        "/api/v1/development/files/",
        data=json.dumps(
            {
                "organization": world["a2"].pk,
                "name": "接口申请人",
                "sex": "male",
                "birth_date": born.isoformat(),
                "id_number": make_id_number(born, "male", area_code="130102", seq=707),
                "applied_on": "2025-01-05",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["next_step"] == 2
    check = client.post(
        "/api/v1/development/check/",
        data=json.dumps({"birth_date": "2010-01-01", "steps": [{"no": 1, "date": "2025-01-01"}]}),
        content_type="application/json",
    ).json()
    assert check["ok"] is False and "细则第五条" in check["violations"][0]["message"]


def test_the_schema_describes_the_development_api(world, client_as):
    schema = client_as("county_admin").get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/development/files/{id}/steps/" in schema
    assert "/api/v1/development/check/" in schema


def test_close_a_file_on_the_page_and_in_the_api(world, client_as):
    file = open_file(world)
    client = client_as("branch_a1_admin")
    response = client.post(
        reverse("development:file_close", args=[file.pk]),
        {"closed_on": "2025-04-01", "reason": "本人撤回申请"},
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.closed_on, file.closed_reason) == (date(2025, 4, 1), "本人撤回申请")
    assert file.name not in client.get(reverse("development:file_list")).content.decode()  # open files only
    other = open_file(world, seq=708, name="另一人")
    api = client.post(
        f"/api/v1/development/files/{other.pk}/close/",
        data=json.dumps({"closed_on": "2025-04-02", "reason": "取消入党积极分子资格"}),
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["closed_reason"] == "取消入党积极分子资格"
    again = client.post(
        f"/api/v1/development/files/{other.pk}/close/",
        data=json.dumps({"closed_on": "2025-04-03", "reason": "x"}),
        content_type="application/json",
    )
    assert again.status_code == 400
    assert DevelopmentFile.objects.filter(pk__in=[file.pk, other.pk]).count() == 2  # kept
