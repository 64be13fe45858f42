"""The escalation ladder (督办), run daily by `dangjian escalate_tasks`; idempotent.

For each copy of a live task that is not finished:
1. 提醒: from N working days before the deadline (the task's `reminder_working_days`, else the setting)
   until the deadline, once per round;
2. 催办: once overdue, once per round;
3. 通报: still overdue M working days after the deadline (`bulletin_working_days`): the unit is put on the
   issuer's open 通报 draft for the task (created if none), once per round.
A round is the assignment's `reopened_count`: a follow-up that reopens the work restarts the ladder on the
new deadline. Each step is an `Escalation` row (unique per assignment, step and round), shown on the
assignment's page to the unit and everyone above it, and counted on the task's page.

Dates are compared per distinct (deadline, N): a handful of calendar questions, then one set-based
query and one insert per group. A deadline whose year has no known holidays is skipped and reported
(`unknown_years`), never guessed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone

from dangjian.audit import services as audit

from .choices import EscalationStep
from .conf import ladder
from .models import Assignment, Bulletin, Escalation
from .querysets import WORKING_STATUSES
from .workdays import CalendarUnknown, WorkCalendar

# A reminder N working days ahead lies at most this many calendar days ahead (N ≤ 60, long holidays).
HORIZON_DAYS = 120


@dataclass
class EscalationSummary:
    today: date
    reminders: int = 0
    urges: int = 0
    bulletin_units: int = 0
    bulletins_drafted: int = 0
    unknown_years: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.reminders + self.urges + self.bulletin_units

    def as_text(self) -> str:
        text = (
            f"{self.today:%Y-%m-%d} 督办：提醒{self.reminders}个、催办{self.urges}个、"
            f"列入通报{self.bulletin_units}个单位（新起草通报{self.bulletins_drafted}份）"
        )
        if self.unknown_years:
            years = "、".join(f"{y}年" for y in sorted(self.unknown_years))
            text += f"；{years}的节假日安排尚未录入，期限在其中的任务暂未督办"
        return text


def _candidates(today: date):
    """Unfinished copies (not 待确认: those wait for the issuer) of live tasks, with the ladder's numbers."""
    rules = ladder()
    return Assignment.objects.filter(status__in=WORKING_STATUSES, task__cancelled_on__isnull=True).annotate(
        reminder_n=Coalesce(F("task__reminder_working_days"), rules.reminder_working_days),
        bulletin_n=Coalesce(F("task__bulletin_working_days"), rules.bulletin_working_days),
    )


def _not_yet(step: str):
    return ~Exists(
        Escalation.objects.filter(assignment=OuterRef("pk"), step=step, round=OuterRef("reopened_count"))
    )


def _groups(rows, key: str) -> list[tuple[date, int]]:
    return list(rows.values_list("deadline", key).distinct().order_by())


def _record(rows, step: str, today: date, message) -> list[Escalation]:
    made = [
        Escalation(assignment_id=pk, step=step, round=round_, date=today, message=message(deadline))
        for pk, round_, deadline in rows.values_list("pk", "reopened_count", "deadline")
    ]
    # The run's summary is audited once (do_escalate); the rows themselves are the record of each step.
    return Escalation.objects.bulk_create(made, batch_size=2000)  # audit-exempt: summarised per run


def _reminders(calendar: WorkCalendar, today: date, summary: EscalationSummary) -> None:
    soon = _candidates(today).filter(deadline__gte=today, deadline__lte=today + timedelta(days=HORIZON_DAYS))
    for deadline, n in _groups(soon, "reminder_n"):
        try:
            starts = calendar.subtract(deadline, n)
        except CalendarUnknown as error:
            summary.unknown_years.add(error.year)
            continue
        if today < starts:
            continue
        rows = soon.filter(deadline=deadline, reminder_n=n).filter(_not_yet(EscalationStep.REMINDER))
        made = _record(
            rows, EscalationStep.REMINDER, today, lambda d: f"提醒：本任务须于{d:%Y-%m-%d}前办结。"
        )
        summary.reminders += len(made)


