"""Roster pages: masking, the audited reveal, forms with optimistic locking, status, transfer, positions.

Who may open which page is the permission matrix (accounts/tests/test_scope.py); here, what they do.
"""

import re

import pytest
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.core.testing.matrix import new_member
from dangjian.core.testing.matrix import url_names as all_url_names
from dangjian.members.models import Member, Position, Transfer

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
PHONES = ("13812345678", "13900001111", "13700002222", "13600003333")


def edit_data(member, **changes) -> dict:
    data = {
        "name": member.name,
        "sex": member.sex,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "id_number": member.id_number,
        "native_place": member.native_place,
        "education": member.education,
        "category": member.category,
        "job_title": member.job_title,
        "phone": member.phone,
        "organization": member.organization_id,
        "party_group": member.party_group_id or "",
        "joined_on": member.joined_on.isoformat(),
        "confirmed_on": member.confirmed_on.isoformat() if member.confirmed_on else "",
        "status": member.status,
        "remarks": member.remarks,
        "version": member.version,
    }
    data.update(changes)
    return data


def assert_no_full_pi(html: str) -> None:
    assert ID_PATTERN.search(html) is None
    for phone in PHONES:
        assert phone not in html


# --- masking and the audited reveal --------------------------------------------------------------


@pytest.mark.parametrize("user", ["county_admin", "inspector_a", "sysadmin"])
def test_list_page_masks_id_numbers_and_phones(world, client_as, user):
    html = client_as(user).get(reverse("members:member_list")).content.decode()
    assert world["zhang"].masked_id_number in html
    assert "138****5678" in html
    assert_no_full_pi(html)


@pytest.mark.parametrize("user", ["county_admin", "branch_a1_admin", "inspector_a", "sysadmin"])
def test_detail_page_masks_id_numbers_and_phones(world, client_as, user):
    html = client_as(user).get(world["zhang"].get_absolute_url()).content.decode()
    assert world["zhang"].masked_id_number in html
    assert_no_full_pi(html)


def test_reveal_button_only_for_roles_that_may_see_pi(world, client_as):
    reveal = reverse("members:member_reveal", args=[world["zhang"].pk])
    assert reveal in client_as("branch_a1_admin").get(world["zhang"].get_absolute_url()).content.decode()
    assert reveal not in client_as("inspector_a").get(world["zhang"].get_absolute_url()).content.decode()
    assert reveal not in client_as("sysadmin").get(world["zhang"].get_absolute_url()).content.decode()


def test_reveal_shows_the_full_numbers_once_audited_and_uncached(world, client_as):
    zhang = world["zhang"]
    response = client_as("branch_a1_admin").post(reverse("members:member_reveal", args=[zhang.pk]))
    assert response.status_code == 200
    assert zhang.id_number in response.content.decode()
    assert "13812345678" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    [event] = AuditEvent.objects.filter(action="view_pi")
    assert (event.username, event.object_id, event.object_type) == (
        "branch_a1_admin",
        str(zhang.pk),
        "members.member",
    )
    assert event.success is True
    assert event.ip_address == "127.0.0.1"


@pytest.mark.parametrize("user", ["inspector_a", "sysadmin"])
def test_reveal_is_forbidden_to_read_only_roles(world, client_as, user):
    response = client_as(user).post(reverse("members:member_reveal", args=[world["zhang"].pk]))
    assert response.status_code == 403
    assert world["zhang"].id_number not in response.content.decode()
    assert AuditEvent.objects.filter(action="view_pi").exists() is False


def test_member_reveals_own_numbers(world, client_as):
    response = client_as("member_a1").post(reverse("members:member_reveal", args=[world["li"].pk]))
    assert response.status_code == 200
    assert world["li"].id_number in response.content.decode()
    assert AuditEvent.objects.get(action="view_pi").username == "member_a1"


def test_reveal_is_post_only(world, client_as):
    response = client_as("county_admin").get(reverse("members:member_reveal", args=[world["zhang"].pk]))
    assert response.status_code == 405
    assert AuditEvent.objects.filter(action="view_pi").exists() is False


def test_edit_page_shows_no_unaudited_full_pi(world, client_as):
    html = (
        client_as("branch_a1_admin")
        .get(reverse("members:member_edit", args=[world["zhang"].pk]))
        .content.decode()
    )
    audited = AuditEvent.objects.filter(action="view_pi").exists()
    assert ID_PATTERN.search(html) is None or audited is True


# --- add and edit --------------------------------------------------------------------------------


def test_add_by_post(world, client_as):
    data = {**new_member(world, "a2"), "ethnicity": "01", "phone": "135 1111 2222"}
    response = client_as("town_a_admin").post(reverse("members:member_add"), data)
    member = Member.objects.get(name="周八")
    assert response.status_code == 302
    assert response["Location"] == member.get_absolute_url()
    assert member.phone == "13511112222"  # normalised before encryption


