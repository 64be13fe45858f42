"""Counts of feedback for a subtree and a period (submission dates), from the records, in one grouped query.

Definitions (shown on the statistics page):
- received: submitted in the period; answered: has a first answer (答复) by `today`;
- answered in time: first answer on or before the due date; answered late: after it;
- overdue: not answered and the due date has passed on `today`;
- in-time rate = answered in time ÷ (answered + overdue): items still open and not yet due are not counted;
- satisfaction (of those who rated the answer): 满意+基本满意 share, and the strict 满意 share.
The figures are registered as computed sources for the targets app (rubrics, targets) per calendar year.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import register_organization_warning
from dangjian.targets.sources import register_source, year_bounds

from .choices import FeedbackCategory, FeedbackChannel, Satisfaction
from .models import Feedback

AGGREGATES = {
    "received": Count("pk"),
    "answered": Count("pk", filter=Q(answered_on__isnull=False)),
    "answered_in_time": Count("pk", filter=Q(answered_on__isnull=False, answered_on__lte=F("due_on"))),
    "answered_late": Count("pk", filter=Q(answered_on__isnull=False, answered_on__gt=F("due_on"))),
    "closed": Count("pk", filter=Q(closed_on__isnull=False)),
    "satisfied": Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
    "basic": Count("pk", filter=Q(satisfaction=Satisfaction.BASIC)),
    "unsatisfied": Count("pk", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
}


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


@dataclass
class Counts:
    """One row of counts (the whole subtree, an organization, a channel or a category)."""

    label: str = ""
    received: int = 0
    answered: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    overdue: int = 0
    closed: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def in_time_rate(self) -> Decimal | None:
        return _rate(self.answered_in_time, self.answered + self.overdue)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """满意+基本满意 share of the ratings."""
        return _rate(self.satisfied + self.basic, self.rated)

    @property
    def strict_satisfaction_rate(self) -> Decimal | None:
        """满意 share of the ratings."""
        return _rate(self.satisfied, self.rated)

    def add(self, row: dict) -> None:
        for name in (*AGGREGATES, "overdue"):
            setattr(self, name, getattr(self, name) + row[name])


@dataclass
class FeedbackStats:
    organization: object
    first: date
    last: date
    today: date
    total: Counts = field(default_factory=lambda: Counts("合计"))
    by_organization: list[Counts] = field(default_factory=list)
    by_channel: list[Counts] = field(default_factory=list)
    by_category: list[Counts] = field(default_factory=list)


def feedback_stats(organization, first: date, last: date, *, today: date | None = None) -> FeedbackStats:
    """Counts of the feedback submitted in [first, last] now answered by organizations of the subtree."""
    today = today or timezone.localdate()
    rows = (
        Feedback.objects.in_subtree(organization)
        .filter(submitted_on__range=(first, last))
        .values("organization_id", "organization__name", "organization__path", "channel", "category")
        .annotate(
            **AGGREGATES,
            overdue=Count("pk", filter=Q(answered_on__isnull=True, due_on__lt=today)),
        )
        .order_by()
    )
    stats = FeedbackStats(organization, first, last, today)
    orgs, channels, categories = {}, {}, {}
    for row in rows:
        stats.total.add(row)
        org = orgs.setdefault(
            row["organization_id"], (row["organization__path"], Counts(row["organization__name"]))
        )
        org[1].add(row)
        channels.setdefault(row["channel"], Counts(FeedbackChannel(row["channel"]).label)).add(row)
        categories.setdefault(row["category"], Counts(FeedbackCategory(row["category"]).label)).add(row)
    stats.by_organization = [counts for _, counts in sorted(orgs.values(), key=lambda pair: pair[0])]
    stats.by_channel = [channels[c] for c in FeedbackChannel.values if c in channels]
    stats.by_category = [categories[c] for c in FeedbackCategory.values if c in categories]
    return stats


# --- computed sources for the targets app (per calendar year, as of the year's end or today) -------


def _year_counts(organization, year: int) -> Counts:
    first, last = year_bounds(year)
    return feedback_stats(organization, first, last, today=min(last, timezone.localdate())).total


def _link(organization, year: int) -> str:
    return reverse("feedback:stats") + f"?organization={organization.pk}&first={year}-01-01&last={year}-12-31"


@register_source("feedback.received", "收到意见建议件数", "件", link=_link)
def received(organization, year: int):
    return _year_counts(organization, year).received


@register_source(
    "feedback.answered_in_time_rate",
    "意见建议按期答复率",
    "%",
    link=_link,
    note="按期答复件数 ÷（已答复件数＋逾期未答复件数），期限按工作日计算。",
)
def answered_in_time_rate(organization, year: int):
    return _year_counts(organization, year).in_time_rate


@register_source(
    "feedback.satisfaction_rate",
    "意见建议答复满意率",
    "%",
    link=_link,
    note="提交人对答复评价为满意或基本满意的比例（仅计已评价的件数）。",
)
def satisfaction_rate(organization, year: int):
    return _year_counts(organization, year).satisfaction_rate


@register_source("feedback.overdue", "逾期未答复意见建议件数", "件", link=_link)
def overdue(organization, year: int):
    return _year_counts(organization, year).overdue


# --- a soft rule on the organization's page (core.registry.organization_warnings) --------------------


@register_organization_warning
def overdue_feedback(organization) -> list[str]:
    """ "意见建议N条逾期未答复" for the organization itself (one query)."""
    count = Feedback.objects.filter(organization=organization).overdue_on(timezone.localdate()).count()
    return [f"意见建议{count}条已超过答复期限仍未答复。"] if count else []