def _urges(today: date, summary: EscalationSummary) -> None:
    late = _candidates(today).filter(deadline__lt=today).filter(_not_yet(EscalationStep.URGE))
    made = _record(
        late,
        EscalationStep.URGE,
        today,
        lambda d: f"催办：本任务已超过办结期限（{d:%Y-%m-%d}），请抓紧办理并报告进展。",
    )
    summary.urges += len(made)


def _bulletins(calendar: WorkCalendar, today: date, summary: EscalationSummary) -> None:
    late = _candidates(today).filter(deadline__lt=today)
    due: list[int] = []
    for deadline, n in _groups(late, "bulletin_n"):
        try:
            threshold = calendar.add(deadline, n)
        except CalendarUnknown as error:
            summary.unknown_years.add(error.year)
            continue
        if today >= threshold:
            rows = late.filter(deadline=deadline, bulletin_n=n).filter(_not_yet(EscalationStep.BULLETIN))
            due += list(rows.values_list("pk", flat=True))
    if not due:
        return
    rows = Assignment.objects.filter(pk__in=due)
    made = _record(
        rows,
        EscalationStep.BULLETIN,
        today,
        lambda d: f"通报：逾期（期限{d:%Y-%m-%d}）仍未办结，已列入通报名单。",
    )
    summary.bulletin_units += len(made)
    by_task = defaultdict(list)
    for pk, task_id in rows.values_list("pk", "task_id"):
        by_task[task_id].append(pk)
    for task_id, pks in by_task.items():
        bulletin = Bulletin.objects.filter(task_id=task_id, published_on__isnull=True).first()
        if bulletin is None:
            bulletin = Bulletin.objects.create(task_id=task_id, drafted_on=today, text="")
            summary.bulletins_drafted += 1
        bulletin.assignments.add(*pks)
        bulletin.text = draft_text(bulletin, today)
        bulletin.save(update_fields=["text"])


def draft_text(bulletin: Bulletin, today: date) -> str:
    """The draft's wording: the task, its source, and the units still overdue (the issuer may edit it)."""
    task = bulletin.task
    units = list(
        bulletin.assignments.order_by("organization__path").values_list("organization__name", "deadline")
    )
    source = (
        f"（{task.source_document}{task.document_number and '，' + task.document_number}）"
        if task.source_document
        else ""
    )
    lines = [
        f"关于“{task.title}”办理情况的通报",
        "",
        f"{task.organization.name}于{task.issued_on:%Y年%m月%d日}交办“{task.title}”{source}。"
        f"截至{today:%Y年%m月%d日}，以下{len(units)}个单位逾期仍未办结，现予通报：",
    ]
    lines += [
        f"{i}. {name}（办结期限{deadline:%Y年%m月%d日}）" for i, (name, deadline) in enumerate(units, 1)
    ]
    lines += ["", "请上述单位高度重视，立即整改落实，并于3个工作日内书面报告办理情况。"]
    return "\n".join(lines)


@transaction.atomic
def do_escalate(today: date | None = None) -> EscalationSummary:
    """Run the ladder for `today` (default: today); running it twice the same day changes nothing."""
    today = today or timezone.localdate()
    summary = EscalationSummary(today)
    calendar = WorkCalendar.load()
    _reminders(calendar, today, summary)
    _urges(today, summary)
    _bulletins(calendar, today, summary)
    if summary.total:
        audit.record("create", None, acting_user=None, message=summary.as_text())
    return summary


def escalation_counts(assignments) -> dict[str, int]:
    """{step: count} of the escalations of `assignments` (a queryset), every round."""
    rows = Escalation.objects.filter(assignment__in=assignments).values("step").order_by()
    counts = dict.fromkeys(EscalationStep.values, 0)
    counts.update({row["step"]: row["n"] for row in rows.annotate(n=Count("pk"))})
    return counts


__all__ = ["EscalationSummary", "do_escalate", "draft_text", "escalation_counts"]
