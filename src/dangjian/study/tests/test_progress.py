"""Plans flowing down, audiences, completion and the "学完规定篇目" rates (per person, branch, subtree)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.members.choices import PositionTitle
from dangjian.members.services import do_assign_position
from dangjian.study.choices import Audience
from dangjian.study.models import StudyCompletion
from dangjian.study.progress import assigned_items, branch_progress, subtree_progress
from dangjian.study.services import do_record_completions

from .factories import YEAR, plan_with_items, study_session


def titles(member):
    return sorted(item.title for item in assigned_items(member, YEAR))


def test_plans_above_flow_down_to_every_member_below(world):
    plan_with_items(world, "root", "县委篇目")
    plan_with_items(world, "town_a", "A镇篇目")
    plan_with_items(world, "a1", "A1篇目")
    assert titles(world["zhang"]) == ["A1篇目", "A镇篇目", "县委篇目"]
    assert titles(world["wang"]) == ["A镇篇目", "县委篇目"]
    assert titles(world["zhao"]) == ["县委篇目"]


def test_unpublished_plans_and_other_years_assign_nothing(world):
    plan_with_items(world, "root", "草稿", publish=False)
    plan_with_items(world, "root", "去年", year=YEAR - 1)
    assert titles(world["zhang"]) == []


def test_leading_cadres_only_reaches_secretaries_and_committee_members(world):
    plan_with_items(world, "town_a", "书记委员篇目", audience=Audience.LEADING_CADRES)
    # 张三丰 and 王五 are secretaries; 李四 holds no post.
    assert titles(world["zhang"]) == ["书记委员篇目"]
    assert titles(world["wang"]) == ["书记委员篇目"]
    assert titles(world["li"]) == []
    do_assign_position(
        member=world["li"],
        organization=world["a1"],
        title=PositionTitle.ORGANIZATION_MEMBER,
        started_on=date(2024, 1, 1),
        acting_user=None,
    )
    assert titles(world["li"]) == ["书记委员篇目"]


def test_a_party_group_or_subtree_audience(world):
    plan_with_items(world, "town_a", "小组篇目", audience=Audience.ORGANIZATION, target="a1_group")
    plan_with_items(world, "root", "A2篇目", audience=Audience.ORGANIZATION, target="a2")
    assert titles(world["zhang"]) == ["小组篇目"]  # in A1第一党小组
    assert titles(world["wang"]) == ["A2篇目"]
    assert titles(world["zhao"]) == []


def test_an_audience_outside_the_owners_subtree_is_refused(world):
    with pytest.raises(ValidationError, match="范围内"):
        plan_with_items(world, "town_a", "越界", audience=Audience.ORGANIZATION, target="b1")


def test_completion_by_the_branch_in_bulk_and_the_rates(world):
    plan = plan_with_items(world, "town_a", "第一篇", "第二篇")
    first, second = plan.items.all()
    do_record_completions(
        first,
        [world["zhang"], world["li"]],
        acting_user=world["branch_a1_admin"],
        studied_on=date(YEAR, 3, 1),
    )
    do_record_completions(
        second, [world["zhang"]], acting_user=world["branch_a1_admin"], studied_on=date(YEAR, 3, 2)
    )
    progress = branch_progress(world["a1"], YEAR)
    by_name = {row.member.name: (row.completed, len(row.assigned)) for row in progress.members}
    assert by_name == {"张三丰": (2, 2), "李四": (1, 2)}
    assert [(row.item.title, row.completed, row.assigned) for row in progress.items] == [
        ("第一篇", 2, 2),
        ("第二篇", 1, 2),
    ]
    assert progress.rate == 3 / 4
    children, total = subtree_progress(world["town_a"], YEAR, [world["a1"], world["a2"]])
    assert (children[world["a1"].pk].completed, children[world["a1"].pk].assigned) == (3, 4)
    assert (children[world["a2"].pk].completed, children[world["a2"].pk].assigned) == (0, 2)
    assert (total.completed, total.assigned) == (3, 6)


def test_recording_twice_keeps_the_first_and_is_not_an_error(world):
    item = plan_with_items(world, "a1", "篇目").items.get()
    do_record_completions(item, [world["li"]], acting_user=world["member_a1"], studied_on=date(YEAR, 3, 1))
    do_record_completions(item, [world["li"]], acting_user=world["member_a1"], studied_on=date(YEAR, 4, 1))
    assert list(StudyCompletion.objects.values_list("studied_on", flat=True)) == [date(YEAR, 3, 1)]


def test_a_member_records_only_their_own_completion(world):
    item = plan_with_items(world, "a1", "篇目").items.get()
    with pytest.raises(PermissionDenied):
        do_record_completions(
            item, [world["zhang"]], acting_user=world["member_a1"], studied_on=date(YEAR, 3, 1)
        )
    assert not StudyCompletion.objects.exists()


def test_an_item_not_assigned_is_refused_naming_the_member(world):
    item = plan_with_items(world, "a1", "A1篇目").items.get()
    with pytest.raises(ValidationError) as error:
        do_record_completions(
            item, [world["zhang"], world["wang"]], acting_user=None, studied_on=date(YEAR, 3, 1)
        )
    assert "王五：《A1篇目》不是该党员的学习篇目。" in error.value.messages
    assert not StudyCompletion.objects.exists()  # all or nothing


def test_completion_in_a_session_takes_the_sessions_day(world):
    item = plan_with_items(world, "a1", "篇目").items.get()
    session = study_session(world, "a1", date(YEAR, 5, 6))
    do_record_completions(item, [world["zhang"]], acting_user=None, method="session", activity=session)
    completion = StudyCompletion.objects.get()
    assert (completion.studied_on, completion.activity) == (date(YEAR, 5, 6), session)
    other = study_session(world, "b1", date(YEAR, 5, 7))
    with pytest.raises(ValidationError, match="不能登记参加该次集中学习"):
        do_record_completions(item, [world["li"]], acting_user=None, method="session", activity=other)


def test_subtree_progress_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    plan_with_items(world, "root", "一", "二", audience=Audience.EVERYONE)
    plan_with_items(world, "root", "三", audience=Audience.LEADING_CADRES)
    children = [world["town_a"], world["town_b"]]
    with django_assert_max_num_queries(7):
        result, total = subtree_progress(world["root"], YEAR, children)
    # 4 members × 2 items + 3 secretaries × 1
    assert total.assigned == 11
    assert result[world["town_a"].pk].assigned == 3 * 2 + 2
