"""Writes of 督导检查. Every write is atomic and audited; the plan's committee manages plans, checklists,
teams and assignments (`require(…, "change")` on it); the team assigned to a unit records what it checks
there (`access.require_recorder`).

Assigning a unit to a team gives each of its people (leader included) a read-only 督导员 grant on the unit's
subtree for the plan's period only (RoleGrant.starts_on … expires_on); ending the assignment, taking a
person off the team or closing the plan revokes the grants (revoked_at), and moving the plan's dates moves
theirs.
"""

import datetime
import json
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.models import RoleGrant
from dangjian.accounts.scope import require, reset_scope
from dangjian.audit import services as audit
from dangjian.organizations.models import Organization

from .access import require_open, require_recorder, require_verifier
from .choices import FindingStatus, PlanStatus, SampleItemKind, UnitInspectionStatus
from .models import (
    ChecklistItem,
    ChecklistResult,
    Finding,
    InspectionPlan,
    InspectionTeam,
    Interview,
    Sample,
    SampleItem,
    TeamGrant,
    TeamUnit,
    UnitInspection,
)

PLAN_FIELDS = ("name", "starts_on", "ends_on", "method")


def _in_subtree(organization, unit) -> bool:
    """`unit` lies strictly below `organization`."""
    return unit.path.startswith(organization.path) and unit.pk != organization.pk


def _check_units(organization, units) -> None:
    outside = [unit.name for unit in units if not _in_subtree(organization, unit)]
    if outside:
        names = "、".join(outside)
        raise ValidationError({"units": f"被检查单位须在{organization.name}的下级党组织中：{names}。"})


# --- plans ----------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_plan(*, acting_user, organization, units=(), **fields) -> InspectionPlan:
    """A draft plan of a committee in the user's scope, with the units it will inspect."""
    require(acting_user, organization)
    units = list(units)
    _check_units(organization, units)
    plan = InspectionPlan(organization=organization, **fields)
    plan.full_clean()
    plan.save()
    plan.units.set(units)
    audit.record_create(plan, acting_user=acting_user, message=f"检查范围{len(units)}个单位")
    return plan


@transaction.atomic
def do_change_plan(plan: InspectionPlan, *, acting_user, units=None, **fields) -> InspectionPlan:
    """Change the name, period, method or units; the team grants follow the new period."""
    require(acting_user, plan.organization)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束，不能修改。")
    before = audit.snapshot(plan)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValueError(name)
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    if units is not None:
        units = list(units)
        _check_units(plan.organization, units)
        assigned = set(plan.assignments.in_force().values_list("unit_id", flat=True))
        if assigned - {unit.pk for unit in units}:
            raise ValidationError({"units": "已分配督导组的单位不能移出检查范围，请先取消分配。"})
        plan.units.set(units)
    scope = f"检查范围{len(units)}个单位" if units is not None else ""
    audit.record_update(plan, before, acting_user=acting_user, message=scope)
    _follow_period(plan, acting_user)
    return plan


def _follow_period(plan, acting_user) -> None:
    """Move the period of the plan's grants still in force to the plan's period."""
    grants = RoleGrant.objects.filter(inspection__team_unit__plan=plan, revoked_at__isnull=True).exclude(
        starts_on=plan.starts_on, expires_on=plan.ends_on
    )
    for grant in grants.select_related("user"):
        changes = {
            "starts_on": [str(grant.starts_on), str(plan.starts_on)],
            "expires_on": [str(grant.expires_on), str(plan.ends_on)],
        }
        grant.starts_on, grant.expires_on = plan.starts_on, plan.ends_on
        grant.save(update_fields=["starts_on", "expires_on", "updated_at"])
        audit.record("grant", grant, acting_user=acting_user, changes=changes, message="督导期调整")
        reset_scope(grant.user)


@transaction.atomic
def do_start_plan(plan: InspectionPlan, *, acting_user) -> InspectionPlan:
    """草拟 → 实施中: the teams may record from the plan's first day."""
    require(acting_user, plan.organization)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("只有草拟状态的督导检查可以启动。")
    return _set_status(plan, PlanStatus.ACTIVE, acting_user, "启动督导检查")


@transaction.atomic
def do_close_plan(plan: InspectionPlan, *, acting_user, closed_on: datetime.date | None = None):
    """End the plan (kept): every team grant still in force is revoked now, even before the period ends."""
    require(acting_user, plan.organization)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束。")
    plan.closed_on = closed_on or timezone.localdate()
    plan = _set_status(plan, PlanStatus.CLOSED, acting_user, "结束督导检查", closed_on=plan.closed_on)
    _revoke(TeamGrant.objects.filter(team_unit__plan=plan), acting_user, "督导检查结束")
    return plan


