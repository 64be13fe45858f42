"""The charts of the 工作看板: each a few grouped queries over one organization's subtree, never a loop
over its organizations or people.

A chart is categories (kinds, stages or months) × series of numbers, with a link per point to the records
it counts where a list page can show them. The last twelve months run from the first day of the month
eleven months back to today. Nothing here ranks organizations or people (rules.md §10): every figure is a
total of the subtree.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import reverse

from dangjian.activities import compliance
from dangjian.activities.choices import Verdict
from dangjian.activities.models import Activity
from dangjian.core.dates import years_before
from dangjian.core.tree import subtree_q
from dangjian.development import engine
from dangjian.development.models import DevelopmentFile
from dangjian.members.choices import ACTIVE_STATUSES, AGE_BANDS, MemberStatus, Sex
from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind, OrganizationStatus
from dangjian.organizations.models import Organization
from dangjian.study.choices import DEFAULT_SESSION_HOURS, MAX_ACTIVITY_HOURS, NoteKind
from dangjian.study.models import Note, SessionAttendance
from dangjian.study.totals import STUDY_SESSION
from dangjian.tasks.models import Assignment
from dangjian.tasks.querysets import progress_counts

MONTHS = 12
# 三会一课: 支部党员大会, 支部委员会, 党小组会, 党课; 主题党日 is charted beside it.
COMPLIANCE_GROUPS = {
    "三会一课": ("general_meeting", "committee_meeting", "group_meeting", "party_lesson"),
    "主题党日": ("theme_day",),
}
PIPELINE_STAGES = ("applicant", "activist", "candidate", "probationary", "full")


@dataclass
class Series:
    """One named row of numbers over the chart's categories; `links[i]` lists the records of point i."""

    name: str
    data: list
    kind: str = "bar"  # bar | line | pie
    axis: int = 0  # 0: left axis, 1: right axis (bar and line charts)
    links: list[str] = field(default_factory=list)


@dataclass
class Chart:
    """What one chart shows: its categories, its series and where its records are listed."""

    key: str
    title: str
    unit: str
    categories: list[str]
    series: list[Series]
    note: str = ""
    link: str = ""  # the page listing the chart's records as a whole
    axis_units: tuple[str, ...] = ()  # labels of the value axes (left, right)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "unit": self.unit,
            "note": self.note,
            "link": self.link,
            "axis_units": list(self.axis_units),
            "categories": self.categories,
            "series": [
                {"name": s.name, "kind": s.kind, "axis": s.axis, "data": s.data, "links": s.links}
                for s in self.series
            ],
        }


@dataclass(frozen=True)
class Span:
    """The months a dashboard covers: from the first day of `first` to `today` (both included)."""

    today: date

    @property
    def first(self) -> date:
        return compliance.add_months(self.today.replace(day=1), 1 - MONTHS)

    @property
    def months(self) -> list[date]:
        return [compliance.add_months(self.first, i) for i in range(MONTHS)]

    @property
    def labels(self) -> list[str]:
        return [f"{month.year}年{month.month}月" for month in self.months]

    def index(self) -> dict[tuple[int, int], int]:
        """{(year, month): position in the span}."""
        return {(month.year, month.month): i for i, month in enumerate(self.months)}


