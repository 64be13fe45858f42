"""Findings → rectification: a 整改 task of the plan's committee for the unit (the tasks capability), the
unit reports there, the team verifies and closes (销号); an outsider is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from dangjian.inspections import services
from dangjian.inspections.choices import FindingStatus
from dangjian.tasks.choices import TaskKind, TaskStatus
from dangjian.tasks.models import Assignment
from dangjian.tasks.services import do_report_progress

from .factories import inspection


@pytest.fixture
def finding(world):
    found = inspection(world)
    return services.do_record_finding(
        found.unit_inspection,
        acting_user=world["inspector_a"],
        severity="serious",
        description="三会一课记录不全",
        found_on=timezone.localdate(),
    )


def test_a_finding_becomes_a_rectification_task_for_its_unit(world, finding):
    deadline = timezone.localdate() + timedelta(days=20)
    finding = services.do_issue_rectification(finding, acting_user=world["town_a_admin"], deadline=deadline)
    assignment = finding.rectification
    assert finding.status == FindingStatus.RECTIFYING
    assert assignment.organization == world["a1"] and assignment.deadline == deadline
    assert assignment.task.kind == TaskKind.RECTIFICATION
    assert assignment.task.organization == world["town_a"]
    assert "三会一课记录不全" in assignment.task.content
    # The unit sees it among its tasks.
    assert Assignment.objects.visible_to(world["branch_a1_admin"]).filter(pk=assignment.pk).exists()
    with pytest.raises(ValidationError, match="已交办整改"):
        services.do_issue_rectification(finding, acting_user=None, deadline=deadline)


def test_a_deadline_in_working_days(world, finding):
    finding = services.do_issue_rectification(finding, acting_user=None, working_days=10)
    assert finding.rectification.deadline > timezone.localdate() + timedelta(days=10)


def test_issuing_is_the_committees(world, finding):
    deadline = timezone.localdate() + timedelta(days=20)
    for user in ("inspector_a", "branch_a1_admin"):
        with pytest.raises(PermissionDenied):
            services.do_issue_rectification(finding, acting_user=world[user], deadline=deadline)


def test_the_unit_reports_and_the_team_closes(world, finding):
    finding = services.do_issue_rectification(
        finding, acting_user=None, deadline=timezone.localdate() + timedelta(days=20)
    )
    do_report_progress(
        finding.rectification,
        acting_user=world["branch_a1_admin"],
        text="已补齐记录",
        percent=100,
        final=True,
    )
    # An outsider may not close it: the unit itself, another inspector, a 系统管理员.
    for user in ("branch_a1_admin", "expired_inspector", "sysadmin"):
        with pytest.raises(PermissionDenied):
            services.do_close_finding(finding, acting_user=world[user])
    closed = services.do_close_finding(finding, acting_user=world["nobody"], comment="现场核实，整改到位")
    assert closed.status == FindingStatus.CLOSED and closed.closed_by == world["nobody"]
    assignment = Assignment.objects.get(pk=finding.rectification_id)
    assert assignment.status == TaskStatus.DONE and assignment.confirmed_by == world["nobody"]
    with pytest.raises(ValidationError, match="已销号"):
        services.do_close_finding(finding, acting_user=None)


def test_the_team_may_close_before_the_unit_asks_and_the_committee_after_the_period(world, finding):
    """The team closes while it may read the unit; after the period (回头看) the committee does."""
    finding = services.do_issue_rectification(
        finding, acting_user=None, deadline=timezone.localdate() + timedelta(days=20)
    )
    second = services.do_record_finding(
        finding.unit_inspection,
        acting_user=None,
        severity="minor",
        description="x",
        found_on=finding.found_on,
    )
    services.do_close_finding(finding, acting_user=world["nobody"])
    assert Assignment.objects.get(pk=finding.rectification_id).status == TaskStatus.DONE
    plan = finding.unit_inspection.plan
    today = timezone.localdate()
    services.do_change_plan(
        plan, acting_user=None, starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1)
    )
    second.unit_inspection.plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.do_close_finding(second, acting_user=world["nobody"])
    services.do_close_finding(second, acting_user=world["town_a_admin"])


def test_a_finding_fixed_on_the_spot_closes_without_a_task(world, finding):
    closed = services.do_close_finding(finding, acting_user=world["inspector_a"], comment="立行立改")
    assert closed.status == FindingStatus.CLOSED and closed.rectification is None


def test_the_finding_page_issues_and_closes(world, client_as, finding):
    url = reverse("inspections:finding_detail", args=[finding.pk])
    admin = client_as("town_a_admin")
    assert "交办整改" in admin.get(url).content.decode()
    deadline = (timezone.localdate() + timedelta(days=15)).isoformat()
    admin.post(reverse("inspections:finding_rectify", args=[finding.pk]), {"deadline": deadline})
    finding.refresh_from_db()
    assert finding.rectification.deadline.isoformat() == deadline
    page = client_as("inspector_a").get(url).content.decode()
    assert "销号" in page and "未签收" in page
    client_as("inspector_a").post(
        reverse("inspections:finding_close", args=[finding.pk]), {"comment": "到位"}
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED


def test_the_units_page_warns_of_open_findings(world, finding):
    from dangjian.core.registry import organization_warnings

    def warnings(key):
        return [message for check in organization_warnings for message in check(world[key])]

    assert "督导检查发现的问题1个尚未整改销号。" in warnings("a1")
    assert not any("督导" in message for message in warnings("a2"))
    services.do_close_finding(finding, acting_user=None)
    assert not any("督导" in message for message in warnings("a1"))


def test_a_cancelled_rectification_may_be_issued_again(world, finding):
    from dangjian.tasks.services import do_cancel_task

    deadline = timezone.localdate() + timedelta(days=20)
    finding = services.do_issue_rectification(finding, acting_user=None, deadline=deadline)
    first = finding.rectification
    do_cancel_task(first.task, acting_user=None, reason="交办有误")
    finding = services.do_issue_rectification(finding, acting_user=None, deadline=deadline)
    assert finding.rectification != first and finding.status == FindingStatus.RECTIFYING
