"""The demo holds a key-task list with overdue cells, an escalated task with a 通报 draft, and follow-ups
(one reopening the work)."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.tasks.choices import EscalationStep, TaskStatus
from dangjian.tasks.keylist import build, naive_overdue_counts
from dangjian.tasks.models import Assignment, Bulletin, Escalation, FollowUp, KeyTaskList


@pytest.mark.django_db(transaction=True)
def test_demo_key_list_escalation_and_follow_up():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    assert "交办督办：" in out.getvalue()
    key_list = KeyTaskList.objects.get()
    today = timezone.localdate()
    matrix = build(key_list, today)
    assert len(matrix.tasks) == 5 and matrix.totals["total"] > 5 * 40
    assert matrix.totals["overdue"] > 0
    assert {pk: c["overdue"] for pk, c in matrix.columns.items()} == naive_overdue_counts(key_list, today)
    statuses = set(Assignment.objects.filter(task__key_task_list=key_list).values_list("status", flat=True))
    assert statuses == set(TaskStatus.values)
    escalated = (
        Assignment.objects.filter(escalations__step=EscalationStep.REMINDER)
        .filter(escalations__step=EscalationStep.URGE)
        .filter(escalations__step=EscalationStep.BULLETIN)
    )
    assert escalated.exists()
    draft = Bulletin.objects.filter(published_on__isnull=True, task__key_task_list=key_list).first()
    assert draft is not None and draft.assignments.exists() and "现予通报" in draft.text
    assert Escalation.objects.filter(step=EscalationStep.URGE).count() >= draft.assignments.count()
    reopened = FollowUp.objects.get(reopened=True)
    assert reopened.assignment.status == TaskStatus.IN_PROGRESS
    assert reopened.assignment.reopened_count == 1
    assert FollowUp.objects.filter(reopened=False).exists()
