"""Writes to the tree: create/update permissions, 隶属关系调整, 撤销, soft rules, counters."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.core.registry import organization_warnings
from dangjian.core.testing import member_fields
from dangjian.members.choices import MemberStatus
from dangjian.members.counters import members_by_status_under
from dangjian.members.models import Member
from dangjian.members.services import do_assign_position, do_change_member_status
from dangjian.organizations.counting import count_branches, counts_for
from dangjian.organizations.models import Organization, OrganizationMove
from dangjian.organizations.services import (
    MoveOrganization,
    do_create_organization,
    do_dissolve_organization,
    do_update_organization,
)

MOVED_ON = date(2024, 6, 1)


def move(world, key, new_parent, user=None):
    return MoveOrganization(
        organization=world[key],
        new_parent=world[new_parent] if isinstance(new_parent, str) else new_parent,
        acting_user=world.users[user] if user else None,
        moved_on=MOVED_ON,
        reason="乡镇区划调整",
        document_number="县委组〔2024〕12号",
    ).execute()


def warnings_of(org) -> list[str]:
    return [message for check in organization_warnings for message in check(org)]


# --- create / update -----------------------------------------------------------------------------


def test_create_writes_one_audit_event(world):
    before = AuditEvent.objects.count()
    org = do_create_organization(
        parent=world["town_a"],
        acting_user=world.users["town_a_admin"],
        code="XW-A-03",
        name="A3",
        kind="branch",
    )
    event = AuditEvent.objects.for_object(org).get(action="create")
    assert AuditEvent.objects.count() == before + 1
    assert event.username == "town_a_admin"
    assert event.changes["name"] == [None, "A3"]
    assert event.organization_path == org.path


def test_branch_admin_may_add_a_party_group_but_not_a_branch(world):
    user = world.users["branch_a1_admin"]
    group = do_create_organization(
        parent=world["a1"], acting_user=user, code="XW-A-01-G2", name="第二党小组", kind="party_group"
    )
    assert group.depth == 4
    with pytest.raises(PermissionDenied, match="无权在该党组织执行此操作。"):
        do_create_organization(
            parent=world["town_a"], acting_user=user, code="XW-A-09", name="A9", kind="branch"
        )


@pytest.mark.parametrize("user", ["town_a_admin", "inspector_a", "sysadmin", "member_a1", "nobody"])
def test_create_outside_scope_is_refused(world, user):
    with pytest.raises(PermissionDenied):
        do_create_organization(
            parent=world["town_b"], acting_user=world.users[user], code="XW-B-09", name="B9", kind="branch"
        )
    assert Organization.objects.filter(code="XW-B-09").exists() is False


def test_update_records_the_changed_fields(world):
    org = do_update_organization(world["a1"], acting_user=world.users["branch_a1_admin"], address="A1村委会")
    event = AuditEvent.objects.for_object(org).filter(action="update").get()
    assert event.changes == {"address": ["", "A1村委会"]}


def test_update_refuses_a_kind_that_breaks_the_tree(world):
    with pytest.raises(ValidationError) as caught:
        do_update_organization(world["a1"], acting_user=None, kind="party_group")
    assert caught.value.message_dict == {"parent": ["党小组不能设在党委（A镇党委）之下。"]}


def test_update_by_a_read_only_role_is_refused(world):
    with pytest.raises(PermissionDenied):
        do_update_organization(world["a1"], acting_user=world.users["inspector_a"], name="改名")
    assert Organization.objects.get(pk=world["a1"].pk).name == "A1村党支部"


# --- 隶属关系调整 ---------------------------------------------------------------------------------


def test_move_keeps_history_and_carries_the_subtree(world):
    old_path = world["a1"].path
    record = move(world, "a1", "town_b", "county_admin")
    world = world.reloaded()
    assert record.old_parent == world["town_a"]
    assert record.new_parent == world["town_b"]
    assert record.old_path == old_path
    assert record.document_number == "县委组〔2024〕12号"
    assert OrganizationMove.objects.filter(organization=world["a1"]).count() == 1
    assert world["a1"].path.startswith(world["town_b"].path) is True
    assert world["a1_group"].path.startswith(world["a1"].path) is True
    assert world["a1_group"].depth == 4


def test_members_stay_in_their_branch_and_follow_it(world):
    move(world, "a1", "town_b", "county_admin")
    world = world.reloaded()
    assert world["zhang"].organization_id == world["a1"].pk
    under_b = set(Member.objects.in_subtree(world["town_b"]).values_list("name", flat=True))
    under_a = set(Member.objects.in_subtree(world["town_a"]).values_list("name", flat=True))
    assert under_b == {"张三丰", "李四", "赵六"}
    assert under_a == {"王五"}


def test_move_changes_who_sees_the_subtree(world):
    move(world, "a1", "town_b", "county_admin")
    world = world.reloaded()
    visible = set(Member.objects.visible_to(world.users["town_a_admin"]).values_list("name", flat=True))
    assert visible == {"王五"}
    assert (
        Organization.objects.visible_to(world.users["town_a_admin"]).filter(pk=world["a1"].pk).exists()
        is False
    )


def test_move_is_audited(world):
    move(world, "a1", "town_b", "county_admin")
    event = AuditEvent.objects.get(action="move")
    assert event.username == "county_admin"
    assert event.changes["parent"] == ["A镇党委", "B镇党委"]
    assert event.message == "乡镇区划调整"


def test_moving_into_its_own_subtree_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        move(world, "town_a", "a1")
    assert caught.value.message_dict == {"new_parent": ["不能将组织调整到其自身或其下级组织之下。"]}


def test_moving_under_the_same_parent_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        move(world, "a1", "town_a")
    assert caught.value.message_dict == {"new_parent": ["新上级组织与原上级组织相同。"]}


def test_moving_into_a_wrong_shape_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        move(world, "a1", "a2")
    assert caught.value.message_dict == {"parent": ["党支部不能设在党支部（A2社区党支部）之下。"]}


def test_a_root_cannot_be_moved(world):
    other = do_create_organization(
        parent=None, acting_user=None, code="QT", name="其他县委", kind="committee"
    )
    with pytest.raises(ValidationError) as caught:
        move(world, "root", other)
    assert caught.value.messages == ["顶级组织不能调整隶属关系。"]


def test_town_admin_cannot_lift_own_node_out(world):
    with pytest.raises(PermissionDenied, match="无权调整该组织的隶属关系。"):
        move(world, "town_a", "town_b", "town_a_admin")
    assert OrganizationMove.objects.exists() is False


def test_town_admin_cannot_move_into_another_town(world):
    with pytest.raises(PermissionDenied, match="无权将组织调整到该上级组织之下。"):
        move(world, "a1", "town_b", "town_a_admin")


def test_town_admin_rearranges_inside_own_subtree(world):
    general = do_create_organization(
        parent=world["town_a"], acting_user=None, code="XW-A-Z", name="A镇机关党总支", kind="general_branch"
    )
    move(world, "a1", general, "town_a_admin")
    assert Organization.objects.get(pk=world["a1"].pk).path.startswith(general.path) is True


def test_branch_admin_cannot_move(world):
    with pytest.raises(PermissionDenied):
        move(world, "a1_group", "a1", "branch_a1_admin")


# --- 撤销 ----------------------------------------------------------------------------------------


def test_dissolve_refuses_with_active_children(world):
    with pytest.raises(ValidationError) as caught:
        do_dissolve_organization(world["a1"], dissolved_on=date(2024, 6, 1), reason="合并", acting_user=None)
    assert caught.value.messages == ["该组织还有未撤销的下级组织，请先调整或撤销下级组织。"]
    assert Organization.objects.get(pk=world["a1"].pk).status == "active"


def test_dissolve_keeps_the_row_and_is_audited(world):
    group = do_dissolve_organization(
        world["a1_group"], dissolved_on=date(2024, 6, 1), reason="党小组合并", acting_user=None
    )
    assert Organization.objects.get(pk=group.pk).status == "dissolved"
    event = AuditEvent.objects.for_object(group).get(action="deactivate")
    assert event.changes["status"] == ["active", "dissolved"]
    assert event.message == "党小组合并"
    # with its only child dissolved, the branch is still refused while it has members
    with pytest.raises(ValidationError, match="该党支部还有党员，请先办理组织关系转接。"):
        do_dissolve_organization(world["a1"], dissolved_on=date(2024, 6, 2), reason="合并", acting_user=None)
    assert Organization.objects.get(pk=world["a1"].pk).status == "active"


def test_branch_admin_cannot_dissolve(world):
    with pytest.raises(PermissionDenied):
        do_dissolve_organization(
            world["a1_group"],
            dissolved_on=date(2024, 6, 1),
            reason="x",
            acting_user=world.users["branch_a1_admin"],
        )


# --- soft rules (warnings, never blocks) ---------------------------------------------------------


def add_members(branch, count, status=MemberStatus.FULL, first=0):
    """`count` members in `branch`, created in bulk (fast; derived fields filled as save() would)."""
    members = []
    for index in range(first, first + count):
        member = Member(
            **member_fields(
                f"成员{index}",
                "male",
                date(1950, 1, 1) + timedelta(days=index),
                seq=1,
                organization=branch,
                joined_on=date(2000, 7, 1),
                confirmed_on=None if status == MemberStatus.PROBATIONARY else date(2001, 7, 1),
                status=status,
            )
        )
        member.fill_derived_fields()
        members.append(member)
    return Member.objects.bulk_create(members)


def test_a_clean_branch_has_no_warning(world):
    assert warnings_of(world["a1"]) == []
    assert warnings_of(world["town_a"]) == []


def test_more_than_50_members_warns(world):
    add_members(world["a2"], 49)  # + 王五 = 50
    assert warnings_of(world["a2"]) == ["正式党员50名（7名以上），应当设立支部委员会（支部工作条例第六章）。"]
    add_members(world["a2"], 1, first=900)
    assert "党员人数51名，超过一般不超过50名的要求（支部工作条例第四条）。" in warnings_of(world["a2"])


def test_seven_full_members_without_committee_warns(world):
    add_members(world["a2"], 5)  # + 王五 = 6 full
    add_members(world["a2"], 3, status=MemberStatus.PROBATIONARY, first=100)
    assert warnings_of(world["a2"]) == []
    add_members(world["a2"], 1, first=200)
    assert warnings_of(world["a2"]) == ["正式党员7名（7名以上），应当设立支部委员会（支部工作条例第六章）。"]


@pytest.mark.parametrize(("size", "warns"), [(2, True), (3, False), (7, False), (8, True)])
def test_committee_size_outside_3_to_7_warns(world, size, warns):
    do_update_organization(world["a2"], acting_user=None, has_committee=True)
    members = [world["wang"], *add_members(world["a2"], size - 1)]
    titles = ["secretary", "deputy_secretary", "organization_member", "propaganda_member"]
    for index, member in enumerate(members):
        title = titles[index] if index < len(titles) else "committee_member"
        if index == 0:
            continue  # 王五 is already the secretary
        do_assign_position(
            member=member,
            organization=world["a2"],
            title=title,
            started_on=date(2024, 1, 1),
            acting_user=None,
        )
    message = f"支部委员会现有委员{size}名，一般应为3至7名（支部工作条例第六章）。"
    assert (message in warnings_of(Organization.objects.get(pk=world["a2"].pk))) is warns


# --- counters ------------------------------------------------------------------------------------


def naive_status_counts(path) -> dict:
    return dict(Counter(m.status for m in Member.objects.all() if m.organization.path.startswith(path)))


def naive_branch_count(path) -> int:
    return sum(
        1
        for org in Organization.objects.all()
        if org.path.startswith(path) and org.is_branch and org.status == "active"
    )


@pytest.fixture
def busier_world(world):
    extra = do_create_organization(
        parent=world["town_b"], acting_user=None, code="XW-B-02", name="B2", kind="branch"
    )
    do_create_organization(
        parent=world["root"], acting_user=None, code="XW-09", name="县直支部", kind="branch"
    )
    dissolved = do_create_organization(
        parent=world["town_a"], acting_user=None, code="XW-A-03", name="A3", kind="branch"
    )
    do_dissolve_organization(dissolved, dissolved_on=date(2024, 1, 1), reason="撤销", acting_user=None)
    add_members(extra, 4)
    add_members(world["a2"], 2, status=MemberStatus.PROBATIONARY, first=300)
    do_change_member_status(
        world["zhao"],
        status=MemberStatus.DECEASED,
        changed_on=date(2024, 3, 1),
        reason="病故",
        acting_user=None,
    )
    return world.reloaded()


@pytest.mark.parametrize("parent", [None, "root", "town_a", "town_b", "a1"])
def test_counters_equal_naive_counts(busier_world, parent):
    world = busier_world
    if parent is None:
        paths = list(Organization.objects.get_root_nodes().values_list("path", flat=True))
    else:
        paths = list(Organization.objects.children_of(world[parent]).values_list("path", flat=True))
    assert paths
    by_status = members_by_status_under(paths)
    branches = count_branches(paths)
    for path in paths:
        assert by_status[path] == naive_status_counts(path)
        assert branches[path] == {"党支部": naive_branch_count(path)}


def test_counts_for_combines_every_counter(busier_world):
    world = busier_world
    counts = counts_for([world["town_a"], world["town_b"], world["a1"]])
    assert counts[world["town_a"].path] == {"党支部": 2, "正式党员": 2, "预备党员": 3}
    assert counts[world["town_b"].path] == {"党支部": 2, "正式党员": 4, "预备党员": 0}
    assert counts[world["a1"].path] == {"正式党员": 1, "预备党员": 1}  # "党支部 1" on a branch says nothing
    assert members_by_status_under([]) == {}
