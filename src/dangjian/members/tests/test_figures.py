"""Roster figures: the roster read back to period.end (later joins, leaves and transfers), the subtree, each
breakdown, the flows of a period at both edges, and that every value is what its records list."""

from datetime import date

import pytest
from django.utils import timezone

from dangjian.core.figures import Period, compute_figures, figure_keys, get_figure
from dangjian.core.testing import member_fields
from dangjian.members.choices import Education, MemberStatus
from dangjian.members.services import TransferMember, do_change_member_status, do_create_member

pytestmark = pytest.mark.django_db

Y2025 = Period.year(2025)
STOCK = [
    "members.total",
    "members.full",
    "members.probationary",
    "members.female",
    "members.minority",
    "members.age_35_under",
    "members.college",
]


def value(key, org, period=Y2025):
    return get_figure(key).value(org, period)


def names(key, org, period=Y2025) -> set[str]:
    return set(get_figure(key).records(org, period).values_list("name", flat=True))


def add(world, name, branch, seq, **extra):
    fields = {"joined_on": date(2015, 7, 1), "confirmed_on": date(2016, 7, 1)} | extra
    born = fields.pop("born", date(1985, 1, 1))
    sex = fields.pop("sex", "male")
    seq += (seq % 2 == 0) == (sex == "male")  # odd for a man, even for a woman
    return do_create_member(
        acting_user=None, **member_fields(name, sex, born, seq=seq, organization=world[branch], **fields)
    )


def test_world_roster_at_the_end_of_2025(world):
    # 李四 joined in 2026: not on the 2025 roster.
    assert names("members.total", world["root"]) == {"张三丰", "王五", "赵六"}
    assert names("members.total", world["town_a"]) == {"张三丰", "王五"}
    assert names("members.total", world["b1"]) == {"赵六"}
    assert names("members.female", world["root"]) == {"赵六"}
    assert names("members.age_35_under", world["root"]) == {"赵六"}
    assert value("members.probationary", world["root"]) == 0
    # This year 李四 is on it, as a 预备党员.
    this_year = Period.year(timezone.localdate().year)
    assert names("members.probationary", world["a1"], this_year) == {"李四"}


def test_joined_and_confirmed_after_the_end(world):
    add(world, "新一", "a1", 100, joined_on=date(2025, 12, 31), confirmed_on=None, status="probationary")
    add(world, "新二", "a1", 110, joined_on=date(2026, 1, 1), confirmed_on=None, status="probationary")
    add(world, "新三", "a1", 120, joined_on=date(2025, 3, 1), confirmed_on=date(2026, 3, 1))
    assert "新一" in names("members.total", world["a1"])
    assert "新二" not in names("members.total", world["a1"])
    # 新三 was still 预备 on 2025-12-31 though 正式 now.
    assert names("members.probationary", world["a1"]) == {"新一", "新三"}
    assert "新三" not in names("members.full", world["a1"])
    assert value("members.full", world["a1"]) + value("members.probationary", world["a1"]) == value(
        "members.total", world["a1"]
    )
    assert names("members.admitted", world["a1"]) == {"新一", "新三"}  # 2026-01-01 is outside


def test_leaving_before_and_after_the_end(world):
    early = add(world, "早走", "a2", 130)
    late = add(world, "晚走", "a2", 140)
    do_change_member_status(
        early, status=MemberStatus.DECEASED, changed_on=date(2025, 12, 31), reason="病故", acting_user=None
    )
    do_change_member_status(
        late, status=MemberStatus.LEFT, changed_on=date(2026, 1, 1), reason="除名", acting_user=None
    )
    roster = names("members.total", world["a2"])
    assert "晚走" in roster  # left the day after the end: still there on it
    assert "早走" not in roster  # died on the last day: gone by its end
    assert names("members.left", world["a2"]) == {"早走"}
    assert names("members.deceased", world["a2"]) == {"早走"}
    assert names("members.left", world["a2"], Period.year(2026)) == {"晚走"}
    assert names("members.left", world["b1"]) == set()


