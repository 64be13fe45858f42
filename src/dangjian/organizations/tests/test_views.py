"""Organization pages: the tree, the children fragment, one organization, create/edit/move forms.

Who may open which page is the permission matrix (accounts/tests/test_scope.py); here, what they do.
"""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.organizations.models import Organization, OrganizationMove
from dangjian.organizations.services import do_update_organization


def form_data(org, **changes) -> dict:
    data = {
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "unit_category": org.unit_category,
        "founded_on": "",
        "term_started_on": "",
        "term_ends_on": "",
        "address": org.address,
        "remarks": org.remarks,
    }
    if org.has_committee:
        data["has_committee"] = "on"
    data.update(changes)
    return data


def test_tree_page_shows_the_users_roots_with_counts(world, client_as):
    response = client_as("town_a_admin").get(reverse("organizations:organization_tree"))
    assert response.status_code == 200
    [(org, counts)] = response.context["rows"]
    assert org == world["town_a"]
    assert counts == {"党支部": 2, "正式党员": 2, "预备党员": 1}
    assert "A镇党委" in response.content.decode()
    assert "B镇党委" not in response.content.decode()


def test_children_fragment_is_a_fragment(world, client_as):
    url = reverse("organizations:organization_children", args=[world["town_a"].pk]) + "?level=2"
    response = client_as("county_admin").get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "A1村党支部" in html
    assert "A2社区党支部" in html
    assert 'class="tree-indent-2"' in html
    assert response.context["level"] == 2


def test_detail_shows_children_counts_and_ancestors_in_scope(world, client_as):
    response = client_as("town_a_admin").get(world["a1"].get_absolute_url())
    assert response.status_code == 200
    assert [a.name for a in response.context["ancestors"]] == ["A镇党委"]  # not the county above the grant
    assert [org.name for org, _ in response.context["children_rows"]] == ["A1第一党小组"]
    assert response.context["can_change"] is True
    assert response.context["can_manage_tree"] is True


def test_detail_for_a_read_only_role_offers_no_edit(world, client_as):
    response = client_as("inspector_a").get(world["a1"].get_absolute_url())
    html = response.content.decode()
    assert response.context["can_change"] is False
    assert reverse("organizations:organization_edit", args=[world["a1"].pk]) not in html
    assert reverse("organizations:organization_move", args=[world["a1"].pk]) not in html


def test_detail_shows_the_term_reminder(world, client_as):
    do_update_organization(
        world["a2"],
        acting_user=None,
        term_started_on=date(2020, 1, 1),
        term_ends_on=timezone.localdate() + timedelta(days=30),
    )
    response = client_as("town_a_admin").get(world["a2"].get_absolute_url())
    assert "本届委员会任期将在3个月内届满，请做好换届准备。" in response.content.decode()


def test_detail_shows_soft_rule_warnings(world, client_as):
    do_update_organization(world["a2"], acting_user=None, has_committee=True)
    response = client_as("town_a_admin").get(world["a2"].get_absolute_url())
    assert "提示：支部委员会现有委员1名，一般应为3至7名（支部工作条例第六章）。" in response.content.decode()


def test_detail_shows_history(world, client_as):
    client = client_as("county_admin")
    client.post(
        reverse("organizations:organization_edit", args=[world["a1"].pk]),
        form_data(world["a1"], address="A1村委会"),
    )
    html = client.get(world["a1"].get_absolute_url()).content.decode()
    assert "修改历史" in html
    assert "county_admin" in html
    assert "A1村委会" in html


def test_create_a_party_group(world, client_as):
    response = client_as("branch_a1_admin").post(
        reverse("organizations:organization_add", args=[world["a1"].pk]),
        {"code": "XW-A-01-G2", "name": "A1第二党小组", "kind": "party_group", "unit_category": "rural"},
    )
    org = Organization.objects.get(code="XW-A-01-G2")
    assert response.status_code == 302
    assert response["Location"] == org.get_absolute_url()
    assert org.path.startswith(world["a1"].path) is True
    assert AuditEvent.objects.for_object(org).filter(action="create").count() == 1


