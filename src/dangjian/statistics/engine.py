"""党内统计 tables (rules.md §8) of an organization's subtree on a reference date, from the records.

Each table reads one *source*: a queryset of records annotated with the bucket of every breakdown
(statistics.buckets), grouped once (`values(...).annotate(Count)`), then pivoted in Python. The five
member tables on the reference date share one grouped query; whatever the size of the subtree the whole
set takes a fixed number of queries (about a dozen), never a loop over organizations.

A cell stands for the source's records matching its row's and its column's filters, so
`cell_records(...)` lists exactly what a cell counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast

from dangjian.core.tree import subtree_q
from dangjian.members.choices import MemberCategory, MemberStatus, TransferKind
from dangjian.members.models import Member
from dangjian.members.models import Transfer as MemberTransfer
from dangjian.organizations.choices import OrganizationKind, OrganizationStatus, UnitCategory
from dangjian.organizations.models import Organization
from dangjian.study.choices import CourseKind
from dangjian.study.models import SessionAttendance
from dangjian.surveys.choices import ReviewGrade
from dangjian.surveys.models import ReviewDecision

from . import asof, buckets
from .buckets import UNKNOWN, UNKNOWN_LABEL
from .layout import TOTAL, ColumnGroup, Line, Table

BASIS = "按组织关系所在党组织统计"


@dataclass(frozen=True)
class Params:
    """The subtree, the reference date (统计截止日) and the first day of the period of the flow tables."""

    organization: Organization
    day: date
    start: date

    @property
    def before(self) -> date:
        """The day before the period: the 期初 of the balance table (上年底 for a calendar year)."""
        return self.start - timedelta(days=1)

    @property
    def path(self) -> str:
        return self.organization.path


def default_day(today: date) -> date:
    """The yearly cut-off: 12月31日 of last year."""
    return date(today.year - 1, 12, 31)


# Sources -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """`build(p)` gives the records (a queryset) and their breakdowns ({alias: text CASE}); `measures`
    what each group sums; `kind` what the records are: member / organization / decision / attendance."""

    build: Callable[[Params], tuple]
    measures: Callable[[], dict] = lambda: {"n": Count("pk")}
    kind: str = "member"

    def records(self, p: Params):
        """The records annotated with the text of every breakdown (for listing a cell's records)."""
        queryset, dims = self.build(p)
        return queryset.annotate(**dims)


def _text(value):
    return Value(value, output_field=CharField())


def _yes(condition: Q) -> Case:
    return Case(When(condition, then=_text("yes")), default=_text("no"), output_field=CharField())


def _handled_elsewhere(p: Params, field: str) -> list[int]:
    """Members whose event (入党/转正) in the period came before they were transferred in from outside
    the system: another organization handled it (a few rows, read once)."""
    return list(
        MemberTransfer.objects.filter(
            kind=TransferKind.IN,
            transferred_on__gt=F(f"member__{field}"),
            **{f"member__{field}__range": (p.start, p.day)},
        ).values_list("member_id", flat=True)
    )


def members(p: Params):
    """Every member whose organization lies in the subtree on the day before the period or on the
    reference date, with all the member breakdowns: the roll on either date (d_was, d_is) and why it
    changed (d_in, d_out), the roll's buckets on the reference date, and the period's 发展 (d_admitted),
    转正 (d_confirmed) and 减少 (d_left, d_way) with the age on each event's date. One scan serves
    tables 1 and 3–9."""
    then_q = asof.in_subtree_on(p.path, p.before)
    now_q = asof.in_subtree_on(p.path, p.day)
    # Without transfers across the subtree's edge in the period (always so for a tree root), both
    # conditions are the same range as the WHERE: true for every row, so the CASEs need not test them.
    moved = then_q != now_q
    transferred_in = MemberTransfer.objects.filter(
        kind=TransferKind.IN, transferred_on__range=(p.start, p.day)
    ).values("member_id")
    queryset = Member.objects.filter(then_q | now_q).annotate(
        _then=asof.status_on(p.before), _now=asof.status_on(p.day)
    )
    for prefix, field in (("_j", "joined_on"), ("_c", "confirmed_on"), ("_l", "status_changed_on")):
        queryset = buckets.with_age_parts(queryset, field, prefix)
    leaving_statuses = [status for status, _label in LEAVING_WAYS.buckets]

    def here(condition: Q, subtree: Q) -> Q:
        return subtree & condition if moved else condition

    left = here(Q(status__in=leaving_statuses, status_changed_on__range=(p.start, p.day)), now_q)
    admitted = here(Q(joined_on__range=(p.start, p.day)), now_q)
    confirmed = here(Q(confirmed_on__range=(p.start, p.day)), now_q)
    elsewhere = _handled_elsewhere(p, "joined_on"), _handled_elsewhere(p, "confirmed_on")
    if elsewhere[0]:
        admitted &= ~Q(pk__in=elsewhere[0])
    if elsewhere[1]:
        confirmed &= ~Q(pk__in=elsewhere[1])
    dims = {
        "d_was": _yes(here(Q(_then__in=asof.ON_ROLL), then_q)),
        "d_is": _yes(here(Q(_now__in=asof.ON_ROLL), now_q)),
        "d_in": buckets._case(
            When(joined_on__gte=p.start, then=_text("admitted")),
            When(pk__in=transferred_in, then=_text("transferred_in")),
            *([When(~then_q, then=_text("moved_in"))] if moved else []),
            default="other",
        ),
        "d_out": buckets._case(
            *[When(left & Q(status=status), then=_text(status)) for status in leaving_statuses],
            *([When(~now_q, then=_text("moved_out"))] if moved else []),
            default="other",
        ),
        "d_status": asof.status_on(p.day),
        "d_age": buckets.age_band(p.day),
        "d_join_period": buckets.join_period(),
        "d_sex": buckets.sex(),
        "d_ethnicity": buckets.ethnicity(),
        "d_education": buckets.education(),
        "d_category": buckets.category(),
        "d_admitted": _yes(admitted),
        "d_confirmed": _yes(confirmed),
        "d_left": _yes(left),
        "d_way": buckets.known("status", leaving_statuses, default=buckets.NOT_COUNTED),
        "d_age_admitted": buckets.age_band_at("_j", admitted),
        "d_age_confirmed": buckets.age_band_at("_c", confirmed),
        "d_age_left": buckets.age_band_at("_l", left),
    }
    return queryset, dims


def organizations(p: Params):
    """Organizations of the subtree existing on the reference date (founded by then, not yet dissolved)."""
    existing = (Q(founded_on__isnull=True) | Q(founded_on__lte=p.day)) & (
        Q(status=OrganizationStatus.ACTIVE) | Q(dissolved_on__gt=p.day)
    )
    queryset = Organization.objects.filter(subtree_q(p.path)).filter(existing)
    return queryset, {
        "d_kind": buckets.known("kind", OrganizationKind),
        "d_unit": buckets.known("unit_category", UnitCategory),
        "d_counted": _yes(~Q(kind=OrganizationKind.PARTY_GROUP)),
    }


def reviews(p: Params):
    """Final grades of 民主评议党员 rounds of the subtree for the years of the period (counted by the
    organization that ran the round)."""
    queryset = ReviewDecision.objects.filter(
        subtree_q(p.path, "round__organization__path"), round__year__range=(p.start.year, p.day.year)
    )
    return queryset, {
        "d_grade": buckets.known("grade", ReviewGrade),
        "d_category": buckets.category("member__"),
    }


def training(p: Params):
    """Attendance at the sessions (课次) held in the period of the courses run by the subtree."""
    queryset = SessionAttendance.objects.filter(
        subtree_q(p.path, "session__course__organization__path"),
        present=True,
        session__held_on__range=(p.start, p.day),
    )
    return queryset, {"d_kind": buckets.known("session__course__kind", CourseKind)}


SOURCES = {
    "members": Source(members),
    "organizations": Source(organizations, kind="organization"),
    "reviews": Source(reviews, kind="decision"),
    "training": Source(
        training,
        lambda: {
            "n": Count("pk"),
            "courses": Count("session__course", distinct=True),
            "hours": Sum("session__hours"),
        },
        kind="attendance",
    ),
}


def _keys(case: Case) -> tuple[str, ...]:
    return tuple(dict.fromkeys([when.result.value for when in case.cases] + [case.default.value]))


def grouped(source: Source, p: Params, queryset=None) -> list[dict]:
    """One grouped query: a dict per combination of buckets, with its measures. The buckets are packed
    into one integer (each breakdown a digit of a mixed radix) and unpacked here: PostgreSQL groups
    300,000 rows by one integer several times faster than by eighteen texts."""
    base, dims = source.build(p)
    queryset = base if queryset is None else queryset
    digits, code, radix = [], None, 1
    for alias, case in dims.items():
        keys = _keys(case)
        # bigint: eighteen digits overflow PostgreSQL's 32-bit integer
        term = Cast(buckets.coded(case, keys), BigIntegerField())
        if radix > 1:
            term = term * Value(radix, output_field=BigIntegerField())
        code = term if code is None else code + term
        digits.append((alias, keys, radix))
        radix *= len(keys)
    packed = ExpressionWrapper(code, output_field=BigIntegerField())
    rows = queryset.order_by().annotate(_code=packed).values("_code").annotate(**source.measures())
    found = []
    for row in rows:
        group = {alias: keys[(row["_code"] // step) % len(keys)] for alias, keys, step in digits}
        found.append({**group, **{m: v for m, v in row.items() if m != "_code"}})
    return found


# Table layouts -------------------------------------------------------------------------------------------
def _lines(dimension: buckets.Dimension, *, prefix: str = "") -> tuple[Line, ...]:
    return tuple(
        Line(
            f"{prefix}{value}",
            label,
            ((dimension.alias, value),),
            optional=value in dimension.optional or value == UNKNOWN,
        )
        for value, label in dimension.buckets
    )


def _group(dimension: buckets.Dimension, alias: str = "") -> ColumnGroup:
    """Columns of a breakdown keyed "<name>:<bucket>"; `alias` reads them from another annotation (the
    age on an event's date instead of on the reference date: the same columns)."""
    prefix = f"{dimension.alias[2:]}:"
    if alias:
        dimension = buckets.Dimension(alias, dimension.label, dimension.buckets, dimension.optional)
    return ColumnGroup(dimension.label, _lines(dimension, prefix=prefix))


def _category_rows(alias: str = "d_category") -> list[Line]:
    rows = [Line(TOTAL, "总计")]
    rows += [Line(value, label, ((alias, value),)) for value, label in MemberCategory.choices]
    rows.append(Line(UNKNOWN, f"职业{UNKNOWN_LABEL}", ((alias, UNKNOWN),), optional=True))
    return rows


STATUS = buckets.Dimension("d_status", "党员类别", ((asof.FULL, "正式党员"), (asof.PROBATIONARY, "预备党员")))
LEAVING_WAYS = buckets.Dimension(
    "d_way",
    "减少方式",
    (
        (MemberStatus.LEFT, "出党"),
        (MemberStatus.SUSPENDED, "停止党籍"),
        (MemberStatus.DECEASED, "死亡"),
        (MemberStatus.TRANSFERRED_OUT, "组织关系转出（系统外）"),
    ),
)
ORG_KIND_GROUPS = [
    (
        "党委",
        (OrganizationKind.COMMITTEE, OrganizationKind.WORKING_COMMITTEE, OrganizationKind.LEADING_GROUP),
    ),
    ("党总支", (OrganizationKind.GENERAL_BRANCH,)),
    ("党支部", (OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH, OrganizationKind.TEMPORARY_BRANCH)),
]


def _member_table(key, number, title, groups, p: Params, *, where=("d_is", "yes"), note="", total="党员总数"):
    """A table of members (rows: 职业) among those of the members source matching `where`: by default
    the roll on the reference date."""
    return Table(
        key=key,
        number=number,
        title=title,
        unit="名",
        row_header="职业",
        note=note,
        rows=_category_rows(),
        total=Line(TOTAL, total),
        groups=groups,
        source="members",
        where=(where,),
    )


def _period(p: Params) -> str:
    return f"{p.start:%Y年%-m月%-d日}至{p.day:%Y年%-m月%-d日}"


def _on(p: Params) -> str:
    return f"截至{p.day:%Y年%-m月%-d日}，{BASIS}"


def balance_table(p: Params) -> Table:
    def moved(key, label, was, is_, alias, value, optional=False):
        filters = (("d_was", was), ("d_is", is_), (alias, value))
        return Line(key, label, filters, optional=optional)

    increases = (
        moved("in:admitted", "发展党员", "no", "yes", "d_in", "admitted"),
        moved("in:transferred_in", "组织关系转入（系统外）", "no", "yes", "d_in", "transferred_in"),
        moved("in:moved_in", "系统内转入", "no", "yes", "d_in", "moved_in"),
        moved("in:other", "其他增加", "no", "yes", "d_in", "other", optional=True),
    )
    decreases = tuple(
        moved(f"out:{value}", label, "yes", "no", "d_out", value) for value, label in LEAVING_WAYS.buckets
    ) + (
        moved("out:moved_out", "系统内转出", "yes", "no", "d_out", "moved_out"),
        moved("out:other", "其他减少", "yes", "no", "d_out", "other", optional=True),
    )
    start = Line("start", f"期初党员数（{p.before:%Y年%-m月%-d日}）", (("d_was", "yes"),))
    end = Line("end", f"期末党员数（{p.day:%Y年%-m月%-d日}）", (("d_is", "yes"),))
    return Table(
        key="balance",
        number=1,
        title="党员数量变化情况",
        unit="名",
        row_header="职业",
        note=f"{_period(p)}，{BASIS}；每名党员只计一次（期内发展又出党的不计），期初＋增加－减少＝期末。",
        rows=_category_rows(),
        total=None,
        groups=[
            ColumnGroup("", (start,), partition=""),
            ColumnGroup("本期增加", increases, partition=""),
            ColumnGroup("本期减少", decreases, partition=""),
            ColumnGroup("", (end,), partition=""),
        ],
        source="members",
        balance=(
            "期初＋增加－减少＝期末",
            [(1, "start"), *[(1, c.key) for c in increases], *[(-1, c.key) for c in decreases]],
            "end",
        ),
    )


def organizations_table(p: Params) -> Table:
    groups = [
        ColumnGroup(
            label,
            tuple(Line(f"kind:{kind}", OrganizationKind(kind).label, (("d_kind", kind),)) for kind in kinds),
            partition="组织类别",
        )
        for label, kinds in ORG_KIND_GROUPS
    ]
    groups.append(
        ColumnGroup(
            "另有",
            (Line("kind:party_group", "党小组", (("d_kind", OrganizationKind.PARTY_GROUP),)),),
            partition="",
        )
    )
    rows = [Line(TOTAL, "总计")]
    rows += [Line(value, label, (("d_unit", value),)) for value, label in UnitCategory.choices]
    rows.append(Line(UNKNOWN, f"单位类别{UNKNOWN_LABEL}", (("d_unit", UNKNOWN),), optional=True))
    return Table(
        key="organizations",
        number=2,
        title="党组织基本情况",
        unit="个",
        row_header="单位类别",
        note=f"截至{p.day:%Y年%-m月%-d日}已成立、未撤销的党组织（含本级），党小组不计入党组织总数。",
        rows=rows,
        total=Line(TOTAL, "党组织总数", (("d_counted", "yes"),)),
        groups=groups,
        source="organizations",
    )


def reviews_table(p: Params) -> Table:
    grades = buckets.Dimension("d_grade", "评定等次", tuple(ReviewGrade.choices))
    years = f"{p.start.year}" if p.start.year == p.day.year else f"{p.start.year}—{p.day.year}"
    return Table(
        key="reviews",
        number=10,
        title="民主评议党员情况",
        unit="名",
        row_header="职业",
        note=f"{years}年度民主评议党员的评定结果，按开展评议的党组织统计。",
        rows=_category_rows(),
        total=Line(TOTAL, "参加评议党员"),
        groups=[_group(grades)],
        source="reviews",
    )


def training_table(p: Params) -> Table:
    rows = [Line(TOTAL, "总计")]
    rows += [Line(value, label, (("d_kind", value),)) for value, label in CourseKind.choices]
    rows.append(Line(UNKNOWN, f"类别{UNKNOWN_LABEL}", (("d_kind", UNKNOWN),), optional=True))
    columns = (
        Line("courses", "举办培训班（期）", measure="courses"),
        Line("attendance", "参训党员（人次）"),
        Line("hours", "参训学时（学时·人次）", measure="hours"),
    )
    return Table(
        key="training",
        number=11,
        title="党员培训情况",
        unit="",
        row_header="培训类别",
        note=f"{_period(p)}举办的培训课次及出勤记录，按举办培训的党组织统计；学时为出席课次的学时之和。",
        rows=rows,
        total=None,
        groups=[ColumnGroup("", columns, partition="")],
        source="training",
    )


def layouts(p: Params) -> list[Table]:
    """Every table of the set, empty, in the order of the printed report."""
    age, education, period = _group(buckets.AGE), _group(buckets.EDUCATION), _group(buckets.JOIN_PERIOD)
    sex, ethnicity = _group(buckets.SEX), _group(buckets.ETHNICITY)

    def flows(event):
        return [sex, ethnicity, _group(buckets.AGE, f"d_age_{event}"), education]

    period_note = f"{_period(p)}，{BASIS}"
    return [
        balance_table(p),
        organizations_table(p),
        _member_table("members", 3, "党员基本情况", [_group(STATUS), sex, ethnicity], p, note=_on(p)),
        _member_table("age", 4, "党员年龄情况", [age], p, note=f"{_on(p)}；年龄为截止日的周岁。"),
        _member_table("education", 5, "党员学历情况", [education], p, note=_on(p)),
        _member_table(
            "join_period",
            6,
            "党员入党时间情况",
            [period],
            p,
            note=f"{_on(p)}；十一届三中全会以1978年12月18日、十八大以2012年11月8日开幕日为界。",
        ),
        _member_table(
            "admitted",
            7,
            "发展党员情况",
            flows("admitted"),
            p,
            where=("d_admitted", "yes"),
            total="发展党员",
            note=f"{period_note}；入党日期在期内，年龄为入党时的周岁；由系统外组织发展后转入的不计。",
        ),
        _member_table(
            "confirmed",
            8,
            "预备党员转正情况",
            flows("confirmed"),
            p,
            where=("d_confirmed", "yes"),
            total="转为正式党员",
            note=f"{period_note}；转正日期在期内，年龄为转正时的周岁。",
        ),
        _member_table(
            "leaving",
            9,
            "党员减少情况",
            [_group(LEAVING_WAYS), *flows("left")],
            p,
            where=("d_left", "yes"),
            total="减少党员",
            note=f"{period_note}；出党、停止党籍、死亡、转出按状态变更日期统计，年龄为变更时的周岁。",
        ),
        reviews_table(p),
        training_table(p),
    ]


TABLE_KEYS = (
    "balance",
    "organizations",
    "members",
    "age",
    "education",
    "join_period",
    "admitted",
    "confirmed",
    "leaving",
    "reviews",
    "training",
)


def compute_tables(
    organization, day: date, start: date | None = None, *, keys=None, prune=True
) -> list[Table]:
    """The filled tables (all, or those named in `keys`) of `organization`'s subtree on `day`; the flow
    tables cover `start`..`day` (default: the calendar year of `day`)."""
    p = Params(organization, day, start or date(day.year, 1, 1))
    tables = [t for t in layouts(p) if keys is None or t.key in keys]
    results = {}
    for table in tables:
        if table.source not in results:
            results[table.source] = grouped(SOURCES[table.source], p)
        table.fill(results[table.source])
        table.traceable = True
    if prune:
        for table in tables:
            table.prune()
    return tables


def cell_records(organization, day: date, start: date | None, table_key: str, row_key: str, column_key: str):
    """(kind, queryset): the records one cell counts (None when the cell is a sum, not a count)."""
    p = Params(organization, day, start or date(day.year, 1, 1))
    table = next(t for t in layouts(p) if t.key == table_key)
    row, column = table.find_row(row_key), table.find_column(column_key)
    if column.measure != "n":
        return None
    source = SOURCES[table.source]
    filters = {**dict(table.where), **dict(row.filters), **dict(column.filters)}
    return source.kind, source.records(p).filter(**filters)
