"""The demo seeds an inspection plan with teams (the demo inspector `dudao` leads one and sees its units),
results, a reproducible sample, and findings of each severity with rectification in progress, one closed."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dangjian.accounts.models import User
from dangjian.inspections.choices import FindingStatus, PlanStatus
from dangjian.inspections.models import Finding, InspectionPlan, Sample, TeamUnit
from dangjian.organizations.models import Organization
from dangjian.tasks.choices import TaskStatus


@pytest.mark.django_db(transaction=True)
def test_demo_inspection():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    assert "督导检查：" in out.getvalue() and "dudao任第一督导组组长" in out.getvalue()
    plan = InspectionPlan.objects.get()
    assert plan.status == PlanStatus.ACTIVE and plan.organization.depth == 1
    assert [team.name for team in plan.teams.order_by("id")] == ["第一督导组", "第二督导组", "第三督导组"]
    assert all(len(team.people()) == 3 for team in plan.teams.all())
    assert plan.checklist.values("group").distinct().count() == 4
    assert set(Finding.objects.values_list("severity", flat=True)) == {"minor", "serious", "grave"}
    assert Finding.objects.filter(status=FindingStatus.CLOSED).count() == 1
    assert Finding.objects.filter(status=FindingStatus.RECTIFYING).count() == 4
    closed = Finding.objects.get(status=FindingStatus.CLOSED)
    assert closed.rectification.status == TaskStatus.DONE
    sample = Sample.objects.get()
    assert sample.strata and "领导干部" in sample.description
    out = io.StringIO()
    call_command("sample", plan=plan.pk, seed=sample.seed, stdout=out)
    assert "一致" in out.getvalue()

    dudao = User.objects.get(username="dudao")
    units = TeamUnit.objects.filter(team__leader=dudao).values_list("unit_id", flat=True)
    assert len(units) == 2
    assert set(units) <= set(Organization.objects.visible_to(dudao).values_list("pk", flat=True))
    client = Client()
    client.force_login(dudao, "django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("inspections:my_units")).content.decode()
    for unit in Organization.objects.filter(pk__in=units):
        assert unit.name in page
    summary = client.get(reverse("inspections:summary", args=[plan.pk]))
    assert summary.status_code == 200
