"""Plans, teams and assignment; the inspectors' access window; results, interviews and findings."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.models import RoleGrant
from dangjian.accounts.scope import reset_scope
from dangjian.audit.models import AuditEvent
from dangjian.inspections import services
from dangjian.inspections.choices import PlanStatus, UnitInspectionStatus
from dangjian.inspections.models import (
    ChecklistResult,
    Finding,
    InspectionPlan,
    TeamUnit,
    UnitInspection,
)
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .factories import inspection, make_plan

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def visible_orgs(user, today=None):
    reset_scope(user)
    return set(Organization.objects.visible_to(user).values_list("pk", flat=True))


def test_a_plan_belongs_to_a_committee_and_inspects_its_subtree(world):
    with pytest.raises(ValidationError, match="须由党委"):
        make_plan(world, org="a1", units=())
    with pytest.raises(ValidationError, match="下级党组织"):
        make_plan(world, org="town_a", units=("b1",))
    with pytest.raises(PermissionDenied):
        services.do_create_plan(
            acting_user=world["town_a_admin"],
            organization=world["town_b"],
            name="x",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate(),
        )
    plan = make_plan(world)
    assert plan.status == PlanStatus.DRAFT
    assert set(plan.units.values_list("pk", flat=True)) == {world["a1"].pk, world["a2"].pk}
    assert AuditEvent.objects.filter(object_type="inspections.inspectionplan", action="create").exists()


def test_the_period_must_run_forward(world):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        make_plan(world, start=5, end=1)


def test_assigning_a_unit_grants_every_person_of_the_team_for_the_period_only(world):
    found = inspection(world)
    plan = found.plan
    grants = RoleGrant.objects.filter(inspection__team_unit__plan=plan)
    assert {(g.user.username, g.organization_id) for g in grants} == {
        ("inspector_a", world["a1"].pk),
        ("nobody", world["a1"].pk),
    }
    for grant in grants:
        assert grant.role == RoleChoices.INSPECTOR and grant.include_descendants
        assert (grant.starts_on, grant.expires_on) == (plan.starts_on, plan.ends_on)
    assert UnitInspection.objects.filter(plan=plan, unit=world["a1"]).exists()


def test_one_team_per_unit_and_plan(world):
    found = inspection(world)
    second = services.do_create_team(
        found.plan, acting_user=None, name="第二督导组", leader=world["sysadmin"]
    )
    with pytest.raises(ValidationError, match="其他督导组"):
        services.do_assign_unit(second, world["a1"], acting_user=None)
    services.do_assign_unit(second, world["a2"], acting_user=None)


def test_access_opens_and_ends_with_the_plan(world):
    """Before the period: nothing; during: the assigned unit only (never A2); after: nothing."""
    found = inspection(world)
    nobody = world["nobody"]
    a1_subtree = {world["a1"].pk, world["a1_group"].pk}
    assert visible_orgs(nobody) == a1_subtree
    assert world["a2"].pk not in visible_orgs(nobody)
    today = timezone.localdate()
    current = RoleGrant.objects.current
    assert current(today=found.plan.starts_on - timedelta(days=1)).filter(user=nobody).count() == 0
    assert current(today=found.plan.ends_on + timedelta(days=1)).filter(user=nobody).count() == 0
    # Time travel: the plan moves to the future, then to the past; the grants follow its dates.
    services.do_change_plan(
        found.plan, acting_user=None, starts_on=today + timedelta(days=1), ends_on=today + timedelta(days=9)
    )
    assert visible_orgs(nobody) == set()
    services.do_change_plan(
        found.plan, acting_user=None, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    )
    assert visible_orgs(nobody) == set()
    services.do_change_plan(found.plan, acting_user=None, ends_on=today)
    assert visible_orgs(nobody) == a1_subtree


def test_unassigning_and_closing_early_revoke_the_grants(world):
    found = inspection(world)
    nobody = world["nobody"]
    services.do_unassign_unit(TeamUnit.objects.get(team=found.team), acting_user=None)
    assert visible_orgs(nobody) == set()
    assert not InspectionPlan.objects.visible_to(nobody).exists()
    services.do_assign_unit(found.team, world["a2"], acting_user=None)
    assert visible_orgs(nobody) == {world["a2"].pk}
    services.do_close_plan(found.plan, acting_user=None)
    assert visible_orgs(nobody) == set()
    assert RoleGrant.objects.filter(user=nobody, revoked_at__isnull=False).count() == 2
    assert found.plan.status == PlanStatus.CLOSED


def test_team_changes_move_the_grants(world):
    found = inspection(world)
    services.do_set_team_people(
        found.team, acting_user=None, leader=world["inspector_a"], members=[world["expired_inspector"]]
    )
    assert visible_orgs(world["nobody"]) == set()
    assert world["a1"].pk in visible_orgs(world["expired_inspector"])


def test_an_inspector_sees_only_plans_they_are_on(world):
    found = inspection(world)
    other = make_plan(world, name="另一次督导")
    nobody = world["nobody"]
    reset_scope(nobody)
    assert set(InspectionPlan.objects.visible_to(nobody)) == {found.plan}
    assert set(InspectionPlan.objects.visible_to(world["town_a_admin"])) == {found.plan, other}
    assert not InspectionPlan.objects.visible_to(world["branch_a1_admin"]).exists()
    assert not InspectionPlan.objects.visible_to(nobody, "change").exists()


def test_the_team_records_results_interviews_and_findings_at_its_unit(world):
    found = inspection(world)
    nobody = world["nobody"]
    today = timezone.localdate()
    result = services.do_record_result(
        found.unit_inspection, found.item, acting_user=nobody, score=Decimal("8"), remark="缺两次记录"
    )
    assert result.checked_by == nobody
    services.do_record_result(found.unit_inspection, found.item, acting_user=nobody, score=Decimal("9"))
    assert ChecklistResult.objects.get().score == Decimal("9")
    with pytest.raises(ValidationError, match="不能超过该项分值"):
        services.do_record_result(found.unit_inspection, found.item, acting_user=nobody, score=Decimal("11"))
    interview = services.do_record_interview(
        found.unit_inspection, acting_user=nobody, kind="group", held_on=today, participants=8, summary="座谈"
    )
    assert interview.recorded_by == nobody
    visit = services.do_record_visit(
        found.unit_inspection, acting_user=nobody, visited_on=today, status=UnitInspectionStatus.VISITED
    )
    assert visit.status == UnitInspectionStatus.VISITED
    finding = services.do_record_finding(
        found.unit_inspection,
        acting_user=nobody,
        severity="serious",
        description="组织生活会未按期召开",
        found_on=today,
        evidence=SimpleUploadedFile("照片.png", PNG),
    )
    assert finding.evidence_type == "image/png" and finding.evidence_name == "照片.png"
    assert finding.evidence.name.startswith(f"inspections/{today:%Y}/")


def test_evidence_is_optional_and_typed_by_its_bytes(world):
    found = inspection(world)
    today = timezone.localdate()
    finding = services.do_record_finding(
        found.unit_inspection, acting_user=None, severity="minor", description="台账不全", found_on=today
    )
    assert not finding.evidence
    with pytest.raises(ValidationError, match="佐证材料"):
        services.do_record_finding(
            found.unit_inspection,
            acting_user=None,
            severity="minor",
            description="x",
            found_on=today,
            evidence=SimpleUploadedFile("a.png", b"<html>"),
        )


def test_recording_is_for_the_assigned_team_in_the_period(world):
    found = inspection(world)
    today = timezone.localdate()
    record = services.do_record_interview
    kwargs = {"kind": "phone", "held_on": today, "participants": 1}
    # The unit's own administrator, an administrator elsewhere: refused.
    for outsider in ("branch_a1_admin", "sysadmin", "expired_inspector"):
        with pytest.raises(PermissionDenied):
            record(found.unit_inspection, acting_user=world[outsider], **kwargs)
    # The committee may enter the teams' forms.
    record(found.unit_inspection, acting_user=world["town_a_admin"], **kwargs)
    # Out of the period: refused to the team.
    services.do_change_plan(
        found.plan, acting_user=None, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=1)
    )
    found.unit_inspection.plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        record(found.unit_inspection, acting_user=world["nobody"], **kwargs)


def test_a_closed_or_draft_plan_takes_no_records(world):
    found = inspection(world)
    services.do_close_plan(found.plan, acting_user=None)
    found.unit_inspection.plan.refresh_from_db()
    with pytest.raises(PermissionDenied, match="已结束"):
        services.do_record_result(found.unit_inspection, found.item, acting_user=None, score=1)
    draft = make_plan(world, name="草拟中")
    team = services.do_create_team(draft, acting_user=None, name="一组", leader=world["nobody"])
    services.do_assign_unit(team, world["a1"], acting_user=None)
    unit = UnitInspection.objects.get(plan=draft)
    with pytest.raises(PermissionDenied, match="尚未启动"):
        services.do_record_visit(unit, acting_user=None, summary="x")


def test_unit_rows_are_scoped_by_the_unit(world):
    found = inspection(world)
    services.do_record_finding(
        found.unit_inspection,
        acting_user=None,
        severity="minor",
        description="x",
        found_on=timezone.localdate(),
    )
    assert Finding.objects.visible_to(world["branch_a1_admin"]).count() == 1
    assert Finding.objects.visible_to(world["nobody"]).count() == 1
    reset_scope(world["nobody"])
    services.do_close_plan(found.plan, acting_user=None)
    assert Finding.objects.visible_to(world["nobody"]).count() == 0
    assert Member.objects.visible_to(world["nobody"]).count() == 0