def test_transfers_read_back_to_the_end(world):
    before = TransferMember(
        member=world["wang"], acting_user=None, transferred_on=date(2025, 6, 1), to_organization=world["b1"]
    ).execute()
    assert before.pk
    after = add(world, "后转", "a1", 150)
    TransferMember(
        member=after, acting_user=None, transferred_on=date(2026, 2, 1), to_organization=world["b1"]
    ).execute()
    # 王五 moved to B1 in 2025: counted there at its end; 后转 moved in 2026: still A1's at the end of 2025.
    assert names("members.total", world["town_a"]) == {"张三丰", "后转"}
    assert names("members.total", world["town_b"]) == {"赵六", "王五"}
    assert names("members.total", world["town_b"], Period.year(2026)) >= {"赵六", "王五", "后转"}
    assert value("members.total", world["root"]) == 4
    # Across the border of each town in 2025: 王五 out of A, into B; 2026: 后转.
    assert value("members.transferred_out", world["town_a"]) == 1
    assert value("members.transferred_in", world["town_b"]) == 1
    assert value("members.transferred_in", world["root"]) == 0  # inside the county: no border crossed
    assert value("members.transferred_out", world["town_a"], Period.year(2026)) == 1


def test_transfer_out_of_the_system_after_the_end(world):
    leaver = add(world, "外调", "b1", 160)
    TransferMember(
        member=leaver, acting_user=None, transferred_on=date(2026, 3, 1), to_name="外省某支部"
    ).execute()
    assert "外调" in names("members.total", world["b1"])
    assert "外调" not in names("members.total", world["b1"], Period.year(2026))
    assert value("members.transferred_out", world["b1"], Period.year(2026)) == 1


def test_transferred_in_from_outside_after_the_end(world):
    do_create_member(
        acting_user=None,
        transferred_in_from="外省某支部",
        transferred_in_on=date(2026, 2, 1),
        **member_fields(
            "外来",
            "male",
            date(1980, 1, 1),
            seq=541,
            organization=world["a1"],
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
        ),
    )
    assert "外来" not in names("members.total", world["root"])  # outside the system on 2025-12-31
    assert "外来" in names("members.total", world["a1"], Period.year(2026))
    assert value("members.transferred_in", world["a1"], Period.year(2026)) == 1


def test_breakdowns(world):
    add(world, "少数", "a2", 170, ethnicity="03", education=Education.COLLEGE, sex="female")
    # 36 on 2025-12-31 exactly: not 35 or under; a day younger: still 35.
    add(world, "三十六", "a2", 180, born=date(1989, 12, 31), education=Education.SECONDARY)
    add(world, "三十五", "a2", 190, born=date(1990, 1, 1), education=Education.POSTGRADUATE)
    assert names("members.minority", world["root"]) == {"少数"}
    assert names("members.college", world["root"]) == {"少数", "三十五"}
    assert names("members.age_35_under", world["a2"]) == {"三十五"}
    assert names("members.female", world["town_a"]) == {"少数"}


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "a2", "town_b", "b1"])
def test_every_member_figure_is_what_its_records_list(world, org):
    add(world, "例一", "a1", 200, joined_on=date(2025, 5, 1), confirmed_on=None, status="probationary")
    leaver = add(world, "例二", "b1", 210)
    do_change_member_status(
        leaver, status=MemberStatus.LEFT, changed_on=date(2025, 8, 1), reason="退党", acting_user=None
    )
    for key in figure_keys("members."):
        figure = get_figure(key)
        assert figure.value(world[org], Y2025) == figure.recount(world[org], Y2025), key
    values = compute_figures(STOCK, world["root"], Y2025)
    assert values["members.total"] == 4


def test_a_few_queries_whatever_the_tree(world, django_assert_max_num_queries):
    for key in figure_keys("members."):
        with django_assert_max_num_queries(2):
            get_figure(key).value(world["root"], Y2025)