def _set_status(plan, status, acting_user, message, **extra):
    before = audit.snapshot(InspectionPlan.objects.get(pk=plan.pk))
    plan.status = status
    for name, value in extra.items():
        setattr(plan, name, value)
    plan.save()
    audit.record_update(plan, before, acting_user=acting_user, message=message)
    return plan


# --- checklist -------------------------------------------------------------------------------------------


@transaction.atomic
def do_add_checklist_item(plan: InspectionPlan, *, acting_user, order=None, **fields) -> ChecklistItem:
    require(acting_user, plan.organization)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束，不能修改检查项目。")
    if order is None:
        order = (plan.checklist.aggregate(m=Max("order"))["m"] or 0) + 1
    item = ChecklistItem(plan=plan, order=order, **fields)
    item.full_clean()
    item.save()
    audit.record_create(item, acting_user=acting_user)
    return item


@transaction.atomic
def do_change_checklist_item(item: ChecklistItem, *, acting_user, **fields) -> ChecklistItem:
    """Change an item, or retire it (`active=False`: kept with its results, no longer offered)."""
    require(acting_user, item.plan.organization)
    before = audit.snapshot(item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    audit.record_update(item, before, acting_user=acting_user)
    return item


# --- teams, assignments and the grants they give --------------------------------------------------------


def _users(leader, members) -> list:
    seen, people = set(), []
    for user in [leader, *members]:
        if user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    return people


@transaction.atomic
def do_create_team(plan: InspectionPlan, *, acting_user, name: str, leader, members=()) -> InspectionTeam:
    require(acting_user, plan.organization)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束。")
    team = InspectionTeam(plan=plan, name=(name or "").strip(), leader=leader)
    team.full_clean()
    team.save()
    team.members.set([user for user in members if user.pk != leader.pk])
    audit.record_create(team, acting_user=acting_user, message="成员：" + "、".join(map(str, members)))
    return team


@transaction.atomic
def do_set_team_people(team: InspectionTeam, *, acting_user, leader, members=()) -> InspectionTeam:
    """Change the leader and members; newcomers get the grants on the team's units, leavers lose theirs."""
    require(acting_user, team.plan.organization)
    if team.plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束。")
    before_people = {user.pk for user in team.people()}
    before = audit.snapshot(team)
    team.leader = leader
    team.full_clean()
    team.save()
    team.members.set([user for user in members if user.pk != leader.pk])
    after = _users(leader, members)
    audit.record_update(team, before, acting_user=acting_user, message="成员：" + "、".join(map(str, after)))
    gone = before_people - {user.pk for user in after}
    _revoke(
        TeamGrant.objects.filter(team_unit__team=team, grant__user_id__in=gone), acting_user, "调出督导组"
    )
    for assignment in team.assignments.in_force().select_related("unit", "plan"):
        for user in after:
            if user.pk not in before_people:
                _grant(assignment, user, acting_user)
    return team


@transaction.atomic
def do_assign_unit(team: InspectionTeam, unit: Organization, *, acting_user) -> TeamUnit:
    """Assign a unit of the plan's scope to a team (one team per unit); each person of the team gets the
    read-only 督导员 grant on the unit's subtree for the plan's period."""
    plan = team.plan
    require(acting_user, plan.organization)
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("督导检查已结束。")
    _check_units(plan.organization, [unit])
    assignment = TeamUnit(plan=plan, team=team, unit=unit)
    assignment.full_clean()
    assignment.save()
    plan.units.add(unit)
    UnitInspection.objects.get_or_create(plan=plan, unit=unit)
    audit.record_create(assignment, acting_user=acting_user)
    for user in team.people():
        _grant(assignment, user, acting_user)
    return assignment


@transaction.atomic
def do_unassign_unit(assignment: TeamUnit, *, acting_user) -> TeamUnit:
    """End an assignment (kept); the team's grants on the unit are revoked now."""
    require(acting_user, assignment.plan.organization)
    if assignment.ended_at is not None:
        raise ValidationError("该分配已取消。")
    before = audit.snapshot(assignment)
    assignment.ended_at = timezone.now()
    assignment.save(update_fields=["ended_at", "updated_at"])
    audit.record_update(assignment, before, acting_user=acting_user, message="取消分配")
    _revoke(assignment.grants.all(), acting_user, "取消督导单位分配")
    return assignment


def _grant(assignment: TeamUnit, user, acting_user) -> RoleGrant:
    plan = assignment.plan
    grant = RoleGrant(
        user=user,
        role=RoleChoices.INSPECTOR,
        organization=assignment.unit,
        include_descendants=True,
        starts_on=plan.starts_on,
        expires_on=plan.ends_on,
        granted_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    grant.full_clean()
    grant.save()
    TeamGrant.objects.create(team_unit=assignment, grant=grant)
    audit.record(
        "grant",
        grant,
        acting_user=acting_user,
        changes={
            "role": [None, RoleChoices.INSPECTOR],
            "organization": [None, assignment.unit.name],
            "starts_on": [None, str(plan.starts_on)],
            "expires_on": [None, str(plan.ends_on)],
        },
        message=f"{plan.name}·{assignment.team.name}",
    )
    reset_scope(user)
    return grant


def _revoke(team_grants, acting_user, reason: str) -> int:
    now = timezone.now()
    grants = RoleGrant.objects.filter(
        pk__in=team_grants.values("grant_id"), revoked_at__isnull=True
    ).select_related("user")
    count = 0
    for grant in grants:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            "grant", grant, acting_user=acting_user, changes={"revoked_at": [None, str(now)]}, message=reason
        )
        reset_scope(grant.user)
        count += 1
    return count


# --- at the unit: visit, checklist results, interviews ---------------------------------------------------


@transaction.atomic
def do_record_visit(
    unit_inspection: UnitInspection, *, acting_user, visited_on=None, status=None, summary=None
) -> UnitInspection:
    """The visit's date, status and the written summary of what the team found."""
    require_recorder(acting_user, unit_inspection.plan, unit_inspection.unit)
    before = audit.snapshot(unit_inspection)
    if visited_on is not None:
        _check_day(unit_inspection.plan, visited_on, "visited_on")
        unit_inspection.visited_on = visited_on
    if status is not None:
        unit_inspection.status = status
    if summary is not None:
        unit_inspection.summary = summary.strip()
    if unit_inspection.status != UnitInspectionStatus.PENDING and unit_inspection.visited_on is None:
        raise ValidationError({"visited_on": "请填写检查日期。"})
    unit_inspection.full_clean()
    unit_inspection.save()
    audit.record_update(unit_inspection, before, acting_user=acting_user)
    return unit_inspection


def _check_day(plan, day, field) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: "日期不能晚于今天。"})
    if not plan.starts_on <= day <= plan.ends_on:
        raise ValidationError({field: f"日期须在督导期（{plan.starts_on}至{plan.ends_on}）内。"})


