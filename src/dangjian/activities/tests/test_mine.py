"""我的组织生活 and a 党员's read-only view of activities (Activity.own_records_q, member_view.py): their
own record in full, their branch's activities in outline, nobody else's absence reasons, nothing to edit.
"""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from dangjian.activities.models import Activity, ActivityType
from dangjian.activities.services import do_record_activity, do_self_check_in
from dangjian.members.models import Member

MINE = reverse("activities:my_activities")


def record(world, org: str, code: str = "general_meeting", days_ago: int = 0, **extra) -> Activity:
    extra.setdefault("theme", "学习党章")
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code=code),
        held_on=timezone.localdate() - timedelta(days=days_ago),
        **extra,
    )


def test_a_member_sees_this_years_activities_with_their_own_attendance(world, client_as):
    present = record(world, "a1", theme="学习新党章")
    do_self_check_in(present, world["li"])
    absent = record(world, "a1", "theme_day", theme="主题党日", absent={world["li"].pk: ("sick", "住院")})
    record(world, "b1", theme="别的支部")
    record(world, "a1", "committee_meeting", theme="支委会")  # li is not a committee member

    response = client_as("member_a1").get(MINE)
    rows = list(response.context["rows"])
    assert {row.activity for row in rows} == {present, absent}
    assert {row.member for row in rows} == {world["li"]}
    html = response.content.decode()
    assert "病假：住院" in html
    assert "别的支部" not in html and "支委会" not in html
    assert "出席率" not in html and "%" not in html  # one's own record, no rates or rankings


def test_the_page_shows_what_is_coming(world, client_as):
    coming = record(world, "a1", theme="七一党课")
    # The service records only what was held; a date set ahead by other means still shows as coming.
    Activity.objects.filter(pk=coming.pk).update(held_on=timezone.localdate() + timedelta(days=10))
    record(world, "b1", theme="别的支部")
    Activity.objects.filter(theme="别的支部").update(held_on=timezone.localdate() + timedelta(days=10))
    response = client_as("member_a1").get(MINE)
    assert list(response.context["coming"]) == [coming]
    assert coming not in {row.activity for row in response.context["rows"]}
    assert "即将开展" in response.content.decode() and "别的支部" not in response.content.decode()


def test_earlier_years_by_parameter(world, client_as):
    client = client_as("member_a1")
    year = timezone.localdate().year
    assert client.get(MINE, {"year": year - 1}).context["year"] == year - 1
    assert client.get(MINE, {"year": year + 1}).context["year"] == year
    assert client.get(MINE, {"year": "abc"}).context["year"] == year


def test_an_account_without_a_member_sees_an_empty_page(world, client_as):
    record(world, "a1")
    for name in ("branch_a1_admin", "nobody"):
        response = client_as(name).get(MINE)
        assert response.status_code == 200
        assert list(response.context["rows"]) == [] and list(response.context["coming"]) == []
        assert "未关联党员信息" in response.content.decode()


def test_navigation_links_the_page_for_members_only(world, client_as):
    assert ">我的组织生活</a>" in client_as("member_a1").get(MINE).content.decode()
    assert ">我的组织生活</a>" not in client_as("branch_a1_admin").get(MINE).content.decode()


# The activity page as a member reads it --------------------------------------------------------------


def test_a_member_reads_their_activity_without_others_absence_reasons(world, client_as):
    activity = record(
        world, "a1", minutes="学习了新党章", absent={world["zhang"].pk: ("personal", "家中有事")}
    )
    response = client_as("member_a1").get(activity.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "activities/activity_detail_member.html"
    assert "学习了新党章" in html and "张三丰" in html and "缺席" in html
    assert "事假" not in html and "家中有事" not in html
    assert "修改历史" not in html and "出席情况</a>" not in html  # no history, no edit buttons


def test_a_member_sees_only_the_outline_of_a_meeting_they_were_not_expected_at(world, client_as):
    committee = record(world, "a1", "committee_meeting", minutes="研究发展对象人选")
    response = client_as("member_a1").get(committee.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200 and committee.theme in html
    assert "研究发展对象人选" not in html and "张三丰" not in html


def test_a_member_cannot_see_another_branch_or_change_anything(world, client_as):
    client = client_as("member_a1")
    outside = record(world, "b1")
    assert client.get(outside.get_absolute_url()).status_code == 404
    own = record(world, "a1")
    assert client.post(reverse("activities:activity_attendance", args=[own.pk])).status_code == 403
    assert (
        client.post(reverse("activities:activity_cancel", args=[own.pk]), {"reason": "x"}).status_code == 403
    )
    assert client.get(reverse("activities:activity_check_in_open", args=[own.pk])).status_code == 403
    own.refresh_from_db()
    assert not own.is_cancelled


def test_an_admin_still_sees_the_full_page(world, client_as):
    activity = record(world, "a1", absent={world["li"].pk: ("sick", "住院")})
    response = client_as("branch_a1_admin").get(activity.get_absolute_url())
    assert response.templates[0].name == "activities/activity_detail.html"
    assert "住院" in response.content.decode()


# The same rule through the API -------------------------------------------------------------------------


def test_the_api_gives_a_member_the_same_view(world, client_as):
    mine = record(world, "a1", minutes="学习了新党章", absent={world["zhang"].pk: ("personal", "家中有事")})
    do_self_check_in(mine, world["li"])
    record(world, "a1", "committee_meeting", theme="支委会", minutes="研究发展对象人选")
    record(world, "b1", theme="别的支部")
    client = client_as("member_a1")

    listed = client.get(reverse("activities-api:activity-list")).json()["results"]
    assert {row["theme"] for row in listed} == {"学习党章", "支委会"}
    assert {row["theme"]: row["minutes"] for row in listed} == {"学习党章": "学习了新党章", "支委会": ""}

    detail = client.get(reverse("activities-api:activity-detail", args=[mine.pk])).json()
    rows = {row["member"]: row for row in detail["attendance"]}
    assert rows[world["zhang"].pk]["present"] is False
    assert rows[world["zhang"].pk]["absence_reason"] == "" and rows[world["zhang"].pk]["absence_note"] == ""
    assert rows[world["li"].pk]["checked_in_at"] is not None
    assert detail["spot_checks"] == []
    admin = client_as("branch_a1_admin").get(reverse("activities-api:activity-detail", args=[mine.pk])).json()
    assert {row["absence_note"] for row in admin["attendance"]} == {"家中有事", ""}


def test_past_years_stay_in_their_year(world, client_as):
    last_year = date(timezone.localdate().year - 1, 6, 1)
    Member.objects.filter(pk=world["li"].pk).update(joined_on=last_year - timedelta(days=30))
    activity = record(world, "a1", days_ago=(timezone.localdate() - last_year).days)
    client = client_as("member_a1")
    assert activity not in {row.activity for row in client.get(MINE).context["rows"]}
    rows = client.get(MINE, {"year": last_year.year}).context["rows"]
    assert activity in {row.activity for row in rows}


def test_the_page_lists_what_the_members_branch_still_has_to_hold(world, client_as):
    due = client_as("member_a1").get(MINE).context["due"]
    assert {organization for organization, _, _ in due} == {world["a1"]}  # not B1's
    assert "主题党日" in {cell.rule.activity_type.name for _, cell, _ in due}
    record(world, "a1", "theme_day", theme="本月主题党日")
    response = client_as("member_a1").get(MINE)
    assert "主题党日" not in {cell.rule.activity_type.name for _, cell, _ in response.context["due"]}
    assert "本支部本期待开展" in response.content.decode()
