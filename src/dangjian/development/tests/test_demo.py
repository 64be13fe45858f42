"""The demo: about 60 files at every stage, some overdue, one refused step and one audited override, and
the branch secretary moves a person one step from the file's page."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.audit.models import AuditEvent
from dangjian.development import engine, services
from dangjian.development.models import DevelopmentFile, DevelopmentPlan, DualRequirement, Step
from dangjian.development.statistics import plan_progress


@pytest.mark.django_db(transaction=True)
def test_demo_files_at_every_stage_with_the_refusal_and_the_override():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    assert "发展党员：60份档案" in out.getvalue()
    assert "发展党员计划：" in out.getvalue() and "双推双考" in out.getvalue()
    this_year = DevelopmentPlan.objects.get(year=timezone.localdate().year, organization__kind="committee")
    row = plan_progress([this_year])[0]
    assert row.plan.total == row.actual["total"] + 2 and not row.reached
    assert DualRequirement.objects.filter(for_candidates=True, valid_until__isnull=True).count() == 1
    stages = dict(DevelopmentFile.objects.values_list("stage").annotate(n=Count("id")))
    assert set(stages) == {"applicant", "activist", "candidate", "probationary", "full"}
    assert all(n >= 10 for n in stages.values())
    assert sum(f.is_overdue for f in DevelopmentFile.objects.all()) >= 5
    refused = AuditEvent.objects.get(success=False, object_type="development.developmentfile")
    assert refused.username == "zhibu_shuji" and "顺序错误" in refused.message
    override = AuditEvent.objects.get(action="override", success=True)
    assert override.username == "xianwei_zzb"
    step = Step.objects.get(pk=override.object_id)
    assert step.override_reason and step.overridden
    # Apart from the overridden step, every file keeps the rules.
    for file in DevelopmentFile.objects.all():
        problems = services.evaluate(file).violations
        assert problems == [] or file.pk == step.file_id, (file.name, problems)

    secretary = User.objects.get(username="zhibu_shuji")
    client = Client()
    client.force_login(secretary, "django.contrib.auth.backends.ModelBackend")
    branch = secretary.grants.get().organization
    listing = client.get(reverse("development:file_list")).content.decode()
    file = DevelopmentFile.objects.filter(organization=branch, stage="applicant", next_step=3).first()
    assert file.name in listing
    response = client.post(
        reverse("development:step_add", args=[file.pk]), {"no": 3, "date": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.stage == "activist"
    assert engine.STEPS[file.next_step] in client.get(file.get_absolute_url()).content.decode()
