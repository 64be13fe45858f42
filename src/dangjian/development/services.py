"""Writes of the development files: open a file, record a step (checked by the engine), close a file.

Every write is scoped with `accounts.scope.require`, atomic and audited. A step the engine refuses is not
recorded (the refused attempt is audited, unsuccessful) unless a committee administrator (组织管理员 over
the branch) records it with a reason: then the step keeps the refused messages and the reason, and an
audit event of kind 规则例外 names who overrode what.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.audit.choices import AuditAction

from . import engine
from .conf import limits
from .models import DevelopmentFile, DevelopmentPlan, DualRequirement, Step


class StepRefused(ValidationError):
    """The engine refused the step; `messages` are its Chinese messages citing the rules."""


def may_override(user, organization) -> bool:
    """A committee administrator: an 组织管理员 grant in force covering the branch (rules.md §4, issue #5)."""
    if user is None:
        return True  # an operator at the command line
    if not getattr(user, "is_authenticated", False):
        return False
    path = organization.path
    for grant in user.grants.current().filter(role=RoleChoices.ORG_ADMIN).select_related("organization"):
        granted = grant.organization.path
        if path == granted or (grant.include_descendants and path.startswith(granted)):
            return True
    return False


@transaction.atomic
def do_open_file(*, acting_user, organization, member=None, applied_on=None, **fields) -> DevelopmentFile:
    """Open the development file of a person in a branch; with `applied_on`, step 1 (the application)
    is recorded with it (the age rule applies: nothing is written if it is refused)."""
    require(acting_user, organization)
    if member is not None:
        if member.organization_id != organization.id:
            raise ValidationError({"member": "该党员不在此党支部。"})
        fields = {
            "name": member.name,
            "sex": member.sex,
            "birth_date": member.birth_date,
            "id_number": member.id_number,
            **fields,
        }
    file = DevelopmentFile(organization=organization, member=member, **fields)
    file.fill_derived_fields()
    file.full_clean()
    if file.id_number_index and (
        DevelopmentFile.objects.open().filter(id_number_index=file.id_number_index).exists()
    ):
        raise ValidationError({"id_number": "该身份证号已有正在进行的发展党员档案。"})
    file.save()
    audit.record_create(file, acting_user=acting_user)
    if applied_on is not None:
        _record_step(
            file,
            acting_user=acting_user,
            no=1,
            date=applied_on,
            fields={},
            people=[],
            documents=[],
            note="",
            override_reason="",
        )
        file.refresh_from_db()
    return file


def evaluate(file: DevelopmentFile, extra: dict | None = None, *, today: date | None = None) -> engine.Result:
    """The engine's answer for the file's recorded steps (plus `extra`, a step not yet recorded, last)."""
    steps = [s.as_engine_step() for s in file.steps.order_by("date", "no", "id")]
    if extra is not None:
        steps.append(extra)
    return engine.check(file.birth_date, steps, limits=limits(), today=today or timezone.localdate())


def do_record_step(
    file: DevelopmentFile,
    *,
    acting_user,
    no: int,
    date: date,
    fields: dict | None = None,
    people: list | None = None,
    documents: list | None = None,
    note: str = "",
    override_reason: str = "",
) -> Step:
    """Record step `no` on `date`; refused with the engine's messages (StepRefused) unless overridden."""
    require(acting_user, file.organization)
    try:
        return _record_step(
            file,
            acting_user=acting_user,
            no=no,
            date=date,
            fields=fields or {},
            people=people or [],
            documents=documents or [],
            note=note,
            override_reason=override_reason.strip(),
        )
    except StepRefused as refused:
        audit.record(
            AuditAction.OVERRIDE if override_reason.strip() else AuditAction.CREATE,
            file,
            acting_user=acting_user,
            success=False,
            message=f"第{no}步「{engine.STEPS.get(no, '')}」（{date}）被拒绝：" + "；".join(refused.messages),
        )
        raise


@transaction.atomic
def _record_step(file, *, acting_user, no, date, fields, people, documents, note, override_reason) -> Step:
    file = DevelopmentFile.objects.select_for_update().get(pk=file.pk)
    if file.closed_on is not None:
        raise ValidationError("该发展党员档案已终止，不能再记录步骤。")
    if no not in engine.STEPS:
        raise ValidationError({"no": "步骤编号应为1–25。"})
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天。"})
    step_fields = {k: v for k, v in fields.items() if k not in ("no", "date")}
    new = {**step_fields, "no": no, "date": date}
    count = file.steps.count()
    result = evaluate(file, new)
    problems = [v.message for v in result.violations if v.index == count]
    problems += dual_requirement_problems(file.organization, no, date, step_fields)
    if problems and not override_reason:
        raise StepRefused(problems)
    if problems and not may_override(acting_user, file.organization):
        raise StepRefused([*problems, "只有上级党委的组织管理员可以填写理由后例外放行。"])
    if override_reason and not problems:
        override_reason = ""  # nothing to override: the step is recorded as any other
    step = Step(
        file=file,
        no=no,
        date=date,
        fields=step_fields,
        people=people,
        documents=documents,
        note=note,
        entered_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        override_reason=override_reason,
        overridden=problems if override_reason else [],
    )
    step.full_clean()
    step.save()
    audit.record_create(step, acting_user=acting_user)
    if override_reason:
        audit.record(
            AuditAction.OVERRIDE,
            step,
            acting_user=acting_user,
            changes={"overridden": [None, problems], "override_reason": [None, override_reason]},
            message=f"例外放行：{override_reason}",
        )
    _refresh(file, acting_user=acting_user, result=result)
    return step


def _refresh(file: DevelopmentFile, *, acting_user, result: engine.Result) -> None:
    """Store the stage and the next step's window the engine computed."""
    before = audit.snapshot(file)
    file.stage = result.stage or "applicant"
    # The step due first (one with a deadline), else the one that moves the file on.
    due = sorted((w for w in result.next_steps if w.latest), key=lambda w: w.latest)
    window = due[0] if due else (result.next_steps[-1] if result.next_steps else None)
    file.next_step = window.no if window else None
    file.next_earliest = window.earliest if window else None
    file.next_latest = window.latest if window else None
    file.save(update_fields=["stage", "next_step", "next_earliest", "next_latest", "updated_at"])
    audit.record_update(file, before, acting_user=acting_user)


@transaction.atomic
def do_close_file(file: DevelopmentFile, *, acting_user, closed_on: date, reason: str) -> DevelopmentFile:
    """End a file (取消积极分子资格, 本人撤回申请, …): kept with its date and reason, never deleted."""
    require(acting_user, file.organization)
    file = DevelopmentFile.objects.select_for_update().get(pk=file.pk)
    if file.closed_on is not None:
        raise ValidationError("该发展党员档案已经终止。")
    before = audit.snapshot(file)
    file.closed_on = closed_on
    file.closed_reason = reason.strip()
    file.full_clean()
    file.save()
    audit.record_update(file, before, acting_user=acting_user, action=AuditAction.DEACTIVATE)
    return file


def dual_requirement_problems(branch, no: int, on: date, fields: dict) -> list[str]:
    """双推双考: the messages for step `no` when a committee above `branch` requires it on `on`."""
    requirement = (
        DualRequirement.applying(branch, no, on)
        .select_related("organization")
        .order_by("organization__path")
        .first()
    )
    if requirement is None:
        return []
    return [message for _, message in engine.dual_problems(no, fields, requirement.organization.name)]


@transaction.atomic
def do_set_dual_requirement(
    *, acting_user, organization, valid_from: date, for_activists=False, for_candidates=False, note=""
) -> DualRequirement:
    """A committee requires 双推双考 for its subtree from `valid_from` (audited)."""
    require(acting_user, organization)
    requirement = DualRequirement(
        organization=organization,
        valid_from=valid_from,
        for_activists=for_activists,
        for_candidates=for_candidates,
        note=note.strip(),
    )
    requirement.full_clean()
    requirement.save()
    audit.record_create(requirement, acting_user=acting_user)
    return requirement


@transaction.atomic
def do_end_dual_requirement(
    requirement: DualRequirement, *, acting_user, valid_until: date
) -> DualRequirement:
    """Stop a 双推双考 requirement from a date (kept, never deleted; audited)."""
    require(acting_user, requirement.organization)
    requirement = DualRequirement.objects.select_for_update().get(pk=requirement.pk)
    before = audit.snapshot(requirement)
    requirement.valid_until = valid_until
    requirement.full_clean()
    requirement.save()
    audit.record_update(requirement, before, acting_user=acting_user, action=AuditAction.DEACTIVATE)
    return requirement


PLAN_FIELDS = ("total", "women", "young", "college", "by_category", "note")


@transaction.atomic
def do_set_plan(*, acting_user, organization, year: int, **values) -> DevelopmentPlan:
    """Create or change the year's development plan of a committee or branch (audited)."""
    require(acting_user, organization)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(f"未知的计划项：{'、'.join(sorted(unknown))}")
    plan = DevelopmentPlan.objects.select_for_update().filter(organization=organization, year=year).first()
    before = audit.snapshot(plan) if plan else None
    if plan is None:
        plan = DevelopmentPlan(organization=organization, year=year)
    for name, value in values.items():
        setattr(plan, name, value.strip() if name == "note" else value)
    plan.full_clean()
    plan.save()
    if before is None:
        audit.record_create(plan, acting_user=acting_user)
    else:
        audit.record_update(plan, before, acting_user=acting_user)
    return plan
