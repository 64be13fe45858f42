"""Writes of organizational life: recording with attendance from the roster of the day, updating and
cancelling, self check-in, rules that may only tighten, spot checks and their sample."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.activities.models import Activity, ActivityType, Attendance, Decision, Rule, SpotCheck
from dangjian.activities.services import (
    do_cancel_activity,
    do_create_rule,
    do_record_activity,
    do_record_spot_check,
    do_self_check_in,
    do_update_attendance,
    draw_sample,
    expected_members,
)
from dangjian.audit.models import AuditEvent
from dangjian.core.testing import PASSWORD, member_fields
from dangjian.members.services import TransferMember, do_change_member_status, do_create_member

pytestmark = pytest.mark.django_db

DAY = date(2024, 5, 10)
FUTURE_MESSAGE = "活动日期不能晚于今天；未召开的活动请先打印签到表，会后再登记。"
LOOSER = "不得低于上级规定：{name}（{source}）。本级制度只能在上级规定基础上从严。"


def kind(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def record(world, org: str, code: str = "theme_day", day: date = DAY, *, user=None, **extra) -> Activity:
    return do_record_activity(
        acting_user=world.users[user] if user else None,
        organization=world[org],
        activity_type=kind(code),
        held_on=day,
        theme="学习党章",
        **extra,
    )


def roll(activity) -> dict[str, tuple[bool, str]]:
    """{member name: (present, absence reason)} of an activity's attendance rows."""
    return {
        row.member.name: (row.present, row.absence_reason)
        for row in Attendance.objects.filter(activity=activity).select_related("member")
    }


def names(members) -> set[str]:
    return {m.name for m in members}


def add_member(world, name: str, n: int, *, org="a1", joined_on=date(2010, 7, 1), **extra):
    return do_create_member(
        acting_user=None,
        organization=world[org],
        joined_on=joined_on,
        confirmed_on=joined_on + timedelta(days=366),
        **member_fields(name, "male", date(1975, 3, n), seq=601 + 2 * n),
        **extra,
    )


@pytest.fixture
def crowd(world):
    """Two more A1 members since 2010: on DAY, A1 is 张三丰 and these two (李四 joined later)."""
    return [add_member(world, "钱一", 1), add_member(world, "孙二", 2)]


# The expected list from the roster of the day ------------------------------------------------------


def test_branch_meeting_expects_the_branch_roster_of_that_day(world, crowd):
    today = timezone.localdate()
    assert names(expected_members(world["a1"], kind("theme_day"), DAY)) == {"张三丰", "钱一", "孙二"}
    # 李四 joined 200 days ago: expected from then on, not before.
    assert "李四" in names(expected_members(world["a1"], kind("theme_day"), today))
    assert "李四" not in names(expected_members(world["a1"], kind("theme_day"), today - timedelta(days=201)))
    assert names(expected_members(world["b1"], kind("theme_day"), DAY)) == {"赵六"}


def test_group_meeting_expects_the_group(world, crowd):
    today = timezone.localdate()
    assert names(expected_members(world["a1_group"], kind("group_meeting"), today)) == {"张三丰", "李四"}
    assert names(expected_members(world["a1_group"], kind("group_meeting"), DAY)) == {"张三丰"}


def test_committee_meeting_expects_the_posts_held_that_day(world):
    assert names(expected_members(world["a1"], kind("committee_meeting"), DAY)) == {"张三丰"}
    # 张三丰 became 书记 on 2023-01-01.
    assert names(expected_members(world["a1"], kind("committee_meeting"), date(2022, 12, 31))) == set()


def test_a_member_who_left_after_the_day_is_still_expected(world):
    do_change_member_status(
        world["zhao"], status="left", changed_on=date(2024, 6, 1), reason="自行脱党", acting_user=None
    )
    assert names(expected_members(world["b1"], kind("theme_day"), DAY)) == {"赵六"}
    assert names(expected_members(world["b1"], kind("theme_day"), date(2024, 6, 1))) == set()


