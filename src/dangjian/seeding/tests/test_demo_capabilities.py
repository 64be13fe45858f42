"""The demo, seeded once for the capabilities' demo checks (seeding it takes ~40 s; once per check it was
most of CI's time on each database).

The module fixture seeds the demo and commits it; each test runs in its own transaction, rolled back at the
end (pytest-django's `django_db`), so a test that moves a file a step or runs a check leaves the demo as
seeded for the next one. The module ends by flushing the tables and putting back what the data migrations
write, as a transactional test does.

Each capability's check names what its issue asked the demo to hold.
"""

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
from dangjian.evaluation.choices import AssessmentStatus, ScoreSource
from dangjian.evaluation.models import Appeal, Assessment, ItemScore
from dangjian.inspections.choices import FindingStatus, PlanStatus
from dangjian.inspections.models import Finding, InspectionPlan, Sample, TeamUnit
from dangjian.organizations.models import Organization
from dangjian.originality.models import OriginalityCheck, ReferenceText
from dangjian.pytest_plugin import seed_migration_data
from dangjian.study.models import (
    Course,
    Note,
    NoteReview,
    PointsSetting,
    StudyCompletion,
    StudyItem,
    StudyPlan,
)
from dangjian.study.points import points_enabled
from dangjian.study.progress import assigned_items
from dangjian.study.texts import char_count
from dangjian.study.totals import per_member
from dangjian.surveys import results
from dangjian.surveys.models import ReviewDecision, ReviewRound, Survey
from dangjian.targets.choices import TargetStatus
from dangjian.targets.models import Commitment, Evaluation, Indicator, Target
from dangjian.targets.rollup import rollup
from dangjian.tasks.choices import EscalationStep, TaskStatus
from dangjian.tasks.keylist import build, naive_overdue_counts
from dangjian.tasks.models import Assignment, Bulletin, Escalation, FollowUp, KeyTaskList
from dangjian.youth.choices import RecommendationStatus
from dangjian.youth.models import CohortMember, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """What `dangjian seed --scale demo` printed; the data stays for the module's tests."""
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("seed", scale="demo", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)
        seed_migration_data()


# development: about 60 files at every stage, some overdue, one refused step and one audited override;
# the branch secretary moves a person one step from the file's page.
def test_demo_files_at_every_stage_with_the_refusal_and_the_override(demo):
    assert "发展党员：60份档案" in demo
    assert "发展党员计划：" in demo and "双推双考" in demo
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


# inspections: a plan with teams (the demo inspector `dudao` leads one and sees its units), results, a
# reproducible sample, and findings of each severity with rectification in progress, one closed.
def test_demo_inspection(demo):
    assert "督导检查：" in demo and "dudao任第一督导组组长" in demo
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


# originality: copied reflections are found by the check a branch admin runs from the page.
def test_demo_copies_are_found(demo):
    assert ReferenceText.objects.count() == 2
    client = Client()
    client.force_login(User.objects.get(username="zhibu_shuji"), "django.contrib.auth.backends.ModelBackend")
    today = timezone.localdate()
    response = client.post(
        reverse("originality:check_run"),
        {
            "organization": User.objects.get(username="zhibu_shuji").grants.get().organization_id,
            "start": today.replace(month=1, day=1).isoformat(),
            "end": today.isoformat(),
        },
    )
    assert response.status_code == 302
    check = OriginalityCheck.objects.get()
    kinds = sorted(pair.second_source for pair in check.pairs.all())
    assert {"note", "reference"} <= set(kinds)
    page = client.get(check.get_absolute_url()).content.decode()
    assert "党员冬训学习心得体会范文" in page


# tasks: a key-task list with overdue cells, an escalated task with a 通报 draft, and follow-ups (one
# reopening the work).
def test_demo_key_list_escalation_and_follow_up(demo):
    assert "交办督办：" in demo
    key_list = KeyTaskList.objects.get()
    today = timezone.localdate()
    matrix = build(key_list, today)
    assert len(matrix.tasks) == 5 and matrix.totals["total"] > 5 * 40
    assert matrix.totals["overdue"] > 0
    assert {pk: c["overdue"] for pk, c in matrix.columns.items()} == naive_overdue_counts(key_list, today)
    statuses = set(Assignment.objects.filter(task__key_task_list=key_list).values_list("status", flat=True))
    assert statuses == set(TaskStatus.values)
    escalated = (
        Assignment.objects.filter(escalations__step=EscalationStep.REMINDER)
        .filter(escalations__step=EscalationStep.URGE)
        .filter(escalations__step=EscalationStep.BULLETIN)
    )
    assert escalated.exists()
    draft = Bulletin.objects.filter(published_on__isnull=True, task__key_task_list=key_list).first()
    assert draft is not None and draft.assignments.exists() and "现予通报" in draft.text
    assert Escalation.objects.filter(step=EscalationStep.URGE).count() >= draft.assignments.count()
    reopened = FollowUp.objects.get(reopened=True)
    assert reopened.assignment.status == TaskStatus.IN_PROGRESS
    assert reopened.assignment.reopened_count == 1
    assert FollowUp.objects.filter(reopened=False).exists()