def _acting(user):
    return user if getattr(user, "is_authenticated", False) else None


@transaction.atomic
def do_record_result(
    unit_inspection: UnitInspection, item: ChecklistItem, *, acting_user, score, remark: str = ""
) -> ChecklistResult:
    """Score one checklist item at the unit (a second call corrects it, audited)."""
    require_recorder(acting_user, unit_inspection.plan, unit_inspection.unit)
    if item.plan_id != unit_inspection.plan_id:
        raise ValidationError({"item": "该检查项目不属于本次督导检查。"})
    result = ChecklistResult.objects.filter(unit_inspection=unit_inspection, item=item).first()
    created = result is None
    if created:
        result = ChecklistResult(unit_inspection=unit_inspection, item=item)
    before = audit.snapshot(result)
    result.score, result.remark, result.checked_by = score, (remark or "").strip(), _acting(acting_user)
    result.full_clean()
    result.save()
    if created:
        audit.record_create(result, acting_user=acting_user)
    else:
        audit.record_update(result, before, acting_user=acting_user)
    return result


@transaction.atomic
def do_record_interview(unit_inspection: UnitInspection, *, acting_user, **fields) -> Interview:
    require_recorder(acting_user, unit_inspection.plan, unit_inspection.unit)
    interview = Interview(unit_inspection=unit_inspection, recorded_by=_acting(acting_user), **fields)
    if interview.held_on:
        _check_day(unit_inspection.plan, interview.held_on, "held_on")
    interview.full_clean()
    interview.save()
    audit.record_create(interview, acting_user=acting_user)
    return interview


# --- findings ---------------------------------------------------------------------------------------------