def _link(name: str, args=(), **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def _by_month(queryset, date_field: str):
    """The queryset grouped by the year and month of `date_field` (values: y, m)."""
    return (
        queryset.annotate(y=ExtractYear(date_field), m=ExtractMonth(date_field)).values("y", "m").order_by()
    )


# Organizations and members ----------------------------------------------------------------------------
def organizations_chart(organization, span: Span) -> Chart:
    """The subtree's organizations in being, by kind (the root included)."""
    rows = dict(
        Organization.objects.filter(subtree_q(organization.path), status=OrganizationStatus.ACTIVE)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    kinds = [(kind, label) for kind, label in OrganizationKind.choices if rows.get(kind)]
    links = [
        _link("organizations:organization_list", within=organization.code, kind=kind, status="active")
        for kind, _ in kinds
    ]
    return Chart(
        "organizations",
        "党组织数量（按类别）",
        "个",
        [label for _, label in kinds],
        [Series("党组织", [rows[kind] for kind, _ in kinds], links=links)],
        note="本组织及全部下级党组织，不含已撤销的。",
        link=_link("organizations:organization_list", within=organization.code, status="active"),
    )


def member_counts(organization, today: date) -> dict[str, int]:
    """One aggregate query: the active members (正式 and 预备) of the subtree by status, sex and age band."""
    counts = {
        "total": Count("id"),
        **{status: Count("id", filter=Q(status=status)) for status in ACTIVE_STATUSES},
        **{sex: Count("id", filter=Q(sex=sex)) for sex in Sex.values},
    }
    for index, (_, low, high) in enumerate(AGE_BANDS):
        # Aged low..high on `today` ⇔ born after (today − high − 1 years) and on or before (today − low).
        born = Q(birth_date__gt=years_before(today, high + 1), birth_date__lte=years_before(today, low))
        counts[f"band{index}"] = Count("id", filter=born)
    members = Member.objects.filter(subtree_q(organization.path, "organization__path"))
    return members.filter(status__in=ACTIVE_STATUSES).aggregate(**counts)


def _member_link(organization, **query) -> str:
    return _link("members:member_list", organization=organization.pk, **query)


def member_charts(organization, span: Span) -> list[Chart]:
    counts = member_counts(organization, span.today)
    statuses = [MemberStatus.FULL, MemberStatus.PROBATIONARY]
    both = "&".join(f"status={status}" for status in statuses)
    note = "本组织及全部下级党组织在册的正式党员和预备党员（按组织关系所在党组织统计）。"
    return [
        Chart(
            "members_status",
            "党员构成（正式/预备）",
            "名",
            [status.label for status in statuses],
            [
                Series(
                    "党员",
                    [counts[status] for status in statuses],
                    kind="pie",
                    links=[_member_link(organization, status=status) for status in statuses],
                )
            ],
            note=note,
            link=f"{_member_link(organization)}&{both}",
        ),
        Chart(
            "members_sex",
            "党员性别构成",
            "名",
            [label for _, label in Sex.choices],
            [
                Series(
                    "党员",
                    [counts[sex] for sex in Sex.values],
                    kind="pie",
                    links=[f"{_member_link(organization, sex=sex)}&{both}" for sex in Sex.values],
                )
            ],
            note=note,
            link=f"{_member_link(organization)}&{both}",
        ),
        Chart(
            "members_age",
            "党员年龄结构",
            "名",
            [label for label, _, _ in AGE_BANDS],
            [
                Series(
                    "党员",
                    [counts[f"band{i}"] for i in range(len(AGE_BANDS))],
                    links=[f"{_member_link(organization, age_band=i)}&{both}" for i in range(len(AGE_BANDS))],
                )
            ],
            note=f"{note}年龄按{span.today:%Y年%-m月%-d日}的周岁计算。",
            link=f"{_member_link(organization)}&{both}",
        ),
    ]


# Compliance -------------------------------------------------------------------------------------------
def compliance_tallies(organization, span: Span) -> dict[str, list[list[int]]]:
    """{group: [[met, missed, still open] per month]}: the verdicts of the compliance engine for the rules
    of each group's activity types, each period placed in the month it ends in."""
    matrix = compliance.compute(organization, span.first, span.today, today=span.today)
    index = span.index()
    group_of = {code: group for group, codes in COMPLIANCE_GROUPS.items() for code in codes}
    tallies = {group: [[0, 0, 0] for _ in range(MONTHS)] for group in COMPLIANCE_GROUPS}
    for block in matrix.blocks:
        group = group_of.get(block.rule.activity_type.code)
        if group is None:
            continue
        for w, window in enumerate(block.spans):
            i = index.get((window.end.year, window.end.month))
            if i is None:  # a quarter or a year that ends after this month
                continue
            verdicts = block.verdicts[w * block.n : (w + 1) * block.n]
            cell = tallies[group][i]
            cell[0] += verdicts.count(Verdict.MET)
            cell[1] += verdicts.count(Verdict.MISSED)
            cell[2] += verdicts.count(Verdict.OPEN)
    return tallies


def rate(met: int, missed: int) -> float | None:
    """达标率 in per cent (one decimal) of the periods that have ended; None when none has."""
    decided = met + missed
    return round(met * 100 / decided, 1) if decided else None


def compliance_chart(organization, span: Span) -> Chart:
    tallies = compliance_tallies(organization, span)
    links = [
        _link("activities:compliance_matrix", args=[organization.pk], year=month.year)
        for month in span.months
    ]
    series = []
    for group, cells in tallies.items():
        series.append(
            Series(f"{group}达标率", [rate(met, missed) for met, missed, _ in cells], "line", 0, links)
        )
    return Chart(
        "compliance",
        "“三会一课”和主题党日达标率（近12个月）",
        "%",
        span.labels,
        series,
        note=(
            "由合规引擎按现行制度逐组织、逐期间判定：达标率 = 达标的组织期间 ÷（达标 + 未达标）。"
            "季度、年度制度计入期间结束的月份；尚未结束的期间不计入（本月通常为空）。"
        ),
        link=_link("activities:compliance_matrix", args=[organization.pk], year=span.today.year),
        axis_units=("达标率（%）",),
    )


# Study ------------------------------------------------------------------------------------------------
def session_hours(start, end) -> Decimal:
    """学时 of one attended 集中学习, as `study.totals.activity_hours` counts it: end − start, at most a full
    day; the default when either time is missing (or the end is not after the start)."""
    if start is None or end is None or end <= start:
        return DEFAULT_SESSION_HOURS
    seconds = (end.hour - start.hour) * 3600 + (end.minute - start.minute) * 60 + end.second - start.second
    return min(Decimal(seconds) / 3600, MAX_ACTIVITY_HOURS)


def study_months(organization, span: Span) -> dict[str, list]:
    """{"person_times", "hours", "notes", "reflections"} per month of the span: three grouped queries.

    集中学习 are read per activity with their stored 实到 (present_count, kept by the activities services),
    grouped by month and times: a few hundred rows instead of every attendance row."""
    index, path, days = span.index(), organization.path, (span.first, span.today)
    found = {name: [0] * MONTHS for name in ("person_times", "notes", "reflections")}
    hours = [Decimal("0")] * MONTHS
    notes = Note.objects.filter(subtree_q(path, "organization__path"), written_on__range=days)
    for row in _by_month(notes, "written_on").values_list("y", "m", "kind").annotate(n=Count("id")):
        name = "reflections" if row[2] == NoteKind.REFLECTION else "notes"
        found[name][index[row[0], row[1]]] += row[3]
    courses = SessionAttendance.objects.filter(
        subtree_q(path, "organization__path"), present=True, session__held_on__range=days
    )
    by_month = _by_month(courses, "session__held_on").annotate(n=Count("id"), h=Sum("session__hours"))
    for y, m, n, total in by_month.values_list("y", "m", "n", "h"):
        found["person_times"][index[y, m]] += n
        hours[index[y, m]] += total or 0
    sessions = Activity.objects.filter(
        subtree_q(path, "organization__path"),
        activity_type__code=STUDY_SESSION,
        cancelled_at__isnull=True,
        held_on__range=days,
    )
    by_times = _by_month(sessions, "held_on").values_list("y", "m", "start_time", "end_time")
    for y, m, start, end, n in by_times.annotate(n=Sum("present_count")):
        found["person_times"][index[y, m]] += n or 0
        hours[index[y, m]] += (n or 0) * session_hours(start, end)
    return {**found, "hours": [float(h.quantize(Decimal("0.1"))) for h in hours]}


def study_chart(organization, span: Span) -> Chart:
    months = study_months(organization, span)
    link = _link("study:organization", args=[organization.pk])
    return Chart(
        "study",
        "学习情况（近12个月）",
        "",
        span.labels,
        [
            Series("参学人次", months["person_times"], "bar", 0),
            Series("学习笔记（篇）", months["notes"], "bar", 0),
            Series("心得体会（篇）", months["reflections"], "bar", 0),
            Series("学时（合计）", months["hours"], "line", 1),
        ],
        note=(
            "参学人次 = 集中学习和培训班课次的出席人次；学时为出席人员学时之和；笔记按撰写日期计。"
            "只统计总量，不作个人排名，不以字数或时长考评。"
        ),
        link=link,
        axis_units=("人次/篇", "学时"),
    )


# Development and tasks --------------------------------------------------------------------------------
def development_chart(organization, span: Span) -> Chart:
    """Open development files of the subtree by stage: one grouped query."""
    files = DevelopmentFile.objects.filter(subtree_q(organization.path, "organization__path")).open()
    rows = dict(files.values_list("stage").annotate(n=Count("id")).order_by())
    labels = {**engine.STAGES, "full": "已转正"}
    return Chart(
        "development",
        "发展党员工作进度（按阶段）",
        "人",
        [labels[stage] for stage in PIPELINE_STAGES],
        [
            Series(
                "在档人数",
                [rows.get(stage, 0) for stage in PIPELINE_STAGES],
                links=[_link("development:file_list", stage=stage) for stage in PIPELINE_STAGES],
            )
        ],
        note="本组织及下级党支部未终止的发展党员档案，按当前所处阶段统计。",
        link=_link("development:statistics", args=[organization.pk]),
    )


def task_months(organization, span: Span) -> dict[str, list[int]]:
    """{"total", "done", "overdue"} of the copies received by the subtree's units, by the month the task
    was issued (tasks not cancelled; 逾期 as of today): one grouped query."""
    index = span.index()
    found = {key: [0] * MONTHS for key in ("total", "done", "overdue")}
    copies = Assignment.objects.filter(
        subtree_q(organization.path, "organization__path"),
        task__cancelled_on__isnull=True,
        task__issued_on__range=(span.first, span.today),
    )
    counts = progress_counts(span.today, live_tasks_only=False)
    for row in _by_month(copies, "task__issued_on").annotate(**{k: counts[k] for k in found}):
        for key in found:
            found[key][index[row["y"], row["m"]]] += row[key]
    return found


def tasks_chart(organization, span: Span) -> Chart:
    months = task_months(organization, span)
    link = _link("tasks:task_list")
    return Chart(
        "tasks",
        "交办任务落实情况（近12个月）",
        "件次",
        span.labels,
        [
            Series("交办（件次）", months["total"], "bar"),
            Series("已办结", months["done"], "bar"),
            Series("逾期未办结", months["overdue"], "bar"),
        ],
        note="下达给本组织及下级单位的任务（每个承办单位计1件次），按交办月份统计；逾期按今天计，已撤销的任务不计。",
        link=link,
        axis_units=("件次",),
    )


BUILDERS = {
    "organizations": lambda org, span: [organizations_chart(org, span)],
    "members": member_charts,
    "compliance": lambda org, span: [compliance_chart(org, span)],
    "study": lambda org, span: [study_chart(org, span)],
    "development": lambda org, span: [development_chart(org, span)],
    "tasks": lambda org, span: [tasks_chart(org, span)],
}
# Chart key -> the builder that makes it.
CHART_KEYS = {
    "organizations": "organizations",
    "members_status": "members",
    "members_sex": "members",
    "members_age": "members",
    "compliance": "compliance",
    "study": "study",
    "development": "development",
    "tasks": "tasks",
}


def all_charts(organization, today: date) -> list[Chart]:
    span = Span(today)
    return [chart for build in BUILDERS.values() for chart in build(organization, span)]


def one_chart(organization, key: str, today: date) -> Chart | None:
    """The chart `key` (None for an unknown key), computing only its builder."""
    builder = CHART_KEYS.get(key)
    if builder is None:
        return None
    return next(chart for chart in BUILDERS[builder](organization, Span(today)) if chart.key == key)
