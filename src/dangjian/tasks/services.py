"""Writes of 交办督办. Every write is scoped (`accounts.scope.require`), atomic and audited.

Who may do what:
- the issuer (a change grant over the task's organization): issue, confirm, return, follow up, cancel,
  publish a 通报;
- the recipient unit (a change grant over the assignment's organization): accept, report progress.
Issuing to 10,000 branches writes the task and ONE `bulk_create` of the copies, audited as one event naming
the recipient count (a per-copy audit row would say nothing the task's event does not).
The escalation ladder lives in `escalation.py` (`do_escalate`).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import get_scope, require
from dangjian.activities.attachments import inspect_upload
from dangjian.audit import services as audit
from dangjian.core.tree import subtree_q
from dangjian.organizations.choices import OrganizationStatus
from dangjian.organizations.models import Organization

from . import tallies
from .choices import RecipientChoice, ReviewDecision, ScheduleDayKind, TaskKind, TaskStatus
from .escalation import EscalationSummary, do_escalate
from .models import (
    Assignment,
    Bulletin,
    FollowUp,
    HolidaySchedule,
    KeyTaskList,
    ProgressReport,
    Review,
    ScheduleDay,
    Task,
)
from .workdays import WorkCalendar

__all__ = [
    "EscalationSummary",
    "do_accept_assignment",
    "do_cancel_task",
    "do_confirm_assignment",
    "do_create_key_task_list",
    "do_escalate",
    "do_issue_task",
    "do_publish_bulletin",
    "do_record_follow_up",
    "do_report_progress",
    "do_return_assignment",
    "do_save_holiday_schedule",
    "resolve_deadline",
    "select_recipients",
]

BULK_BATCH = 2000


# Deadlines -----------------------------------------------------------------------------------------------
def resolve_deadline(start: date, *, deadline=None, working_days=None, calendar=None) -> date:
    """A deadline given as a date, or as N working days after `start`; its year must be known."""
    calendar = calendar or WorkCalendar.load()
    if (deadline is None) == (working_days is None):
        raise ValidationError({"deadline": "请给出办结期限：具体日期或若干个工作日（二选一）。"})
    if working_days is not None:
        if working_days < 1:
            raise ValidationError({"working_days": "工作日天数至少为1。"})
        return calendar.add(start, working_days)
    calendar.check(deadline)
    if deadline < start:
        raise ValidationError({"deadline": "办结期限不能早于交办日期。"})
    return deadline


def store_file(record, upload) -> None:
    """Check an upload (size, type by its first bytes) and attach it to `record` (FileFields)."""
    found = inspect_upload(upload)
    if found.problem:
        raise ValidationError({"file": found.problem})
    record.file_name = found.original_name
    record.file_type = found.content_type
    record.file_size = found.size
    record.file_sha256 = found.sha256
    record.file.save(found.original_name, upload, save=False)


# Recipients ------------------------------------------------------------------------------------------------
def select_recipients(
    organization: Organization, *, choice=RecipientChoice.ALL_BRANCHES, kinds: Iterable[str] = (), ids=()
) -> list[int]:
    """Ids of the active organizations below `organization`: all branches, those of some kinds, or a list."""
    below = Organization.objects.filter(
        subtree_q(organization.path), depth__gt=organization.depth, status=OrganizationStatus.ACTIVE
    )
    if choice == RecipientChoice.ALL_BRANCHES:
        below = below.branches()
    elif choice == RecipientChoice.KINDS:
        below = below.filter(kind__in=list(kinds))
    else:
        below = below.filter(pk__in=[_org_id(item) for item in ids])
    return list(below.order_by("path").values_list("pk", flat=True))


def _org_id(item) -> int:
    return item.pk if isinstance(item, Organization) else int(item)


def _checked_recipients(organization: Organization, recipients) -> list[int]:
    """The recipients as ids, each once; refused unless every one lies (active) below the issuer."""
    ids = list(dict.fromkeys(_org_id(item) for item in recipients))
    if not ids:
        raise ValidationError({"recipients": "请选择至少一个承办单位。"})
    inside = set(
        Organization.objects.filter(
            subtree_q(organization.path),
            depth__gt=organization.depth,
            status=OrganizationStatus.ACTIVE,
            pk__in=ids,
        ).values_list("pk", flat=True)
    )
    outside = [pk for pk in ids if pk not in inside]
    if outside:
        names = list(Organization.objects.filter(pk__in=outside[:5]).values_list("name", flat=True))
        shown = "、".join(names) or "（不存在的组织）"
        more = f"等{len(outside)}个单位" if len(outside) > len(names) else ""
        raise ValidationError(
            {"recipients": f"只能向{organization.name}的下级组织（未撤销）交办任务：{shown}{more}不在其中。"}
        )
    return ids


# Issuing ----------------------------------------------------------------------------------------------------
@transaction.atomic
def do_issue_task(
    *,
    acting_user,
    organization: Organization,
    title: str,
    content: str = "",
    recipients,
    deadline: date | None = None,
    working_days: int | None = None,
    kind=TaskKind.ORDINARY,
    key_task_list: KeyTaskList | None = None,
    source_document: str = "",
    document_number: str = "",
    issued_on: date | None = None,
    attachment=None,
    reminder_working_days: int | None = None,
    bulletin_working_days: int | None = None,
) -> Task:
    """Issue a task to `recipients` (Organizations or ids below the issuer); one copy each, in one insert."""
    require(acting_user, organization)
    issued_on = issued_on or timezone.localdate()
    if key_task_list is not None and key_task_list.organization_id != organization.pk:
        raise ValidationError({"key_task_list": "只能列入本单位的重点任务清单。"})
    ids = _checked_recipients(organization, recipients)
    task = Task(
        organization=organization,
        title=(title or "").strip(),
        content=content or "",
        kind=kind,
        key_task_list=key_task_list,
        source_document=source_document or "",
        document_number=document_number or "",
        issued_on=issued_on,
        issued_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        deadline=resolve_deadline(issued_on, deadline=deadline, working_days=working_days),
        deadline_working_days=working_days,
        reminder_working_days=reminder_working_days,
        bulletin_working_days=bulletin_working_days,
    )
    if attachment is not None:
        store_file(task, attachment)
    task.full_clean()
    task.save()
    # One audit event for the task names the recipient count: a row per copy would say nothing more.
    Assignment.objects.bulk_create(  # audit-exempt: audited as the task's creation
        [Assignment(task=task, organization_id=pk, deadline=task.deadline) for pk in ids],
        batch_size=BULK_BATCH,
    )
    tallies.issue(task, len(ids))
    audit.record_create(task, acting_user=acting_user, message=f"交办给{len(ids)}个单位")
    return task


@transaction.atomic
def do_cancel_task(task: Task, *, acting_user, reason: str, cancelled_on: date | None = None) -> Task:
    """撤销: the task and its copies are kept; nothing of it is overdue or escalated any more."""
    require(acting_user, task.organization)
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.is_cancelled:
        raise ValidationError("该任务已撤销。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "撤销任务须填写原因。"})
    before = audit.snapshot(task)
    task.cancelled_on = cancelled_on or timezone.localdate()
    task.cancelled_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    task.cancel_reason = reason.strip()
    task.full_clean()
    task.save()
    audit.record_update(task, before, acting_user=acting_user, message="撤销任务")
    return task


# The recipient's side -----------------------------------------------------------------------------------
def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update().select_related("task", "organization").get(pk=assignment.pk)


def _live(assignment: Assignment) -> None:
    if assignment.task.is_cancelled:
        raise ValidationError("该任务已撤销。")


def _who(acting_user):
    return acting_user if getattr(acting_user, "is_authenticated", False) else None


@transaction.atomic
def do_accept_assignment(
    assignment: Assignment, *, acting_user, owner_name: str = "", owner_phone: str = "", owner_member=None
) -> Assignment:
    """签收, naming the 首问负责人 (a member of the unit, or a name and phone)."""
    require(acting_user, assignment.organization)
    assignment = _locked(assignment)
    _live(assignment)
    if assignment.status != TaskStatus.PENDING:
        raise ValidationError("该任务已签收。")
    if owner_member is not None and owner_member.organization_id != assignment.organization_id:
        raise ValidationError({"owner_member": "首问负责人应为本单位党员。"})
    before, state = audit.snapshot(assignment), tallies.state_of(assignment)
    assignment.status = TaskStatus.IN_PROGRESS
    assignment.accepted_at = timezone.now()
    assignment.accepted_by = _who(acting_user)
    assignment.owner_member = owner_member
    assignment.owner_name = (owner_name or "").strip() or (owner_member.name if owner_member else "")
    assignment.owner_phone = (owner_phone or "").strip()
    assignment.full_clean()
    assignment.save()
    tallies.move(assignment, state)
    audit.record_update(assignment, before, acting_user=acting_user, message="签收")
    return assignment


@transaction.atomic
def do_report_progress(
    assignment: Assignment,
    *,
    acting_user,
    text: str,
    percent: int,
    final: bool = False,
    evidence=None,
    reported_on: date | None = None,
) -> ProgressReport:
    """A progress report; `final=True` asks the issuer to confirm completion (待确认). An unaccepted task is
    accepted by its first report."""
    require(acting_user, assignment.organization)
    assignment = _locked(assignment)
    _live(assignment)
    if assignment.status == TaskStatus.DONE:
        raise ValidationError("该任务已办结。")
    if assignment.status == TaskStatus.SUBMITTED:
        raise ValidationError("已申请办结，正等待交办单位确认；如被退回可继续报告。")
    if not (text or "").strip():
        raise ValidationError({"text": "请填写办理情况。"})
    if final and percent != 100:
        raise ValidationError({"percent": "申请办结时进度应为100%。"})
    today = timezone.localdate()
    reported_on = reported_on or today
    if reported_on > today or reported_on < assignment.task.issued_on:
        raise ValidationError({"reported_on": "报告日期应在交办日期和今天之间。"})
    report = ProgressReport(
        assignment=assignment,
        reported_on=reported_on,
        text=text.strip(),
        percent=percent,
        final=final,
        reported_by=_who(acting_user),
    )
    if evidence is not None:
        store_file(report, evidence)
    report.full_clean()
    report.save()
    audit.record_create(report, acting_user=acting_user)
    before, state = audit.snapshot(assignment), tallies.state_of(assignment)
    if assignment.status == TaskStatus.PENDING:
        assignment.accepted_at = timezone.now()
        assignment.accepted_by = _who(acting_user)
    assignment.status = TaskStatus.SUBMITTED if final else TaskStatus.IN_PROGRESS
    assignment.percent = percent
    assignment.last_reported_on = reported_on
    if final:
        assignment.submitted_on = reported_on
    assignment.full_clean()
    assignment.save()
    tallies.move(assignment, state)
    audit.record_update(
        assignment, before, acting_user=acting_user, message="申请办结" if final else "报告进展"
    )
    return report


# The issuer's side ------------------------------------------------------------------------------------------
def _issuer(acting_user, assignment: Assignment, authorized: bool = False) -> None:
    if not authorized:
        require(acting_user, assignment.task.organization)


@transaction.atomic
def do_confirm_assignment(
    assignment: Assignment,
    *,
    acting_user,
    comment: str = "",
    authorized: bool = False,
    confirmed_on: date | None = None,
) -> Assignment:
    """确认办结 by the issuer (the unit must have asked). `authorized=True`: the caller checked another
    permission (an inspection team closing a 整改 it verified, 销号) — no issuer scope check, and the unit
    need not have asked first."""
    _issuer(acting_user, assignment, authorized)
    assignment = _locked(assignment)
    _live(assignment)
    if assignment.status == TaskStatus.DONE:
        raise ValidationError("该任务已办结。")
    if assignment.status != TaskStatus.SUBMITTED and not authorized:
        raise ValidationError("承办单位尚未申请办结。")
    confirmed_on = confirmed_on or timezone.localdate()
    before, state = audit.snapshot(assignment), tallies.state_of(assignment)
    assignment.status = TaskStatus.DONE
    assignment.percent = 100
    assignment.confirmed_on = confirmed_on
    assignment.confirmed_by = _who(acting_user)
    assignment.full_clean()
    assignment.save()
    tallies.move(assignment, state)
    Review.objects.create(
        assignment=assignment,
        decision=ReviewDecision.CONFIRMED,
        decided_on=confirmed_on,
        comment=(comment or "").strip(),
        decided_by=_who(acting_user),
    )
    audit.record_update(assignment, before, acting_user=acting_user, message="确认办结")
    return assignment


@transaction.atomic
def do_return_assignment(
    assignment: Assignment, *, acting_user, comment: str, returned_on: date | None = None
) -> Assignment:
    """退回重办: the submission falls short; the unit works on (the deadline stands)."""
    _issuer(acting_user, assignment)
    assignment = _locked(assignment)
    _live(assignment)
    if assignment.status != TaskStatus.SUBMITTED:
        raise ValidationError("只能退回已申请办结的任务。")
    if not (comment or "").strip():
        raise ValidationError({"comment": "退回须说明原因。"})
    before, state = audit.snapshot(assignment), tallies.state_of(assignment)
    assignment.status = TaskStatus.IN_PROGRESS
    assignment.submitted_on = None
    assignment.full_clean()
    assignment.save()
    tallies.move(assignment, state)
    Review.objects.create(
        assignment=assignment,
        decision=ReviewDecision.RETURNED,
        decided_on=returned_on or timezone.localdate(),
        comment=comment.strip(),
        decided_by=_who(acting_user),
    )
    audit.record_update(assignment, before, acting_user=acting_user, message=f"退回重办：{comment.strip()}")
    return assignment


@transaction.atomic
def do_record_follow_up(
    assignment: Assignment,
    *,
    acting_user,
    satisfaction: str,
    notes: str = "",
    visited_on: date | None = None,
    reopen: bool = False,
    new_deadline: date | None = None,
    working_days: int | None = None,
) -> FollowUp:
    """跟踪回访 of a completed assignment; `reopen` sends it back to 办理中 with a new deadline (a date or N
    working days after the visit), and the escalation ladder starts a new round."""
    _issuer(acting_user, assignment)
    assignment = _locked(assignment)
    _live(assignment)
    if assignment.status != TaskStatus.DONE:
        raise ValidationError("只能回访已办结的任务。")
    visited_on = visited_on or timezone.localdate()
    if visited_on < (assignment.confirmed_on or visited_on) or visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "回访日期应在确认办结之后、不晚于今天。"})
    if reopen:
        new_deadline = resolve_deadline(visited_on, deadline=new_deadline, working_days=working_days)
    elif new_deadline is not None or working_days is not None:
        raise ValidationError({"new_deadline": "不重新办理时无需新的期限。"})
    follow_up = FollowUp(
        assignment=assignment,
        visited_on=visited_on,
        satisfaction=satisfaction,
        notes=(notes or "").strip(),
        reopened=reopen,
        new_deadline=new_deadline if reopen else None,
        visited_by=_who(acting_user),
    )
    follow_up.full_clean()
    follow_up.save()
    audit.record_create(follow_up, acting_user=acting_user)
    if reopen:
        before, state = audit.snapshot(assignment), tallies.state_of(assignment)
        assignment.status = TaskStatus.IN_PROGRESS
        assignment.deadline = new_deadline
        assignment.reopened_count += 1
        assignment.submitted_on = None
        assignment.confirmed_on = None
        assignment.confirmed_by = None
        assignment.full_clean()
        assignment.save()
        tallies.move(assignment, state)
        audit.record_update(assignment, before, acting_user=acting_user, message="回访后重新办理")
    return follow_up


@transaction.atomic
def do_publish_bulletin(bulletin: Bulletin, *, acting_user, text: str = "", published_on=None) -> Bulletin:
    """The issuer publishes a 通报 draft (possibly edited); the next overdue units start a new draft."""
    require(acting_user, bulletin.task.organization)
    bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.published_on is not None:
        raise ValidationError("该通报已发布。")
    before = audit.snapshot(bulletin)
    bulletin.text = (text or "").strip() or bulletin.text
    bulletin.published_on = published_on or timezone.localdate()
    bulletin.published_by = _who(acting_user)
    bulletin.full_clean()
    bulletin.save()
    audit.record_update(bulletin, before, acting_user=acting_user, message="发布通报")
    return bulletin


# Key-task lists ---------------------------------------------------------------------------------------
@transaction.atomic
def do_create_key_task_list(
    *, acting_user, organization: Organization, year: int, name: str, description: str = ""
) -> KeyTaskList:
    require(acting_user, organization)
    key_list = KeyTaskList(
        organization=organization, year=year, name=(name or "").strip(), description=description or ""
    )
    key_list.full_clean()
    key_list.save()
    audit.record_create(key_list, acting_user=acting_user)
    return key_list


# Holiday schedules (系统管理员) ---------------------------------------------------------------------------
def require_schedule_admin(user) -> None:
    """Holiday schedules are system configuration: a 系统管理员 (or the command line) enters them."""
    if user is not None and not get_scope(user).allows("manage_users"):
        raise PermissionDenied("只有系统管理员可以录入节假日安排。")


@transaction.atomic
def do_save_holiday_schedule(
    *,
    acting_user,
    year: int,
    source_document: str,
    days: Iterable[tuple[date, str, str]],
    document_number: str = "",
    published_on: date | None = None,
) -> HolidaySchedule:
    """Enter (or replace) a year's schedule: every 放假 and 调休上班 day of the notice as (date, kind, name).
    From then on the year's working days come from it, not from the chinese_calendar package. Deadlines
    computed before keep their dates."""
    require_schedule_admin(acting_user)
    schedule = HolidaySchedule.objects.select_for_update().filter(year=year).first()
    before = audit.snapshot(schedule) if schedule else None
    old_days = sorted(str(d) for d in schedule.days.all()) if schedule else []
    schedule = schedule or HolidaySchedule(year=year)
    schedule.source_document = (source_document or "").strip()
    schedule.document_number = (document_number or "").strip()
    schedule.published_on = published_on
    schedule.entered_by = _who(acting_user)
    schedule.full_clean()
    schedule.save()
    rows = _schedule_days(schedule, days)
    schedule.days.all().delete()
    ScheduleDay.objects.bulk_create(rows)  # audit-exempt: the schedule's event lists every day
    new_days = sorted(str(d) for d in rows)
    if before is None:
        audit.record_create(
            schedule, acting_user=acting_user, message=f"录入{len(rows)}天：" + "；".join(new_days)
        )
    else:
        message = "节假日安排未变" if old_days == new_days else "重新录入：" + "；".join(new_days)
        audit.record_update(schedule, before, acting_user=acting_user, message=message)
    return schedule


def _schedule_days(schedule: HolidaySchedule, days) -> list[ScheduleDay]:
    rows, seen, errors = [], set(), []
    for day, kind, name in days:
        if day.year != schedule.year:
            errors.append(f"{day:%Y-%m-%d}不在{schedule.year}年内。")
        elif day in seen:
            errors.append(f"{day:%Y-%m-%d}重复。")
        elif kind not in ScheduleDayKind.values:
            errors.append(f"{day:%Y-%m-%d}的类别应为放假或调休上班。")
        seen.add(day)
        rows.append(
            ScheduleDay(schedule=schedule, date=day, kind=kind, name=(name or "").strip()[:20] or "节假日")
        )
    if not rows:
        errors.append("请至少录入一天（放假或调休上班）。")
    if errors:
        raise ValidationError({"days": errors})
    return sorted(rows, key=lambda row: row.date)
