"""The stratified sampling engine: reproducible draws, stratum counts, populations, periods, the record."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.activities.services import do_cancel_activity
from dangjian.core.bench import BenchRun
from dangjian.inspections import sampling
from dangjian.inspections.benchmarks import counts, measure_sampling, naive_draw
from dangjian.inspections.sampling import SampleDraw, SampleSpec, allocate, draw
from dangjian.members.models import Member
from dangjian.study.models import Note

from .sampling_helpers import AS_OF, CADRES, MEMBERS, PERIOD, add_notes, add_people, record_activity

# The leading-cadre draw of `test_digest_is_the_recorded_one`, the same on SQLite and PostgreSQL.
RECORDED_DIGEST = "0aa8b7a02e23805d286f4fa37e61bcf5cd69e6032ae75bf4864b58951793b32c"


def cadres(**options) -> SampleSpec:
    return SampleSpec("leading_cadres", notes_from=PERIOD[0], notes_to=PERIOD[1], as_of=AS_OF, **options)


def members(**options) -> SampleSpec:
    return SampleSpec("members", as_of=AS_OF, **options)


@pytest.fixture
def towns(world):
    add_people(world)
    return [world["town_a"], world["town_b"]]


def people_of(result: SampleDraw) -> list[list[int]]:
    return [stratum.people for stratum in result.strata]


# Reproducibility ---------------------------------------------------------------------------------------
def test_the_same_seed_draws_the_same_sample(towns):
    first, again = draw(towns, members(per_unit=4), 7), draw(list(reversed(towns)), members(per_unit=4), 7)

    assert people_of(first) == people_of(again)
    assert first.digest() == again.digest()
    assert len(first.digest()) == 64


def test_another_seed_draws_another_sample(towns):
    first, other = draw(towns, members(per_unit=4), 7), draw(towns, members(per_unit=4), 8)

    assert people_of(first) != people_of(other)
    assert first.digest() != other.digest()
    assert [len(s.people) for s in first.strata] == [len(s.people) for s in other.strata] == [4, 3]


def test_adding_a_unit_does_not_reshuffle_the_others(world, towns):
    alone = draw([world["town_a"]], members(per_unit=4), 7)
    both = draw(towns, members(per_unit=4), 7)

    assert both.strata[0].people == alone.strata[0].people


def test_the_order_follows_natural_keys_not_ids(world, towns):
    """Ids in each stratum come in the order of the drawn branches' paths and the people's pinyin."""
    result = draw(towns, members(per_unit=20), 1)

    for stratum in result.strata:
        rows = Member.objects.filter(pk__in=stratum.people).values_list(
            "pk", "organization__path", "name_pinyin"
        )
        order = [pk for pk, *_ in sorted(rows, key=lambda row: (row[1], row[2]))]
        assert stratum.people == order


def test_digest_is_the_recorded_one(world, towns):
    """Hashes natural keys only: the same value on SQLite and PostgreSQL, whatever the primary keys."""
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "周一", "吴一"])}
    add_notes(
        world, people | {"陈二": Member.objects.get(name="陈二"), "周二": Member.objects.get(name="周二")}
    )
    record_activity(world, "a1", date(2025, 2, 10), "学习二十届三中全会精神")
    record_activity(world, "b1", date(2025, 3, 10), "重温入党誓词")

    result = draw(towns, cadres(per_unit=3, activities_per_unit=1), 2026)

    assert result.digest() == RECORDED_DIGEST


def test_many_units_read_through_one_range_give_the_same_draw(world, towns, monkeypatch):
    """Above MANY_UNITS the units' organizations are read through one range, which here also holds A2:
    its members stay out."""
    units = [world["a1"], world["b1"]]
    exact = draw(units, members(per_unit=3, activities_per_unit=1), 5)
    monkeypatch.setattr(sampling, "MANY_UNITS", 0)

    spanned = draw(units, members(per_unit=3, activities_per_unit=1), 5)

    assert spanned == exact
    assert [s.population for s in spanned.strata] == [8, 3]  # A1: 张三丰, 李四 and six more; B1: three


# Stratum counts ----------------------------------------------------------------------------------------
def test_per_unit_draws_the_quota_and_a_small_stratum_whole(towns):
    result = draw(towns, members(per_unit=5), 3)

    assert [s.population for s in result.strata] == [MEMBERS["town_a"], MEMBERS["town_b"]]
    assert [s.quota for s in result.strata] == [5, 3]
    assert [len(s.people) for s in result.strata] == [5, 3]
    assert len(set(result.strata[0].people)) == 5
    town_b = set(
        Member.objects.active()
        .filter(organization__path__startswith=towns[1].path)
        .values_list("pk", flat=True)
    )
    assert set(result.strata[1].people) == town_b


def test_a_total_is_allocated_in_proportion(towns):
    result = draw(towns, members(total=8), 3)

    # 8 × 13/16 = 6.5 and 8 × 3/16 = 1.5: both remainders are equal, the earlier unit gets the extra one
    assert [len(s.people) for s in result.strata] == [7, 1]


def test_largest_remainder_allocation():
    assert allocate(10, [50, 30, 20]) == [5, 3, 2]
    assert allocate(10, [44, 36, 20]) == [4, 4, 2]  # 4.4, 3.6, 2.0: the larger remainder
    assert allocate(10, [45, 35, 20]) == [5, 3, 2]  # 4.5, 3.5, 2.0: equal remainders, the earlier unit
    assert allocate(7, [1, 1, 100]) == [0, 0, 7]
    assert allocate(36, [10, 5, 0]) == [10, 5, 0]  # more than everyone: everyone
    assert allocate(5, [0, 0]) == [0, 0]
    assert sum(allocate(1000, [29520, 29940, 29642, 3, 30000])) == 1000


def test_leading_cadres_hold_a_current_committee_post(world, towns):
    """Not an ended post, nor one starting after the day, nor 党小组组长."""
    result = draw(towns, cadres(per_unit=20), 1)

    assert [s.population for s in result.strata] == [CADRES["town_a"], CADRES["town_b"]]
    names = set(Member.objects.filter(pk__in=result.strata[0].people).values_list("name", flat=True))
    assert names == {"张三丰", "王五", "陈一", "陈二", "周一", "周二"}


# Notes and activities -----------------------------------------------------------------------------------
def test_notes_in_the_period_split_into_notes_and_reflections(world, towns):
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "陈二", "周一", "周二", "吴一"])}
    notes = add_notes(world, people)

    result = draw(towns, cadres(per_unit=20), 1)

    drawn = {pk for s in result.strata for pk in s.notes + s.reflections}
    assert drawn == {note.pk for note in notes["in"]}
    kinds = dict(Note.objects.values_list("pk", "kind"))
    assert {kinds[pk] for s in result.strata for pk in s.notes} == {"study_note"}
    assert {kinds[pk] for s in result.strata for pk in s.reflections} == {"reflection"}
    assert [(len(s.notes), len(s.reflections)) for s in result.strata] == [(6, 6), (2, 2)]


def test_notes_of_people_not_drawn_stay_out(world, towns):
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "陈二", "周一", "周二", "吴一"])}
    add_notes(world, people)

    result = draw(towns, cadres(per_unit=1), 1)

    for stratum in result.strata:
        authors = set(
            Note.objects.filter(pk__in=stratum.notes + stratum.reflections).values_list("member", flat=True)
        )
        assert authors == set(stratum.people)


def test_activities_per_unit_in_the_period(world, towns):
    kept = [
        record_activity(world, "a1", date(2025, 1, 10), "主题党日一"),
        record_activity(world, "a2", date(2025, 2, 10), "主题党日二"),
        record_activity(world, "a1", date(2025, 3, 10), "主题党日三"),
        record_activity(world, "b1", date(2025, 4, 10), "主题党日四"),
    ]
    record_activity(world, "b1", date(2024, 12, 10), "期间之前")
    cancelled = record_activity(world, "b1", date(2025, 5, 10), "已作废")
    do_cancel_activity(cancelled, reason="录入错误", acting_user=None)

    result = draw(towns, cadres(per_unit=0, activities_per_unit=2), 5)

    assert [s.activity_population for s in result.strata] == [3, 1]
    assert [len(s.activities) for s in result.strata] == [2, 1]
    assert set(result.strata[0].activities) < {a.pk for a in kept[:3]}
    assert result.strata[1].activities == [kept[3].pk]
    assert result.people_count == 0


def test_queries_do_not_grow_with_the_units(world, towns):
    spec = cadres(per_unit=2, activities_per_unit=1)
    with CaptureQueriesContext(connection) as few:
        draw([world["town_b"]], spec, 1)
    with CaptureQueriesContext(connection) as more:
        draw([world["a1"], world["a2"], world["b1"]], spec, 1)

    assert len(more.captured_queries) == len(few.captured_queries) <= 7


# The sentence and the record ----------------------------------------------------------------------------
def test_describe_counts_what_was_drawn(world, towns):
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "陈二", "周一", "周二", "吴一"])}
    add_notes(world, people)
    record_activity(world, "a1", date(2025, 1, 10), "主题党日")

    assert draw(towns, cadres(per_unit=20), 1).describe() == "抽查2个单位8名领导干部的学习笔记8篇、心得8篇"
    with_activities = draw(towns, cadres(per_unit=20, activities_per_unit=3), 1).describe()
    assert with_activities == "抽查2个单位8名领导干部的学习笔记8篇、心得8篇，组织生活1次"
    no_notes = members(per_unit=1, notes_to=date(2024, 1, 1))  # before every note
    assert draw(towns, no_notes, 1).describe() == "抽查2个单位2名党员"
    only_activities = draw(towns, members(per_unit=0, activities_per_unit=3), 1).describe()
    assert only_activities == "抽查2个单位的组织生活1次"
    assert draw([], members(per_unit=1), 1).describe() == "抽查0个单位，未抽到样本"


def test_json_round_trip(world, towns):
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "陈二", "周一", "周二", "吴一"])}
    add_notes(world, people)
    result = draw(towns, cadres(total=5, activities_per_unit=1), 11)

    stored = json.loads(json.dumps(result.to_json()))
    again = SampleDraw.from_json(stored)

    assert again == result
    assert again.digest() == result.digest()
    assert again.spec.notes_from == PERIOD[0] and again.spec.as_of == AS_OF
    assert stored["description"] == result.describe()
    # The stored spec reproduces the draw.
    assert draw(towns, again.spec, again.seed).digest() == result.digest()


def test_as_of_defaults_to_the_day_of_the_draw(towns):
    result = draw(towns, SampleSpec("members", per_unit=1), 1)

    assert result.spec.as_of is not None
    assert SampleDraw.from_json(result.to_json()).spec.as_of == result.spec.as_of


def test_a_write_between_counting_and_fetching_draws_again(towns, monkeypatch):
    calls, original = [], sampling.pick

    def changed_once(*args):
        calls.append(1)
        if len(calls) == 1:
            raise sampling.SampleChanged("抽样期间数据发生变化，请重新抽取。")
        return original(*args)

    monkeypatch.setattr(sampling, "pick", changed_once)

    assert people_of(draw(towns, members(per_unit=2), 1)) == people_of(draw(towns, members(per_unit=2), 1))
    assert len(calls) == 3  # the first draw tried twice


# Refusals -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"population": "everyone", "per_unit": 1}, "抽样对象"),
        ({"population": "members"}, "只填写一项"),
        ({"population": "members", "per_unit": 1, "total": 5}, "只填写一项"),
        ({"population": "members", "per_unit": -1}, "每单位抽取人数须为不小于0的整数"),
        (
            {
                "population": "members",
                "per_unit": 1,
                "notes_from": date(2025, 2, 1),
                "notes_to": date(2025, 1, 1),
            },
            "开始日期",
        ),
    ],
)
def test_spec_refuses_what_cannot_be_drawn(options, message):
    with pytest.raises(ValueError, match=message):
        SampleSpec(**options)


def test_units_must_not_contain_each_other(world):
    with pytest.raises(ValueError, match="A1村党支部属于A镇党委"):
        draw([world["town_a"], world["a1"]], SampleSpec("members", per_unit=1), 1)


# The bench ----------------------------------------------------------------------------------------------
def test_bench_sampling_figures_and_the_baselines_counts(world, towns):
    people = {m.name: m for m in Member.objects.filter(name__in=["陈一", "陈二", "周一", "周二", "吴一"])}
    add_notes(world, people)
    record_activity(world, "a1", date(2025, 1, 10), "主题党日")
    lines = []
    run = BenchRun("supervision", "demo", runs=1, log=lines.append)

    measure_sampling(run)

    figures = {figure.name: figure for figure in run.figures}
    assert figures["sample_1000_people_ms"].target == 1000
    assert {"sample_1000_members_ms", "sample_1000_people_peak_rss_mb", "sample_notes_drawn"} <= set(figures)
    # every cadre (fewer than 1,000), on today's posts: 周三's post that starts on 2026-01-01 counts
    assert figures["sample_people_drawn"].value == CADRES["town_a"] + CADRES["town_b"] + 1
    assert [c.name for c in run.comparisons] == ["sample_1000_people", "sample_1000_members"]
    assert any("sample_1000_people digest (seed 2026): " in line for line in lines)


def test_the_baseline_counts_the_same_strata(world, towns):
    spec = cadres(total=5, activities_per_unit=2)

    assert naive_draw(towns, spec) == counts(draw(towns, spec, 1))