def test_under_a_branch_the_form_offers_only_party_group(world, client_as):
    response = client_as("county_admin").get(reverse("organizations:organization_add", args=[world["a1"].pk]))
    assert [value for value, _ in response.context["form"].fields["kind"].choices] == ["party_group"]


def test_create_with_a_wrong_shape_shows_the_chinese_message(world, client_as):
    response = client_as("county_admin").post(
        reverse("organizations:organization_add", args=[world["town_a"].pk]),
        {"code": "XW-A-G", "name": "错误党小组", "kind": "party_group", "unit_category": "other"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"] == ["党小组不能设在党委（A镇党委）之下。"]
    assert "党小组不能设在党委（A镇党委）之下。" in response.content.decode()
    assert Organization.objects.filter(code="XW-A-G").exists() is False


def test_edit_changes_only_what_was_posted(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("organizations:organization_edit", args=[world["a1"].pk]),
        form_data(world["a1"], name="A1村第一党支部", term_started_on="2024-01-10"),
    )
    assert response.status_code == 302
    org = Organization.objects.get(pk=world["a1"].pk)
    assert org.name == "A1村第一党支部"
    assert org.term_ends_on == date(2029, 1, 10)  # rural: five years
    event = AuditEvent.objects.for_object(org).get(action="update")
    assert event.username == "town_a_admin"
    assert event.changes["name"] == ["A1村党支部", "A1村第一党支部"]


def test_edit_with_a_duplicate_code_shows_an_error(world, client_as):
    response = client_as("county_admin").post(
        reverse("organizations:organization_edit", args=[world["a1"].pk]),
        form_data(world["a1"], code="XW-A-02"),
    )
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Organization.objects.get(pk=world["a1"].pk).code == "XW-A-01"


def test_move_form_offers_only_parents_the_user_manages(world, client_as):
    response = client_as("town_a_admin").get(
        reverse("organizations:organization_move", args=[world["a1"].pk])
    )
    parents = set(response.context["form"].fields["new_parent"].queryset)
    assert parents == {world["town_a"]}


def test_move_by_post(world, client_as):
    response = client_as("county_admin").post(
        reverse("organizations:organization_move", args=[world["a1"].pk]),
        {"new_parent": world["town_b"].pk, "moved_on": "2024-06-01", "reason": "区划调整"},
    )
    assert response.status_code == 302
    assert Organization.objects.get(pk=world["a1"].pk).path.startswith(world["town_b"].path) is True
    assert OrganizationMove.objects.get().reason == "区划调整"


def test_town_admin_cannot_lift_own_node_out_by_post(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("organizations:organization_move", args=[world["town_a"].pk]),
        {"new_parent": world["town_b"].pk, "moved_on": "2024-06-01", "reason": "x"},
    )
    assert response.status_code == 200
    assert Organization.objects.get(pk=world["town_a"].pk).path == world["town_a"].path
    assert OrganizationMove.objects.exists() is False


def test_the_root_cannot_be_moved_by_post(world, client_as):
    response = client_as("county_admin").get(
        reverse("organizations:organization_move", args=[world["root"].pk])
    )
    assert response.status_code == 403


def test_list_filters(world, client_as):
    client = client_as("county_admin")
    url = reverse("organizations:organization_list")
    by_kind = client.get(url, {"kind": "party_group"}).context["object_list"]
    assert [org.code for org in by_kind] == ["XW-A-01-G1"]
    by_text = client.get(url, {"q": "XW-B"}).context["object_list"]
    assert [org.code for org in by_text] == ["XW-B", "XW-B-01"]
    empty_param = client.get(url, {"kind": "", "q": ""}).context["object_list"]
    assert len(empty_param) == 7
