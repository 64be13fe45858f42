"""Named figures: each capability registers the figures it counts; reports and dashboards read them.

A figure is a function of (organization subtree, period) returning a number, together with the records
it counts, so a person can check any figure in a report draft before sending it up ("every figure is
traceable"). Capabilities register theirs in `<app>/figures.py`, imported by their AppConfig.ready():

    @register_figure("members.total", "党员总数", "名", records=lambda org, period: ...,
                     description="期末在册的正式党员和预备党员（按组织关系所在党组织统计）")
    def members_total(organization, period):
        return ...

Rules (kept by the tests of every registering app):
- `compute(organization, period)` counts the whole subtree of `organization` (one indexed range on the
  path, see core.tree.subtree_q); it returns an int, a Decimal, or None (nothing to count).
- `records(organization, period)`, when given, returns a QuerySet of exactly the records the figure
  counts (a count figure equals `records(...).count()`; a sum figure sums a column of them), so tracing
  lists what was counted and nothing else. Figures that are rates name the records of their numerator.
- Nothing here imports a capability; `reports/` and `dashboards/` import this module, never the other
  way round (style.md "The shape of the product").
- `measure` says how the value follows from the records: "count" (`records().count()`), "sum" (the sum of
  the column or annotation `sum_of` over `records()`; durations are summed in hours), "parts" (the sum
  of the figures named in `parts`, each traceable: records of two kinds, e.g. course and 集中学习
  attendance), "rate" (a percentage 0–100; `records()`, when given, are the numerator's), or "other".
  `stock=True` marks a figure read as of `period.end` (在册党员、党组织数); the others count what
  happened within the period.
- Scope is not the registry's job: a figure counts the whole subtree of whatever organization it is
  given. Callers (statistics, reports, dashboards, the API) first check that the user may view that
  organization (`Organization.objects.visible_to(user)`), and show the records through `visible_to` too.

The list of every key, what it counts and how it is rounded is docs/figures.md (ADR 014).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end]; `end` is also the reference date (统计截止日) of stock figures."""

    start: date
    end: date

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def months(cls, first: str, last: str) -> "Period":
        """From "YYYY-MM" to "YYYY-MM", both months whole (the `dangjian report --from/--to` form)."""
        from calendar import monthrange

        y1, m1 = (int(x) for x in first.split("-"))
        y2, m2 = (int(x) for x in last.split("-"))
        return cls(date(y1, m1, 1), date(y2, m2, monthrange(y2, m2)[1]))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == date(self.start.year, 12, 31):
            return f"{self.start.year}年"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"


@dataclass(frozen=True)
class Figure:
    """One registered figure (see the module docstring)."""

    key: str
    label: str
    unit: str
    compute: Callable[[Any, Period], int | Decimal | None]
    records: Callable[[Any, Period], Any] | None = None
    description: str = ""
    # Where the figure's records are listed in the UI: fn(organization, period) -> URL or "".
    link: Callable[[Any, Period], str] | None = None
    measure: str = "count"  # count | sum | rate | other (see the module docstring)
    sum_of: str = ""  # the column (or annotation) of records() a "sum" figure adds up
    stock: bool = False  # True: as of period.end; False: what happened within the period
    style: str = "auto"  # how a report sentence renders it (core.figure_format styles)
    parts: tuple[str, ...] = ()  # a "parts" figure is the sum of these figures (each traceable)

    def value(self, organization, period: Period):
        return self.compute(organization, period)

    def trace(self, organization, period: Period):
        """The QuerySet of what the figure counted, or None when it has no record list (a rate
        computed by an engine names its link instead)."""
        return self.records(organization, period) if self.records else None

    def recount(self, organization, period: Period):
        """The value read back from `records()`: their number for a count, the sum of `sum_of` (0 when
        there are none) for a sum; None for a rate or other measure (its records are the numerator's)."""
        if self.measure == "parts":
            counted = [get_figure(key).recount(organization, period) for key in self.parts]
            return None if None in counted else sum(counted)
        records = self.trace(organization, period)
        if records is None or self.measure not in ("count", "sum"):
            return None
        if self.measure == "count":
            return records.count()
        from django.db.models import Sum

        total = records.aggregate(total=Sum(self.sum_of))["total"]
        if isinstance(total, timedelta):  # a sum of durations is in hours (学时), to one decimal
            return hours(total)
        return total if total is not None else 0

    def url(self, organization, period: Period) -> str:
        return self.link(organization, period) if self.link else ""

    def render(self, organization, period: Period, style: str | None = None) -> str:
        """The value the Chinese way ("1356名", "800余人次"); see core.figure_format."""
        from .figure_format import format_figure

        return format_figure(self.value(organization, period), self.unit, style or self.style)


figures: dict[str, Figure] = {}


MEASURES = ("count", "sum", "parts", "rate", "other")


def register_figure(
    key,
    label,
    unit,
    *,
    records=None,
    description="",
    link=None,
    measure="count",
    sum_of="",
    stock=False,
    style="auto",
    parts=(),
):
    """Decorator registering `compute(organization, period)` under `key` (e.g. "members.total")."""
    if measure not in MEASURES:
        raise ValueError(f"figure {key}: unknown measure {measure!r}")
    if (measure == "sum") != bool(sum_of):
        raise ValueError(f"figure {key}: a sum names its column (sum_of), and only a sum does")
    if (measure == "parts") != bool(parts):
        raise ValueError(f"figure {key}: a parts figure names its parts, and only it does")

    def decorator(fn):
        if key in figures and figures[key].compute is not fn:
            raise ValueError(f"figure {key} registered twice")
        figures[key] = Figure(
            key, label, unit, fn, records, description, link, measure, sum_of, stock, style, tuple(parts)
        )
        return fn

    return decorator


def get_figure(key: str) -> Figure:
    try:
        return figures[key]
    except KeyError:
        raise KeyError(f"未登记的数字：{key}") from None


def compute_figures(keys, organization, period: Period) -> dict[str, Any]:
    """{key: value} for several figures of one organization and period."""
    return {key: get_figure(key).value(organization, period) for key in keys}


def figure_keys(prefix: str = "") -> list[str]:
    """Registered keys starting with `prefix` (e.g. "members."), sorted."""
    return sorted(key for key in figures if key.startswith(prefix))


def rate(numerator: int, denominator: int, places: str = "0.01") -> Decimal | None:
    """numerator / denominator as a percentage (0–100), half up to `places`; None when nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def hours(value) -> Decimal:
    """学时 from a duration (or a number of hours), half up to one decimal; 0 for None."""
    if value is None:
        return Decimal("0.0")
    if isinstance(value, timedelta):
        value = Decimal(value.days * 86400 + value.seconds) / 3600
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
