"""自助签到 through the host's link: opened by whoever may change the activity, used by a member on the
list from a phone; once however often it is hit, and it changes nothing the secretary recorded.

Who may open which page is the permission matrix (accounts/tests/test_scope.py); here, what they do.
Concurrent hits on PostgreSQL: test_concurrency.py.
"""

import time
from datetime import timedelta

from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.models import Activity, ActivityType, Attendance
from dangjian.activities.services import do_cancel_activity, do_record_activity
from dangjian.activities.views_checkin import make_token

OPTIONAL = "自助签到仅为方便，出勤以支部记录为准"


def meeting(world, org: str = "a1", days_ago: int = 0, **extra) -> Activity:
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code="general_meeting"),
        held_on=timezone.localdate() - timedelta(days=days_ago),
        theme="学习党章",
        **extra,
    )


def link(activity: Activity) -> str:
    return reverse("activities:self_check_in", args=[make_token(activity)])


def own_row(world, activity: Activity) -> Attendance:
    return Attendance.objects.get(activity=activity, member=world["li"])


# The host ---------------------------------------------------------------------------------------------


def test_host_opens_a_link_shown_as_qr_code_and_text(world, client_as):
    activity = meeting(world)
    response = client_as("branch_a1_admin").get(
        reverse("activities:activity_check_in_open", args=[activity.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200 and response.context["open"]
    assert "<svg" in html and "签到二维码" in html  # drawn on the server, nothing fetched
    url = response.context["url"]
    assert url.startswith("http://testserver/activities/check-in/") and url in html
    assert OPTIONAL in html
    assert "no-store" in response["Cache-Control"]
    # The link leads to the member's page.
    path = url.removeprefix("http://testserver")
    assert client_as("member_a1").get(path).status_code == 200


def test_activity_page_offers_the_link_on_the_day_only(world, client_as):
    client = client_as("branch_a1_admin")
    today, old = meeting(world), meeting(world, days_ago=3)
    assert "开启自助签到" in client.get(today.get_absolute_url()).content.decode()
    assert "开启自助签到" not in client.get(old.get_absolute_url()).content.decode()
    response = client.get(reverse("activities:activity_check_in_open", args=[old.pk]))
    assert response.status_code == 200 and not response.context["open"]
    assert "<svg" not in response.content.decode()


def test_host_sees_who_checked_in_and_polling_stops_with_the_link(world, client_as):
    activity = meeting(world)
    client_as("member_a1").post(link(activity))
    client = client_as("branch_a1_admin")
    status = reverse("activities:activity_check_in_status", args=[activity.pk])
    live = client.get(status, {"until": int(time.time()) + 600})
    assert [row.member for row in live.context["checked_in"]] == [world["li"]]
    assert "已签到 1 人" in live.content.decode() and 'hx-trigger="every 5s"' in live.content.decode()
    over = client.get(status, {"until": int(time.time()) - 1}).content.decode()
    assert "hx-trigger" not in over and "签到链接已过期" in over
    # An `until` far ahead is capped at the link's lifetime; a missing one polls nothing.
    assert client.get(status, {"until": 10**12}).context["until"] <= time.time() + 2 * 3600
    assert client.get(status).context["poll"] is None


# The member ---------------------------------------------------------------------------------------------


def test_a_member_checks_in_once_however_often_the_link_is_hit(world, client_as):
    activity = meeting(world)
    client = client_as("member_a1")
    url = link(activity)
    for _ in range(3):
        page = client.get(url)
        assert page.status_code == 200 and OPTIONAL in page.content.decode()
    assert own_row(world, activity).checked_in_at is None  # a GET changes nothing

    first = client.post(url, follow=True)
    stamped = own_row(world, activity).checked_in_at
    assert stamped is not None
    assert f"已签到（{timezone.localtime(stamped):%H:%M}）" in first.content.decode()
    assert "签到成功" in first.content.decode()
    for _ in range(5):
        again = client.post(url, follow=True)
        assert again.status_code == 200 and "签到成功" not in again.content.decode()
        assert "已签到（" in again.content.decode()
    assert Attendance.objects.filter(activity=activity, member=world["li"]).count() == 1
    assert own_row(world, activity).checked_in_at == stamped
    activity.refresh_from_db()
    assert (activity.expected_count, activity.present_count) == (2, 2)


def test_a_check_in_changes_nothing_the_secretary_recorded(world, client_as):
    activity = meeting(world, absent={world["li"].pk: ("personal", "外出")})
    client_as("member_a1").post(link(activity))
    row = own_row(world, activity)
    assert row.checked_in_at is not None
    assert (row.present, row.absence_reason) == (False, "personal")
    activity.refresh_from_db()
    assert activity.present_count == 1


def test_an_expired_link_says_so(world, client_as, monkeypatch):
    activity = meeting(world)
    real = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: real - 2 * 3600 - 60)
    url = link(activity)
    monkeypatch.undo()
    client = client_as("member_a1")
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "签到链接已过期，请联系主持人" in response.content.decode()
    assert own_row(world, activity).checked_in_at is None


def test_a_link_works_only_on_and_just_after_the_activitys_day(world, client_as):
    client = client_as("member_a1")
    assert client.get(link(meeting(world, days_ago=1))).status_code == 200
    response = client.post(link(meeting(world, days_ago=2)))
    assert response.status_code == 410 and "签到链接已过期" in response.content.decode()


def test_a_member_not_on_the_list_is_refused(world, client_as):
    outside = meeting(world, "b1")
    client = client_as("member_a1")
    for response in (client.get(link(outside)), client.post(link(outside))):
        assert response.status_code == 403
        assert "你不在本次活动的应到人员名单中" in response.content.decode()
        assert outside.theme not in response.content.decode()
    assert not Attendance.objects.filter(activity=outside, member=world["li"]).exists()


def test_an_account_without_a_member_cannot_check_in(world, client_as):
    response = client_as("branch_a1_admin").post(link(meeting(world)))
    assert response.status_code == 403 and "未关联党员" in response.content.decode()


def test_a_cancelled_activity_takes_no_check_in(world, client_as):
    activity = meeting(world)
    url = link(activity)
    do_cancel_activity(activity, reason="重复登记", acting_user=None)
    response = client_as("member_a1").post(url)
    assert response.status_code == 410 and "已作废" in response.content.decode()
    assert own_row(world, activity).checked_in_at is None


def test_a_forged_link_is_not_found(world, client_as):
    activity = meeting(world)
    client = client_as("member_a1")
    token = make_token(activity)
    other = meeting(world, "a2")
    forged = token.replace(f"{activity.pk}:", f"{other.pk}:", 1)
    assert client.get(reverse("activities:self_check_in", args=[forged])).status_code == 404
    assert client.get(reverse("activities:self_check_in", args=["12:abc"])).status_code == 404
    foreign = signing.TimestampSigner(salt="another-purpose").sign(str(activity.pk))
    assert client.post(reverse("activities:self_check_in", args=[foreign])).status_code == 404


def test_the_check_in_needs_login_and_a_csrf_token(world, client_as):
    activity = meeting(world)
    url = link(activity)
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    client = client_as("member_a1", enforce_csrf_checks=True)
    assert client.post(url).status_code == 403
    assert own_row(world, activity).checked_in_at is None
