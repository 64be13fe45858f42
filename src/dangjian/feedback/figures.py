"""意见建议 figures of a subtree in a period (by submission date), as `stats.feedback_stats` counts them:
received, answered in time (first answer on or before the due date), overdue on period.end (or today, if
earlier), and the in-time rate (answered in time ÷ (answered + overdue)). Counted by the organization
that answers. Scope is the caller's (see core.figures).
"""

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from dangjian.core.figures import register_figure

from .models import Feedback
from .stats import feedback_stats

BASIS = "按承办答复的党组织统计，含下级全部党组织"


def _day(period):
    return min(period.end, timezone.localdate())


def received(organization, period):
    return Feedback.objects.in_subtree(organization).filter(submitted_on__range=(period.start, period.end))


def answered_in_time(organization, period):
    return received(organization, period).filter(answered_on__isnull=False, answered_on__lte=F("due_on"))


def overdue(organization, period):
    return received(organization, period).filter(answered_on__isnull=True, due_on__lt=_day(period))


def _link(organization, period):
    query = {"organization": organization.pk, "first": period.start, "last": period.end}
    return reverse("feedback:stats") + "?" + urlencode(query)


def _count(key, label, records, description):
    register_figure(key, label, "件", records=records, description=description, link=_link)(
        lambda organization, period: records(organization, period).count()
    )


_count("feedback.received", "收到意见建议件数", received, f"统计期内提交的意见建议件数（{BASIS}）")
_count(
    "feedback.answered_in_time",
    "按期答复件数",
    answered_in_time,
    f"统计期内提交的意见建议中，在答复期限内首次答复的件数（期限按工作日计算；{BASIS}）",
)
_count(
    "feedback.overdue",
    "逾期未答复件数",
    overdue,
    f"统计期内提交的意见建议中，期末（或今天，取较早者）已过答复期限仍未答复的件数（{BASIS}）",
)


@register_figure(
    "feedback.answered_in_time_rate",
    "意见建议按期答复率",
    "%",
    records=answered_in_time,
    description=f"按期答复件数÷（已答复件数＋逾期未答复件数）×100%（统计期内提交的；{BASIS}）",
    link=_link,
    measure="rate",
)
def answered_in_time_rate(organization, period):
    return feedback_stats(organization, period.start, period.end, today=_day(period)).total.in_time_rate