# youth: 推优 (waiting, taken into the pipeline with the link kept, 未采纳) and one cohort.
def test_demo_recommendations_and_cohort(demo):
    assert "推优：6人（列为入党积极分子人选2人，未采纳1人）" in demo
    accepted = Recommendation.objects.filter(status=RecommendationStatus.ACCEPTED)
    assert accepted.count() == 2
    assert all(r.development_file.steps.filter(no=1).exists() for r in accepted)
    assert CohortMember.objects.count() == 5
    assert CohortMember.objects.filter(completed_on__isnull=False).exists()


# targets: this year's 党建工作目标责任书 of the 教育局党委 cascaded with computed and entered indicators,
# partly signed; last year's evaluated.
def test_demo_targets(demo):
    line = next(line for line in demo.splitlines() if line.startswith("目标责任："))
    assert line
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


# evaluation: the 教育局党委's 五好党支部 rubric assessed for the year before last and last year, published
# with ranks and rank changes, computed items from the records, a reconciled conflict and two appeals.
def test_demo_assessments_with_ranking_and_rank_change(demo):
    line = next(line for line in demo.splitlines() if line.startswith("考核评价："))
    assert line
    last_year = timezone.localdate().year - 1
    last = Assessment.objects.get(year=last_year)
    assert last.status == AssessmentStatus.PUBLISHED and last.previous.year == last_year - 1
    units = list(last.units.all())
    assert len(units) >= 5 and all(unit.rank and unit.rating for unit in units)
    assert any(unit.rank_change for unit in units)
    computed = ItemScore.objects.filter(unit__assessment=last, source=ScoreSource.COMPUTED)
    assert computed.filter(item__source_key="compliance_rate", value__isnull=False).exists()
    assert computed.exclude(evidence_url="").exists()
    assert ItemScore.objects.filter(unit__assessment=last, source=ScoreSource.RECONCILED).exists()
    assert set(Appeal.objects.values_list("decision", flat=True)) == {"changed", "upheld"}
    client = Client()
    client.force_login(
        User.objects.get(username="jiaoyu_zzb"), backend="django.contrib.auth.backends.ModelBackend"
    )
    page = client.get(reverse("evaluation:assessment_detail", args=[last.pk]))
    assert page.status_code == 200 and "位次" in page.content.decode()
    sheet = client.get(reverse("evaluation:unit_sheet", args=[units[0].pk]))
    assert sheet.status_code == 200


# surveys: a public satisfaction survey with results (满意率 ≥ 90%, last year's for comparison), a small
# suppressed one, and last year's 民主评议党员 of the demo village with final decisions.
def test_demo_surveys(demo):
    line = next(x for x in demo.splitlines() if x.startswith("群众测评："))
    assert "民主评议党员" in line
    big = Survey.objects.get(title__endswith=f"{timezone.localdate().year}年度群众满意度测评")
    result = results.survey_results(big)
    assert result.respondents == 40 and result.broad_rate >= 90
    assert result.previous is not None and result.previous.respondents == 30
    small = Survey.objects.get(title__endswith="便民服务站满意度测评")
    assert results.survey_results(small).suppressed
    review = ReviewRound.objects.get()
    assert review.concluded_on is not None
    decisions = ReviewDecision.objects.filter(round=review)
    assert decisions.count() == review.survey.questions.count() > 0
    assert decisions.filter(grade="basic").exclude(reason="").count() == 1
    assert decisions.filter(grade="excellent").count() * 3 <= decisions.count()

    client = Client()
    client.force_login(User.objects.get(username="jiaoyu_zzb"), "django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("surveys:survey_results", args=[big.pk])).content.decode()
    assert results.BROAD_DEFINITION in page


# study: plans, completions, a 冬训 course, notes (some copied), reviews, points.
def test_the_demo_has_a_plan_a_course_notes_and_reviews(demo):
    assert StudyPlan.objects.filter(published=True).count() == 2
    assert StudyItem.objects.filter(audience="leading_cadres").count() == 6
    assert StudyItem.objects.filter(audience="organization").count() == 1
    assert StudyCompletion.objects.filter(method="session").exists()
    assert Course.objects.filter(kind="winter_training", sessions__attendance__present=True).exists()
    note = Note.objects.order_by("id").first()
    assert note.char_count == char_count(note.text) and 300 <= note.char_count <= 2000
    assert NoteReview.objects.exists()
    # Deliberate near-copies: some note shares most of its paragraphs with another one.
    texts = list(Note.objects.values_list("text", flat=True))
    paragraphs = {}
    for text in texts:
        for paragraph in text.split("\n")[1:-1]:
            paragraphs[paragraph] = paragraphs.get(paragraph, 0) + 1
    assert any(count > 1 for count in paragraphs.values())


def test_the_demo_member_has_items_hours_and_points(demo):
    member = User.objects.get(username="dangyuan").member
    assert len(assigned_items(member, timezone.localdate().year)) >= 24
    assert PointsSetting.objects.get().enabled and points_enabled(member.organization)
    today = timezone.localdate()
    study = per_member(member.organization.path, today.replace(month=1, day=1), today)[member.pk]
    assert study.items > 0