def test_a_transfer_after_the_day_leaves_the_member_in_the_old_branch(world):
    TransferMember(
        member=world["wang"], acting_user=None, transferred_on=date(2024, 6, 1), to_organization=world["a1"]
    ).execute()
    theme_day = kind("theme_day")
    assert "王五" in names(expected_members(world["a2"], theme_day, DAY))
    assert "王五" not in names(expected_members(world["a1"], theme_day, DAY))
    assert "王五" in names(expected_members(world["a1"], theme_day, date(2024, 6, 2)))
    assert "王五" not in names(expected_members(world["a2"], theme_day, date(2024, 6, 2)))


def test_a_member_transferred_in_from_outside_is_expected_from_the_transfer_on(world):
    add_member(world, "吴七", 7, transferred_in_from="外省某党支部", transferred_in_on=date(2024, 6, 1))
    assert "吴七" not in names(expected_members(world["a1"], kind("theme_day"), DAY))
    assert "吴七" in names(expected_members(world["a1"], kind("theme_day"), date(2024, 6, 1)))


def test_a_general_branch_meeting_expects_the_members_of_its_branches(world, crowd):
    from dangjian.organizations.services import do_create_organization

    general = do_create_organization(
        parent=world["town_a"],
        acting_user=None,
        code="A-ZZ",
        name="A镇机关党总支",
        kind="general_branch",
        unit_category=world["a1"].unit_category,
    )
    below = do_create_organization(
        parent=general,
        acting_user=None,
        code="A-ZZ-1",
        name="A镇机关第一党支部",
        kind="branch",
        unit_category=world["a1"].unit_category,
    )
    qian, sun = crowd
    for member in (qian, sun):
        TransferMember(
            member=member, acting_user=None, transferred_on=date(2024, 1, 1), to_organization=below
        ).execute()
    # 孙二 moved on to A2 after the day: still expected in the 党总支 on the day, not after.
    TransferMember(
        member=sun, acting_user=None, transferred_on=date(2024, 6, 1), to_organization=world["a2"]
    ).execute()
    assert names(expected_members(general, kind("general_meeting"), DAY)) == {"钱一", "孙二"}
    assert names(expected_members(general, kind("general_meeting"), date(2024, 6, 2))) == {"钱一"}
    # A branch still expects only its own members (not its neighbours'); sorted insertion moved its path.
    world["a1"].refresh_from_db()
    assert names(expected_members(world["a1"], kind("general_meeting"), DAY)) == {"张三丰"}


# Recording -----------------------------------------------------------------------------------------


def test_everyone_expected_is_present_by_default(world, crowd):
    activity = record(world, "a1")
    assert roll(activity) == {"张三丰": (True, ""), "钱一": (True, ""), "孙二": (True, "")}
    assert (activity.expected_count, activity.present_count, activity.attendance_rate) == (
        3,
        3,
        Decimal("1.0000"),
    )


def test_absent_members_with_reasons_and_the_stored_rate(world, crowd):
    activity = record(world, "a1", absent={crowd[0].pk: "sick"})
    assert roll(activity) == {"张三丰": (True, ""), "钱一": (False, "sick"), "孙二": (True, "")}
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.expected_count, stored.present_count) == (3, 2)
    assert stored.attendance_rate == Decimal("0.6667")  # 2/3 to four places
    rows = Attendance.objects.filter(activity=activity)
    assert stored.expected_count == rows.count()
    assert stored.present_count == rows.filter(present=True).count()


def test_an_absence_may_carry_a_note_and_must_have_a_known_reason(world, crowd):
    activity = record(world, "a1", absent={str(crowd[1].pk): ("official", "县里开会")})
    row = Attendance.objects.get(activity=activity, member=crowd[1])
    assert (row.present, row.absence_reason, row.absence_note) == (False, "official", "县里开会")
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", absent={crowd[0].pk: ""})
    assert raised.value.message_dict == {"absent": ["缺席须注明事由（病假、事假、公假、其他）。"]}


def test_a_future_date_is_refused_and_nothing_is_kept(world):
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", day=timezone.localdate() + timedelta(days=1))
    assert raised.value.message_dict == {"held_on": [FUTURE_MESSAGE]}
    assert Activity.objects.count() == before
    assert record(world, "a1", day=timezone.localdate()).held_on == timezone.localdate()


