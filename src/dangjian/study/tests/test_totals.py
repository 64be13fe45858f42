"""per_member() for the quotas and subtree totals, against a hand-built world; character counting."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dangjian.activities.services import do_cancel_activity
from dangjian.study.services import (
    do_enroll_members,
    do_record_completions,
    do_record_session_attendance,
    do_write_note,
)
from dangjian.study.texts import char_count
from dangjian.study.totals import per_member, subtree_totals

from .factories import course_with_sessions, plan_with_items, study_session

# A window of the last hundred days: 李四 joined 200 days ago (see core/testing/fixtures.py).
LAST = timezone.localdate()
FIRST = LAST - timedelta(days=100)


def day(n: int) -> date:
    return FIRST + timedelta(days=n)


def test_char_count_removes_whitespace_and_counts_each_character_once():
    assert char_count("学习 党章。") == 5
    assert char_count("　学习\n\t党章 ABC 12 ") == 9  # full-width space, tab and newline removed
    assert char_count("") == 0


def hand_built(world):
    """张三丰: 2 items, a 2.5-hour session, a session without times (2), a cancelled one, 12 course hours.
    李四: 1 item, absent from the first session, 4 course hours. 王五 and 赵六: nothing."""
    plan = plan_with_items(world, "town_a", "一", "二")
    first, second = plan.items.all()
    do_record_completions(first, [world["zhang"], world["li"]], acting_user=None, studied_on=day(1))
    do_record_completions(second, [world["zhang"]], acting_user=None, studied_on=day(2))
    do_record_completions(second, [world["li"]], acting_user=None, studied_on=day(-5))  # outside the window
    study_session(world, "a1", day(3), time(9, 0), time(11, 30), absent={world["li"].pk: "sick"})
    study_session(world, "a1", day(4), None, None)
    cancelled = study_session(world, "a1", day(5))
    do_cancel_activity(cancelled, reason="重复登记", acting_user=None)
    study_session(world, "a1", day(-10))  # outside the window
    course, (half_day, full_day) = course_with_sessions(world, "town_a", start=day(10))
    do_enroll_members(course, [world["zhang"], world["li"]], acting_user=None)
    do_record_session_attendance(half_day, acting_user=None)
    do_record_session_attendance(full_day, acting_user=None, absent_ids=[world["li"].pk])
    do_write_note(
        acting_user=None, member=world["zhang"], kind="study_note", title="笔记", text="学习 党章。"
    )
    do_write_note(
        acting_user=None,
        member=world["li"],
        kind="reflection",
        title="心得",
        text="心得体会十个字符号。",
        written_on=day(20),
    )


def test_per_member_counts_items_and_hours(world, django_assert_num_queries):
    hand_built(world)
    with django_assert_num_queries(5):
        result = per_member(world["root"].path, FIRST, LAST)
    zhang, li = result[world["zhang"].pk], result[world["li"].pk]
    assert (zhang.items, zhang.course_hours, zhang.session_hours, zhang.hours) == (
        2,
        Decimal("12"),
        Decimal("4.5"),
        Decimal("16.5"),
    )
    assert (li.items, li.course_hours, li.session_hours) == (1, Decimal("4"), Decimal("2"))
    assert zhang.leading_cadre and not li.leading_cadre
    assert (result[world["zhao"].pk].items, result[world["zhao"].pk].hours) == (0, 0)
    assert set(per_member(world["a1"].path, FIRST, LAST)) == {world["zhang"].pk, world["li"].pk}


def test_per_member_caps_a_day_at_eight_hours(world):
    study_session(world, "a1", day(3), time(8, 0), time(19, 0))
    assert per_member(world["a1"].path, FIRST, LAST)[world["zhang"].pk].session_hours == Decimal("8")


def test_subtree_totals_per_child(world, django_assert_num_queries):
    hand_built(world)
    children = [world["town_a"], world["town_b"]]
    with django_assert_num_queries(4):
        result, total = subtree_totals(world["root"], FIRST, LAST, children)
    town_a = result[world["town_a"].pk]
    assert (town_a.notes, town_a.reflections) == (1, 1)
    assert town_a.characters == 5 + 10
    assert town_a.session_person_times == 1 + 2  # day 3: 张三丰 only; day 4: both; the cancelled one: none
    assert town_a.course_person_times == 2 + 1
    assert world["town_b"].pk not in result
    assert total.as_dict()["person_times"] == 6
