"""Transfer-in at creation, and ending a post: both keep their history."""

from datetime import date

import pytest

from dangjian.audit.models import AuditEvent
from dangjian.core.testing.fixtures import member_fields
from dangjian.members.models import Member, Transfer

pytestmark = pytest.mark.django_db


def test_a_member_arriving_from_outside_gets_a_transfer_in_record(world, client_as):
    client = client_as("branch_a1_admin")
    fields = member_fields("孙七", "female", date(1985, 3, 8), seq=580)
    response = client.post(
        "/members/add/",
        {
            **{k: v for k, v in fields.items() if k != "birth_date"},
            "birth_date": "1985-03-08",
            "ethnicity": "01",
            "organization": world["a1"].pk,
            "party_group": world["a1_group"].pk,
            "joined_on": "2008-06-01",
            "confirmed_on": "2009-06-01",
            "status": "full",
            "transferred_in_from": "某市某局机关党支部",
            "transferred_in_on": "2026-10-08",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    member = Member.objects.get(name="孙七")
    transfer = Transfer.objects.get(member=member)
    assert (transfer.kind, transfer.from_name, transfer.to_organization_id) == (
        "in",
        "某市某局机关党支部",
        world["a1"].pk,
    )
    assert transfer.transferred_on == date(2026, 10, 8)


def test_transfer_in_needs_a_date(world, client_as):
    client = client_as("branch_a1_admin")
    fields = member_fields("周八", "male", date(1979, 1, 2), seq=691)
    response = client.post(
        "/members/add/",
        {
            **{k: v for k, v in fields.items() if k != "birth_date"},
            "birth_date": "1979-01-02",
            "ethnicity": "01",
            "organization": world["a1"].pk,
            "party_group": world["a1_group"].pk,
            "joined_on": "2008-06-01",
            "confirmed_on": "2009-06-01",
            "status": "full",
            "transferred_in_from": "外单位",
        },
    )
    assert "请填写转入日期。" in response.context["form"].errors["transferred_in_on"]
    assert not Member.objects.filter(name="周八").exists()


def test_ending_a_post_keeps_it_in_the_record(world, client_as):
    zhang = world["zhang"]
    position = zhang.positions.get()
    response = client_as("branch_a1_admin").post(f"/members/{zhang.pk}/positions/{position.pk}/end/")
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.ended_on is not None
    assert (
        AuditEvent.objects.filter(
            object_type="members.position", object_id=str(position.pk), action="update"
        ).count()
        == 1
    )


def test_ending_a_post_out_of_scope_is_404(world, client_as):
    wang = world["wang"]  # in A2, outside the A1 branch admin's scope
    position = wang.positions.get()
    assert (
        client_as("branch_a1_admin").post(f"/members/{wang.pk}/positions/{position.pk}/end/").status_code
        == 404
    )
    position.refresh_from_db()
    assert position.ended_on is None


def test_an_internal_transfer_ends_the_posts_in_the_old_branch(world):
    from dangjian.members.services import TransferMember

    zhang = world["zhang"]  # A1's 书记
    TransferMember(
        member=zhang, acting_user=None, transferred_on=date(2026, 9, 1), to_organization=world["b1"]
    ).execute()
    position = zhang.positions.get()
    assert position.ended_on == date(2026, 9, 1)
    assert (
        AuditEvent.objects.filter(object_type="members.position", object_id=str(position.pk))
        .filter(message="组织关系转接，职务随之免去")
        .count()
        == 1
    )


def test_after_a_transfer_out_of_scope_the_page_returns_to_the_roster(world, client_as):
    client = client_as("town_a_admin")
    zhang = world["zhang"]
    response = client.post(
        f"/members/{zhang.pk}/transfer/", {"to_organization": world["b1"].pk, "transferred_on": "2026-09-01"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert client.get(f"/members/{zhang.pk}/").status_code == 404


def test_a_stale_api_patch_is_a_conflict(world, client_as):
    import json

    client = client_as("branch_a1_admin")
    zhang = world["zhang"]
    body = {"job_title": "村会计", "version": zhang.version}
    first = client.patch(f"/api/v1/members/{zhang.pk}/", json.dumps(body), content_type="application/json")
    second = client.patch(f"/api/v1/members/{zhang.pk}/", json.dumps(body), content_type="application/json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert "已被他人修改" in second.json()["detail"]


def test_a_stored_invalid_id_number_is_listed_by_the_quality_check_not_a_500(world, client_as):
    from dangjian.core.registry import run_quality_checks

    Member.objects.filter(pk=world["wang"].pk).update(id_number="130102196510100000")  # bypasses validation
    issues = list(run_quality_checks(world["root"], ["id_mismatch"]))
    assert [i.object.pk for i in issues] == [world["wang"].pk]
    assert "身份证号无效" in issues[0].message
    assert client_as("county_admin").get("/quality/").status_code == 200