@transaction.atomic
def do_record_finding(
    unit_inspection: UnitInspection,
    *,
    acting_user,
    severity: str,
    description: str,
    found_on: datetime.date,
    evidence=None,
) -> Finding:
    """A problem found at the unit (问题清单), with optional evidence (a JPG, PNG or PDF, typed by its own
    bytes; never a condition of anything)."""
    require_recorder(acting_user, unit_inspection.plan, unit_inspection.unit)
    finding = Finding(
        unit_inspection=unit_inspection,
        severity=severity,
        description=(description or "").strip(),
        found_on=found_on,
        recorded_by=_acting(acting_user),
    )
    if found_on and found_on > timezone.localdate():
        raise ValidationError({"found_on": "发现日期不能晚于今天。"})
    if evidence is not None:
        _attach_evidence(finding, evidence)
    finding.full_clean()
    finding.save()
    audit.record_create(finding, acting_user=acting_user)
    return finding


def _attach_evidence(finding: Finding, upload) -> None:
    from dangjian.activities.attachments import inspect_upload

    inspected = inspect_upload(upload)
    if inspected.problem:
        raise ValidationError({"evidence": inspected.problem.replace("附件", "佐证材料")})
    finding.evidence_name = inspected.original_name
    finding.evidence_type = inspected.content_type
    finding.evidence.save(inspected.original_name, upload, save=False)


@transaction.atomic
def do_issue_rectification(
    finding: Finding, *, acting_user, deadline: datetime.date | None = None, working_days: int | None = None
) -> Finding:
    """限期整改: the finding becomes a 整改 task of the plan's committee for the unit, with a deadline (a date
    or N working days), through the tasks capability (the unit signs, reports progress and asks to close
    it there). Issuing is the committee's: the tasks service checks it."""
    from dangjian.tasks.choices import TaskKind
    from dangjian.tasks.services import do_issue_task

    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    inspection = UnitInspection.objects.select_related("plan__organization", "unit").get(
        pk=finding.unit_inspection_id
    )
    plan = inspection.plan
    if finding.rectification_id and not finding.rectification.task.is_cancelled:
        raise ValidationError("该问题已交办整改。")  # a cancelled 整改 task may be issued again
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("该问题已销号。")
    task = do_issue_task(
        acting_user=acting_user,
        organization=plan.organization,
        title=f"整改：{inspection.unit.name}（{plan.name}，{finding.get_severity_display()}问题）",
        content=f"督导检查发现的问题：{finding.description}\n请限期整改并报告整改情况，由督导组验收销号。",
        recipients=[inspection.unit],
        deadline=deadline,
        working_days=working_days,
        kind=TaskKind.RECTIFICATION,
        source_document=plan.name,
    )
    before = audit.snapshot(finding)
    finding.rectification = task.assignments.get()
    finding.status = FindingStatus.RECTIFYING
    finding.save(update_fields=["rectification", "status", "updated_at"])
    audit.record_update(finding, before, acting_user=acting_user, message=f"交办整改，期限{task.deadline}")
    return finding


@transaction.atomic
def do_close_finding(finding: Finding, *, acting_user, comment: str = "", closed_on=None) -> Finding:
    """销号: the unit's team (or the plan's committee) verifies the rectification and closes the finding; its
    整改 task is confirmed done (with the team's authority, whether or not the unit asked yet). A finding
    without a task (立行立改, fixed during the visit) is closed directly."""
    from dangjian.tasks.choices import TaskStatus
    from dangjian.tasks.services import do_confirm_assignment

    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    inspection = UnitInspection.objects.select_related("plan__organization", "unit").get(
        pk=finding.unit_inspection_id
    )
    require_verifier(acting_user, inspection.plan, inspection.unit)
    if finding.status == FindingStatus.CLOSED:
        raise ValidationError("该问题已销号。")
    closed_on = closed_on or timezone.localdate()
    if closed_on < finding.found_on or closed_on > timezone.localdate():
        raise ValidationError({"closed_on": "销号日期应在发现日期和今天之间。"})
    assignment = finding.rectification
    if assignment is not None and assignment.status != TaskStatus.DONE and not assignment.task.is_cancelled:
        finding.rectification = do_confirm_assignment(
            assignment, acting_user=acting_user, comment=comment, authorized=True, confirmed_on=closed_on
        )
    before = audit.snapshot(finding)
    finding.status = FindingStatus.CLOSED
    finding.closed_on, finding.closed_by = closed_on, _acting(acting_user)
    finding.close_comment = (comment or "").strip()
    finding.save()
    audit.record_update(finding, before, acting_user=acting_user, message="验收销号")
    return finding


