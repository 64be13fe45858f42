"""The models' own rules: vote quorum and majority, the seeded types and national rules, who a rule
applies to, which activities count, and the constraints on attendance."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dangjian.activities.models import Activity, ActivityType, Attendance, Decision, Rule, SpotCheck

pytestmark = pytest.mark.django_db

QUORUM = "到会有表决权党员{present}名，未超过应到会{eligible}名的半数，不能进行表决。"
MAJORITY = "赞成票{votes}票，未超过应到会有表决权党员{eligible}名的半数，决议未通过。"


def vote(**numbers) -> Decision:
    return Decision(text="表决", voted=True, **numbers)


# Votes (支部工作条例 art.11; 发展党员细则 art.20–21) ----------------------------------------------------


def test_a_vote_with_a_quorum_and_a_majority_passes():
    decision = vote(eligible=9, present_eligible=5, votes_for=5)
    assert decision.vote_problems() == []
    assert decision.passed is True


def test_exactly_half_present_is_no_quorum():
    decision = vote(eligible=10, present_eligible=5, votes_for=5, written_for=1)
    assert decision.vote_problems() == [QUORUM.format(present=5, eligible=10)]
    assert decision.passed is False


def test_exactly_half_in_favour_fails():
    decision = vote(eligible=10, present_eligible=8, votes_for=5, votes_against=3)
    assert decision.vote_problems() == [MAJORITY.format(votes=5, eligible=10)]
    assert decision.passed is False


def test_written_opinions_of_absent_members_count_toward_the_majority():
    decision = vote(eligible=10, present_eligible=6, votes_for=5, written_for=1)
    assert decision.vote_problems() == []
    assert vote(eligible=10, present_eligible=6, votes_for=5).vote_problems() == [
        MAJORITY.format(votes=5, eligible=10)
    ]


def test_the_majority_is_of_the_eligible_not_of_those_present():
    # 4 of 7 is more than half of the eligible; 3 of 7 is neither a quorum nor a majority, even though
    # all 3 present voted for it.
    assert vote(eligible=7, present_eligible=4, votes_for=4).passed is True
    assert vote(eligible=7, present_eligible=3, votes_for=3).vote_problems() == [
        QUORUM.format(present=3, eligible=7),
        MAJORITY.format(votes=3, eligible=7),
    ]


def test_a_decision_without_a_vote_has_no_verdict():
    decision = Decision(text="开展志愿服务", voted=False)
    assert decision.vote_problems() == []
    assert decision.passed is None


# Seeded data ---------------------------------------------------------------------------------------


def test_the_glossary_activity_types_are_seeded():
    assert list(ActivityType.objects.values_list("code", "attendee_scope")) == [
        ("general_meeting", "branch"),
        ("committee_meeting", "committee"),
        ("group_meeting", "party_group"),
        ("party_lesson", "branch"),
        ("theme_day", "branch"),
        ("life_meeting", "branch"),
        ("member_review", "branch"),
        ("leadership_life_meeting", "committee"),
        ("central_group_study", "committee"),
        ("heart_talk", "named"),
        ("study_session", "branch"),
    ]


def test_the_national_rules_follow_the_branch_regulation():
    rules = {
        r.activity_type.code: (r.period, r.min_count, r.requires_committee, r.valid_from)
        for r in Rule.objects.filter(owner=None).select_related("activity_type")
    }
    in_force = date(2018, 10, 28)
    assert rules == {
        "general_meeting": ("quarter", 1, False, in_force),
        "committee_meeting": ("month", 1, True, in_force),
        "group_meeting": ("month", 1, False, in_force),
        "party_lesson": ("quarter", 1, False, in_force),
        "theme_day": ("month", 1, False, in_force),
        "life_meeting": ("year", 1, False, in_force),
        "member_review": ("year", 1, False, in_force),
        "leadership_life_meeting": ("year", 1, False, in_force),
    }
    assert Rule.objects.get(activity_type__code="general_meeting").source.endswith("第十一条")


def test_rules_in_force_on_a_day():
    theme_day = Rule.objects.get(activity_type__code="theme_day")
    assert theme_day in Rule.objects.in_force(date(2018, 10, 28))
    assert theme_day not in Rule.objects.in_force(date(2018, 10, 27))
    theme_day.valid_to = date(2030, 1, 1)
    theme_day.save()
    assert theme_day in Rule.objects.in_force(date(2030, 1, 1))
    assert theme_day not in Rule.objects.in_force(date(2030, 1, 2))


# Who a rule applies to -----------------------------------------------------------------------------


def test_applies_to_kind_category_committee_and_subtree(world):
    committee_rule = Rule.objects.get(activity_type__code="committee_meeting")
    assert committee_rule.applies_to(world["a1"]) is False  # no committee
    world["a1"].has_committee = True
    assert committee_rule.applies_to(world["a1"]) is True
    assert committee_rule.applies_to(world["town_a"]) is False  # a 党委 is not a branch

    local = Rule(
        owner=world["town_a"], organization_kinds=["branch"], unit_categories=["community"], period="month"
    )
    assert local.applies_to(world["a2"]) is True
    assert local.applies_to(world["a1"]) is False  # rural
    world["b1"].unit_category = "community"
    assert local.applies_to(world["b1"]) is False  # another township


# Activities ----------------------------------------------------------------------------------------


def make_activity(world, **fields) -> Activity:
    values = {
        "organization": world["a1"],
        "activity_type": ActivityType.objects.get(code="theme_day"),
        "held_on": date(2024, 3, 1),
        "theme": "学习",
    }
    return Activity.objects.create(**(values | fields))


def test_end_time_after_start_time(world):
    activity = make_activity(world, start_time=time(9, 0), end_time=time(9, 0))
    with pytest.raises(ValidationError) as raised:
        activity.clean()
    assert raised.value.message_dict == {"end_time": ["结束时间必须晚于开始时间。"]}
    activity.end_time = time(10, 30)
    activity.clean()


def test_counted_leaves_out_cancelled_and_failed_activities(world):
    standing, cancelled, failed, passed = (make_activity(world, theme=str(n)) for n in range(4))
    cancelled.cancelled_at = "2024-03-02T08:00:00Z"
    cancelled.save()
    SpotCheck.objects.create(
        activity=failed, checked_by=world.users["town_a_admin"], result="failed", comment="x"
    )
    SpotCheck.objects.create(activity=passed, checked_by=world.users["town_a_admin"], result="passed")
    assert set(Activity.objects.current()) == {standing, failed, passed}
    assert set(Activity.objects.counted()) == {standing, passed}
    assert (cancelled.is_cancelled, standing.is_cancelled) == (True, False)


def test_present_cannot_exceed_expected(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(world, expected_count=2, present_count=3)
    make_activity(world, expected_count=3, present_count=3)


def test_attendance_once_per_member_and_absence_needs_a_reason(world):
    activity = make_activity(world)
    Attendance.objects.create(activity=activity, member=world["zhang"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(activity=activity, member=world["zhang"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(activity=activity, member=world["li"], present=False)
    row = Attendance(activity=activity, member=world["li"], present=False)
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert raised.value.messages == ["缺席须注明事由。"]


def test_activities_are_listed_newest_first(world):
    older = make_activity(world, held_on=date(2024, 1, 1))
    newer = make_activity(world, held_on=date(2024, 2, 1))
    assert list(Activity.objects.filter(pk__in=[older.pk, newer.pk])) == [newer, older]
    assert str(newer) == "2024-02-01 主题党日 · 学习"