def test_an_absentee_who_is_not_expected_is_refused(world):
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", absent={world["wang"].pk: "sick"})
    assert raised.value.message_dict == {"absent": ["缺席名单中有不属于应到人员的党员。"]}
    assert Activity.objects.count() == before


def test_a_group_meeting_is_recorded_on_a_party_group(world):
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", "group_meeting")
    assert raised.value.message_dict == {"organization": ["党小组会须登记在党小组下。"]}
    activity = record(world, "a1_group", "group_meeting", day=timezone.localdate())
    assert set(roll(activity)) == {"张三丰", "李四"}


def test_a_committee_meeting_lists_the_committee(world, crowd):
    assert set(roll(record(world, "a1", "committee_meeting"))) == {"张三丰"}


def test_a_heart_talk_lists_the_named_participants(world, crowd):
    talk = record(world, "a1", "heart_talk", attendee_ids=[world["zhang"].pk, crowd[0].pk])
    assert roll(talk) == {"张三丰": (True, ""), "钱一": (True, "")}
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", "heart_talk", attendee_ids=[world["wang"].pk])
    assert raised.value.message_dict == {"attendee_ids": ["参加人员须为本组织（含下级）的在册党员。"]}
    with pytest.raises(ValidationError):
        record(world, "a1", "theme_day", attendee_ids=[world["zhang"].pk])


def test_scope_a_branch_admin_records_only_for_their_branch(world):
    assert record(world, "a1", user="branch_a1_admin").organization == world["a1"]
    assert (
        record(world, "a1_group", "group_meeting", user="branch_a1_admin").organization == world["a1_group"]
    )
    for user in ("branch_a1_admin", "member_a1", "inspector_a", "nobody"):
        with pytest.raises(PermissionDenied):
            record(world, "b1", user=user)
    with pytest.raises(PermissionDenied):
        record(world, "a1", user="member_a1")
    assert record(world, "b1", user="county_admin").organization == world["b1"]


def test_recording_writes_one_audit_event(world, crowd):
    before = AuditEvent.objects.count()
    activity = record(world, "a1", user="branch_a1_admin", absent={crowd[0].pk: "personal"})
    event = AuditEvent.objects.for_object(activity).get()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.username, event.message) == ("create", "branch_a1_admin", "应到3人，实到2人")
    assert event.organization_path == world["a1"].path
    assert event.changes["present_count"] == [None, "2"]


def test_command_line_records_are_audited_as_such(world):
    activity = record(world, "b1")
    assert AuditEvent.objects.for_object(activity).get().username == "命令行"


def test_decisions_are_kept_with_their_votes(world, crowd):
    activity = record(
        world,
        "a1",
        "general_meeting",
        decisions=[
            {
                "text": "同意接收李四为预备党员",
                "voted": True,
                "eligible": 3,
                "present_eligible": 2,
                "votes_for": 1,
            },
            {"text": "开展植树活动"},
        ],
    )
    first, second = Decision.objects.filter(activity=activity).order_by("order")
    assert (first.order, first.passed, second.order, second.passed) == (1, False, 2, None)
    assert first.vote_problems() == ["赞成票1票，未超过应到会有表决权党员3名的半数，决议未通过。"]


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        (
            {"eligible": 3, "present_eligible": 4, "votes_for": 3},
            "实到会有表决权党员不能多于应到会有表决权党员。",
        ),
        (
            {"eligible": 5, "present_eligible": 3, "votes_for": 3, "votes_against": 1},
            "赞成、反对、弃权票数之和不能多于实到会有表决权党员人数。",
        ),
        (
            {"eligible": 5, "present_eligible": 4, "votes_for": 3, "written_for": 2},
            "书面意见只能来自未到会的有表决权党员。",
        ),
        ({"eligible": 5, "votes_for": 3}, "经表决的决议须填写应到会、实到会有表决权党员人数和赞成票数。"),
    ],
)
def test_impossible_vote_numbers_are_refused(world, vote, message):
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as raised:
        record(world, "a1", "general_meeting", decisions=[{"text": "表决事项", "voted": True, **vote}])
    assert raised.value.messages == [message]
    assert Activity.objects.count() == before


