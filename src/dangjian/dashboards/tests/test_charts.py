"""Every chart's numbers equal the records counted another way (plain ORM counts, the compliance engine's
cells), for A镇党委's subtree only, and each chart costs a fixed number of queries."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.activities import compliance
from dangjian.activities.choices import Verdict
from dangjian.activities.models import Attendance
from dangjian.core.figures import Figure, figures
from dangjian.dashboards.charts import COMPLIANCE_GROUPS, Span, all_charts, one_chart, session_hours
from dangjian.dashboards.headline import headlines
from dangjian.development.models import DevelopmentFile
from dangjian.members.choices import AGE_BANDS
from dangjian.members.models import Member
from dangjian.study import totals as study_totals
from dangjian.study.models import Note
from dangjian.tasks.models import Assignment

pytestmark = pytest.mark.django_db


def age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def by_key(org, today=None):
    return {chart.key: chart for chart in all_charts(org, today or timezone.localdate())}


def points(chart, series=0) -> dict:
    return dict(zip(chart.categories, chart.series[series].data, strict=True))


def test_organizations_by_kind(world, records):
    chart = by_key(world["town_a"])["organizations"]
    assert points(chart) == {"党委": 1, "党支部": 2, "党小组": 1}
    assert points(by_key(world["root"])["organizations"]) == {"党委": 3, "党支部": 3, "党小组": 1}


def test_members_by_status_sex_and_age_band(world, records):
    today = timezone.localdate()
    found = by_key(world["town_a"])
    members = list(Member.objects.filter(organization__in=[world["a1"], world["a2"], world["a1_group"]]))
    assert points(found["members_status"]) == {
        "正式党员": sum(m.status == "full" for m in members),
        "预备党员": sum(m.status == "probationary" for m in members),
    }
    assert points(found["members_sex"]) == {
        "男": sum(m.sex == "male" for m in members),
        "女": sum(m.sex == "female" for m in members),
    }
    expected = {
        label: sum(low <= age(m.birth_date, today) <= high for m in members) for label, low, high in AGE_BANDS
    }
    assert points(found["members_age"]) == expected
    assert sum(expected.values()) == 3  # 张三丰, 李四, 王五; 赵六 is under B镇党委


def test_compliance_rates_are_the_engines_verdicts(world, records):
    today = timezone.localdate()
    span = Span(today)
    chart = by_key(world["town_a"], today)["compliance"]
    matrix = compliance.compute(world["town_a"], span.first, today, today=today)
    month = span.labels.index(f"{records.theme_month.year}年{records.theme_month.month}月")
    for series, (group, codes) in zip(chart.series, COMPLIANCE_GROUPS.items(), strict=True):
        assert series.name.startswith(group)
        for i, label in enumerate(span.labels):
            cells = [
                cell
                for cell in matrix.cells
                if cell.rule.activity_type.code in codes
                and f"{cell.window.end.year}年{cell.window.end.month}月" == label
            ]
            met = sum(cell.verdict == Verdict.MET for cell in cells)
            missed = sum(cell.verdict == Verdict.MISSED for cell in cells)
            assert series.data[i] == (round(met * 100 / (met + missed), 1) if met + missed else None)
    theme = chart.series[1].data
    assert theme[month] == 50.0  # A1 held its 主题党日, A2 did not
    assert theme[-1] is None  # this month has not ended


def test_study_by_month(world, records):
    today = timezone.localdate()
    chart = by_key(world["town_a"], today)["study"]
    month = chart.categories.index(f"{records.study_day.year}年{records.study_day.month}月")
    present = Attendance.objects.filter(
        present=True,
        activity__activity_type__code="study_session",
        activity__organization__in=[world["a1"], world["a2"]],
        activity__held_on=records.study_day,
    ).count()
    assert present == 3
    assert chart.series[0].data[month] == present
    # 学时 as the study app counts them, member by member: 2 + 2 (A1, 9:00–11:00) + 2 (A2, default).
    per_member = study_totals.per_member(world["town_a"].path, records.study_day, records.study_day)
    hours = sum(study.hours for study in per_member.values())
    assert chart.series[3].data[month] == float(hours) == 6.0
    notes = Note.objects.filter(organization__in=[world["a1"], world["a2"]], written_on=records.study_day)
    assert chart.series[1].data[month] == notes.filter(kind="study_note").count() == 1
    assert chart.series[2].data[month] == notes.filter(kind="reflection").count() == 1
    assert sum(chart.series[0].data) == present  # nothing else in the twelve months


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (time(9), time(11, 30), "2.5"),
        (None, time(11), "2"),
        (time(11), time(9), "2"),
        (time(8), time(20), "8"),
    ],
)
def test_session_hours_follow_the_study_rule(start, end, hours):
    assert session_hours(start, end) == Decimal(hours)


def test_development_pipeline(world, records):
    chart = by_key(world["town_a"])["development"]
    expected = DevelopmentFile.objects.filter(
        organization__in=[world["a1"], world["a2"]], stage="applicant"
    ).count()
    assert points(chart)["入党申请人"] == expected == 2
    assert sum(chart.series[0].data) == 2


def test_tasks_by_month_of_issue(world, records):
    today = timezone.localdate()
    chart = by_key(world["town_a"], today)["tasks"]
    month = chart.categories.index(f"{records.issued_on.year}年{records.issued_on.month}月")
    copies = Assignment.objects.filter(organization__in=[world["a1"], world["a2"]])
    assert chart.series[0].data[month] == copies.count() == 2
    assert chart.series[1].data[month] == copies.filter(status="done").count() == 1
    assert chart.series[2].data[month] == copies.overdue(today).count() == 1
    assert sum(chart.series[0].data) == 2


def test_one_chart_matches_the_whole_dashboard(world, records):
    today = timezone.localdate()
    whole = by_key(world["town_a"], today)
    for key, chart in whole.items():
        assert one_chart(world["town_a"], key, today).as_dict() == chart.as_dict()
    assert one_chart(world["town_a"], "ranking", today) is None


def test_query_count_does_not_grow_with_the_tree(world, records, django_assert_max_num_queries):
    """Grouped queries: the root (three towns' worth of rows) costs what one branch costs."""
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as small:
        all_charts(world["a1"], today)
    with CaptureQueriesContext(connection) as large:
        all_charts(world["root"], today)
    assert len(large) == len(small) <= 20


def test_headlines_read_the_registry_where_a_figure_is_registered(world, records, monkeypatch):
    today = timezone.localdate()
    charts = all_charts(world["town_a"], today)
    monkeypatch.delitem(figures, "members.total", raising=False)
    fallback = {h.key: h for h in headlines(world["town_a"], today, charts)}["members.total"]
    assert (fallback.value, fallback.registered) == (3, False)
    figure = Figure("members.total", "党员总数", "名", lambda org, period: 42, link=lambda org, period: "/x/")
    monkeypatch.setitem(figures, "members.total", figure)
    found = {h.key: h for h in headlines(world["town_a"], today, charts)}["members.total"]
    assert (found.value, found.link, found.registered) == (42, "/x/", True)


def test_no_chart_ranks_organizations_or_people(world, records):
    """rules.md §10: the categories are kinds, stages, bands and months, never an organization or a person."""
    names = {org.name for org in world.orgs.values()} | {m.name for m in world.members.values()}
    names |= {user.get_full_name() for user in world.users.values()}
    for chart in all_charts(world["root"], timezone.localdate()):
        assert not names & set(chart.categories), chart.key
        assert not names & {series.name for series in chart.series}, chart.key
