"""The breakdowns of 党内统计 (rules.md §8) as SQL expressions: one CASE per dimension, so a table is one
grouped query whatever the size of the subtree.

Every dimension is a partition: each member falls in exactly one bucket, and a member whose record leaves
the field empty (or holds a value outside the choices) falls in 未填写, so rows and columns always add up
to the total. Other apps may reuse `age_band`, `join_period` and their bucket lists from here.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from dangjian.core.dates import years_before
from dangjian.members.choices import AGE_BANDS, HAN, Education, MemberCategory, Sex

UNKNOWN = "unknown"
UNKNOWN_LABEL = "未填写"

# 入党时间 periods of the 中组部 statistical bulletin, split on the opening days of the plenum and the
# congress: 十一届三中全会 opened on 18 December 1978, the 十八大 on 8 November 2012.
PRC_FOUNDED = date(1949, 10, 1)
THIRD_PLENUM = date(1978, 12, 18)
EIGHTEENTH_CONGRESS = date(2012, 11, 8)
JOIN_PERIODS = [
    ("before_1949", "新中国成立前"),
    ("to_1978", "新中国成立后至党的十一届三中全会前"),
    ("to_2012", "党的十一届三中全会后至党的十八大前"),
    ("since_2012", "党的十八大以来"),
]
AGE_BUCKETS = [(f"age_{low}", label) for label, low, _high in AGE_BANDS]


@dataclass(frozen=True)
class Dimension:
    """A breakdown: the annotation alias it is grouped by, its label and its buckets in display order.

    Buckets listed in `optional` are shown only when some table counts someone in them."""

    alias: str
    label: str
    buckets: tuple[tuple[str, str], ...]
    optional: frozenset = frozenset()


def _text(value) -> Value:
    return Value(value, output_field=CharField())


def _case(*whens, default) -> Case:
    return Case(*whens, default=_text(default), output_field=CharField())


def known(field: str, choices) -> Case:
    """The field's value when it is one of `choices`, else 未填写."""
    return _case(When(**{f"{field}__in": list(choices.values)}, then=F(field)), default=UNKNOWN)


def sex(prefix: str = "") -> Case:
    return known(f"{prefix}sex", Sex)


def ethnicity(prefix: str = "") -> Case:
    field = f"{prefix}ethnicity"
    return _case(
        When(**{field: HAN}, then=_text("han")),
        When(**{field: ""}, then=_text(UNKNOWN)),
        default="minority",
    )


def education(prefix: str = "") -> Case:
    return known(f"{prefix}education", Education)


def category(prefix: str = "") -> Case:
    return known(f"{prefix}category", MemberCategory)


def join_period(field: str = "joined_on") -> Case:
    return _case(
        When(**{f"{field}__lt": PRC_FOUNDED}, then=_text("before_1949")),
        When(**{f"{field}__lt": THIRD_PLENUM}, then=_text("to_1978")),
        When(**{f"{field}__lt": EIGHTEENTH_CONGRESS}, then=_text("to_2012")),
        default="since_2012",
    )


def age_band(day: date, field: str = "birth_date") -> Case:
    """Age band in whole years (周岁) on `day`: aged at least N on `day` ⇔ born on or before the same
    calendar day N years earlier (a 29 February birthday comes on 1 March in other years, as
    Member.age_on counts it)."""
    whens = [
        When(**{f"{field}__gt": years_before(day, high + 1)}, then=_text(f"age_{low}"))
        for _label, low, high in AGE_BANDS[:-1]
    ]
    return _case(*whens, default=AGE_BUCKETS[-1][0])


def with_age_band_at(queryset, event_field: str, alias: str, birth_field: str = "birth_date"):
    """`queryset` annotated with `alias`: the age band on the date in each row's `event_field` (发展/转正/
    出党 dates), in SQL the same way on SQLite and PostgreSQL: the years apart, less one while that
    year's birthday is still to come (month*100 + day compared)."""
    queryset = queryset.annotate(
        _years=ExtractYear(event_field) - ExtractYear(birth_field),
        _event_md=ExtractMonth(event_field) * 100 + ExtractDay(event_field),
        _birth_md=ExtractMonth(birth_field) * 100 + ExtractDay(birth_field),
    )
    # age <= high  ⇔  years apart < high + 1, or == high + 1 with the birthday not yet reached
    whens = [
        When(
            Q(_years__lt=high + 1) | Q(_years=high + 1, _event_md__lt=F("_birth_md")),
            then=_text(f"age_{low}"),
        )
        for _label, low, high in AGE_BANDS[:-1]
    ]
    return queryset.annotate(**{alias: _case(*whens, default=AGE_BUCKETS[-1][0])})


SEX = Dimension("d_sex", "性别", (*Sex.choices, (UNKNOWN, UNKNOWN_LABEL)), frozenset({UNKNOWN}))
ETHNICITY = Dimension(
    "d_ethnicity",
    "民族",
    (("han", "汉族"), ("minority", "少数民族"), (UNKNOWN, UNKNOWN_LABEL)),
    frozenset({UNKNOWN}),
)
AGE = Dimension("d_age", "年龄", tuple(AGE_BUCKETS))
EDUCATION = Dimension("d_education", "学历", (*Education.choices, (UNKNOWN, UNKNOWN_LABEL)))
CATEGORY = Dimension("d_category", "职业", (*MemberCategory.choices, (UNKNOWN, UNKNOWN_LABEL)))
JOIN_PERIOD = Dimension("d_join_period", "入党时间", tuple(JOIN_PERIODS))
