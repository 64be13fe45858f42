"""Writes to the roster: create, update (optimistic locking), status, transfer, positions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.core.testing import member_fields
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member, Position, Transfer
from dangjian.members.services import (
    StaleRecordError,
    TransferMember,
    do_assign_position,
    do_change_member_status,
    do_create_member,
    do_end_position,
    do_update_member,
)

BORN = date(1985, 3, 4)


def new_member(world, **changes) -> dict:
    fields = member_fields(
        "周八",
        "male",
        BORN,
        seq=579,
        phone="13511112222",
        organization=world["a2"],
        joined_on=date(2010, 7, 1),
        confirmed_on=date(2011, 7, 1),
    )
    fields.update(changes)
    return fields


def refused(world, **changes) -> dict:
    before = Member.objects.count()
    with pytest.raises(ValidationError) as caught:
        do_create_member(acting_user=None, **new_member(world, **changes))
    assert Member.objects.count() == before
    return caught.value.message_dict


# --- create --------------------------------------------------------------------------------------


def test_create_writes_the_member_and_one_audit_event(world):
    member = do_create_member(acting_user=world.users["town_a_admin"], **new_member(world))
    events = AuditEvent.objects.for_object(member)
    assert [event.action for event in events] == ["create"]
    assert events[0].username == "town_a_admin"
    assert member.version == 1
    assert member.name_initials == "zb"


def test_birth_date_must_match_the_id_number(world):
    assert refused(world, birth_date=date(1985, 3, 5)) == {"birth_date": ["出生日期与身份证号不一致。"]}


def test_sex_must_match_the_id_number(world):
    assert refused(world, sex="female") == {"sex": ["性别与身份证号不一致。"]}


def test_member_must_be_18_when_joining(world):
    eighteenth = BORN.replace(year=BORN.year + 18)
    message = {"joined_on": ["入党时须年满18岁（发展党员工作细则第五条）。"]}
    assert (
        refused(world, joined_on=eighteenth - timedelta(days=1), confirmed_on=None, status="probationary")
        == message
    )
    member = do_create_member(
        acting_user=None, **new_member(world, joined_on=eighteenth, confirmed_on=None, status="probationary")
    )
    assert member.joined_on == eighteenth


@pytest.mark.parametrize("confirmed", [date(2010, 7, 1), date(2010, 6, 30)])
def test_confirmed_must_follow_joined(world, confirmed):
    assert refused(world, confirmed_on=confirmed) == {"__all__": ["转正日期必须晚于入党日期。"]}


def test_full_member_needs_confirmed_on(world):
    assert refused(world, confirmed_on=None) == {"__all__": ["正式党员须填写转正日期。"]}


def test_probationary_member_needs_no_confirmed_on(world):
    member = do_create_member(acting_user=None, **new_member(world, confirmed_on=None, status="probationary"))
    assert member.status == "probationary"


def test_party_group_of_another_branch_is_refused(world):
    assert refused(world, party_group=world["a1_group"]) == {
        "party_group": ["所选党小组不属于该党员所在党支部。"]
    }


def test_members_belong_to_branches_only(world):
    message = {"organization": ["党员只能编入党支部（含联合党支部、临时党支部）。"]}
    assert refused(world, organization=world["town_a"]) == message


def test_duplicate_id_number_is_refused(world):
    duplicate = new_member(world, id_number=world["zhang"].id_number, birth_date=world["zhang"].birth_date)
    with pytest.raises(ValidationError) as caught:
        do_create_member(acting_user=None, **duplicate)
    assert caught.value.message_dict == {"id_number": ["该身份证号已登记在党员名册中。"]}


def test_duplicate_id_number_with_lower_case_x_is_refused(world):
    number = "11010519491231002X"
    do_create_member(
        acting_user=None, **new_member(world, id_number=number, birth_date=date(1949, 12, 31), sex="female")
    )
    with pytest.raises(ValidationError) as caught:
        do_create_member(
            acting_user=None,
            **new_member(
                world, id_number=number.lower(), birth_date=date(1949, 12, 31), sex="female", name="重复"
            ),
        )
    assert caught.value.message_dict == {"id_number": ["该身份证号已登记在党员名册中。"]}


@pytest.mark.parametrize("user", ["branch_a1_admin", "inspector_a", "sysadmin", "member_a1", "nobody"])
def test_create_outside_the_users_change_scope_is_refused(world, user):
    with pytest.raises(PermissionDenied, match="无权在该党组织执行此操作。"):
        do_create_member(acting_user=world.users[user], **new_member(world))


def test_create_with_a_transfer_in_records_it(world):
    member = do_create_member(
        acting_user=None,
        transferred_in_from="外省某党支部",
        transferred_in_on=date(2024, 3, 1),
        **new_member(world),
    )
    transfer = Transfer.objects.get(member=member)
    assert (transfer.kind, transfer.from_name, transfer.to_organization) == (
        "in",
        "外省某党支部",
        world["a2"],
    )


# --- update and optimistic locking ---------------------------------------------------------------


def test_update_changes_fields_and_bumps_the_version(world):
    member = do_update_member(world["zhang"], acting_user=world.users["branch_a1_admin"], job_title="村主任")
    assert member.version == 2
    assert Member.objects.get(pk=member.pk).job_title == "村主任"


def test_second_save_from_a_stale_load_is_refused(world):
    first = Member.objects.get(pk=world["zhang"].pk)
    second = Member.objects.get(pk=world["zhang"].pk)
    do_update_member(first, acting_user=None, expected_version=first.version, job_title="村主任")
    with pytest.raises(StaleRecordError) as caught:
        do_update_member(second, acting_user=None, expected_version=second.version, job_title="会计")
    assert caught.value.messages == ["该党员信息已被他人修改，请刷新页面后重新编辑。"]
    assert Member.objects.get(pk=first.pk).job_title == "村主任"


def test_update_checks_the_duplicate_id_number(world):
    zhao = world["zhao"]
    with pytest.raises(ValidationError) as caught:
        do_update_member(
            world["wang"],
            acting_user=None,
            id_number=zhao.id_number,
            birth_date=zhao.birth_date,
            sex="female",
        )
    assert caught.value.message_dict == {"id_number": ["该身份证号已登记在党员名册中。"]}


def test_update_cannot_move_a_member_out_of_the_users_scope(world):
    with pytest.raises(PermissionDenied):
        do_update_member(
            world["zhang"],
            acting_user=world.users["town_a_admin"],
            organization=world["b1"],
            party_group=None,
        )
    assert Member.objects.get(pk=world["zhang"].pk).organization_id == world["a1"].pk


def test_update_refuses_non_editable_fields(world):
    with pytest.raises(ValueError, match="version"):
        do_update_member(world["zhang"], acting_user=None, version=9)


# --- status: never deleted -----------------------------------------------------------------------


def test_leaving_needs_a_reason(world):
    with pytest.raises(ValidationError) as caught:
        do_change_member_status(
            world["wang"], status="left", changed_on=date(2024, 1, 1), reason=" ", acting_user=None
        )
    assert caught.value.message_dict == {"reason": ["请填写状态变更原因。"]}


def test_status_date_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError) as caught:
        do_change_member_status(
            world["wang"],
            status="deceased",
            changed_on=timezone.localdate() + timedelta(days=1),
            reason="病故",
            acting_user=None,
        )
    assert caught.value.message_dict == {"changed_on": ["状态变更日期不能晚于今天。"]}


def test_status_change_keeps_the_row(world):
    do_change_member_status(
        world["wang"], status="deceased", changed_on=date(2024, 1, 1), reason="病故", acting_user=None
    )
    wang = Member.objects.get(pk=world["wang"].pk)
    assert (wang.status, wang.status_changed_on, wang.status_reason) == ("deceased", date(2024, 1, 1), "病故")
    assert Member.objects.active().filter(pk=wang.pk).exists() is False
    event = AuditEvent.objects.for_object(wang).get(action="deactivate")
    assert event.changes["status"] == ["full", "deceased"]
    assert event.message == "病故"


def test_status_change_needs_change_scope(world):
    with pytest.raises(PermissionDenied):
        do_change_member_status(
            world["wang"],
            status="left",
            changed_on=date(2024, 1, 1),
            reason="x",
            acting_user=world.users["inspector_a"],
        )


# --- transfers -----------------------------------------------------------------------------------


def transfer(world, member, user="town_a_admin", **kwargs):
    return TransferMember(
        member=world[member],
        acting_user=world.users[user] if user else None,
        transferred_on=kwargs.pop("transferred_on", date(2024, 5, 1)),
        **kwargs,
    ).execute()


def test_internal_transfer_keeps_history_and_moves_scope(world):
    record = transfer(world, "zhang", to_organization=world["b1"], letter_number="A-001")
    zhang = Member.objects.get(pk=world["zhang"].pk)
    assert (record.kind, record.from_organization, record.to_organization) == (
        "internal",
        world["a1"],
        world["b1"],
    )
    assert zhang.organization_id == world["b1"].pk
    assert zhang.party_group_id is None
    assert zhang.status == "full"
    assert Member.objects.visible_to(world.users["town_a_admin"]).filter(pk=zhang.pk).exists() is False
    assert Member.objects.visible_to(world.users["county_admin"]).filter(pk=zhang.pk).exists() is True
    event = AuditEvent.objects.for_object(zhang).get(action="transfer")
    assert event.changes["organization"] == [str(world["a1"].pk), str(world["b1"].pk)]


def test_transfer_out_of_the_system_keeps_the_row(world):
    transfer(world, "wang", to_name="外省某党支部")
    wang = Member.objects.get(pk=world["wang"].pk)
    assert wang.status == "transferred_out"
    assert wang.status_reason == "组织关系转往外省某党支部"
    assert wang.organization_id == world["a2"].pk
    assert Transfer.objects.get(member=wang).kind == "out"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, {"to_name": ["请选择转入的党组织，或填写系统外的转入单位。"]}),
        ({"to_organization": "town_b"}, {"to_organization": ["组织关系只能转入党支部。"]}),
        ({"to_organization": "a1"}, {"to_organization": ["转入组织与当前所在组织相同。"]}),
    ],
)
def test_transfer_refusals(world, kwargs, message):
    if "to_organization" in kwargs:
        kwargs["to_organization"] = world[kwargs["to_organization"]]
    with pytest.raises(ValidationError) as caught:
        transfer(world, "zhang", **kwargs)
    assert caught.value.message_dict == message
    assert Transfer.objects.exists() is False


def test_transfer_date_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError) as caught:
        transfer(world, "zhang", to_name="外地", transferred_on=timezone.localdate() + timedelta(days=1))
    assert caught.value.message_dict == {"transferred_on": ["转接日期不能晚于今天。"]}


def test_only_active_members_are_transferred(world):
    do_change_member_status(
        world["wang"], status="left", changed_on=date(2024, 1, 1), reason="出党", acting_user=None
    )
    with pytest.raises(ValidationError) as caught:
        transfer(world, "wang", to_name="外地")
    assert caught.value.messages == ["只有正式党员或预备党员可以转接组织关系。"]


def test_transfer_out_of_scope_member_is_refused(world):
    with pytest.raises(PermissionDenied):
        transfer(world, "zhao", to_organization=world["a2"])


# --- positions -----------------------------------------------------------------------------------


def test_assign_and_end_a_position(world):
    position = do_assign_position(
        member=world["li"],
        organization=world["a1"],
        title="organization_member",
        started_on=date(2024, 1, 1),
        acting_user=world.users["branch_a1_admin"],
    )
    assert Position.objects.current().filter(pk=position.pk).exists() is True
    do_end_position(position, ended_on=date(2024, 6, 1), acting_user=world.users["branch_a1_admin"])
    assert Position.objects.current().filter(pk=position.pk).exists() is False
    assert Position.objects.filter(pk=position.pk).exists() is True


def test_position_cannot_end_before_it_starts(world):
    position = Position.objects.get(member=world["zhang"])
    with pytest.raises(ValidationError) as caught:
        do_end_position(position, ended_on=date(2022, 12, 31), acting_user=None)
    assert caught.value.messages == ["离任日期不能早于任职日期。"]


def test_position_for_an_inactive_member_is_refused(world):
    do_change_member_status(
        world["wang"], status="left", changed_on=date(2024, 1, 1), reason="出党", acting_user=None
    )
    with pytest.raises(ValidationError) as caught:
        do_assign_position(
            member=Member.objects.get(pk=world["wang"].pk),
            organization=world["a2"],
            title="committee_member",
            started_on=date(2024, 2, 1),
            acting_user=None,
        )
    assert caught.value.messages == ["只有正式党员或预备党员可以任职。"]


def test_position_outside_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        do_assign_position(
            member=world["zhang"],
            organization=world["b1"],
            title="committee_member",
            started_on=date(2024, 2, 1),
            acting_user=world.users["town_a_admin"],
        )


def test_status_choices_keep_every_member_row(world):
    """No service deletes a member: the roster count only grows."""
    count = Member.objects.count()
    do_change_member_status(
        world["li"], status="left", changed_on=date(2024, 1, 1), reason="出党", acting_user=None
    )
    transfer(world, "zhang", to_name="外地")
    assert Member.objects.count() == count
    assert MemberStatus.LEFT in set(Member.objects.values_list("status", flat=True))
