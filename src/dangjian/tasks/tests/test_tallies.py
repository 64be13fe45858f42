"""The tally (counter cache) follows every service that moves a copy, and equals a recount."""

from datetime import date

import pytest

from dangjian.tasks import services, tallies
from dangjian.tasks.keylist import aggregate_totals
from dangjian.tasks.models import AssignmentTally

pytestmark = pytest.mark.django_db


def snapshot(task_ids):
    rows = AssignmentTally.objects.filter(task_id__in=task_ids, count__gt=0)
    return sorted(rows.values_list("task_id", "deadline", "status", "late", "count"))


def test_the_tally_follows_the_services_and_equals_a_recount(world, issue):
    task = issue(recipients=("a1", "a2"))
    other = issue(recipients=("a1",), title="另一项", deadline=date(2026, 10, 20))
    a1, a2 = task.assignments.get(organization=world["a1"]), task.assignments.get(organization=world["a2"])
    services.do_accept_assignment(a1, acting_user=None, owner_name="张三丰")
    services.do_report_progress(
        a1, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 10, 9)
    )
    services.do_return_assignment(a1, acting_user=None, comment="补充材料")
    services.do_report_progress(
        a1, acting_user=None, text="补齐", percent=100, final=True, reported_on=date(2026, 10, 12)
    )
    services.do_report_progress(
        a2, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 20)
    )
    services.do_confirm_assignment(a2, acting_user=None, confirmed_on=date(2026, 9, 21))
    services.do_record_follow_up(
        a2,
        acting_user=None,
        satisfaction="unsatisfied",
        visited_on=date(2026, 9, 28),
        reopen=True,
        new_deadline=date(2026, 10, 30),
    )
    ids = [task.pk, other.pk]
    kept = snapshot(ids)
    tallies.rebuild(ids)
    assert snapshot(ids) == kept
    for today in (date(2026, 9, 15), date(2026, 10, 10), date(2026, 10, 13), date(2026, 11, 2)):
        assert tallies.counts(ids, today) == aggregate_totals(ids, today)
    counts = tallies.counts(ids, date(2026, 10, 13))
    assert counts[task.pk] == {"total": 2, "accepted": 2, "submitted": 1, "done": 0, "overdue": 1}  # a1 late
    services.do_cancel_task(task, acting_user=None, reason="取消")
    assert tallies.counts([task.pk], date(2026, 11, 2))[task.pk]["overdue"] == 0