# Updating and cancelling ---------------------------------------------------------------------------


def test_update_attendance_changes_the_counts(world, crowd):
    activity = record(world, "a1")
    updated = do_update_attendance(
        activity,
        absent={crowd[0].pk: "sick", crowd[1].pk: "other"},
        acting_user=world.users["branch_a1_admin"],
    )
    assert (updated.expected_count, updated.present_count, updated.attendance_rate) == (
        3,
        1,
        Decimal("0.3333"),
    )
    assert roll(activity) == {"张三丰": (True, ""), "钱一": (False, "sick"), "孙二": (False, "other")}
    again = do_update_attendance(activity, absent={}, acting_user=None)
    assert (again.present_count, again.attendance_rate, again.version) == (3, Decimal("1.0000"), 3)
    event = AuditEvent.objects.for_object(activity).filter(action="update").order_by("id").first()
    assert event.message == "更新出席情况：应到3人，实到1人"
    assert event.changes["present_count"] == ["3", "1"]


def test_update_attendance_refuses_strangers_scope_and_cancelled(world, crowd):
    activity = record(world, "a1")
    with pytest.raises(ValidationError) as raised:
        do_update_attendance(activity, absent={world["wang"].pk: "sick"}, acting_user=None)
    assert raised.value.message_dict == {"absent": ["缺席名单中有不在本次活动出席名单中的党员。"]}
    with pytest.raises(PermissionDenied):
        do_update_attendance(activity, absent={}, acting_user=world.users["member_a1"])
    do_cancel_activity(activity, reason="误录", acting_user=None)
    with pytest.raises(ValidationError) as raised:
        do_update_attendance(activity, absent={}, acting_user=None)
    assert raised.value.messages == ["该活动已作废，不能修改出席情况。"]


def test_update_attendance_may_add_named_attendees(world, crowd):
    talk = record(world, "a1", "heart_talk", attendee_ids=[world["zhang"].pk])
    updated = do_update_attendance(
        talk, absent={crowd[1].pk: "personal"}, acting_user=None, add_member_ids=[crowd[1].pk]
    )
    assert (updated.expected_count, updated.present_count) == (2, 1)
    assert roll(talk) == {"张三丰": (True, ""), "孙二": (False, "personal")}


def test_cancel_needs_a_reason_keeps_the_record_and_is_audited(world):
    activity = record(world, "b1")
    with pytest.raises(ValidationError) as raised:
        do_cancel_activity(activity, reason="  ", acting_user=None)
    assert raised.value.message_dict == {"reason": ["请填写作废原因。"]}
    with pytest.raises(PermissionDenied):
        do_cancel_activity(activity, reason="误录", acting_user=world.users["branch_a1_admin"])
    do_cancel_activity(activity, reason="误录", acting_user=world.users["county_admin"])
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.is_cancelled, stored.cancel_reason) == (True, "误录")
    assert list(Activity.objects.current().filter(pk=activity.pk)) == []
    event = AuditEvent.objects.for_object(activity).get(action="deactivate")
    assert (event.username, event.message) == ("county_admin", "误录")
    with pytest.raises(ValidationError) as raised:
        do_cancel_activity(stored, reason="再次作废", acting_user=None)
    assert raised.value.messages == ["该活动已作废。"]


# Self check-in -------------------------------------------------------------------------------------


def test_self_check_in_stamps_once(world, crowd):
    activity = record(world, "a1", day=timezone.localdate())
    first = do_self_check_in(activity, world["li"])
    second = do_self_check_in(activity, world["li"])
    assert first.pk == second.pk
    assert first.checked_in_at is not None and second.checked_in_at == first.checked_in_at
    assert Attendance.objects.filter(activity=activity, member=world["li"]).count() == 1
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.expected_count, stored.present_count) == (4, 4)


