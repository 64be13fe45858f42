"""Pages and API: the public form (anonymous, rate-limited, duplicates refused), the follow-up code, the
observer's own page, the inbox and handling page, statistics with export; out of scope is a 404."""

import json
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.feedback import services
from dangjian.feedback.models import Feedback

from .factories import appoint, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(world):
    return services.do_create_feedback_link(acting_user=None, organization=world["a1"], title="村务公开栏")


def post_public(client, link, content="村口路灯坏了，请尽快修复。", **extra):
    data = {"category": "service", "subject": "路灯", "content": content, **extra}
    return client.post(reverse("feedback:public_submit", args=[link.code]), data, REMOTE_ADDR="198.51.100.7")


def test_public_form_submits_anonymously_and_shows_the_follow_up_code_once(world, link):
    client = Client()
    assert "向A1村党支部提出意见建议" in client.get(link.get_absolute_url()).content.decode()
    response = post_public(client, link, contact="13800001111")
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    code = re.search(r'<strong class="fs-4[^"]*">([0-9A-F]+)</strong>', page).group(1)
    feedback = Feedback.objects.get()
    assert (
        feedback.channel == "public"
        and feedback.submitted_by is None
        and feedback.organization == world["a1"]
    )
    events = AuditEvent.objects.filter(object_type="feedback.feedback")
    assert [(e.user_id, e.ip_address) for e in events] == [(None, None)]
    assert "198.51.100.7" not in json.dumps(list(Feedback.objects.values()), default=str)
    # The follow-up page: the answer, then the rating.
    services.do_reply_feedback(feedback, acting_user=None, text="已联系供电所修复。")
    follow_up = reverse("feedback:public_follow_up")
    assert "已联系供电所修复" in client.post(follow_up, {"code": code}).content.decode()
    assert "回访码不正确" in client.post(follow_up, {"code": "0000000000000"}).content.decode()
    client.post(follow_up, {"code": code, "satisfaction": "satisfied"})
    assert Feedback.objects.get().satisfaction == "satisfied"


