"""The table engine on hand-built records: totals, buckets at their exact boundaries, the as-of-date
reconstruction, and tracing from a cell to the records it counts."""

import random
from datetime import date

import pytest

from dangjian.core.validators import make_id_number
from dangjian.members.choices import AGE_BANDS, MemberStatus
from dangjian.members.models import Member, Transfer
from dangjian.members.services import TransferMember, do_change_member_status, do_create_member
from dangjian.statistics import buckets
from dangjian.statistics.engine import TABLE_KEYS, compute_tables

from .helpers import assert_adds_up, assert_traced

pytestmark = pytest.mark.django_db

DAY = date(2025, 12, 31)
_seq = iter(range(300, 499))


def seq(sex="male") -> int:
    """A fresh 身份证 order code of the right parity (odd for men)."""
    return 2 * next(_seq) + (sex == "male")


def person(world, branch, name, born, joined, *, sex="male", confirmed=None, **extra) -> Member:
    """A member written straight to the table (odd data allowed: no clean())."""
    if confirmed is None and extra.get("status", "full") == "full":
        confirmed = date(joined.year + 1, joined.month, min(joined.day, 28))
    return Member.objects.create(
        name=name,
        sex=sex,
        birth_date=born,
        id_number=make_id_number(born, "female" if sex == "female" else "male", seq=seq(sex)),
        organization=world[branch],
        joined_on=joined,
        confirmed_on=confirmed,
        **extra,
    )


def tables_of(organization, day=DAY, start=None, **kwargs):
    return {t.key: t for t in compute_tables(organization, day, start, **kwargs)}


def test_every_table_adds_up_and_traces_in_the_test_world(world):
    tables = tables_of(world["root"])
    assert tuple(tables) == TABLE_KEYS
    for table in tables.values():
        assert_adds_up(table)
        assert_traced(table, world["root"], DAY)
    members = tables["members"]
    # zhang, wang, zhao on 31 December 2025; 李四 joined in 2026
    assert members.value("total", "total") == 3
    assert members.value("total", "sex:female") == 1
    assert members.value("student", "total") == 1
    town_a = tables_of(world["town_a"])
    assert town_a["members"].value("total", "total") == 2


def test_members_without_education_or_category_fall_in_unknown_and_totals_still_add_up(world):
    person(world, "a1", "甲", date(1970, 1, 1), date(2000, 1, 1), category="", education="")
    person(world, "a1", "乙", date(1970, 1, 1), date(2000, 1, 1), category="nonsense", ethnicity="")
    tables = tables_of(world["town_a"])
    for table in tables.values():
        assert_adds_up(table)
    members = tables["members"]
    assert [r.key for r in members.rows][-1] == "unknown"
    assert members.value("unknown", "total") == 2
    assert tables["education"].value("total", "education:unknown") == 2 + 2  # zhang, wang have none
    assert members.value("total", "ethnicity:unknown") == 1
    # an optional row or column that counts nothing is left out
    assert "unknown" not in [r.key for r in tables_of(world["town_b"])["members"].rows]


def test_age_bands_on_exact_birthdays_match_member_age_on(world):
    """The SQL band of every birthday around each boundary (and 29 February) equals Python's age."""
    from django.db.models import DateField, Value

    days = [DAY, date(2028, 2, 28), date(2028, 2, 29), date(2027, 2, 28), date(2027, 3, 1)]
    rng = random.Random(8)
    for day in days:
        births = [date(2000, 2, 29), date(1996, 2, 29), date(1997, 3, 1), date(1997, 2, 28)]
        for _label, low, high in AGE_BANDS:
            for years in (low, high + 1) if high < 200 else (low,):
                base = date(day.year - years, day.month, min(day.day, 28))
                births += [date.fromordinal(base.toordinal() + shift) for shift in (-1, 0, 1)]
        births += [date.fromordinal(rng.randint(711_000, DAY.toordinal())) for _ in range(20)]
        one_row = Member.objects.filter(pk=world["zhang"].pk).order_by()
        for born in (b for b in births if b <= day):
            band = (
                one_row.annotate(born=Value(born, output_field=DateField()))
                .annotate(band=buckets.age_band(day, "born"))
                .values_list("band", flat=True)
                .get()
            )
            age = Member(birth_date=born).age_on(day)
            expected = next(f"age_{low}" for _l, low, high in AGE_BANDS if low <= age <= high)
            assert band == expected, (born, day, age, band)


def test_age_band_at_the_event_date_counts_whole_years(world):
    """发展 table: the age on the day of joining; 35 on the day is still 31–35, 36 the next day is not."""
    on = date(2025, 3, 1)
    person(world, "a1", "三十五", date(1990, 3, 1), on, status=MemberStatus.PROBATIONARY)
    person(world, "a1", "差一天", date(1989, 3, 2), on, status=MemberStatus.PROBATIONARY)
    person(world, "a1", "满三十六", date(1989, 3, 1), on, status=MemberStatus.PROBATIONARY)
    person(world, "a1", "闰日", date(1996, 2, 29), date(2025, 2, 28), status=MemberStatus.PROBATIONARY)
    admitted = tables_of(world["town_a"])["admitted"]
    assert admitted.value("total", "total") == 4
    assert admitted.value("total", "age:age_31") == 2  # 35 on the day, and 35 a day before turning 36
    assert admitted.value("total", "age:age_36") == 1
    assert admitted.value("total", "age:age_0") == 1  # 28 February 2025: still 28 (birthday on 1 March)
    assert_adds_up(admitted)
    assert_traced(admitted, world["town_a"], DAY)


