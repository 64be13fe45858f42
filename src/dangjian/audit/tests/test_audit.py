"""The audit trail (security.md C1–C4): one event per write with field diffs, PI masked, append-only,
bulk writes audited, fail closed, and the audit log page for the system administrator only."""

import json
import re
from datetime import date
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.audit.services import bulk_create_audited, bulk_update_audited, snapshot
from dangjian.core.testing import member_fields
from dangjian.members.models import Member
from dangjian.members.services import do_create_member, do_update_member
from dangjian.organizations.models import Organization
from dangjian.organizations.services import do_update_organization

ID_PATTERN = re.compile(r"\d{17}[\dXx]")


def events_for(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id"))


# --- one event per write -------------------------------------------------------------------------


def test_create_writes_one_event_with_every_field(world):
    fields = member_fields(
        "周八",
        "male",
        date(1985, 3, 4),
        seq=579,
        phone="13511112222",
        organization=world["a2"],
        joined_on=date(2010, 7, 1),
        confirmed_on=date(2011, 7, 1),
    )
    member = do_create_member(acting_user=world.users["town_a_admin"], **fields)
    [event] = events_for(member)
    assert (event.action, event.username, event.user) == (
        "create",
        "town_a_admin",
        world.users["town_a_admin"],
    )
    assert event.object_repr == "周八"
    assert event.organization_path == world["a2"].path
    assert event.changes["name"] == [None, "周八"]
    assert event.changes["joined_on"] == [None, "2010-07-01"]


def test_update_writes_one_event_with_the_diff(world):
    do_update_member(
        world["zhang"], acting_user=world.users["county_admin"], job_title="村主任", remarks="备注"
    )
    [_, event] = events_for(world["zhang"])
    assert event.action == "update"
    assert event.changes == {"job_title": ["", "村主任"], "remarks": ["", "备注"], "version": ["1", "2"]}


def test_update_without_change_writes_no_diff(world):
    do_update_organization(world["a1"], acting_user=None, name="A1村党支部")
    assert [event.action for event in events_for(world["a1"])] == ["create"]


def test_command_line_writes_are_attributed(world):
    [event] = events_for(world["a1"])
    assert (event.username, event.user, event.ip_address) == ("命令行", None, None)


def test_pi_is_masked_in_changes(world):
    zhang = world["zhang"]
    new_id = "11010519491231002X"
    do_update_member(
        zhang,
        acting_user=None,
        phone="13511112222",
        id_number=new_id,
        birth_date=date(1949, 12, 31),
        sex="female",
    )
    create, update = events_for(zhang)
    assert create.changes["id_number"] == [None, zhang.masked_id_number]
    assert create.changes["phone"] == [None, "138****5678"]
    assert update.changes["id_number"] == [zhang.masked_id_number, "110***********002X"]
    assert update.changes["phone"] == ["138****5678", "135****2222"]
    dump = json.dumps([e.changes for e in AuditEvent.objects.all()], ensure_ascii=False)
    assert ID_PATTERN.search(dump) is None
    assert "13511112222" not in dump
    assert zhang.id_number_index not in dump


def test_snapshot_masks_registered_fields(world):
    data = snapshot(world["zhang"])
    assert data["id_number"] == world["zhang"].masked_id_number
    assert data["phone"] == "138****5678"
    assert "created_at" not in data


# --- append-only ---------------------------------------------------------------------------------


def test_an_event_cannot_be_changed(world):
    event = AuditEvent.objects.first()
    event.message = "篡改"
    with pytest.raises(PermissionError, match="审计记录不可修改。"):
        event.save()


def test_an_event_cannot_be_deleted(world):
    with pytest.raises(PermissionError, match="审计记录不可删除。"):
        AuditEvent.objects.first().delete()


def test_the_queryset_cannot_update_or_delete(world):
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionError, match="审计记录不可修改。"):
        AuditEvent.objects.all().update(message="篡改")
    with pytest.raises(PermissionError, match="审计记录不可删除。"):
        AuditEvent.objects.filter(action="create").delete()
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update(list(AuditEvent.objects.all()[:2]), ["message"])
    assert AuditEvent.objects.count() == count
    assert AuditEvent.objects.filter(message="篡改").exists() is False


# --- bulk writes ---------------------------------------------------------------------------------


def test_bulk_create_audited_writes_one_event_per_object(world):
    orgs = [
        Organization(code=f"BULK-{i}", name=f"批量{i}", kind="committee", path=f"9{i:03d}", depth=1)
        for i in range(3)
    ]
    before = AuditEvent.objects.count()
    created = bulk_create_audited(Organization, orgs, acting_user=world.users["county_admin"], message="导入")
    assert AuditEvent.objects.count() == before + 3
    for org in created:
        [event] = events_for(org)
        assert (event.action, event.message, event.username) == ("create", "导入", "county_admin")
        assert event.changes["code"] == [None, org.code]


