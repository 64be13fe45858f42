"""The demo: this year's 党建工作目标责任书 of the 教育局党委 cascaded with computed and entered indicators,
partly signed; last year's evaluated."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.targets.choices import TargetStatus
from dangjian.targets.models import Commitment, Evaluation, Indicator, Target
from dangjian.targets.rollup import rollup


@pytest.fixture
def seeded_with_targets():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_demo_targets(seeded_with_targets):
    line = next(line for line in seeded_with_targets.splitlines() if line.startswith("目标责任："))
    print(line)
    this, last = timezone.localdate().year, timezone.localdate().year - 1
    top = Target.objects.get(year=this, parent__isnull=True)
    assert top.organization.name.endswith("教育局委员会") and top.issued_by.depth == 1
    assert Target.objects.filter(year=this, responsible_member__isnull=False).exists()  # a 书记's own
    computed = Indicator.objects.filter(target__year=this, source_kind="computed")
    assert computed.filter(source_key="compliance_rate", actual_value__isnull=False).exists()
    assert computed.filter(source_key="study_hours_per_member", actual_value__gt=0).exists()
    found = rollup(top)
    assert len(found.targets) >= 5 and all(row.count == len(found.targets) for row in found.rows)
    signed = Target.objects.filter(year=this, status=TargetStatus.SIGNED).count()
    assert 0 < signed < Target.objects.filter(year=this).count()
    assert Commitment.objects.filter(method="upload").exists()
    assert not Target.objects.filter(year=last).exclude(status=TargetStatus.EVALUATED).exists()
    assert (
        Evaluation.objects.filter(target__year=last, finalized=True).count()
        == Target.objects.filter(year=last).count()
    )
