"""Roster search (initials, pinyin, name, 身份证号 blind index, phone) and the list filters."""

from datetime import date
from types import SimpleNamespace
from unittest import mock

import pytest
from django.urls import reverse

from dangjian.core.testing import member_fields
from dangjian.members.filtersets import AGE_BAND_CHOICES, MemberFilterSet
from dangjian.members.models import Member
from dangjian.members.services import do_change_member_status, do_create_member


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("zsf", {"张三丰"}),
        ("ZSF", {"张三丰"}),
        ("zs", {"张三丰"}),
        ("zhangsan", {"张三丰"}),
        ("zh", {"张三丰", "赵六"}),
        ("张", {"张三丰"}),
        ("张三丰", {"张三丰"}),
        ("三丰", set()),
        ("13812345678", {"张三丰"}),
        ("1381234", set()),
        ("", {"张三丰", "李四", "王五", "赵六"}),
    ],
)
def test_search(world, text, found):
    assert names(Member.objects.search(text)) == found


def test_search_by_exact_id_number(world):
    number = world["zhang"].id_number
    assert names(Member.objects.search(number)) == {"张三丰"}
    assert names(Member.objects.search(number[:-1] + ("0" if number[-1] != "0" else "1"))) == set()
    assert names(Member.objects.search(number[:10])) == set()


def test_search_by_id_number_with_lower_case_x(world):
    fields = member_fields(
        "钱九", "female", date(1949, 12, 31), seq=2, organization=world["a2"], joined_on=date(1970, 1, 1)
    )
    fields.update(id_number="11010519491231002X", confirmed_on=date(1971, 1, 1))
    do_create_member(acting_user=None, **fields)
    assert names(Member.objects.search("11010519491231002x")) == {"钱九"}


def test_search_stays_inside_the_scope(world):
    visible = Member.objects.visible_to(world.users["town_a_admin"])
    assert names(visible.search("zh")) == {"张三丰"}
    assert names(visible.search(world["zhao"].id_number)) == set()


def filtered(world, user="county_admin", **params) -> set[str]:
    queryset = Member.objects.visible_to(world.users[user])
    return names(MemberFilterSet(params, queryset=queryset).qs)


def test_filter_by_status(world):
    assert filtered(world, status=["probationary"]) == {"李四"}
    assert filtered(world, status=["full", "probationary"]) == {"张三丰", "李四", "王五", "赵六"}
    do_change_member_status(
        world["wang"], status="left", changed_on=date(2024, 1, 1), reason="出党", acting_user=None
    )
    assert filtered(world, status=["left"]) == {"王五"}


def test_filter_by_category(world):
    assert filtered(world, category=["retired"]) == {"王五"}
    assert filtered(world, category=["worker", "student"]) == {"张三丰", "赵六"}


def test_filter_by_subtree(world):
    assert filtered(world, organization=world["town_a"].pk) == {"张三丰", "李四", "王五"}
    assert filtered(world, organization=world["a1"].pk) == {"张三丰", "李四"}
    assert filtered(world, organization=999999) == set()


def test_subtree_filter_never_widens_the_scope(world):
    assert filtered(world, "town_a_admin", organization=world["root"].pk) == {"张三丰", "李四", "王五"}
    assert filtered(world, "town_a_admin", organization=world["b1"].pk) == set()


TODAY = date(2025, 6, 15)


@pytest.fixture
def ages(world):
    """Members aged exactly 30, 31, 35, 36, 60 and 61 on TODAY (born on its month/day or the day after)."""
    people = {
        "三十": date(1995, 6, 15),  # 30 today
        "三一": date(1994, 6, 15),  # 31 today
        "三五": date(1989, 6, 16),  # 35, turns 36 tomorrow
        "三六": date(1989, 6, 15),  # 36 today
        "六十": date(1964, 6, 16),  # 60, turns 61 tomorrow
        "六一": date(1964, 6, 15),  # 61 today
    }
    for index, (name, born) in enumerate(people.items()):
        fields = member_fields(
            f"龄{name}",
            "female",
            born,
            seq=600 + index * 2,
            organization=world["b1"],
            joined_on=born.replace(year=born.year + 20),
            confirmed_on=born.replace(year=born.year + 21),
        )
        do_create_member(acting_user=None, **fields)
    return people


def by_band(world, label) -> set[str]:
    index = next(value for value, text in AGE_BAND_CHOICES if text == label)
    queryset = Member.objects.filter(name__startswith="龄")
    with mock.patch("dangjian.members.filtersets.timezone", SimpleNamespace(localdate=lambda: TODAY)):
        return names(MemberFilterSet({"age_band": index}, queryset=queryset).qs)


@pytest.mark.parametrize(
    ("label", "found"),
    [
        ("30岁及以下", {"龄三十"}),
        ("31-35岁", {"龄三一", "龄三五"}),
        ("36-40岁", {"龄三六"}),
        ("56-60岁", {"龄六十"}),
        ("61岁及以上", {"龄六一"}),
    ],
)
def test_age_band_boundaries(ages, world, label, found):
    assert by_band(world, label) == found


def test_list_page_search_and_filters(world, client_as):
    client = client_as("town_a_admin")
    url = reverse("members:member_list")
    assert {m.name for m in client.get(url, {"q": "zsf"}).context["object_list"]} == {"张三丰"}
    assert {m.name for m in client.get(url, {"status": "probationary"}).context["object_list"]} == {"李四"}
    everyone = client.get(url, {"status": "", "category": "", "age_band": "", "q": ""}).context["object_list"]
    assert {m.name for m in everyone} == {"张三丰", "李四", "王五"}


def test_api_search(world, client_as):
    response = client_as("county_admin").get(reverse("members-api:member-list"), {"q": "13600003333"})
    assert [row["name"] for row in response.json()["results"]] == ["赵六"]
