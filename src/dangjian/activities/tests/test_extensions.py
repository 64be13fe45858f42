"""主题党日 themes from above, the preparation of life meetings, reminders and notifications."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.extensions import (
    LifeMeetingPreparation,
    Notification,
    RectificationItem,
    ThemeNotice,
    services,
    theme_for,
)
from dangjian.activities.extensions.reminders import send_reminders
from dangjian.activities.models import Activity, ActivityType
from dangjian.audit.models import AuditEvent
from dangjian.members.choices import PositionTitle
from dangjian.members.services import do_assign_position

JULY = date(2025, 7, 1)


def publish(world, org, *, user=None, month=JULY, title="学习贯彻党章", **fields):
    return services.do_publish_theme_notice(
        acting_user=world.users[user] if user else None,
        organization=world[org],
        month=month,
        title=title,
        **fields,
    )


def audited(obj, action="create") -> bool:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
    ).exists()


def messages_of(error: ValidationError) -> list[str]:
    return error.messages


# 主题党日 themes ---------------------------------------------------------------------------------------
def test_committee_admin_publishes_the_month_theme(world):
    notice = publish(
        world, "town_a", user="town_a_admin", month=date(2025, 7, 15), document_number="A组〔2025〕7号"
    )
    assert notice.month == JULY
    assert notice.published_at is not None
    assert audited(notice)
    event = AuditEvent.objects.get(object_type="activities.themenotice", object_id=str(notice.pk))
    assert event.user == world.users["town_a_admin"]
    assert event.organization_path == world["town_a"].path


def test_branch_admin_cannot_publish_a_theme(world):
    with pytest.raises(PermissionDenied, match="无权在该党组织执行此操作。"):
        publish(world, "town_a", user="branch_a1_admin")


def test_committee_admin_cannot_publish_for_another_committee(world):
    with pytest.raises(PermissionDenied):
        publish(world, "town_b", user="town_a_admin")


def test_only_a_committee_publishes_themes(world):
    with pytest.raises(ValidationError) as caught:
        publish(world, "a1", user="county_admin")
    assert caught.value.message_dict == {
        "organization": ["只有党委（党工委、党组）或党总支可以发布主题党日主题。"]
    }


def test_one_theme_per_committee_and_month(world):
    publish(world, "town_a")
    with pytest.raises(ValidationError) as caught:
        publish(world, "town_a", month=date(2025, 7, 20), title="另一个主题")
    assert messages_of(caught.value) == ["该党组织本月已发布主题党日主题，请修改原主题。"]
    publish(world, "town_b")  # another committee, same month: fine


def test_correcting_a_theme_is_audited(world):
    notice = publish(world, "town_a")
    services.do_update_theme_notice(notice, acting_user=world.users["town_a_admin"], title="学党章、守党规")
    notice.refresh_from_db()
    assert notice.title == "学党章、守党规"
    event = AuditEvent.objects.get(object_type="activities.themenotice", action="update")
    assert event.changes["title"] == ["学习贯彻党章", "学党章、守党规"]
    with pytest.raises(PermissionDenied):
        services.do_update_theme_notice(notice, acting_user=world.users["branch_a1_admin"], title="x")


def test_theme_for_takes_the_nearest_committee_above(world, django_assert_num_queries):
    county = publish(world, "root", title="县委主题")
    town_a = publish(world, "town_a", title="A镇主题")
    with django_assert_num_queries(1):
        assert theme_for(world["a1"], date(2025, 7, 20)) == town_a
    assert theme_for(world["a1_group"], JULY) == town_a
    assert theme_for(world["a2"], JULY) == town_a
    assert theme_for(world["b1"], JULY) == county  # B镇党委 set none: the county's reaches it
    assert theme_for(world["town_a"], JULY) == town_a  # a committee's own theme day
    assert theme_for(world["a1"], date(2025, 8, 1)) is None


def test_theme_for_ignores_siblings_and_branches_below(world):
    publish(world, "town_b", title="B镇主题")
    assert theme_for(world["a1"], JULY) is None
    assert theme_for(world["root"], JULY) is None


def test_branch_sees_the_themes_sent_down_to_it_and_no_others(world, client_as):
    publish(world, "root", title="县委主题")
    publish(world, "town_a", title="A镇主题")
    publish(world, "town_b", title="B镇主题")
    for role, expected in (
        ("branch_a1_admin", {"县委主题", "A镇主题"}),
        ("member_a1", {"县委主题", "A镇主题"}),
        ("town_a_admin", {"县委主题", "A镇主题"}),
        ("county_admin", {"县委主题", "A镇主题", "B镇主题"}),
        ("nobody", set()),
    ):
        response = client_as(role).get(reverse("life:themenotice_list"))
        assert {n.title for n in response.context["object_list"]} == expected, role


def test_publishing_through_the_page(world, client_as):
    client = client_as("town_a_admin")
    form = client.get(reverse("life:themenotice_add")).context["form"]
    assert set(form.fields["organization"].queryset) == {world["town_a"]}
    response = client.post(
        reverse("life:themenotice_add"),
        {"organization": world["town_a"].pk, "month": "2025-07", "title": "学习党章", "document_number": ""},
    )
    notice = ThemeNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == notice.get_absolute_url()
    assert notice.month == JULY
    again = client.post(
        reverse("life:themenotice_add"),
        {"organization": world["town_a"].pk, "month": "2025-07", "title": "重复"},
    )
    assert "该党组织本月已发布主题党日主题，请修改原主题。" in again.content.decode()


# Life meetings: preparation -----------------------------------------------------------------------
def life_meeting(code="life_meeting"):
    return ActivityType.objects.get(code=code)


def prepare(world, org="a1", *, user="branch_a1_admin", code="life_meeting", started_on=date(2025, 11, 1)):
    return services.do_create_preparation(
        acting_user=world.users[user] if user else None,
        organization=world[org],
        activity_type=life_meeting(code),
        topic="2025年度组织生活会",
        started_on=started_on,
    )


def held(world, org, code, day, theme="谈心谈话", **fields):
    """An activity written directly (the recording service belongs to the activity pages)."""
    return Activity.objects.create(
        organization=world[org], activity_type=life_meeting(code), held_on=day, theme=theme, **fields
    )


def test_branch_admin_starts_a_preparation(world):
    preparation = prepare(world)
    assert preparation.year == 2025
    assert audited(preparation)
    assert preparation.get_absolute_url() == reverse("life:preparation_detail", args=[preparation.pk])


def test_preparation_is_scoped(world):
    with pytest.raises(PermissionDenied):
        prepare(world, "b1")
    with pytest.raises(PermissionDenied):
        prepare(world, "a1", user="inspector_a")


@pytest.mark.parametrize(
    ("org", "code", "message"),
    [
        (
            "a1",
            "leadership_life_meeting",
            {"organization": ["民主生活会由党委（党工委、党组）领导班子召开。"]},
        ),
        ("town_a", "life_meeting", {"organization": ["组织生活会由党支部或党小组召开。"]}),
        ("a1", "theme_day", {"activity_type": ["只能为组织生活会或民主生活会做会前准备。"]}),
    ],
)
def test_preparation_fits_the_meeting_and_the_organization(world, org, code, message):
    with pytest.raises(ValidationError) as caught:
        prepare(world, org, user=None, code=code)
    assert caught.value.message_dict == message


def test_planned_day_not_before_the_start(world):
    with pytest.raises(ValidationError) as caught:
        services.do_create_preparation(
            acting_user=None,
            organization=world["a1"],
            activity_type=life_meeting(),
            topic="t",
            started_on=date(2025, 11, 1),
            planned_on=date(2025, 10, 1),
        )
    assert caught.value.message_dict == {"planned_on": ["计划召开日期不能早于筹备开始日期。"]}


def test_opinions_are_recorded_and_audited(world):
    preparation = prepare(world)
    user = world.users["branch_a1_admin"]
    opinion = services.do_record_opinion(
        preparation, acting_user=user, source="public", text="希望多办实事", collected_on=date(2025, 11, 5)
    )
    assert audited(opinion)
    assert list(preparation.opinions.all()) == [opinion]
    with pytest.raises(ValidationError) as caught:
        services.do_record_opinion(
            preparation,
            acting_user=user,
            source="member",
            text="x",
            collected_on=timezone.localdate() + timedelta(days=1),
        )
    assert caught.value.message_dict == {"collected_on": ["征求日期不能晚于今天。"]}
    with pytest.raises(PermissionDenied):
        services.do_record_opinion(
            preparation, acting_user=world.users["member_a1"], source="member", text="x", collected_on=JULY
        )


def exam_fields():
    return {"study_and_work": "认真学习", "problems_and_causes": "学用结合不够", "measures": "每周自学"}


def test_self_examination_by_a_participant_once(world):
    preparation = prepare(world)
    user = world.users["branch_a1_admin"]
    exam = services.do_record_self_examination(
        preparation, acting_user=user, member=world["zhang"], **exam_fields()
    )
    assert audited(exam)
    with pytest.raises(ValidationError) as caught:
        services.do_record_self_examination(
            preparation, acting_user=user, member=world["zhang"], **exam_fields()
        )
    assert messages_of(caught.value) == ["该党员的对照检查材料已登记。"]
    with pytest.raises(ValidationError) as caught:
        services.do_record_self_examination(
            preparation, acting_user=user, member=world["zhao"], **exam_fields()
        )
    assert caught.value.message_dict == {"member": ["赵六不是本次会议的参会党员。"]}


def test_leadership_life_meeting_participants_are_the_committee(world):
    preparation = prepare(world, "town_a", user="town_a_admin", code="leadership_life_meeting")
    user = world.users["town_a_admin"]
    with pytest.raises(ValidationError):
        services.do_record_self_examination(
            preparation, acting_user=user, member=world["wang"], **exam_fields()
        )
    do_assign_position(
        member=world["wang"],
        organization=world["town_a"],
        title=PositionTitle.SECRETARY,
        started_on=date(2024, 1, 1),
        acting_user=None,
    )
    exam = services.do_record_self_examination(
        preparation, acting_user=user, member=world["wang"], **exam_fields()
    )
    assert exam.member == world["wang"]


def test_rectification_list_with_owner_and_deadline(world):
    preparation = prepare(world)
    user = world.users["branch_a1_admin"]
    item = services.do_add_rectification_item(
        preparation,
        acting_user=user,
        problem="理论学习不够系统",
        measure="制定学习计划",
        owner=world["li"],
        deadline=date(2026, 3, 31),
    )
    assert item.status == "open"
    assert audited(item)
    with pytest.raises(ValidationError) as caught:
        services.do_add_rectification_item(
            preparation,
            acting_user=user,
            problem="p",
            measure="m",
            owner=world["zhao"],
            deadline=JULY.replace(year=2026),
        )
    assert caught.value.message_dict == {"owner": ["责任人须为本组织的党员。"]}
    with pytest.raises(ValidationError) as caught:
        services.do_add_rectification_item(
            preparation,
            acting_user=user,
            problem="p",
            measure="m",
            owner=world["li"],
            deadline=date(2025, 10, 1),
        )
    assert caught.value.message_dict == {"deadline": ["整改时限不能早于筹备开始日期。"]}


def test_completing_a_rectification_item(world):
    preparation = prepare(world)
    user = world.users["branch_a1_admin"]
    item = services.do_add_rectification_item(
        preparation, acting_user=user, problem="p", measure="m", owner=world["li"], deadline=date(2026, 3, 31)
    )
    with pytest.raises(ValidationError) as caught:
        services.do_complete_rectification_item(
            item, acting_user=user, completed_on=timezone.localdate() + timedelta(days=1)
        )
    assert caught.value.message_dict == {"completed_on": ["完成日期不能晚于今天。"]}
    services.do_complete_rectification_item(item, acting_user=user)
    item.refresh_from_db()
    assert (item.status, item.completed_on) == ("done", timezone.localdate())
    assert audited(item, "update")
    with pytest.raises(ValidationError) as caught:
        services.do_complete_rectification_item(item, acting_user=user)
    assert messages_of(caught.value) == ["该整改事项已完成。"]


def test_a_done_item_needs_its_date(world):
    preparation = prepare(world)
    item = RectificationItem(
        preparation=preparation, problem="p", measure="m", owner=world["li"], deadline=JULY, status="done"
    )
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "已完成的整改事项须填写完成日期，未完成的不能填写。" in messages_of(caught.value)


def test_heart_talks_since_the_preparation_started(world):
    preparation = prepare(world, started_on=date(2025, 11, 1))
    counted = [
        held(world, "a1", "heart_talk", date(2025, 11, 3)),
        held(world, "a1_group", "heart_talk", date(2025, 11, 4)),
    ]
    held(world, "a1", "heart_talk", date(2025, 10, 31))  # before the preparation started
    held(world, "a2", "heart_talk", date(2025, 11, 5))  # another branch
    held(world, "a1", "theme_day", date(2025, 11, 5))  # not a talk
    held(world, "a1", "heart_talk", date(2025, 11, 6), cancelled_at=timezone.now(), cancel_reason="重复登记")
    assert list(preparation.heart_talks()) == counted
    meeting = held(world, "a1", "life_meeting", date(2025, 12, 10), theme="组织生活会")
    held(world, "a1", "heart_talk", date(2025, 12, 20))  # after the meeting
    services.do_link_life_meeting(preparation, meeting, acting_user=world.users["branch_a1_admin"])
    assert list(preparation.heart_talks()) == counted


def test_leadership_talks_are_the_committees_own(world):
    preparation = prepare(world, "town_a", user="town_a_admin", code="leadership_life_meeting")
    talk = held(world, "town_a", "heart_talk", date(2025, 11, 3))
    held(world, "a1", "heart_talk", date(2025, 11, 3))
    assert list(preparation.heart_talks()) == [talk]


def test_linking_the_recorded_meeting(world):
    preparation = prepare(world)
    user = world.users["branch_a1_admin"]
    other_branch = held(world, "a2", "life_meeting", date(2025, 12, 10))
    wrong_type = held(world, "a1", "theme_day", date(2025, 12, 10))
    for activity in (other_branch, wrong_type):
        with pytest.raises(ValidationError) as caught:
            services.do_link_life_meeting(preparation, activity, acting_user=user)
        assert caught.value.message_dict == {
            "activity": ["只能关联本组织在筹备开始后召开、尚未关联的同类会议记录（已作废的除外）。"]
        }
    meeting = held(world, "a1", "life_meeting", date(2025, 12, 10))
    services.do_link_life_meeting(preparation, meeting, acting_user=user)
    preparation.refresh_from_db()
    assert preparation.activity == meeting
    assert audited(preparation, "update")
    second = prepare(world)
    with pytest.raises(ValidationError):
        services.do_link_life_meeting(second, meeting, acting_user=user)


def test_preparation_page_shows_before_and_after(world, client_as):
    preparation = prepare(world)
    client = client_as("branch_a1_admin")
    response = client.post(
        reverse("life:opinion_add", args=[preparation.pk]),
        {"source": "member", "text": "支部活动形式可以更灵活", "collected_on": "2025-11-05"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("life:selfexamination_add", args=[preparation.pk]),
        {"member": world["zhang"].pk, **exam_fields()},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("life:rectificationitem_add", args=[preparation.pk]),
        {"problem": "学习不系统", "measure": "订学习计划", "owner": world["li"].pk, "deadline": "2026-03-31"},
    )
    assert response.status_code == 302
    item = preparation.rectification_items.get()
    response = client.post(reverse("life:rectificationitem_complete", args=[preparation.pk, item.pk]))
    assert response.status_code == 302
    page = client.get(preparation.get_absolute_url()).content.decode()
    for text in ("支部活动形式可以更灵活", "张三丰", "学用结合不够", "学习不系统", "已完成"):
        assert text in page
    # The form offers only the members who are still to write theirs.
    form = client.get(reverse("life:selfexamination_add", args=[preparation.pk])).context["form"]
    assert list(form.fields["member"].queryset) == [world["li"]]


def test_preparation_page_links_the_meeting(world, client_as):
    preparation = prepare(world)
    meeting = held(world, "a1", "life_meeting", date(2025, 12, 10))
    client = client_as("branch_a1_admin")
    assert list(client.get(preparation.get_absolute_url()).context["linkable"]) == [meeting]
    client.post(reverse("life:preparation_link", args=[preparation.pk]), {"activity": "abc"})
    preparation.refresh_from_db()
    assert preparation.activity is None
    client.post(reverse("life:preparation_link", args=[preparation.pk]), {"activity": meeting.pk})
    preparation.refresh_from_db()
    assert preparation.activity == meeting


def test_preparation_lists_are_scoped(world, client_as):
    mine = prepare(world, user=None)
    prepare(world, "b1", user=None)
    for role, expected in (("branch_a1_admin", [mine]), ("town_a_admin", [mine]), ("member_a1", [])):
        response = client_as(role).get(reverse("life:preparation_list"))
        assert list(response.context["object_list"]) == expected, role
    assert LifeMeetingPreparation.objects.count() == 2


# Reminders and notifications ----------------------------------------------------------------------
END_OF_MARCH = date(2025, 3, 28)  # three days before the month and the quarter end


def notes(user=None, kind=None):
    rows = Notification.objects.all()
    if user is not None:
        rows = rows.filter(user=user)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("id"))


def test_due_reminders_go_to_the_branch_admins(world):
    result = send_reminders(END_OF_MARCH, days=5)
    assert result.due_soon == 1
    (note,) = notes(kind="due_soon")
    # Only A1 has a branch administrator; A2 and B1 have none, the committees' admins get no due reminders.
    assert note.user == world.users["branch_a1_admin"]
    assert note.organization == world["a1"]
    assert note.created_on == END_OF_MARCH
    assert note.link == world["a1"].get_absolute_url()
    assert note.message.startswith("A1村党支部：以下制度本期尚未完成，2025-03-31截止（还剩3天）：")
    for rule in ("支部党员大会每季度至少召开1次", "党课每季度至少1次", "每月开展1次主题党日"):
        assert rule in note.message
    assert "A1第一党小组：党小组会每月至少召开1次（2025年3月，还需1次）" in note.message
    assert "组织生活会" not in note.message  # a yearly rule, due in December


def test_reminders_are_idempotent(world):
    send_reminders(END_OF_MARCH, days=5)
    first = notes()
    again = send_reminders(END_OF_MARCH, days=5)
    assert again.total == 0
    # The next day the same matter (A1's period ending on 31 March) is not notified again.
    assert send_reminders(END_OF_MARCH + timedelta(days=1), days=5).due_soon == 0
    assert notes() == first


def test_met_rules_are_not_reminded(world):
    held(world, "a1", "theme_day", date(2025, 3, 1), theme="主题党日")
    send_reminders(END_OF_MARCH, days=5)
    (note,) = notes(kind="due_soon")
    assert "主题党日" not in note.message
    assert "党课" in note.message


def test_reminders_wait_for_the_horizon(world):
    assert send_reminders(END_OF_MARCH, days=2).due_soon == 0
    assert send_reminders(date(2025, 3, 31), days=0).due_soon == 1
    assert "今天截止" in notes(kind="due_soon")[0].message


def test_branch_admin_grant_above_covers_the_branches_below(world):
    from dangjian.accounts.services import do_grant_role

    do_grant_role(
        user=world.users["nobody"], role="branch_admin", organization=world["town_b"], acting_user=None
    )
    send_reminders(END_OF_MARCH, days=5)
    assert [n.organization for n in notes(world.users["nobody"])] == [world["b1"]]


def test_committees_hear_of_last_months_misses(world):
    result = send_reminders(date(2025, 4, 2), days=5)
    assert result.due_soon == 0
    by_user = {n.user: n for n in notes(kind="missed")}
    # B镇党委 has no 组织管理员 of its own; the system administrator is not an 组织管理员.
    assert set(by_user) == {world.users["county_admin"], world.users["town_a_admin"]}
    county, town = by_user[world.users["county_admin"]], by_user[world.users["town_a_admin"]]
    assert county.organization == world["root"]
    assert "共3个党支部有制度未达标" in county.message
    assert town.organization == world["town_a"]
    assert town.message.startswith("A镇党委：2025年3月结束的周期中，共2个党支部有制度未达标：A1村党支部（")
    assert "A2社区党支部" in town.message
    assert "B1村党支部" not in town.message
    assert notes(world.users["branch_a1_admin"]) == []
    assert send_reminders(date(2025, 4, 3), days=5).missed == 0


def test_a_branch_that_met_its_rules_is_not_reported(world):
    a2 = world["a2"]
    for code, day in (("general_meeting", 10), ("party_lesson", 11), ("theme_day", 1)):
        for month in (1, 2, 3) if code == "theme_day" else (3,):
            held(world, "a2", code, date(2025, month, day), theme="t")
    send_reminders(date(2025, 4, 2), days=5)
    town = notes(world.users["town_a_admin"])[0]
    assert a2.name not in town.message
    assert "共1个党支部有制度未达标" in town.message


def test_reminders_command(world):
    out = StringIO()
    call_command("reminders", "--date", "2025-03-28", "--days", "5", stdout=out)
    # 28 March: A1's reminder, and February's misses to the two committees with an 组织管理员.
    assert "2025-03-28：新增通知3条（到期提醒1条，未达标通报2条）" in out.getvalue()
    out = StringIO()
    call_command("reminders", "--date", "2025-03-28", stdout=out)
    assert "新增通知0条" in out.getvalue()
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        call_command("reminders", "--date", "28/03/2025")


def notify(world, user, org="a1", key="k1", message="A1村党支部：请按时召开支委会。"):
    return Notification.objects.create(
        user=world.users[user], organization=world[org], kind="due_soon", message=message, key=key
    )


def test_only_the_owner_marks_a_notification_read(world, client_as):
    note = notify(world, "branch_a1_admin")
    with pytest.raises(PermissionDenied, match="只能标记本人的通知。"):
        services.do_mark_notification_read(note, acting_user=world.users["town_a_admin"])
    response = client_as("town_a_admin").post(reverse("life:notification_read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None
    response = client_as("branch_a1_admin").post(
        reverse("life:notification_read", args=[note.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    note.refresh_from_db()
    assert note.read_at is not None


def test_home_shows_ones_unread_notifications(world, client_as):
    unread = notify(world, "branch_a1_admin", message="请按时召开支委会")
    notify(world, "branch_a1_admin", key="k2", message="已经读过的通知").read_at = None
    Notification.objects.filter(key="k2").update(read_at=timezone.now())
    notify(world, "town_a_admin", key="k3", message="别人的通知")
    client = client_as("branch_a1_admin")
    response = client.get(reverse("home"))
    assert response.context["notifications"] == [unread]
    page = response.content.decode()
    assert "请按时召开支委会" in page
    assert "已经读过的通知" not in page and "别人的通知" not in page
    response = client.post(reverse("life:notification_read", args=[unread.pk]), {"next": reverse("home")})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["notifications"] == []
    listing = client.get(reverse("life:notification_list")).context["object_list"]
    assert {n.message for n in listing} == {"请按时召开支委会", "已经读过的通知"}