def test_bulk_update_audited_writes_one_event_per_changed_object(world):
    members = [world["zhang"], world["li"], world["wang"]]
    befores = {m.pk: snapshot(m) for m in members}
    members[0].job_title = "村主任"
    members[1].job_title = "会计"
    bulk_update_audited(members, ["job_title"], befores, acting_user=None, message="批量修改")
    assert Member.objects.get(pk=world["li"].pk).job_title == "会计"
    assert [e.changes for e in events_for(world["zhang"])[1:]] == [{"job_title": ["", "村主任"]}]
    assert [e.changes for e in events_for(world["li"])[1:]] == [{"job_title": ["", "会计"]}]
    assert len(events_for(world["wang"])) == 1  # unchanged: no event


def test_bulk_update_of_nothing_does_nothing(world):
    count = AuditEvent.objects.count()
    bulk_update_audited([], ["job_title"], {}, acting_user=None)
    assert AuditEvent.objects.count() == count


# --- fail closed ---------------------------------------------------------------------------------


def test_a_failing_audit_write_rolls_the_business_write_back(world):
    with (
        mock.patch.object(AuditEvent, "save", side_effect=RuntimeError("audit store down")),
        pytest.raises(RuntimeError, match="audit store down"),
    ):
        do_update_member(world["zhang"], acting_user=None, job_title="村主任")
    zhang = Member.objects.get(pk=world["zhang"].pk)
    assert (zhang.job_title, zhang.version) == ("", 1)


def test_a_failing_audit_write_rolls_a_create_back(world):
    fields = member_fields(
        "周八",
        "male",
        date(1985, 3, 4),
        seq=579,
        organization=world["a2"],
        joined_on=date(2010, 7, 1),
        confirmed_on=date(2011, 7, 1),
    )
    with mock.patch.object(AuditEvent, "save", side_effect=RuntimeError), pytest.raises(RuntimeError):
        do_create_member(acting_user=None, **fields)
    assert Member.objects.filter(name="周八").exists() is False


# --- the audit log page --------------------------------------------------------------------------


def test_audit_log_page_filters_by_username_and_action(world, client_as):
    client = client_as("sysadmin")
    do_update_member(world["zhang"], acting_user=world.users["county_admin"], job_title="村主任")
    url = reverse("audit:auditevent_list")
    by_user = client.get(url, {"username": "county_admin"}).context["object_list"]
    assert [(e.username, e.action) for e in by_user] == [("county_admin", "update")]
    by_action = client.get(url, {"action": "update"}).context["object_list"]
    assert [(e.username, e.object_repr) for e in by_action] == [("county_admin", "张三丰")]
    both = client.get(url, {"username": "county_admin", "action": ["update", "create"]}).context[
        "object_list"
    ]
    assert [e.action for e in both] == ["update"]


def test_audit_log_page_shows_security_events_to_a_whole_tree_sysadmin(world, client_as):
    client = client_as("sysadmin")
    logins = client.get(reverse("audit:auditevent_list"), {"action": "login"}).context["object_list"]
    assert "sysadmin" in {e.username for e in logins}


def test_audit_log_page_ignores_empty_filters(world, client_as):
    response = client_as("sysadmin").get(reverse("audit:auditevent_list"), {"username": "", "action": ""})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == AuditEvent.objects.count()


@pytest.mark.parametrize("user", ["county_admin", "town_a_admin", "inspector_a", "member_a1", "nobody"])
def test_audit_log_page_is_forbidden_to_others(world, client_as, user):
    assert client_as(user).get(reverse("audit:auditevent_list")).status_code == 403


def test_audit_log_page_shows_masked_changes_only(world, client_as):
    html = client_as("sysadmin").get(reverse("audit:auditevent_list")).content.decode()
    assert world["zhang"].masked_id_number in html
    assert ID_PATTERN.search(html) is None
    assert "13812345678" not in html


def test_history_on_member_and_organization_pages(world, client_as):
    do_update_member(world["zhang"], acting_user=world.users["town_a_admin"], job_title="村主任")
    do_update_organization(world["a1"], acting_user=world.users["town_a_admin"], address="A1村委会")
    client = client_as("county_admin")
    member_page = client.get(world["zhang"].get_absolute_url())
    org_page = client.get(world["a1"].get_absolute_url())
    assert [e.action for e in member_page.context["history"]] == ["update", "create"]
    assert [e.action for e in org_page.context["history"]] == ["update", "create"]
    assert "村主任" in member_page.content.decode()
    assert "A1村委会" in org_page.content.decode()


def test_password_hashes_never_enter_the_audit_trail(world):
    """A hash in `changes` would be both a leak and, being hex, a source of false ID-pattern matches."""
    user = world.users["town_a_admin"]
    created = AuditEvent.objects.for_object(user).get(action="create")
    assert created.changes["password"] == [None, "******"]
    assert user.password not in json.dumps([e.changes for e in AuditEvent.objects.all()])