def test_add_with_a_duplicate_id_number_shows_the_message(world, client_as):
    data = {
        **new_member(world, "a2"),
        "ethnicity": "01",
        "id_number": world["zhang"].id_number,
        "birth_date": world["zhang"].birth_date.isoformat(),
    }
    response = client_as("county_admin").post(reverse("members:member_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记在党员名册中。"]
    assert "该身份证号已登记在党员名册中。" in response.content.decode()


def test_add_with_a_birth_date_not_matching_the_id_shows_the_message(world, client_as):
    data = {**new_member(world, "a2"), "ethnicity": "01", "birth_date": "1985-03-05"}
    response = client_as("county_admin").post(reverse("members:member_add"), data)
    assert response.status_code == 200
    assert "出生日期与身份证号不一致。" in response.content.decode()
    assert Member.objects.filter(name="周八").exists() is False


def test_add_offers_only_branches_in_scope(world, client_as):
    form = client_as("town_a_admin").get(reverse("members:member_add")).context["form"]
    assert set(form.fields["organization"].queryset) == {world["a1"], world["a2"]}
    assert set(form.fields["party_group"].queryset) == {world["a1_group"]}


def test_edit_by_post_saves_and_bumps_the_version(world, client_as):
    zhang = world["zhang"]
    url = reverse("members:member_edit", args=[zhang.pk])
    response = client_as("branch_a1_admin").post(url, edit_data(zhang, job_title="村主任"))
    assert response.status_code == 302
    saved = Member.objects.get(pk=zhang.pk)
    assert (saved.job_title, saved.version) == ("村主任", 2)
    event = AuditEvent.objects.for_object(zhang).get(action="update")
    assert event.changes["job_title"] == ["", "村主任"]


def test_edit_with_an_old_version_is_a_form_error(world, client_as):
    zhang = world["zhang"]
    url = reverse("members:member_edit", args=[zhang.pk])
    first = client_as("branch_a1_admin").post(url, edit_data(zhang, job_title="村主任"))
    assert first.status_code == 302
    second = client_as("town_a_admin").post(url, edit_data(zhang, job_title="会计"))
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == ["该党员信息已被他人修改，请刷新页面后重新编辑。"]
    assert "该党员信息已被他人修改，请刷新页面后重新编辑。" in second.content.decode()
    assert Member.objects.get(pk=zhang.pk).job_title == "村主任"


def test_history_on_the_member_page_is_masked(world, client_as):
    zhang = world["zhang"]
    client = client_as("county_admin")
    client.post(reverse("members:member_edit", args=[zhang.pk]), edit_data(zhang, phone="13511112222"))
    html = client.get(zhang.get_absolute_url()).content.decode()
    assert "修改历史" in html
    assert "county_admin" in html
    assert "138****5678 → 135****2222" in html
    assert "13511112222" not in html


# --- status, transfer, positions: never deleted ----------------------------------------------------


def test_there_is_no_delete_url():
    assert [name for name in all_url_names() if "delete" in name or "destroy" in name] == []


def test_status_change_by_post_keeps_the_row(world, client_as):
    wang = world["wang"]
    response = client_as("town_a_admin").post(
        reverse("members:member_status", args=[wang.pk]),
        {"status": "deceased", "changed_on": "2024-01-01", "reason": "病故"},
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=wang.pk).status == "deceased"
    assert client_as("town_a_admin").get(wang.get_absolute_url()).status_code == 200


def test_status_change_without_reason_shows_the_message(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("members:member_status", args=[world["wang"].pk]),
        {"status": "left", "changed_on": "2024-01-01", "reason": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["请填写状态变更原因。"]


def test_transfer_by_post_moves_the_member_out_of_scope(world, client_as):
    zhang = world["zhang"]
    client = client_as("town_a_admin")
    response = client.post(
        reverse("members:member_transfer", args=[zhang.pk]),
        {"to_organization": world["b1"].pk, "transferred_on": "2024-05-01", "letter_number": "A-1"},
    )
    assert response.status_code == 302
    assert Transfer.objects.get(member=zhang).to_organization == world["b1"]
    assert client.get(zhang.get_absolute_url()).status_code == 404
    detail = client_as("county_admin").get(zhang.get_absolute_url()).content.decode()
    assert "内部调整：A1村党支部 → B1村党支部（介绍信A-1）" in detail


def test_position_by_post(world, client_as):
    response = client_as("branch_a1_admin").post(
        reverse("members:position_add", args=[world["li"].pk]),
        {"organization": world["a1"].pk, "title": "propaganda_member", "started_on": "2024-03-01"},
    )
    assert response.status_code == 302
    assert Position.objects.get(member=world["li"]).get_title_display() == "宣传委员"


def test_position_form_offers_only_organizations_in_scope(world, client_as):
    form = (
        client_as("branch_a1_admin")
        .get(reverse("members:position_add", args=[world["li"].pk]))
        .context["form"]
    )
    assert set(form.fields["organization"].queryset) == {world["a1"], world["a1_group"]}
