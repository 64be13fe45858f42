"""修改: correcting a recorded activity and its decisions (service, page, API), the vote checks of
Decision.clean shared by recording and editing, and the sign-in sheet printing on two sheets."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.models import Activity, ActivityType, Decision
from dangjian.activities.services import do_cancel_activity, do_record_activity, do_update_activity
from dangjian.audit.models import AuditEvent
from dangjian.core.exceptions import StaleRecordError

pytestmark = pytest.mark.django_db

STALE = "该活动记录已被他人修改，请刷新页面后重新编辑。"
FIXED = "日期、类型或组织有误的，请作废后重新登记。"
CANCELLED = "该活动已作废，不能修改。"
MAJORITY = "赞成票5票，未超过应到会有表决权党员10名的半数，决议未通过。"
DETAIL_API = "activities-api:activity-detail"


def record(world, org: str = "a1", **extra) -> Activity:
    extra.setdefault("theme", "学习党章")
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code="general_meeting"),
        held_on=timezone.localdate(),
        **extra,
    )


def with_decisions(world) -> Activity:
    return record(
        world,
        decisions=[
            {"text": "修缮活动室"},
            {"text": "表彰张三丰", "voted": True, "eligible": 10, "present_eligible": 8, "votes_for": 6},
        ],
    )


def events(obj, action="update"):
    return list(AuditEvent.objects.for_object(obj).filter(action=action).order_by("id"))


def edit_url(activity) -> str:
    return reverse("activities:activity_edit", args=[activity.pk])


def edit_data(activity, lines=(), **changes) -> dict:
    """The edit page as submitted: the activity as it stands, its decisions, then `lines` (new ones)."""
    data = {
        "version": activity.version,
        "start_time": "",
        "end_time": "",
        "place": activity.place,
        "host": activity.host_id or "",
        "recorder": activity.recorder_id or "",
        "theme": activity.theme,
        "agenda": activity.agenda,
        "minutes": activity.minutes,
        "notice": activity.notice,
    }
    decisions = [
        {"id": d.pk, "text": d.text, "voted": "on" if d.voted else "", **d_counts(d)}
        for d in activity.decisions.order_by("order")
    ]
    initial = len(decisions)
    decisions += list(lines)
    data.update({"decision-TOTAL_FORMS": len(decisions), "decision-INITIAL_FORMS": initial})
    for n, line in enumerate(decisions):
        data.update(
            {f"decision-{n}-{name}": value for name, value in line.items() if value not in (None, "")}
        )
    data.update(changes)
    return data


def d_counts(decision) -> dict:
    names = ("eligible", "present_eligible", "votes_for", "votes_against", "abstentions", "written_for")
    return {name: getattr(decision, name) for name in names}


def patch(client, activity, data):
    url = reverse(DETAIL_API, args=[activity.pk])
    return client.patch(url, data=json.dumps(data), content_type="application/json")


# The service ---------------------------------------------------------------------------------------


def test_edit_changes_the_write_up_and_is_audited(world):
    activity = record(world)
    updated = do_update_activity(
        activity,
        acting_user=world.users["branch_a1_admin"],
        version=1,
        place="村委会会议室",
        host=world["zhang"],
        minutes="传达学习了党章。",
    )
    assert (updated.version, updated.place, updated.host, updated.minutes) == (
        2,
        "村委会会议室",
        world["zhang"],
        "传达学习了党章。",
    )
    [event] = events(activity)
    assert event.username == "branch_a1_admin"
    assert event.changes["place"] == ["", "村委会会议室"]
    assert event.changes["version"] == ["1", "2"]
    assert event.organization_path == world["a1"].path


def test_saving_nothing_new_writes_nothing(world):
    activity = record(world, place="会议室")
    do_update_activity(activity, acting_user=None, version=1, place="会议室")
    assert Activity.objects.get(pk=activity.pk).version == 1
    assert events(activity) == []


def test_a_stale_version_is_refused_and_nothing_changes(world):
    activity = record(world)
    do_update_activity(Activity.objects.get(pk=activity.pk), acting_user=None, version=1, place="甲")
    with pytest.raises(StaleRecordError) as raised:
        do_update_activity(Activity.objects.get(pk=activity.pk), acting_user=None, version=1, place="乙")
    assert raised.value.messages == [STALE]
    assert Activity.objects.get(pk=activity.pk).place == "甲"


def test_a_cancelled_activity_cannot_be_edited(world):
    activity = record(world)
    do_cancel_activity(activity, reason="重复登记", acting_user=None)
    with pytest.raises(ValidationError) as raised:
        do_update_activity(activity, acting_user=None, version=activity.version, place="会议室")
    assert raised.value.messages == [CANCELLED]


@pytest.mark.parametrize("name", ["organization", "activity_type", "held_on"])
def test_organization_type_and_date_are_refused(world, name):
    activity = record(world)
    value = {"organization": world["a2"], "activity_type": ActivityType.objects.get(code="party_lesson")}
    with pytest.raises(ValidationError) as raised:
        do_update_activity(activity, acting_user=None, version=1, **{name: value.get(name, activity.held_on)})
    assert raised.value.message_dict == {name: [FIXED]}


def test_a_host_from_another_branch_is_refused(world):
    activity = record(world)
    with pytest.raises(ValidationError) as raised:
        do_update_activity(activity, acting_user=None, version=1, host=world["wang"])
    assert raised.value.message_dict == {"host": ["须为该党组织的党员。"]}


def test_out_of_scope_user_may_not_edit(world):
    activity = record(world, "b1")
    with pytest.raises(PermissionDenied):
        do_update_activity(activity, acting_user=world.users["town_a_admin"], version=1, place="会议室")
    assert Activity.objects.get(pk=activity.pk).place == ""


def test_decisions_are_edited_and_added_each_audited(world):
    activity = with_decisions(world)
    first, second = activity.decisions.order_by("order")
    do_update_activity(
        activity,
        acting_user=world.users["branch_a1_admin"],
        version=1,
        decisions=[
            {"id": first.pk, "text": "修缮村党群服务中心活动室"},
            {"id": second.pk, "votes_for": 7},
            {"text": "开展慰问", "voted": False},
        ],
    )
    texts = list(activity.decisions.order_by("order").values_list("order", "text", "votes_for"))
    assert texts == [(1, "修缮村党群服务中心活动室", None), (2, "表彰张三丰", 7), (3, "开展慰问", None)]
    [first_event] = events(first)
    assert first_event.changes == {"text": ["修缮活动室", "修缮村党群服务中心活动室"]}
    assert first_event.organization_path == world["a1"].path
    assert events(second)[0].changes == {"votes_for": ["6", "7"]}
    added = activity.decisions.get(order=3)
    assert events(added, "create")[0].changes["text"] == [None, "开展慰问"]
    [activity_event] = events(activity)
    assert activity_event.message == "修改决议2项；新增决议1项"
    assert Activity.objects.get(pk=activity.pk).version == 2


def test_a_decision_of_another_activity_is_refused(world):
    other = with_decisions(world)
    activity = record(world, theme="另一次")
    stranger = other.decisions.first()
    with pytest.raises(ValidationError) as raised:
        do_update_activity(
            activity, acting_user=None, version=1, decisions=[{"id": stranger.pk, "text": "改"}]
        )
    assert "decisions" in raised.value.message_dict
    assert Decision.objects.get(pk=stranger.pk).text == "修缮活动室"


def test_a_failing_vote_is_saved_and_flagged_on_edit(world):
    activity = with_decisions(world)
    vote = activity.decisions.get(order=2)
    do_update_activity(
        activity, acting_user=None, version=1, decisions=[{"id": vote.pk, "votes_for": 5, "votes_against": 3}]
    )
    vote.refresh_from_db()
    assert (vote.votes_for, vote.passed, vote.vote_problems()) == (5, False, [MAJORITY])


# The vote checks: Decision.clean, for recording and editing alike ---------------------------------


BAD_VOTES = [
    (
        {"eligible": 3, "present_eligible": 4, "votes_for": 3},
        "present_eligible",
        "实到会有表决权党员不能多于应到会有表决权党员。",
    ),
    (
        {"eligible": 5, "present_eligible": 3, "votes_for": 3, "votes_against": 1},
        "votes_for",
        "赞成、反对、弃权票数之和不能多于实到会有表决权党员人数。",
    ),
    (
        {"eligible": 5, "present_eligible": 4, "votes_for": 3, "written_for": 2},
        "written_for",
        "书面意见只能来自未到会的有表决权党员。",
    ),
    (
        {"eligible": 5, "votes_for": 3},
        "__all__",
        "经表决的决议须填写应到会、实到会有表决权党员人数和赞成票数。",
    ),
]


@pytest.mark.parametrize(("numbers", "field", "message"), BAD_VOTES)
def test_decision_clean_refuses_impossible_numbers_naming_the_field(numbers, field, message):
    with pytest.raises(ValidationError) as raised:
        Decision(text="表决", voted=True, **numbers).full_clean(exclude=["activity"])
    assert raised.value.message_dict == {field: [message]}


def test_decision_clean_keeps_a_failing_vote():
    decision = Decision(text="表决", voted=True, eligible=10, present_eligible=4, votes_for=4)
    decision.clean()  # no quorum and no majority: kept, and flagged
    assert len(decision.vote_problems()) == 2


@pytest.mark.parametrize(("numbers", "field", "message"), BAD_VOTES)
def test_editing_refuses_impossible_numbers_and_rolls_back(world, numbers, field, message):
    activity = with_decisions(world)
    vote = activity.decisions.get(order=2)
    line = {"id": vote.pk, "eligible": None, "present_eligible": None, "votes_for": None, **numbers}
    with pytest.raises(ValidationError) as raised:
        do_update_activity(activity, acting_user=None, version=1, place="改过", decisions=[line])
    assert raised.value.messages == [message]
    assert Activity.objects.get(pk=activity.pk).place == ""
    assert Decision.objects.get(pk=vote.pk).votes_for == 6


# The page ------------------------------------------------------------------------------------------


def test_the_detail_page_offers_the_edit_to_whoever_may_change_it(world, client_as):
    activity = record(world)
    url = edit_url(activity)
    assert url in client_as("branch_a1_admin").get(activity.get_absolute_url()).content.decode()
    assert url not in client_as("inspector_a").get(activity.get_absolute_url()).content.decode()
    do_cancel_activity(activity, reason="重复登记", acting_user=None)
    assert url not in client_as("branch_a1_admin").get(activity.get_absolute_url()).content.decode()


def test_the_edit_page_shows_the_fields_the_decisions_and_how_to_fix_a_date(world, client_as):
    activity = with_decisions(world)
    response = client_as("branch_a1_admin").get(edit_url(activity))
    assert response.status_code == 200
    form, decisions = response.context["form"], response.context["decisions"]
    assert {"organization", "activity_type", "held_on"} & set(form.fields) == set()
    assert form.initial["version"] == 1
    assert [f.initial.get("text") for f in decisions.forms] == ["修缮活动室", "表彰张三丰", None, None]
    html = response.content.decode()
    cancel = reverse("activities:activity_cancel", args=[activity.pk])
    assert f'日期、类型或组织有误的，请<a href="{cancel}">作废</a>后重新登记' in html
    assert "决议不能删除" in html


def test_saving_the_edit_page_changes_fields_and_decisions_and_warns_of_a_failing_vote(world, client_as):
    activity = with_decisions(world)
    first = activity.decisions.get(order=1)
    data = edit_data(
        activity,
        lines=[
            {
                "text": "接收李四为预备党员",
                "voted": "on",
                "eligible": 10,
                "present_eligible": 8,
                "votes_for": 5,
            }
        ],
        place="村委会会议室",
        **{"decision-0-text": "修缮村党群服务中心活动室"},
    )
    response = client_as("branch_a1_admin").post(edit_url(activity), data, follow=True)
    assert response.redirect_chain == [(activity.get_absolute_url(), 302)]
    activity.refresh_from_db()
    assert (activity.place, activity.version) == ("村委会会议室", 2)
    assert Decision.objects.get(pk=first.pk).text == "修缮村党群服务中心活动室"
    added = activity.decisions.get(order=3)
    assert (added.voted, added.passed) == (True, False)
    html = response.content.decode()
    assert MAJORITY in html  # the warning after saving
    assert "活动记录已修改。" in html
    assert len(events(first)) == 1 and len(events(added, "create")) == 1


def test_the_page_ignores_an_organization_or_date_sent_anyway(world, client_as):
    activity = record(world)
    data = edit_data(activity, held_on="2020-01-01", organization=world["a2"].pk, place="会议室")
    response = client_as("branch_a1_admin").post(edit_url(activity), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.held_on, activity.organization_id, activity.place) == (
        timezone.localdate(),
        world["a1"].pk,
        "会议室",
    )


def test_a_stale_page_is_refused_with_a_message(world, client_as):
    activity = record(world)
    client = client_as("branch_a1_admin")
    data = edit_data(activity, place="甲")
    do_update_activity(activity, acting_user=None, version=1, place="乙")
    response = client.post(edit_url(activity), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [STALE]
    assert STALE in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).place == "乙"


def test_impossible_numbers_are_errors_on_the_decision_line(world, client_as):
    activity = with_decisions(world)
    data = edit_data(activity, **{"decision-1-present_eligible": 11})
    response = client_as("branch_a1_admin").post(edit_url(activity), data)
    assert response.status_code == 200
    errors = response.context["decisions"].forms[1].errors
    assert errors["present_eligible"] == ["实到会有表决权党员不能多于应到会有表决权党员。"]
    assert Decision.objects.get(activity=activity, order=2).present_eligible == 8


def test_a_decision_cannot_be_emptied_away(world, client_as):
    activity = with_decisions(world)
    data = edit_data(activity, **{"decision-0-text": ""})
    response = client_as("branch_a1_admin").post(edit_url(activity), data)
    assert response.status_code == 200
    assert "决议不能删除" in response.context["decisions"].forms[0].errors["text"][0]
    assert activity.decisions.count() == 2


def test_a_cancelled_activity_page_sends_back_and_refuses(world, client_as):
    activity = record(world)
    client = client_as("branch_a1_admin")
    data = edit_data(activity, place="会议室")
    activity = do_cancel_activity(activity, reason="重复登记", acting_user=None)
    assert client.get(edit_url(activity))["Location"] == activity.get_absolute_url()
    response = client.post(edit_url(activity), {**data, "version": activity.version})
    assert response.status_code == 200
    assert CANCELLED in response.content.decode()


@pytest.mark.parametrize(
    ("role", "org", "status"), [("branch_a1_admin", "a2", 404), ("town_a_admin", "b1", 404)]
)
def test_out_of_scope_edit_page_is_not_found(world, client_as, role, org, status):
    activity = record(world, org)
    client = client_as(role)
    assert client.get(edit_url(activity)).status_code == status
    assert client.post(edit_url(activity), edit_data(activity, place="会议室")).status_code == status
    assert Activity.objects.get(pk=activity.pk).place == ""


def test_a_member_may_not_open_the_edit_page(world, client_as):
    activity = record(world)
    client = client_as("member_a1")
    assert client.get(edit_url(activity)).status_code == 403
    assert client.post(edit_url(activity), edit_data(activity, place="会议室")).status_code == 403


# The API -------------------------------------------------------------------------------------------


def test_patch_edits_fields_and_decisions(world, client_as):
    activity = with_decisions(world)
    first = activity.decisions.get(order=1)
    response = patch(
        client_as("branch_a1_admin"),
        activity,
        {
            "version": 1,
            "place": "村委会会议室",
            "decisions": [{"id": first.pk, "text": "修缮村党群服务中心活动室"}, {"text": "开展慰问"}],
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["place"]) == (2, "村委会会议室")
    assert [(d["id"] == first.pk, d["text"]) for d in body["decisions"]] == [
        (True, "修缮村党群服务中心活动室"),
        (False, "表彰张三丰"),
        (False, "开展慰问"),
    ]
    assert len(events(first)) == 1


def test_patch_with_a_stale_version_is_a_conflict(world, client_as):
    activity = record(world)
    client = client_as("branch_a1_admin")
    assert patch(client, activity, {"version": 1, "place": "甲"}).status_code == 200
    response = patch(client, activity, {"version": 1, "place": "乙"})
    assert response.status_code == 409
    assert response.json()["detail"] == STALE
    assert Activity.objects.get(pk=activity.pk).place == "甲"


def test_patch_needs_the_version(world, client_as):
    response = patch(client_as("branch_a1_admin"), record(world), {"place": "甲"})
    assert response.status_code == 400
    assert "version" in response.json()


@pytest.mark.parametrize(
    ("name", "value"), [("organization", None), ("activity_type", "party_lesson"), ("held_on", "2020-01-01")]
)
def test_patch_refuses_organization_type_and_date(world, client_as, name, value):
    activity = record(world)
    value = world["a2"].pk if name == "organization" else value
    response = patch(client_as("branch_a1_admin"), activity, {"version": 1, name: value, "place": "甲"})
    assert response.status_code == 400
    assert response.json() == {name: [FIXED]}
    assert Activity.objects.get(pk=activity.pk).place == ""


def test_patch_of_a_cancelled_activity_is_refused(world, client_as):
    activity = do_cancel_activity(record(world), reason="重复登记", acting_user=None)
    response = patch(client_as("branch_a1_admin"), activity, {"version": activity.version, "place": "甲"})
    assert response.status_code == 400
    assert response.json() == [CANCELLED]


def test_patch_with_impossible_numbers_names_the_field(world, client_as):
    activity = with_decisions(world)
    vote = activity.decisions.get(order=2)
    line = {"id": vote.pk, "present_eligible": 11}
    response = patch(client_as("branch_a1_admin"), activity, {"version": 1, "decisions": [line]})
    assert response.status_code == 400
    assert response.json() == {"present_eligible": ["实到会有表决权党员不能多于应到会有表决权党员。"]}


def test_patch_keeps_a_failing_vote_and_flags_it(world, client_as):
    activity = with_decisions(world)
    vote = activity.decisions.get(order=2)
    line = {"id": vote.pk, "votes_for": 5, "votes_against": 3}
    response = patch(client_as("branch_a1_admin"), activity, {"version": 1, "decisions": [line]})
    assert response.status_code == 200
    decision = response.json()["decisions"][1]
    assert (decision["passed"], decision["vote_problems"]) == (False, [MAJORITY])


@pytest.mark.parametrize(
    ("role", "org", "status"), [("branch_a1_admin", "a2", 404), ("member_a1", "a1", 403)]
)
def test_patch_out_of_scope_or_by_a_member_is_refused(world, client_as, role, org, status):
    activity = record(world, org)
    response = patch(client_as(role), activity, {"version": 1, "place": "甲"})
    assert response.status_code == status
    assert Activity.objects.get(pk=activity.pk).place == ""


# Printing ------------------------------------------------------------------------------------------


def test_the_minutes_template_prints_on_its_own_sheet(world, client_as):
    response = client_as("branch_a1_admin").get(reverse("activities:activity_sheet", args=[world["a1"].pk]))
    html = response.content.decode()
    sheet, minutes = html.index("签到表</h1>"), html.index("会议记录</h2>")
    assert sheet < html.index('<section class="mt-5 print-page-break">') < minutes
    with open(finders.find("dangjian/app.css"), encoding="utf-8") as css:
        print_rules = css.read().split("@media print", 1)[1]
    assert re.search(r"\.print-page-break\s*\{[^}]*break-before:\s*page", print_rules)