def test_duplicate_content_and_too_many_submissions_are_refused(world, link):
    client = Client()
    post_public(client, link)
    again = post_public(client, link, content="村口路灯坏了，请尽快修复。 ")
    assert "相同内容刚刚已经提交过" in again.content.decode()
    for n in range(4):
        post_public(client, link, content=f"第{n}条意见")
    refused = post_public(client, link, content="第六条意见")
    assert "提交过于频繁" in refused.content.decode()
    assert Feedback.objects.count() == 5
    # Another client is not limited by the first one.
    other = Client().post(
        reverse("feedback:public_submit", args=[link.code]),
        {"category": "other", "subject": "建议", "content": "第六条意见"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert other.status_code == 200 and Feedback.objects.count() == 6


def test_public_api_submits_and_refuses_duplicates(world, link):
    url = reverse("feedback-api:public-submit", args=[link.code])
    body = {"category": "conduct", "subject": "作风", "content": "办事窗口经常无人。"}
    first = Client().post(url, body, content_type="application/json")
    assert first.status_code == 201 and len(first.json()["follow_up_code"]) == 12
    assert Client().post(url, body, content_type="application/json").status_code == 429
    assert Client().post(reverse("feedback-api:public-submit", args=["NOPE"]), body).status_code == 404


def test_observer_submits_in_the_app_and_rates_the_answer(world, client_as):
    observer = appoint(world)
    client = client_as("nobody")
    assert (
        "组织工作观察员（示范县委聘任）" in client.get(reverse("feedback:feedback_submit")).content.decode()
    )
    response = client.post(
        reverse("feedback:feedback_submit"),
        {
            "source": f"observer:{observer.pk}",
            "organization": world["a1"].pk,
            "category": "organization",
            "subject": "三会一课记录不全",
            "content": "建议规范记录。",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(observer=observer)
    services.do_reply_feedback(feedback, acting_user=world["branch_a1_admin"], text="已整改。")
    assert "已整改" in client.get(reverse("feedback:mine")).content.decode()
    client.post(reverse("feedback:feedback_rate", args=[feedback.pk]), {"satisfaction": "basic"})
    assert Feedback.objects.get(pk=feedback.pk).satisfaction == "basic"
    # Someone else cannot rate it.
    other = client_as("member_a1").post(
        reverse("feedback:feedback_rate", args=[feedback.pk]), {"satisfaction": "x"}
    )
    assert other.status_code == 404


def test_inbox_marks_overdue_and_filters(world, client_as):
    submit(world, "a1", subject="逾期事项", on=date(2025, 3, 3))
    client = client_as("branch_a1_admin")
    page = client.get(reverse("feedback:feedback_list") + "?overdue=on").content.decode()
    assert "逾期事项" in page and "逾期</span>" in page
    assert "逾期事项" not in client.get(reverse("feedback:feedback_list") + "?status=closed").content.decode()


def test_handling_through_the_pages(world, client_as):
    feedback = submit(world, "town_a")
    client = client_as("town_a_admin")
    client.post(reverse("feedback:feedback_route", args=[feedback.pk]), {"to_organization": world["a1"].pk})
    client.post(
        reverse("feedback:feedback_reply", args=[feedback.pk]),
        {"text": "已办理", "answered_on": "2025-03-10"},
    )
    client.post(reverse("feedback:feedback_close", args=[feedback.pk]), {"note": "办结"})
    feedback.refresh_from_db()
    assert (feedback.organization, feedback.status, feedback.answered_on) == (
        world["a1"],
        "closed",
        date(2025, 3, 10),
    )
    page = client.get(feedback.get_absolute_url()).content.decode()
    assert "A镇党委 → A1村党支部" in page and "已办理" in page


def test_out_of_scope_is_not_found_in_ui_and_api(world, client_as):
    outside = submit(world, "b1")
    client = client_as("town_a_admin")
    assert client.get(outside.get_absolute_url()).status_code == 404
    response = client.post(reverse("feedback:feedback_reply", args=[outside.pk]), {"text": "x"})
    assert response.status_code == 404
    assert client.get(reverse("feedback-api:feedback-detail", args=[outside.pk])).status_code == 404
    assert (
        client.post(
            reverse("feedback-api:feedback-reply", args=[outside.pk]),
            {"text": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )
    stats = reverse("feedback:stats") + f"?organization={world['town_b'].pk}"
    assert client.get(stats).status_code == 404
    assert (
        client.get(reverse("feedback-api:stats-list") + f"?organization={world['town_b'].pk}").status_code
        == 404
    )
    assert not Feedback.objects.get(pk=outside.pk).replies.exists()


def test_api_route_reply_close_and_stats(world, client_as):
    feedback = submit(world, "a1", on=date(2025, 9, 26))
    client = client_as("county_admin")
    post = lambda action, body: client.post(  # noqa: E731
        reverse(f"feedback-api:feedback-{action}", args=[feedback.pk]), body, content_type="application/json"
    )
    assert (
        post("route", {"to_organization": world["a2"].pk, "reason": "属A2"}).json()["organization"]
        == world["a2"].pk
    )
    body = post("reply", {"text": "已答复", "answered_on": "2025-10-23"}).json()
    assert body["status"] == "answered" and body["replies"][0]["text"] == "已答复"
    assert post("close", {"note": "办结"}).json()["status"] == "closed"
    stats = client.get(
        reverse("feedback-api:stats-list")
        + f"?organization={world['root'].pk}&first=2025-01-01&last=2025-12-31"
    ).json()
    assert stats["total"]["received"] == 1 and stats["total"]["answered_in_time"] == 1


def test_api_appoints_and_ends_an_observer(world, client_as):
    client = client_as("town_a_admin")
    created = client.post(
        reverse("feedback-api:observer-list"),
        {
            "organization": world["town_a"].pk,
            "name": "王观察",
            "phone": "13912345678",
            "term_starts_on": "2025-01-01",
            "term_ends_on": "2027-12-31",
            "observed": [world["a1"].pk, world["a2"].pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["masked_phone"] == "139****5678"
    assert "13912345678" not in created.content.decode()
    pk = created.json()["id"]
    ended = client.post(
        reverse("feedback-api:observer-end", args=[pk]),
        {"ended_on": "2025-06-30"},
        content_type="application/json",
    )
    assert ended.json()["status"] == "ended"


def test_stats_page_and_export(world, client_as):
    submit(world, "a1", on=date(2025, 3, 3))
    client = client_as("county_admin")
    url = reverse("feedback:stats") + f"?organization={world['root'].pk}&first=2025-01-01&last=2025-12-31"
    page = client.get(url).content.decode()
    assert "A1村党支部" in page and "按期答复率" in page
    export = client.get(url.replace("/stats/", "/stats/export/"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_as("inspector_a").get(url.replace("/stats/", "/stats/export/")).status_code == 403


def test_the_full_contact_is_shown_on_request_to_a_pi_holder_and_audited(world, client_as):
    feedback, _code = services.do_submit_feedback(
        acting_user=None,
        channel="public",
        organization=world["a1"],
        category="other",
        subject="路灯",
        content="村口路灯坏了",
        contact="13800001111",
    )
    url = feedback.get_absolute_url()
    assert "13800001111" not in client_as("inspector_a").get(url + "?contact=1").content.decode()
    client = client_as("branch_a1_admin")
    assert "138****1111" in client.get(url).content.decode()
    assert "13800001111" in client.get(url + "?contact=1").content.decode()
    assert AuditEvent.objects.filter(action="view_pi", object_type="feedback.feedback").count() == 1


def test_a_deactivated_code_takes_no_more_submissions(world, link, client_as):
    client = client_as("town_a_admin")
    assert "停用</button>" in client.get(reverse("feedback:link_list")).content.decode()
    client.post(reverse("feedback:link_deactivate", args=[link.pk]))
    assert Client().get(link.get_absolute_url()).status_code == 404
    assert post_public(Client(), link).status_code == 404


def test_a_member_is_offered_only_their_own_feedback_pages(world, client_as):
    page = client_as("member_a1").get(reverse("feedback:mine")).content.decode()
    assert reverse("feedback:mine") in page
    # Pages that would refuse a 党员 (statistics, observers, public codes) are not linked for them.
    for name in ("feedback:stats", "feedback:observer_list", "feedback:link_list"):
        assert reverse(name) not in page
    admin_page = client_as("town_a_admin").get(reverse("feedback:mine")).content.decode()
    assert reverse("feedback:stats") in admin_page
