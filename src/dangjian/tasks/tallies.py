"""Counter cache of copies per state (`AssignmentTally`): a task issued to 10,000 units, or a key list of
50 such tasks, is counted from a few rows per task instead of every copy (the key-list page reads
493,500 cells' counts in about a millisecond instead of 250 ms).

A copy's state is (deadline, status, late): 逾期 on a day follows from it alone (`overdue_on`), so the
counts of any day come from the tally. Every service that changes a copy's status, deadline or submission
date calls `move()` in its transaction; `issue()` adds the new copies; `rebuild()` recomputes tasks' rows
from the copies (after a bulk change outside the services, and in the consistency test).
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q

from .choices import TaskStatus
from .models import Assignment, AssignmentTally
from .querysets import ACCEPTED_STATUSES, WORKING_STATUSES

KEYS = ("total", "accepted", "submitted", "done", "overdue")


def state_of(assignment: Assignment) -> tuple[date, str, bool]:
    late = bool(
        assignment.status == TaskStatus.SUBMITTED
        and assignment.submitted_on
        and assignment.submitted_on > assignment.deadline
    )
    return assignment.deadline, assignment.status, late


def overdue_on(state: tuple[date, str, bool], today: date) -> bool:
    """The rule of `querysets.overdue_q` on a state (the task is live)."""
    deadline, status, late = state
    return deadline < today and (status in WORKING_STATUSES or late)


def _add(task_id: int, state, n: int) -> None:
    deadline, status, late = state
    row, _ = AssignmentTally.objects.select_for_update().get_or_create(
        task_id=task_id, deadline=deadline, status=status, late=late
    )
    row.count = F("count") + n
    row.save(update_fields=["count"])


def issue(task, n: int) -> None:
    """`n` new copies of `task`, 未签收 with the task's deadline."""
    AssignmentTally.objects.create(task=task, deadline=task.deadline, status=TaskStatus.PENDING, count=n)


def move(assignment: Assignment, before: tuple[date, str, bool]) -> None:
    """The copy left state `before` for its current one."""
    after = state_of(assignment)
    if after != before:
        _add(assignment.task_id, before, -1)
        _add(assignment.task_id, after, 1)


def rebuild(task_ids) -> None:
    """Recompute the tallies of `task_ids` from their copies."""
    task_ids = list(task_ids)
    AssignmentTally.objects.filter(task_id__in=task_ids).delete()  # audit-exempt: derived counts
    late = Q(status=TaskStatus.SUBMITTED, submitted_on__gt=F("deadline"))
    rows = (
        Assignment.objects.filter(task_id__in=task_ids)
        .values("task_id", "deadline", "status")
        .annotate(n_late=Count("pk", filter=late), n=Count("pk"))
        .order_by()
    )
    made = []
    for row in rows:
        key = {"task_id": row["task_id"], "deadline": row["deadline"], "status": row["status"]}
        if row["n"] - row["n_late"]:
            made.append(AssignmentTally(**key, late=False, count=row["n"] - row["n_late"]))
        if row["n_late"]:
            made.append(AssignmentTally(**key, late=True, count=row["n_late"]))
    AssignmentTally.objects.bulk_create(made)  # audit-exempt: derived counts


def counts(task_ids, today: date) -> dict[int, dict[str, int]]:
    """{task id: {"total", "accepted", "submitted", "done", "overdue"}} on `today` (nothing of a cancelled
    task is overdue)."""
    found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    rows = AssignmentTally.objects.filter(task_id__in=list(task_ids), count__gt=0).values_list(
        "task_id", "deadline", "status", "late", "count", "task__cancelled_on"
    )
    for task_id, deadline, status, late, n, cancelled_on in rows:
        tally = found[task_id]
        tally["total"] += n
        tally["accepted"] += n if status in ACCEPTED_STATUSES else 0
        tally["submitted"] += n if status == TaskStatus.SUBMITTED else 0
        tally["done"] += n if status == TaskStatus.DONE else 0
        tally["overdue"] += n if cancelled_on is None and overdue_on((deadline, status, late), today) else 0
    return {pk: dict(found[pk]) for pk in task_ids}
