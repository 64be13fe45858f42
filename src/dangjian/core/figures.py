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
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
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

    def value(self, organization, period: Period):
        return self.compute(organization, period)


figures: dict[str, Figure] = {}


def register_figure(key, label, unit, *, records=None, description="", link=None):
    """Decorator registering `compute(organization, period)` under `key` (e.g. "members.total")."""

    def decorator(fn):
        if key in figures and figures[key].compute is not fn:
            raise ValueError(f"figure {key} registered twice")
        figures[key] = Figure(key, label, unit, fn, records, description, link)
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
