"""The breakdowns of 党内统计 (rules.md §8) as SQL expressions: one CASE per dimension, so a table is one
grouped query whatever the size of the subtree.

Every dimension is a partition: each member falls in exactly one bucket, and a member whose record leaves
the field empty (or holds a value outside the choices) falls in 未填写, so rows and columns always add up
to the total. Other apps may reuse `age_band`, `join_period` and their bucket lists from here.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
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


def known(field: str, choices, default: str = UNKNOWN) -> Case:
    """The field's value when it is one of `choices`, else `default` (未填写)."""
    values = choices.values if hasattr(choices, "values") else choices
    return _case(*[When(**{field: value}, then=_text(value)) for value in values], default=default)


def coded(case: Case, keys) -> Case:
    """The same CASE answering each bucket's position in `keys` (a small integer) instead of its text:
    grouping by one integer built from several of them is much cheaper than by several texts."""
    index = {key: position for position, key in enumerate(keys)}
    whens = [When(when.condition, then=Value(index[when.result.value])) for when in case.cases]
    return Case(*whens, default=Value(index[case.default.value]), output_field=IntegerField())


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


NOT_COUNTED = "none"


def with_age_parts(queryset, event_field: str, prefix: str, birth_field: str = "birth_date"):
    """`queryset` annotated with the parts `age_band_at` compares (names start with `prefix`)."""
    return queryset.annotate(
        **{
            f"{prefix}_years": ExtractYear(event_field) - ExtractYear(birth_field),
            f"{prefix}_event_md": ExtractMonth(event_field) * 100 + ExtractDay(event_field),
            f"{prefix}_birth_md": ExtractMonth(birth_field) * 100 + ExtractDay(birth_field),
        }
    )


def age_band_at(prefix: str, only: Q | None = None) -> Case:
    """The age band on the date of an event (发展/转正/出党), from `with_age_parts`, in SQL the same way
    on SQLite and PostgreSQL: the years apart, less one while that year's birthday is still to come
    (month*100 + day compared). Rows outside `only` are "none" (the event is not counted for them)."""
    years, event_md, birth_md = f"{prefix}_years", f"{prefix}_event_md", f"{prefix}_birth_md"
    whens = [When(~only, then=_text(NOT_COUNTED))] if only is not None else []
    # age <= high  ⇔  years apart < high + 1, or == high + 1 with the birthday not yet reached
    whens += [
        When(
            Q(**{f"{years}__lt": high + 1}) | Q(**{years: high + 1, f"{event_md}__lt": F(birth_md)}),
            then=_text(f"age_{low}"),
        )
        for _label, low, high in AGE_BANDS[:-1]
    ]
    return _case(*whens, default=AGE_BUCKETS[-1][0])


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