# --- samples --------------------------------------------------------------------------------------------


def new_seed() -> int:
    """A fresh random seed (recorded with the sample, so the draw can be reproduced)."""
    return secrets.randbelow(2**31)


def stratum_counts(draw) -> list[dict]:
    return [
        {
            "unit_id": stratum.unit_id,
            "unit_name": stratum.unit_name,
            "population": stratum.population,
            "people": len(stratum.people),
            "notes": len(stratum.notes),
            "reflections": len(stratum.reflections),
            "activities": len(stratum.activities),
        }
        for stratum in draw.strata
    ]


def _as_data(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


@transaction.atomic
def do_draw_sample(plan: InspectionPlan, *, acting_user, units, spec, seed: int | None = None) -> Sample:
    """Draw a stratified random sample (the units are the strata) with the sampling engine; a random seed
    is picked when none is given, and recorded with the spec, the per-stratum counts, the engine's
    description and digest, and every drawn person, note, reflection and activity."""
    from .sampling import draw

    units = sorted(units, key=lambda unit: unit.path)
    if not units:
        raise ValidationError({"units": "请选择抽查单位。"})
    require_open(plan)
    for unit in units:
        require_recorder(acting_user, plan, unit)
    _check_units(plan.organization, units)
    seed = new_seed() if seed is None else int(seed)
    try:
        result = draw(units, spec, seed)
    except ValueError as error:  # units inside one another
        raise ValidationError({"units": str(error)}) from error
    sample = Sample(
        plan=plan,
        population=spec.population,
        spec=result.spec.as_dict(),  # with the day the posts were read on (as_of)
        seed=seed,
        strata=stratum_counts(result),
        result=_as_data(result.to_json()),
        description=result.describe(),
        digest=result.digest(),
        drawn_by=_acting(acting_user),
    )
    sample.full_clean(exclude=["units"])
    sample.save()
    sample.units.set(units)
    kinds = (
        ("people", SampleItemKind.PERSON),
        ("notes", SampleItemKind.STUDY_NOTE),
        ("reflections", SampleItemKind.REFLECTION),
        ("activities", SampleItemKind.ACTIVITY),
    )
    SampleItem.objects.bulk_create(  # audit-exempt: the drawn objects of the sample audited below
        [
            SampleItem(sample=sample, unit_id=stratum.unit_id, kind=kind, object_id=object_id)
            for stratum in result.strata
            for attribute, kind in kinds
            for object_id in getattr(stratum, attribute)
        ],
        batch_size=1000,
    )
    audit.record_create(sample, acting_user=acting_user, message=f"{sample.description}（随机种子{seed}）")
    return sample


def redraw(sample: Sample, seed: int | None = None):
    """The engine's draw again for the sample's units and spec (with `seed`, or its own)."""
    from .sampling import SampleSpec, draw

    units = sorted(sample.units.all(), key=lambda unit: unit.path)
    return draw(units, SampleSpec.from_dict(sample.spec), sample.seed if seed is None else seed)


def common_ancestor(units) -> Organization:
    """The deepest organization whose subtree holds every unit."""
    paths = [unit.path for unit in units]
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[: -Organization.steplen]
    return Organization.objects.get(path=prefix)


@transaction.atomic
def do_check_sample_originality(sample: Sample, *, acting_user):
    """送雷同检测: run the study capability's originality check on the sampled notes and reflections (on
    the smallest subtree holding the sample's units, as the user may read it: the originality service
    checks who may run it); the check is kept and linked to the sample."""
    from dangjian.originality.services import do_run_check
    from dangjian.study.models import Note

    note_kinds = (SampleItemKind.STUDY_NOTE, SampleItemKind.REFLECTION)
    ids = list(sample.items.filter(kind__in=note_kinds).values_list("object_id", flat=True))
    if not ids:
        raise ValidationError("该抽样没有学习笔记或心得体会。")
    units = list(sample.units.all())
    span = Note.objects.filter(pk__in=ids).aggregate(start=Min("written_on"), end=Max("written_on"))
    check = do_run_check(
        acting_user=acting_user,
        organization=common_ancestor(units),
        start=span["start"],
        end=span["end"],
        sample=ids,
    )
    before = audit.snapshot(sample)
    sample.originality_check = check
    sample.save(update_fields=["originality_check", "updated_at"])
    audit.record_update(sample, before, acting_user=acting_user, message="送雷同检测")
    return check
