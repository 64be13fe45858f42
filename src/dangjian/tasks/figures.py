"""交办督办 figures: tasks issued by the subtree in a period, and the copies (assignments) its units
received of tasks issued in the period, read at period.end: 办结 (confirmed by then), 逾期 (the
deadline passed before then and the unit had not finished: the rule of `querysets.overdue_q` on that
day) and 按期办结率. A cancelled task counts nowhere. Scope is the caller's (see core.figures).
"""

from django.db.models import F, Q
from django.urls import reverse

from dangjian.core.figures import rate, register_figure

from .choices import TaskStatus
from .models import Assignment, Task

RECEIVED = "按承办单位统计，含下级全部党组织"


def issued(organization, period):
    return Task.objects.in_subtree(organization).live().filter(issued_on__range=(period.start, period.end))


def received(organization, period):
    """Copies received by the subtree's units of live tasks issued in the period."""
    return Assignment.objects.in_subtree(organization).filter(
        task__cancelled_on__isnull=True, task__issued_on__range=(period.start, period.end)
    )


def done_q(on) -> Q:
    return Q(status=TaskStatus.DONE, confirmed_on__lte=on)


def finished_q(on) -> Q:
    """Not late on the day `on`: confirmed by then, or completion reported by the deadline (and by then)."""
    reported_in_time = Q(submitted_on__lte=F("deadline")) & Q(submitted_on__lte=on)
    return done_q(on) | reported_in_time


def overdue(organization, period):
    on = period.end
    return received(organization, period).filter(deadline__lt=on).exclude(finished_q(on))


def done(organization, period):
    return received(organization, period).filter(done_q(period.end))


def done_on_time(organization, period):
    """Copies due by period.end, confirmed by then, whose completion was reported by the deadline."""
    return done(organization, period).filter(deadline__lte=period.end, submitted_on__lte=F("deadline"))


def _link(organization, period):
    return reverse("tasks:task_list")


def _count(key, label, unit, records, description, **options):
    register_figure(key, label, unit, records=records, description=description, link=_link, **options)(
        lambda organization, period: records(organization, period).count()
    )


_count(
    "tasks.issued",
    "交办任务件数",
    "件",
    issued,
    "统计期内交办（未撤销）的任务件数（按交办的党组织统计，含下级）",
)
_count(
    "tasks.received",
    "承办任务件次",
    "件次",
    received,
    f"统计期内交办的任务中由本组织及下级承办的件次（{RECEIVED}）",
)
_count("tasks.done", "办结件次", "件次", done, f"统计期内交办的任务中截止期末已确认办结的件次（{RECEIVED}）")
_count(
    "tasks.overdue",
    "逾期件次",
    "件次",
    overdue,
    f"统计期内交办的任务中截止期末已过办结期限仍未办结的件次（期限内已申请办结的不算逾期；{RECEIVED}）",
)


@register_figure(
    "tasks.on_time_rate",
    "按期办结率",
    "%",
    records=done_on_time,
    description=f"截止期末按期办结的件次÷办结期限在期末以前的件次×100%（统计期内交办的任务；{RECEIVED}）",
    link=_link,
    measure="rate",
)
def on_time_rate(organization, period):
    due = received(organization, period).filter(deadline__lte=period.end).count()
    return rate(done_on_time(organization, period).count(), due)
