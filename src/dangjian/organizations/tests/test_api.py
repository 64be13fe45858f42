"""The organizations API mirrors the UI: same scoping, same filterset, writes through the services."""

import json

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization

LIST = "organizations-api:organization-list"


def codes(response) -> list[str]:
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


def patch(client, url, data):
    return client.patch(url, data=json.dumps(data), content_type="application/json")


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_list_filter_within_takes_the_subtree(world, client_as):
    client = client_as("county_admin")
    assert codes(client.get(reverse(LIST), {"within": "XW-A"})) == [
        "XW-A",
        "XW-A-01",
        "XW-A-01-G1",
        "XW-A-02",
    ]
    assert codes(client.get(reverse(LIST), {"within": "NO-SUCH-CODE"})) == []


def test_within_an_out_of_scope_code_returns_nothing(world, client_as):
    assert codes(client_as("town_a_admin").get(reverse(LIST), {"within": "XW-B"})) == []


def test_list_filter_parent_takes_direct_children_only(world, client_as):
    client = client_as("county_admin")
    assert codes(client.get(reverse(LIST), {"parent": world["root"].pk})) == ["XW-A", "XW-B"]
    assert codes(client.get(reverse(LIST), {"parent": world["a1"].pk})) == ["XW-A-01-G1"]
    assert codes(client.get(reverse(LIST), {"parent": 999999})) == []


def test_list_filter_kind_and_text(world, client_as):
    client = client_as("county_admin")
    assert codes(client.get(reverse(LIST), {"kind": "branch"})) == ["XW-A-01", "XW-A-02", "XW-B-01"]
    assert codes(client.get(reverse(LIST), {"q": "B1"})) == ["XW-B-01"]


def test_detail_gives_the_parent_id(world, client_as):
    data = (
        client_as("town_a_admin")
        .get(reverse("organizations-api:organization-detail", args=[world["a1"].pk]))
        .json()
    )
    assert data["parent"] == world["town_a"].pk
    assert data["kind_display"] == "党支部"
    assert data["depth"] == 3


def test_counts_action(world, client_as):
    response = client_as("town_a_admin").get(
        reverse("organizations-api:organization-counts", args=[world["town_a"].pk])
    )
    data = response.json()
    assert data["organization"] == {
        "id": world["town_a"].pk,
        "name": "A镇党委",
        "counts": {"党支部": 2, "正式党员": 2, "预备党员": 1},
    }
    assert data["children"] == [
        {"id": world["a1"].pk, "name": "A1村党支部", "counts": {"正式党员": 1, "预备党员": 1}},
        {"id": world["a2"].pk, "name": "A2社区党支部", "counts": {"正式党员": 1, "预备党员": 0}},
    ]


def test_create_under_a_parent_in_scope(world, client_as):
    response = post(
        client_as("town_a_admin"),
        reverse(LIST),
        {"parent_id": world["town_a"].pk, "code": "XW-A-03", "name": "A3村党支部", "kind": "branch"},
    )
    assert response.status_code == 201
    org = Organization.objects.get(code="XW-A-03")
    assert response.json()["parent"] == world["town_a"].pk
    assert org.path.startswith(world["town_a"].path) is True
    assert AuditEvent.objects.for_object(org).get(action="create").username == "town_a_admin"


def test_create_under_a_parent_out_of_scope_is_404(world, client_as):
    response = post(
        client_as("town_a_admin"),
        reverse(LIST),
        {"parent_id": world["town_b"].pk, "code": "XW-B-09", "name": "B9", "kind": "branch"},
    )
    assert response.status_code == 404
    assert Organization.objects.filter(code="XW-B-09").exists() is False


def test_create_with_a_wrong_shape_is_400_with_the_chinese_message(world, client_as):
    response = post(
        client_as("county_admin"),
        reverse(LIST),
        {"parent_id": world["town_a"].pk, "code": "XW-A-G", "name": "错", "kind": "party_group"},
    )
    assert response.status_code == 400
    assert response.json() == {"parent": ["党小组不能设在党委（A镇党委）之下。"]}


def test_branch_admin_cannot_add_a_branch_under_its_branch(world, client_as):
    response = post(
        client_as("branch_a1_admin"),
        reverse(LIST),
        {"parent_id": world["a1"].pk, "code": "XW-A-01-X", "name": "X", "kind": "branch"},
    )
    assert response.status_code == 403


def test_patch_changes_fields_through_the_service(world, client_as):
    url = reverse("organizations-api:organization-detail", args=[world["a1"].pk])
    response = patch(client_as("branch_a1_admin"), url, {"address": "A1村委会", "status": "dissolved"})
    assert response.status_code == 200
    org = Organization.objects.get(pk=world["a1"].pk)
    assert org.address == "A1村委会"
    assert org.status == "active"  # read-only through the API: dissolving is its own service
    assert AuditEvent.objects.for_object(org).get(action="update").changes == {"address": ["", "A1村委会"]}


def test_patch_with_a_duplicate_code_is_400(world, client_as):
    url = reverse("organizations-api:organization-detail", args=[world["a1"].pk])
    response = patch(client_as("county_admin"), url, {"code": "XW-A-02"})
    assert response.status_code == 400
    assert Organization.objects.get(pk=world["a1"].pk).code == "XW-A-01"


def test_patch_refuses_a_kind_that_breaks_the_tree(world, client_as):
    url = reverse("organizations-api:organization-detail", args=[world["a1"].pk])
    response = patch(client_as("county_admin"), url, {"kind": "party_group"})
    assert response.status_code == 400
    assert response.json() == {"parent": ["党小组不能设在党委（A镇党委）之下。"]}


@pytest.mark.parametrize("method", ["put", "delete"])
def test_no_replace_and_no_delete(world, client_as, method):
    url = reverse("organizations-api:organization-detail", args=[world["a2"].pk])
    response = getattr(client_as("county_admin"), method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert Organization.objects.filter(pk=world["a2"].pk).exists() is True
