"""The members API: masked always, scoped like the UI, writes through the services, never deletes."""

import json
import re

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.core.testing.matrix import new_member
from dangjian.members.models import Member

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
LIST = "members-api:member-list"


def detail(member):
    return reverse("members-api:member-detail", args=[member.pk])


def send(client, method, url, data):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("user", ["county_admin", "branch_a1_admin", "inspector_a", "sysadmin", "member_a1"])
def test_id_numbers_and_phones_are_always_masked(world, client_as, user):
    client = client_as(user)
    listing = client.get(reverse(LIST))
    assert ID_PATTERN.search(listing.content.decode()) is None
    assert "13900001111" not in listing.content.decode()
    row = client.get(detail(world["li"])).json()
    assert row["id_number"] == world["li"].masked_id_number
    assert row["phone"] == "139****1111"


def test_list_filters(world, client_as):
    client = client_as("county_admin")
    rows = client.get(reverse(LIST), {"status": "probationary"}).json()["results"]
    assert [row["name"] for row in rows] == ["李四"]
    rows = client.get(reverse(LIST), {"organization": world["town_b"].pk}).json()["results"]
    assert [row["name"] for row in rows] == ["赵六"]
    rows = client.get(reverse(LIST), {"q": "zsf"}).json()["results"]
    assert [row["name"] for row in rows] == ["张三丰"]


def test_create(world, client_as):
    response = send(client_as("town_a_admin"), "post", reverse(LIST), new_member(world, "a2"))
    assert response.status_code == 201
    member = Member.objects.get(name="周八")
    assert response.json()["id_number"] == member.masked_id_number
    assert AuditEvent.objects.for_object(member).get(action="create").username == "town_a_admin"


def test_create_with_a_duplicate_id_number_is_400(world, client_as):
    data = {**new_member(world, "a2"), "id_number": world["zhang"].id_number, "birth_date": "1980-05-06"}
    response = send(client_as("county_admin"), "post", reverse(LIST), data)
    assert response.status_code == 400
    assert response.json() == {"id_number": ["该身份证号已登记在党员名册中。"]}


def test_create_with_an_invalid_id_number_is_400(world, client_as):
    data = {**new_member(world, "a2"), "id_number": "130102198503045791"}
    response = send(client_as("county_admin"), "post", reverse(LIST), data)
    assert response.status_code == 400
    assert list(response.json()) == ["id_number"]


def test_patch_through_the_service(world, client_as):
    zhang = world["zhang"]
    response = send(
        client_as("branch_a1_admin"), "patch", detail(zhang), {"job_title": "村主任", "version": 1}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    assert Member.objects.get(pk=zhang.pk).job_title == "村主任"


def test_patch_with_an_old_version_is_refused(world, client_as):
    zhang = world["zhang"]
    client = client_as("branch_a1_admin")
    assert send(client, "patch", detail(zhang), {"job_title": "村主任", "version": 1}).status_code == 200
    response = send(client, "patch", detail(zhang), {"job_title": "会计", "version": 1})
    assert response.status_code in (400, 409)
    assert "该党员信息已被他人修改，请刷新页面后重新编辑。" in response.content.decode()
    assert Member.objects.get(pk=zhang.pk).job_title == "村主任"


def test_patch_cannot_move_a_member_out_of_scope(world, client_as):
    zhang = world["zhang"]
    response = send(
        client_as("town_a_admin"),
        "patch",
        detail(zhang),
        {"organization": world["b1"].pk, "party_group": None},
    )
    assert response.status_code == 403
    assert Member.objects.get(pk=zhang.pk).organization_id == world["a1"].pk


def test_patch_cannot_set_a_leaving_status_without_its_date(world, client_as):
    response = send(client_as("county_admin"), "patch", detail(world["wang"]), {"status": "left"})
    assert response.status_code == 400
    assert response.json() == {"status_changed_on": ["请填写状态变更日期。"]}
    assert Member.objects.get(pk=world["wang"].pk).status == "full"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_no_replace_and_no_delete(world, client_as, method):
    response = send(client_as("county_admin"), method, detail(world["wang"]), {})
    assert response.status_code == 405
    assert Member.objects.filter(pk=world["wang"].pk).exists() is True
