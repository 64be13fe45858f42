"""Issuing to many units in one insert, the recipient's and the issuer's steps, follow-up reopen, cancel."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.audit.models import AuditEvent
from dangjian.tasks import services
from dangjian.tasks.choices import RecipientChoice, ReviewDecision, TaskKind, TaskStatus
from dangjian.tasks.models import Assignment, Review

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


def test_issuing_creates_one_copy_per_recipient_in_one_insert_and_one_audit_event(world, issue):
    with mock.patch.object(Assignment.objects, "bulk_create", wraps=Assignment.objects.bulk_create) as bulk:
        task = issue(acting_user=world["town_a_admin"])
    assert bulk.call_count == 1
    copies = task.assignments.order_by("organization__path")
    assert [a.organization for a in copies] == [world["a1"], world["a2"]]
    assert {a.status for a in copies} == {TaskStatus.PENDING}
    assert {a.deadline for a in copies} == {date(2026, 9, 30)}
    events = AuditEvent.objects.filter(object_type="tasks.task", object_id=str(task.pk))
    assert [e.message for e in events] == ["交办给2个单位"]
    assert not AuditEvent.objects.filter(object_type="tasks.assignment").exists()


def test_a_deadline_in_working_days_skips_the_national_day(world, issue):
    task = issue(issued_on=date(2026, 9, 29), working_days=5)
    # 2026 国庆: 10月1日至7日放假, 10月10日（周六）上班: 9/30 (1), 10/8 (2), 10/9 (3), 10/10 (4), 10/12 (5).
    assert task.deadline == date(2026, 10, 12)
    assert task.deadline_working_days == 5


def test_a_deadline_in_an_unknown_year_is_refused(world, issue):
    with pytest.raises(ValidationError, match="2027年的法定节假日安排尚未录入"):
        issue(issued_on=date(2026, 12, 20), working_days=15)
    with pytest.raises(ValidationError, match="2027年的法定节假日安排尚未录入"):
        issue(deadline=date(2027, 3, 1))


def test_recipients_outside_the_issuers_subtree_are_refused(world, issue):
    with pytest.raises(ValidationError) as caught:
        issue(recipients=("a1", "b1"))
    assert "只能向A镇党委的下级组织（未撤销）交办任务：B1村党支部不在其中。" in caught.value.messages
    with pytest.raises(ValidationError, match="不在其中"):
        issue(recipients=("town_a",))  # not to itself
    assert not Assignment.objects.filter(organization=world["b1"]).exists()


def test_only_an_admin_over_the_issuer_issues(world, issue):
    with pytest.raises(PermissionDenied):
        issue(acting_user=world["branch_a1_admin"])
    with pytest.raises(PermissionDenied):
        issue(acting_user=world["inspector_a"])


def test_recipient_pickers(world):
    root = world["root"]
    assert services.select_recipients(root) == [world[k].pk for k in ("a1", "a2", "b1")]
    assert services.select_recipients(root, choice=RecipientChoice.KINDS, kinds=["committee"]) == [
        world["town_a"].pk,
        world["town_b"].pk,
    ]
    chosen = services.select_recipients(
        world["town_a"], choice=RecipientChoice.LIST, ids=[world["a2"], world["b1"]]
    )
    assert chosen == [world["a2"].pk]


def test_accept_report_submit_confirm(world, issue):
    task = issue()
    copy = task.assignments.get(organization=world["a1"])
    services.do_accept_assignment(
        copy, acting_user=world["branch_a1_admin"], owner_member=world["zhang"], owner_phone="13812345678"
    )
    copy.refresh_from_db()
    assert copy.status == TaskStatus.IN_PROGRESS and copy.owner_label == "张三丰"
    assert copy.masked_owner_phone == "138****5678"
    services.do_report_progress(
        copy,
        acting_user=world["branch_a1_admin"],
        text="已组织学习",
        percent=40,
        reported_on=date(2026, 9, 10),
    )
    evidence = SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf")
    report = services.do_report_progress(
        copy,
        acting_user=world["branch_a1_admin"],
        text="全部完成",
        percent=100,
        final=True,
        evidence=evidence,
        reported_on=date(2026, 9, 20),
    )
    assert report.file_type == "application/pdf" and report.file_name == "签到表.pdf"
    copy.refresh_from_db()
    assert (
        copy.status == TaskStatus.SUBMITTED and copy.submitted_on == date(2026, 9, 20) and copy.percent == 100
    )
    with pytest.raises(PermissionDenied):  # the unit cannot confirm its own work
        services.do_confirm_assignment(copy, acting_user=world["branch_a1_admin"])
    services.do_confirm_assignment(copy, acting_user=world["town_a_admin"], comment="材料齐全")
    copy.refresh_from_db()
    assert copy.status == TaskStatus.DONE and copy.confirmed_by == world["town_a_admin"]
    assert Review.objects.get(assignment=copy).decision == ReviewDecision.CONFIRMED


def test_a_submission_can_be_returned_with_a_reason_and_is_late_after_the_deadline(world, issue):
    task = issue()
    copy = task.assignments.get(organization=world["a1"])
    services.do_report_progress(
        copy, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 25)
    )
    copy.refresh_from_db()
    assert copy.is_overdue_on(date(2026, 10, 20)) is False  # reported on time: waiting for the issuer
    with pytest.raises(ValidationError, match="退回须说明原因"):
        services.do_return_assignment(copy, acting_user=world["town_a_admin"], comment=" ")
    services.do_return_assignment(copy, acting_user=world["town_a_admin"], comment="缺少会议记录")
    copy.refresh_from_db()
    assert copy.status == TaskStatus.IN_PROGRESS and copy.submitted_on is None
    assert copy.is_overdue_on(date(2026, 10, 20)) is True
    assert list(
        Assignment.objects.overdue(date(2026, 10, 20))
        .filter(task=task)
        .values_list("organization", flat=True)
    ) == [
        world["a1"].pk,
        world["a2"].pk,
    ]


def test_progress_on_a_confirmation_pending_or_done_copy_is_refused(world, issue):
    copy = issue().assignments.get(organization=world["a1"])
    services.do_report_progress(
        copy, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 25)
    )
    with pytest.raises(ValidationError, match="等待交办单位确认"):
        services.do_report_progress(copy, acting_user=None, text="补充", percent=100)
    with pytest.raises(ValidationError, match="申请办结时进度应为100%"):
        other = issue(title="另一项").assignments.get(organization=world["a1"])
        services.do_report_progress(other, acting_user=None, text="完成", percent=90, final=True)


def test_a_follow_up_may_reopen_with_a_new_deadline(world, issue):
    copy = issue().assignments.get(organization=world["a1"])
    services.do_report_progress(
        copy, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 25)
    )
    services.do_confirm_assignment(copy, acting_user=None, confirmed_on=date(2026, 9, 26))
    follow_up = services.do_record_follow_up(
        copy,
        acting_user=world["town_a_admin"],
        satisfaction="unsatisfied",
        notes="群众反映问题未解决",
        visited_on=date(2026, 10, 9),
        reopen=True,
        working_days=5,
    )
    copy.refresh_from_db()
    assert follow_up.reopened and follow_up.new_deadline == date(2026, 10, 15)  # 10/10 is a working Saturday
    assert copy.status == TaskStatus.IN_PROGRESS and copy.deadline == date(2026, 10, 15)
    assert copy.reopened_count == 1 and copy.confirmed_on is None
    with pytest.raises(ValidationError, match="只能回访已办结的任务"):
        services.do_record_follow_up(
            copy, acting_user=None, satisfaction="satisfied", visited_on=date(2026, 10, 12)
        )


def test_a_follow_up_without_reopen_keeps_it_done(world, issue):
    copy = issue().assignments.get(organization=world["a1"])
    services.do_confirm_assignment(copy, acting_user=None, authorized=True, confirmed_on=date(2026, 9, 20))
    services.do_record_follow_up(
        copy, acting_user=None, satisfaction="satisfied", visited_on=date(2026, 9, 28)
    )
    copy.refresh_from_db()
    assert copy.status == TaskStatus.DONE


def test_authorized_confirmation_skips_the_issuer_check(world, issue):
    copy = issue(kind=TaskKind.RECTIFICATION).assignments.get(organization=world["a1"])
    services.do_confirm_assignment(
        copy, acting_user=world["inspector_a"], authorized=True, comment="督导组现场核实，销号"
    )
    copy.refresh_from_db()
    assert copy.status == TaskStatus.DONE


def test_cancelling_keeps_the_copies_and_nothing_is_overdue(world, issue):
    task = issue()
    services.do_cancel_task(task, acting_user=world["town_a_admin"], reason="上级通知取消")
    assert task.assignments.count() == 2
    assert not Assignment.objects.overdue(date(2026, 12, 1)).filter(task=task).exists()
    with pytest.raises(ValidationError, match="该任务已撤销"):
        services.do_report_progress(task.assignments.first(), acting_user=None, text="x", percent=10)