def test_self_check_in_never_overrides_the_secretarys_record(world, crowd):
    activity = record(world, "a1", day=timezone.localdate(), absent={crowd[0].pk: "sick"})
    row = do_self_check_in(activity, crowd[0])
    assert (row.present, row.absence_reason, row.checked_in_at is not None) == (False, "sick", True)
    assert Activity.objects.get(pk=activity.pk).present_count == 3


def test_self_check_in_adds_a_member_the_roster_expects(world):
    activity = record(world, "a1", day=timezone.localdate())
    late_joiner = add_member(world, "郑八", 8, joined_on=date(2020, 1, 1))  # added after the record
    row = do_self_check_in(activity, late_joiner)
    assert (row.present, row.checked_in_at is not None) == (True, True)
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.expected_count, stored.present_count) == (3, 3)


def test_self_check_in_refuses_strangers_and_cancelled_activities(world):
    activity = record(world, "a1", day=timezone.localdate())
    with pytest.raises(PermissionDenied):
        do_self_check_in(activity, world["wang"])
    assert not Attendance.objects.filter(activity=activity, member=world["wang"]).exists()
    do_cancel_activity(activity, reason="误录", acting_user=None)
    with pytest.raises(ValidationError):
        do_self_check_in(activity, world["zhang"])


# Rules ---------------------------------------------------------------------------------------------


def rule_fields(code: str, **fields) -> dict:
    return {
        "name": "本地制度",
        "activity_type": kind(code),
        "organization_kinds": ["branch"],
        "period": "month",
        "valid_from": date(2024, 1, 1),
        "source": "A镇党委〔2024〕3号",
    } | fields


def national(code: str) -> Rule:
    return Rule.objects.get(owner=None, activity_type__code=code)


def test_a_local_rule_may_tighten(world):
    rule = do_create_rule(
        acting_user=world.users["town_a_admin"],
        owner=world["town_a"],
        **rule_fields("theme_day", fixed_day=1, tolerance_days=2, min_attendance_rate=Decimal("0.8")),
    )
    assert (rule.owner, rule.created_by) == (world["town_a"], world.users["town_a_admin"])
    assert AuditEvent.objects.for_object(rule).get().action == "create"
    twice = do_create_rule(
        acting_user=world.users["town_a_admin"],
        owner=world["town_a"],
        **rule_fields("study_session", min_count=2, name="集中学习每月至少2次"),
    )
    assert twice.min_count == 2


def test_a_local_rule_may_not_ask_less_often(world):
    theme_day = national("theme_day")
    with pytest.raises(ValidationError) as raised:
        do_create_rule(
            acting_user=world.users["town_a_admin"],
            owner=world["town_a"],
            **rule_fields("theme_day", period="quarter", min_count=2),  # 8 a year < 12
        )
    assert raised.value.messages == [LOOSER.format(name=theme_day.name, source=theme_day.source)]
    assert not Rule.objects.filter(owner=world["town_a"]).exists()
    # Three a quarter is as often as once a month.
    do_create_rule(
        acting_user=None, owner=world["town_a"], **rule_fields("theme_day", period="quarter", min_count=3)
    )


def test_a_local_rule_may_not_lower_the_attendance_minimum_above(world):
    above = do_create_rule(
        acting_user=None,
        owner=world["town_a"],
        **rule_fields(
            "party_lesson", period="quarter", min_attendance_rate=Decimal("0.8"), name="党课出席率"
        ),
    )
    for weaker in (Decimal("0.6"), None):
        with pytest.raises(ValidationError) as raised:
            do_create_rule(
                acting_user=world.users["town_a_admin"],
                owner=world["a1"],
                **rule_fields("party_lesson", period="quarter", min_attendance_rate=weaker),
            )
        assert raised.value.messages == [LOOSER.format(name=above.name, source=above.source)]
    stricter = do_create_rule(
        acting_user=world.users["town_a_admin"],
        owner=world["a1"],
        **rule_fields("party_lesson", period="quarter", min_attendance_rate=Decimal("0.9")),
    )
    assert stricter.min_attendance_rate == Decimal("0.9")


