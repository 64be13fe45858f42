"""The headline figures above the charts, read from the registry of named figures (core.figures).

Each capability registers its figures itself; the dashboard only names the keys it shows. A key that no
capability has registered (an app not installed) falls back to the same total read off the dashboard's own
charts, so the page never shows a number it did not count.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dangjian.core.figures import Period, figures

from .charts import Chart, compliance


@dataclass
class Headline:
    key: str
    label: str
    value: object
    unit: str
    link: str = ""
    description: str = ""
    registered: bool = False  # True: the value comes from the registry

    def as_dict(self) -> dict:
        value = self.value
        if isinstance(value, Decimal):
            value = float(value)
        return {
            "key": self.key,
            "label": self.label,
            "value": value,
            "unit": self.unit,
            "link": self.link,
            "description": self.description,
            "registered": self.registered,
        }


def _point(chart_key: str, category: str) -> Callable[[dict], tuple]:
    """A fallback reading one point of a chart: (value, its records' link)."""

    def read(charts: dict[str, Chart]):
        chart = charts[chart_key]
        series = chart.series[0]
        if category not in chart.categories:
            return 0, chart.link
        i = chart.categories.index(category)
        return series.data[i], (series.links[i] if series.links else chart.link)

    return read


def _total(chart_key: str, series_index: int = 0) -> Callable[[dict], tuple]:
    def read(charts: dict[str, Chart]):
        chart = charts[chart_key]
        return sum(v or 0 for v in chart.series[series_index].data), chart.link

    return read


def _members_total(charts: dict[str, Chart]):
    chart = charts["members_status"]
    return sum(chart.series[0].data), chart.link


# (key, label, unit, fallback)
HEADLINES = (
    ("members.total", "党员总数", "名", _members_total),
    ("members.probationary", "预备党员", "名", _point("members_status", "预备党员")),
    ("organizations.committees.count", "党委", "个", _point("organizations", "党委")),
    ("organizations.branches.count", "党支部", "个", _point("organizations", "党支部")),
    ("study.person_times", "参学人次（近12个月）", "人次", _total("study", 0)),
    ("tasks.overdue", "逾期任务（件次）", "件次", _total("tasks", 2)),
)


def period_of(today: date) -> Period:
    """The dashboard's twelve months as a figures Period (stock figures read on `end`, today)."""
    return Period(compliance.add_months(today.replace(day=1), -11), today)


def headlines(organization, today: date, charts: list[Chart]) -> list[Headline]:
    by_key = {chart.key: chart for chart in charts}
    period = period_of(today)
    result = []
    for key, label, unit, fallback in HEADLINES:
        figure = figures.get(key)
        if figure is not None:
            link = figure.link(organization, period) if figure.link else ""
            value = figure.value(organization, period)
            result.append(Headline(key, label, value, figure.unit, link, figure.description, True))
        else:
            value, link = fallback(by_key)
            result.append(Headline(key, label, value, unit, link))
    return result
