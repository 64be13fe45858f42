"""The demo seeds 推优 (waiting, taken into the pipeline with the link kept, 未采纳) and one cohort."""

import io

import pytest
from django.core.management import call_command

from dangjian.youth.choices import RecommendationStatus
from dangjian.youth.models import CohortMember, Recommendation


@pytest.mark.django_db(transaction=True)
def test_demo_recommendations_and_cohort():
    out = io.StringIO()
    call_command("seed", scale="demo", stdout=out)
    assert "推优：6人（列为入党积极分子人选2人，未采纳1人）" in out.getvalue()
    accepted = Recommendation.objects.filter(status=RecommendationStatus.ACCEPTED)
    assert accepted.count() == 2
    assert all(r.development_file.steps.filter(no=1).exists() for r in accepted)
    assert CohortMember.objects.count() == 5
    assert CohortMember.objects.filter(completed_on__isnull=False).exists()