def test_a_local_rule_may_not_widen_a_fixed_day_above(world):
    above = do_create_rule(
        acting_user=None, owner=world["town_a"], **rule_fields("theme_day", fixed_day=1, tolerance_days=2)
    )
    for fields in ({"fixed_day": 1, "tolerance_days": 5}, {"fixed_day": 15}, {}):
        with pytest.raises(ValidationError) as raised:
            do_create_rule(acting_user=None, owner=world["a1"], **rule_fields("theme_day", **fields))
        assert raised.value.messages == [LOOSER.format(name=above.name, source=above.source)]
    assert (
        do_create_rule(
            acting_user=None, owner=world["a1"], **rule_fields("theme_day", fixed_day=2, tolerance_days=1)
        ).fixed_day
        == 2
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"tolerance_days": 2}, "未设定固定日时不能设置允许偏差。"),
        ({"fixed_day": 1, "tolerance_days": 11}, "固定日允许偏差不能超过10天。"),
    ],
)
def test_a_fixed_day_tolerance_needs_a_fixed_day_and_a_bound(world, fields, message):
    with pytest.raises(ValidationError) as raised:
        do_create_rule(acting_user=None, owner=world["town_a"], **rule_fields("theme_day", **fields))
    assert raised.value.message_dict == {"tolerance_days": [message]}


def test_rules_that_cannot_meet_do_not_constrain_each_other(world):
    do_create_rule(
        acting_user=None,
        owner=world["town_a"],
        **rule_fields(
            "study_session", min_count=4, valid_from=date(2019, 1, 1), valid_to=date(2020, 12, 31), name="旧"
        ),
    )
    do_create_rule(
        acting_user=None,
        owner=world["town_a"],
        **rule_fields("study_session", min_count=4, unit_categories=["community"], name="社区"),
    )
    # Neither the expired rule nor the rule for communities binds a rural branch's rule today.
    rule = do_create_rule(
        acting_user=None,
        owner=world["a1"],
        **rule_fields("study_session", min_count=1, unit_categories=["rural"]),
    )
    assert rule.pk is not None


def test_national_rules_are_not_made_by_users(world):
    with pytest.raises(PermissionDenied) as raised:
        do_create_rule(acting_user=world.users["county_admin"], owner=None, **rule_fields("study_session"))
    assert str(raised.value) == "全国通用规定只能由系统初始化。"


def test_a_rule_needs_manage_tree_on_its_owner(world):
    for user, owner in (("branch_a1_admin", "a1"), ("town_a_admin", "town_b"), ("inspector_a", "town_a")):
        with pytest.raises(PermissionDenied):
            do_create_rule(acting_user=world.users[user], owner=world[owner], **rule_fields("study_session"))
    assert not Rule.objects.exclude(owner=None).exists()


def test_a_rule_names_known_kinds_and_ordered_dates(world):
    with pytest.raises(ValidationError) as raised:
        do_create_rule(
            acting_user=None,
            owner=world["town_a"],
            **rule_fields("study_session", organization_kinds=["village"]),
        )
    assert raised.value.message_dict == {"organization_kinds": ["适用组织类别有误。"]}
    with pytest.raises(ValidationError) as raised:
        do_create_rule(
            acting_user=None,
            owner=world["town_a"],
            **rule_fields("study_session", valid_from=date(2024, 6, 1), valid_to=date(2024, 1, 1)),
        )
    assert raised.value.message_dict == {"valid_to": ["废止日期不能早于施行日期。"]}


# Spot checks ---------------------------------------------------------------------------------------


def test_spot_checks_come_from_a_committee_above(world):
    activity = record(world, "a1")
    with pytest.raises(PermissionDenied) as raised:
        do_record_spot_check(
            activity, result="passed", comment="", acting_user=world.users["branch_a1_admin"]
        )
    assert str(raised.value) == "只有上级党组织可以抽查。"
    for user in ("inspector_a", "sysadmin", "nobody"):
        with pytest.raises(PermissionDenied):
            do_record_spot_check(activity, result="passed", comment="", acting_user=world.users[user])
    check = do_record_spot_check(
        activity, result="passed", comment="记录完整", acting_user=world.users["county_admin"], seed="2024-05"
    )
    assert (check.checked_by, check.sample_seed, check.result) == (
        world.users["county_admin"],
        "2024-05",
        "passed",
    )
    assert AuditEvent.objects.for_object(check).get().username == "county_admin"