@pytest.mark.parametrize(
    ("joined", "period"),
    [
        (date(1949, 9, 30), "before_1949"),
        (date(1949, 10, 1), "to_1978"),
        (date(1978, 12, 17), "to_1978"),
        (date(1978, 12, 18), "to_2012"),
        (date(2012, 11, 7), "to_2012"),
        (date(2012, 11, 8), "since_2012"),
    ],
)
def test_join_periods_split_on_the_founding_day_and_the_opening_days(world, joined, period):
    member = person(world, "b1", "老党员", date(1925, 1, 1), joined)
    table = tables_of(world["town_b"], keys={"join_period"})["join_period"]
    assert table.value("total", f"join_period:{period}") == 1 + (period == "since_2012")  # + 赵六 (2021)
    assert Member.objects.filter(pk=member.pk).annotate(p=buckets.join_period()).get().p == period


def test_as_of_date_reconstructs_status_and_organization(world):
    """Left, joined, confirmed, transferred within and into the system after the reference date."""
    left = person(world, "a1", "后出党", date(1960, 1, 1), date(1990, 1, 1))
    do_change_member_status(
        left, status=MemberStatus.LEFT, changed_on=date(2026, 2, 1), reason="除名", acting_user=None
    )
    person(world, "a1", "后入党", date(2000, 1, 1), date(2026, 1, 15), status=MemberStatus.PROBATIONARY)
    person(world, "a1", "期末预备", date(2000, 1, 1), date(2025, 6, 1), confirmed=date(2026, 6, 1))
    moved = person(world, "a1", "后转走", date(1980, 1, 1), date(2005, 1, 1))
    TransferMember(moved, None, date(2026, 3, 1), to_organization=world["b1"]).execute()
    do_create_member(
        acting_user=None,
        transferred_in_from="外省某党支部",
        transferred_in_on=date(2026, 2, 1),
        **{
            "name": "后转入",
            "sex": "male",
            "birth_date": date(1985, 1, 1),
            "id_number": make_id_number(date(1985, 1, 1), "male", seq=seq()),
            "organization": world["a2"],
            "joined_on": date(2010, 1, 1),
            "confirmed_on": date(2011, 1, 1),
        },
    )
    at_day = tables_of(world["town_a"])["members"]
    # zhang, wang + 后出党 (still in on the day), 期末预备 (预备 then), 后转走 (still in A1 then)
    assert at_day.value("total", "total") == 5
    assert at_day.value("total", "status:probationary") == 1
    assert tables_of(world["town_b"])["members"].value("total", "total") == 1  # 赵六 only
    later = date(2026, 6, 30)
    now_a = tables_of(world["town_a"], later)["members"]
    # zhang, wang, 李四, 后入党, 期末预备 (full from 1 June), 后转入; not 后出党 nor 后转走
    assert now_a.value("total", "total") == 6
    assert now_a.value("total", "status:full") == 4
    assert tables_of(world["town_b"], later)["members"].value("total", "total") == 2
    balance = tables_of(world["town_a"], later, date(2026, 1, 1))["balance"]
    assert_adds_up(balance)
    assert balance.value("total", "start") == 5
    assert balance.value("total", "in:admitted") == 2  # 李四, 后入党
    assert balance.value("total", "in:transferred_in") == 1
    assert balance.value("total", "out:left") == 1
    assert balance.value("total", "out:moved_out") == 1
    assert balance.value("total", "end") == 6
    assert_traced(balance, world["town_a"], later, date(2026, 1, 1))
    town_b = tables_of(world["town_b"], later, date(2026, 1, 1))["balance"]
    assert town_b.value("total", "in:moved_in") == 1
    assert Transfer.objects.filter(member=moved).count() == 1


def test_flows_count_admissions_confirmations_and_leaving_in_the_period(world):
    person(world, "a1", "新党员", date(1995, 5, 5), date(2025, 5, 1), status=MemberStatus.PROBATIONARY)
    person(world, "a1", "转正", date(1993, 1, 1), date(2024, 7, 1), confirmed=date(2025, 7, 1), sex="female")
    gone = person(world, "a2", "去世", date(1940, 1, 1), date(1970, 1, 1))
    do_change_member_status(
        gone, status=MemberStatus.DECEASED, changed_on=date(2025, 8, 1), reason="病故", acting_user=None
    )
    tables = tables_of(world["town_a"])
    assert tables["admitted"].value("total", "total") == 1
    assert tables["confirmed"].value("total", "sex:female") == 1
    assert tables["leaving"].value("total", "way:deceased") == 1
    assert tables["leaving"].value("total", "age:age_61") == 1
    for key in ("admitted", "confirmed", "leaving"):
        assert_adds_up(tables[key])
        assert_traced(tables[key], world["town_a"], DAY)


def test_organizations_on_the_date_by_kind_and_unit_category(world):
    from dangjian.organizations.services import do_create_organization

    do_create_organization(
        acting_user=None,
        parent=world["town_a"],
        code="XW-A-03",
        name="新成立支部",
        kind="branch",
        unit_category="school",
        founded_on=date(2026, 3, 1),
    )
    before = tables_of(world["root"], keys={"organizations"})["organizations"]
    after = tables_of(world["root"], date(2026, 6, 30), keys={"organizations"})["organizations"]
    # 县委, two 镇党委, three 支部 (the 党小组 is listed apart)
    assert before.value("total", "total") == 6
    assert before.value("total", "kind:party_group") == 1
    assert before.value("rural", "kind:committee") == 2
    assert after.value("total", "total") == 7
    assert after.value("school", "kind:branch") == 1
    assert_adds_up(after)
    assert_traced(after, world["root"], date(2026, 6, 30))
