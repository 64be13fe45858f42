"""The ladder: 提醒 before the deadline, 催办 when overdue, 通报 N working days later; idempotent, counted."""

from datetime import date

import pytest
from django.test import override_settings

from dangjian.tasks import services
from dangjian.tasks.choices import EscalationStep, TaskStatus
from dangjian.tasks.escalation import escalation_counts
from dangjian.tasks.models import Assignment, Bulletin, Escalation

pytestmark = pytest.mark.django_db

REMINDER, URGE, BULLETIN = EscalationStep.REMINDER, EscalationStep.URGE, EscalationStep.BULLETIN


def steps(world, key):
    return list(
        Escalation.objects.filter(assignment__organization=world[key]).values_list("step", "round", "date")
    )


def test_the_ladder_climbs_across_the_national_day(world, issue):
    # Deadline Wednesday 30 September 2026; 国庆 1–7 October; 10 October (Saturday) is a working day.
    task = issue()
    a1 = task.assignments.get(organization=world["a1"])
    services.do_report_progress(
        a1, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 1)
    )
    assert services.do_escalate(date(2026, 9, 25)).total == 0  # 3 working days ahead: too early
    summary = services.do_escalate(date(2026, 9, 28))  # 2 working days before the deadline
    assert summary.reminders == 1  # A2 only: A1 reported completion and waits for the issuer
    assert steps(world, "a2") == [(REMINDER, 0, date(2026, 9, 28))]
    again = services.do_escalate(date(2026, 9, 29))
    assert again.total == 0  # once per round
    summary = services.do_escalate(date(2026, 10, 1))
    assert (summary.urges, summary.bulletin_units) == (1, 0)
    # Three working days after 30 September are 8, 9 and 10 October.
    assert services.do_escalate(date(2026, 10, 9)).bulletin_units == 0
    summary = services.do_escalate(date(2026, 10, 10))
    assert (summary.bulletin_units, summary.bulletins_drafted) == (1, 1)
    assert [s for s, _, _ in steps(world, "a2")] == [REMINDER, URGE, BULLETIN]
    assert steps(world, "a1") == []
    bulletin = Bulletin.objects.get(task=task)
    assert list(bulletin.assignments.values_list("organization__name", flat=True)) == ["A2社区党支部"]
    assert "A2社区党支部（办结期限2026年09月30日）" in bulletin.text
    # Idempotent: the same day again, or later days, add nothing.
    assert services.do_escalate(date(2026, 10, 10)).total == 0
    assert services.do_escalate(date(2026, 10, 20)).total == 0
    assert escalation_counts(task.assignments.all()) == {REMINDER: 1, URGE: 1, BULLETIN: 1}


def test_a_reopen_starts_a_new_round(world, issue):
    task = issue(recipients=("a1",))
    copy = task.assignments.get()
    services.do_escalate(date(2026, 10, 12))
    assert (
        Escalation.objects.filter(assignment=copy, round=0).count() == 2
    )  # 催办 and 通报 (no reminder: late)
    services.do_report_progress(
        copy, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 10, 12)
    )
    services.do_confirm_assignment(copy, acting_user=None, confirmed_on=date(2026, 10, 13))
    services.do_record_follow_up(
        copy,
        acting_user=None,
        satisfaction="unsatisfied",
        visited_on=date(2026, 10, 14),
        reopen=True,
        new_deadline=date(2026, 10, 30),
    )
    summary = services.do_escalate(date(2026, 10, 29))
    assert summary.reminders == 1
    assert Escalation.objects.get(assignment=copy, step=REMINDER).round == 1


def test_published_bulletins_are_kept_and_new_units_start_a_new_draft(world, issue):
    task = issue()
    services.do_escalate(date(2026, 10, 12))
    draft = Bulletin.objects.get(task=task)
    assert draft.assignments.count() == 2
    services.do_publish_bulletin(draft, acting_user=world["town_a_admin"])
    draft.refresh_from_db()
    assert draft.published_on is not None
    assert services.do_escalate(date(2026, 10, 13)).bulletins_drafted == 0


def test_numbers_come_from_the_task_or_the_setting(world, issue):
    task = issue(recipients=("a1",), reminder_working_days=5)
    assert services.do_escalate(date(2026, 9, 23)).reminders == 1  # 5 working days before 30 September
    with override_settings(TASK_ESCALATION={"reminder_working_days": 0}):
        other = issue(recipients=("a2",), title="另一项")
        assert services.do_escalate(date(2026, 9, 29)).reminders == 0
        assert services.do_escalate(date(2026, 9, 30)).reminders == 1
    assert task.pk != other.pk


def test_a_cancelled_task_is_not_escalated(world, issue):
    task = issue()
    services.do_cancel_task(task, acting_user=None, reason="取消")
    assert services.do_escalate(date(2026, 10, 20)).total == 0


def test_unknown_years_are_reported_not_guessed(world, issue):
    issue(issued_on=date(2026, 12, 1), deadline=date(2026, 12, 31), recipients=("a1",))
    summary = services.do_escalate(date(2026, 12, 31))
    # The reminder for 31 December is computable (2026); the 通报 threshold would fall in 2027: skipped.
    assert summary.reminders == 1
    summary = services.do_escalate(date(2027, 1, 4))
    assert summary.urges == 1 and summary.unknown_years == {2027}
    assert "2027年的节假日安排尚未录入" in summary.as_text()


def test_the_command_runs_the_ladder(world, issue):
    from io import StringIO

    from django.core.management import call_command

    issue()
    out = StringIO()
    call_command("escalate_tasks", "--date", "2026-10-12", stdout=out)
    assert "催办2个" in out.getvalue()
    assert Assignment.objects.filter(status=TaskStatus.PENDING, escalations__step=URGE).count() == 2