def test_an_org_admin_of_the_branch_itself_does_not_check_it(world):
    own_admin = do_create_user(
        username="a1_org_admin", password=PASSWORD, last_name="测", first_name="支", acting_user=None
    )
    do_grant_role(user=own_admin, role=RoleChoices.ORG_ADMIN, organization=world["a1"], acting_user=None)
    with pytest.raises(PermissionDenied):
        do_record_spot_check(record(world, "a1"), result="passed", comment="", acting_user=own_admin)
    # ...but checks its 党小组 from above.
    meeting = record(world, "a1_group", "group_meeting")
    assert do_record_spot_check(meeting, result="passed", comment="", acting_user=own_admin).pk


def test_a_failed_check_needs_a_comment(world):
    activity = record(world, "a1")
    with pytest.raises(ValidationError) as raised:
        do_record_spot_check(activity, result="failed", comment=" ", acting_user=world.users["town_a_admin"])
    assert raised.value.message_dict == {"comment": ["判定不合格须写明意见。"]}
    assert not SpotCheck.objects.exists()
    do_record_spot_check(
        activity, result="failed", comment="无会议记录", acting_user=world.users["town_a_admin"]
    )
    assert list(Activity.objects.counted().filter(pk=activity.pk)) == []


@pytest.fixture
def spread(world):
    """Activities in 2024: five in A1, three in A2, one in B1, one in A1's 党小组 and one cancelled."""
    made = {}
    for org, code, count in (("a1", "theme_day", 5), ("a2", "theme_day", 3), ("b1", "party_lesson", 1)):
        made[org] = [record(world, org, code, date(2024, month, 5)) for month in range(1, count + 1)]
    made["a1_group"] = [record(world, "a1_group", "group_meeting", date(2024, 2, 2))]
    do_cancel_activity(record(world, "b1", "theme_day", date(2024, 3, 3)), reason="误录", acting_user=None)
    return made


def draw(world, seed, **options):
    options.setdefault("size", 4)
    return draw_sample(world["root"], first=date(2024, 1, 1), last=date(2024, 12, 31), seed=seed, **options)


def test_the_sample_is_reproducible_for_a_seed(world, spread):
    first = [a.pk for a in draw(world, "县委组织部-2024-01")]
    assert [a.pk for a in draw(world, "县委组织部-2024-01")] == first
    assert len(first) == 4 == len(set(first))
    # Another seed picks other activities (not merely the same ones in another order).
    others = [{a.pk for a in draw(world, f"seed-{n}")} for n in range(5)]
    assert any(sample != set(first) for sample in others)


def test_the_sample_is_stratified_by_organization(world, spread):
    strata = {a.pk: org for org, activities in spread.items() for a in activities}
    for n in range(10):
        sample = draw(world, f"seed-{n}", size=4)
        assert sorted(strata[a.pk] for a in sample) == ["a1", "a1_group", "a2", "b1"]
        six = [strata[a.pk] for a in draw(world, f"seed-{n}", size=6)]
        assert set(six) == {"a1", "a1_group", "a2", "b1"} and max(six.count(o) for o in set(six)) == 2


def test_the_sample_by_rate_and_within_the_subtree(world, spread):
    assert len(draw(world, "s", size=None, rate=0.5)) == 5  # half of ten standing activities, rounded up
    town_a = draw_sample(world["town_a"], first=date(2024, 1, 1), last=date(2024, 12, 31), seed="s", size=20)
    assert len(town_a) == 9 and {a.organization_id for a in town_a} == {
        world[k].pk for k in ("a1", "a2", "a1_group")
    }
    only_lessons = draw(world, "s", size=20, activity_types=[kind("party_lesson")])
    assert [a.pk for a in only_lessons] == [spread["b1"][0].pk]
