"""Reads of tasks and assignments: scoping, and the derived 逾期 (overdue)."""

from django.db.models import Count, F, Q

from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet

from .choices import TaskStatus

# Positive lists rather than negations: inside an aggregate's FILTER over a join they stay plain conditions.
OPEN_STATUSES = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
WORKING_STATUSES = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)
ACCEPTED_STATUSES = (TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED, TaskStatus.DONE)


def overdue_q(today, prefix: str = "", *, live_tasks_only: bool = True) -> Q:
    """逾期 (on Assignment rows): the deadline has passed and the unit has not finished — not 已办结, and not
    待确认 with completion reported by the deadline (a unit that reported on time waits for the issuer, it
    is not late) — of a task not cancelled.

    `live_tasks_only=False` leaves out the join to the task, for callers that chose live tasks already.
    """
    late_submission = Q(
        **{f"{prefix}status": TaskStatus.SUBMITTED, f"{prefix}submitted_on__gt": F(f"{prefix}deadline")}
    )
    condition = Q(**{f"{prefix}deadline__lt": today}) & (
        Q(**{f"{prefix}status__in": WORKING_STATUSES}) | late_submission
    )
    if live_tasks_only:
        condition &= Q(**{f"{prefix}task__cancelled_on__isnull": True})
    return condition


def progress_counts(today, prefix: str = "", *, live_tasks_only: bool = True) -> dict:
    """Aggregates over Assignment rows (through `prefix`): total, accepted, submitted, done, overdue."""
    pk, status = f"{prefix}pk", f"{prefix}status"
    return {
        "total": Count(pk),
        "accepted": Count(pk, filter=Q(**{f"{status}__in": ACCEPTED_STATUSES})),
        "submitted": Count(pk, filter=Q(**{status: TaskStatus.SUBMITTED})),
        "done": Count(pk, filter=Q(**{status: TaskStatus.DONE})),
        "overdue": Count(pk, filter=overdue_q(today, prefix, live_tasks_only=live_tasks_only)),
    }


class TaskQuerySet(OrgScopedQuerySet):
    """Tasks are scoped by the issuing organization."""

    def live(self):
        return self.filter(cancelled_on__isnull=True)

    def with_progress(self, today):
        """Each task with its assignments counted (签收/待确认/办结/逾期) in the same query."""
        counts = progress_counts(today, "assignments__", live_tasks_only=False)
        # A cancelled task has nothing overdue.
        counts["overdue"] = Count(
            "assignments__pk",
            filter=overdue_q(today, "assignments__", live_tasks_only=False) & Q(cancelled_on__isnull=True),
        )
        return self.annotate(**{f"n_{key}": value for key, value in counts.items()})


class AssignmentQuerySet(OrgScopedQuerySet):
    """Assignments are scoped by the recipient unit: its admins and everyone above it see them."""

    def overdue(self, today):
        return self.filter(overdue_q(today))

    def open(self):
        """Not yet 已办结, of a task not cancelled."""
        return self.filter(status__in=OPEN_STATUSES, task__cancelled_on__isnull=True)

    def counts(self, today) -> dict:
        return self.aggregate(**progress_counts(today))


class AssignmentPartQuerySet(ScopedQuerySet):
    """Progress reports, escalations, follow-ups and reviews reach their organization via the assignment."""

    scope_path_field = "assignment__organization__path"


class BulletinQuerySet(ScopedQuerySet):
    """A 通报 draft belongs to the issuer of its task."""

    scope_path_field = "task__organization__path"
