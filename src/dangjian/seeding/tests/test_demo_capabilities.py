"""The demo, seeded once for every check that needs it (seeding it takes 40–100 s; once per check it was
most of CI's time on each database).

The module fixture seeds the demo and commits it; each test runs in its own transaction, rolled back at the
end (pytest-django's `django_db`), so a test that moves a file a step, runs a check or a bench leaves the
demo as seeded for the next one. The module ends by flushing the tables and putting back what the data
migrations write, as a transactional test does.

The checks: the seed itself (the plan as a valid tree, consistent members, the logins, one import event),
the year of organizational life with its planted gaps, the benches at demo scale, and each capability's
demo as its issue asked for it.
"""

import io
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.activities import compliance
from dangjian.activities.benchmarks import answer, per_branch_loop, sql_matrix, year_range
from dangjian.activities.choices import Verdict
from dangjian.activities.compliance import compute
from dangjian.activities.models import Activity, ActivityType, Attendance, Rule, SpotCheck
from dangjian.activities.services import do_cancel_activity, do_create_rule, expected_members
from dangjian.audit.models import AuditEvent
from dangjian.core.crypto import crypto_provider
from dangjian.core.registry import run_quality_checks
from dangjian.core.validators import id_number_birth_date, id_number_sex
from dangjian.development import engine, services
from dangjian.development.models import DevelopmentFile, DevelopmentPlan, DualRequirement, Step
from dangjian.development.statistics import plan_progress
from dangjian.evaluation.choices import AssessmentStatus, ScoreSource
from dangjian.evaluation.models import Appeal, Assessment, ItemScore
from dangjian.inspections.choices import FindingStatus, PlanStatus
from dangjian.inspections.models import Finding, InspectionPlan, Sample, TeamUnit
from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization
from dangjian.originality.models import OriginalityCheck, ReferenceText
from dangjian.pytest_plugin import seed_migration_data
from dangjian.seeding import DEMO_PASSWORD
from dangjian.seeding.activities import DemoGaps, add_months, first_town, month_start, quarter_of
from dangjian.seeding.builders import county_plan
from dangjian.seeding.people import add_years
from dangjian.seeding.tests.helpers import plan_facts, run_seed
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
        yield run_seed(scale="demo")
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


# --- the seed itself: the plan written as a valid tree, consistent members, the demo logins, one import
# event, and `dangjian bench foundation` on it ------------------------------------------------------------


def test_demo_seed_writes_the_plan_as_a_valid_tree(demo):
    output = demo
    plan = county_plan("demo", 2026, timezone.localdate())
    orgs, people = plan_facts(plan)
    assert list(Organization.objects.order_by("path").values_list("path", "code", "name", "kind")) == orgs
    provider = crypto_provider()
    assert sorted(Member.objects.values_list("id_number_index", flat=True)) == sorted(
        provider.blind_index(id_number, "id_number") for _, id_number, _ in people
    )
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    for organization in Organization.objects.all():
        organization.check_parent(Organization.objects.get_parent(organization))
    assert "已生成 demo 规模数据" in output


def test_demo_members_are_consistent(demo):
    members = list(Member.objects.select_related("organization"))
    assert 500 <= len(members) <= 750
    for member in members:
        assert id_number_birth_date(member.id_number) == member.birth_date, member.name
        assert id_number_sex(member.id_number) == member.sex, member.name
        assert member.joined_on >= add_years(member.birth_date, 18), member.name
        assert 18 <= member.age_on() <= 91
        assert member.organization.is_branch
        if member.status == "full":
            assert member.confirmed_on == add_years(member.joined_on, 1)
        if member.phone:
            assert len(member.phone) == 11 and member.phone.startswith("1")
    assert Member.objects.filter(status="probationary").count() >= 5
    assert Member.objects.filter(party_group__isnull=False).exists()
    assert Position.objects.filter(title="secretary").count() >= 50


def test_demo_data_gives_the_quality_page_something_to_show(demo):
    root = Organization.objects.get_first_root_node()
    found = {issue.check.code for issue in run_quality_checks(root)}
    assert {"probation_overdue", "branch_without_secretary", "term_expired", "no_party_group"} <= found
    reminders = {org.term_reminder() for org in Organization.objects.all()}
    assert {"expired", "3_months", "6_months"} <= reminders


def test_demo_users_and_their_grants(demo):
    output = demo
    expected = {
        "xianwei_zzb": ("org_admin", "中共丰南县委员会", True),
        "jiaoyu_zzb": ("org_admin", "中共丰南县教育局委员会", True),
        "sysadmin": ("system_admin", "中共丰南县委员会", True),
        "zhibu_shuji": ("branch_admin", None, True),
        "dudao": ("inspector", "中共丰南县稻地镇委员会", True),
        "dangyuan": ("member", None, False),
    }
    for username, (role, organization, descendants) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.must_change_password is False
        # The login's own grant; the inspection demo adds dated grants for its units (starts_on set).
        grant = user.grants.get(starts_on__isnull=True)
        assert (grant.role, grant.include_descendants) == (role, descendants)
        if organization:
            assert grant.organization.name == organization
        assert username in output
    dudao = User.objects.get(username="dudao")
    assert dudao.grants.get(starts_on__isnull=True).expires_on > timezone.localdate()
    plan_grants = dudao.grants.filter(starts_on__isnull=False)
    assert plan_grants.exists() and all(g.role == "inspector" and g.expires_on for g in plan_grants)
    branch = User.objects.get(username="zhibu_shuji").grants.get().organization
    assert branch.kind == "branch" and branch.unit_category == "rural"
    assert Member.objects.get(user__username="zhibu_shuji").positions.filter(title="secretary").exists()
    assert Member.objects.get(user__username="dangyuan").organization == branch
    validate_password(DEMO_PASSWORD, User.objects.get(username="dangyuan"))
    assert "账号" in output and DEMO_PASSWORD in output


def test_seed_writes_one_import_event_and_never_runs_twice(demo):
    imports = AuditEvent.objects.filter(action="import")
    assert imports.count() == 1
    assert "dangjian seed --scale demo --seed 2026" in imports.get().message
    with pytest.raises(CommandError, match="--reuse"):
        run_seed(scale="demo")
    with pytest.raises(CommandError, match="不一致"):
        run_seed(scale="county", reuse=True)
    assert "沿用" in run_seed(scale="demo", reuse=True)
    assert Organization.objects.filter(depth=1).count() == 1


def test_bench_foundation_prints_one_json_line(demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", "foundation", scale="demo", json=True, runs=1, stdout=out, stderr=err)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"bench", "scale", "database", "figures", "comparisons"}
    expected_database = {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert (result["bench"], result["scale"], result["database"]) == ("foundation", "demo", expected_database)
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert {"member_counts_by_child", "member_search_initials_p50", "peak_rss_mb"} <= set(figures)
    for figure in result["figures"]:
        assert set(figure) == {"name", "value", "unit", "target", "better"}
    comparison = next(c for c in result["comparisons"] if c["name"] == "member_counts_by_child")
    assert set(comparison) == {"name", "ours", "theirs", "unit", "baseline", "target_speedup"}
    assert comparison["ours"] > 0 and comparison["theirs"] > 0
    assert "member_counts_by_child" in err.getvalue()


# --- a year of organizational life: attendance as the roster on the day, the planted gaps, the study
# quotas, and `dangjian bench compliance` with its baselines on it -----------------------------------------


def test_demo_year_is_recorded_with_consistent_attendance(demo):
    output = demo
    activities = Activity.objects.annotate(
        rows=Count("attendance"), present=Count("attendance", filter=Q(attendance__present=True))
    )
    assert 1500 <= activities.count() <= 3000
    for activity in activities:
        assert (activity.expected_count, activity.present_count) == (activity.rows, activity.present)
        expected_rate = (
            (Decimal(activity.present) / activity.rows).quantize(Decimal("0.0001")) if activity.rows else None
        )
        assert activity.attendance_rate == expected_rate
    totals = Activity.objects.aggregate(expected=Count("attendance"))
    present = Attendance.objects.filter(present=True).count()
    assert 0.85 <= present / totals["expected"] <= 0.95
    reasons = Counter(Attendance.objects.filter(present=False).values_list("absence_reason", flat=True))
    assert set(reasons) == {"sick", "personal", "official", "other"}
    assert not Attendance.objects.filter(present=True).exclude(absence_reason="").exists()
    types = set(Activity.objects.values_list("activity_type__code", flat=True))
    assert {"theme_day", "committee_meeting", "general_meeting", "party_lesson", "group_meeting"} <= types
    assert {"life_meeting", "member_review", "leadership_life_meeting", "study_session"} <= types
    # Hosts are the branch secretaries (a 党小组's leader); themes and places are filled in.
    assert Activity.objects.filter(host__isnull=False).count() > 0.9 * Activity.objects.count()
    assert not Activity.objects.filter(Q(theme="") | Q(place="")).exists()
    # A committee is in office for every 支委会 of the year, also before a recent 换届 (posts re-elected).
    assert not Activity.objects.filter(activity_type__code="committee_meeting", expected_count=0).exists()
    event = AuditEvent.objects.get(action="import")
    assert "组织生活" in event.message
    assert "供“组织生活合规”演示的缺漏" in output


def test_attendance_lists_are_the_roster_on_the_day(demo):

    activities = Activity.objects.select_related("organization", "activity_type").order_by("id")
    for activity in activities[::10]:  # a tenth of them: one query each
        expected = expected_members(activity.organization, activity.activity_type, activity.held_on)
        listed = set(activity.attendance.values_list("member_id", flat=True))
        assert listed == set(expected.values_list("pk", flat=True)), activity


def _cell(matrix, org_code: str, rule_name: str, start):
    organization = Organization.objects.get(code=org_code)
    cell = next(
        (
            c
            for c in matrix.cells
            if c.organization_id == organization.pk and c.rule.name == rule_name and c.window.start == start
        ),
        None,
    )
    assert cell is not None, (org_code, rule_name, start)
    return cell


def test_demo_year_holds_the_deliberate_gaps_and_realistic_misses(demo):
    today = timezone.localdate()
    plan = county_plan("demo", 2026, today)
    gaps = DemoGaps(plan.root, first_town(plan.root), today)
    root = Organization.objects.get(depth=1)
    matrix = compute(root, add_months(month_start(today), -11), today, today=today)
    town_rule = Rule.objects.get(owner__code=gaps.town.code).name
    year = today.year - 1

    def verdict(node, rule, start):
        return _cell(matrix, node.code, rule, start).verdict

    quarter = quarter_of(today)[0]
    assert verdict(gaps.village, "党课每季度至少1次", quarter) == Verdict.OPEN
    if gaps.village.has_committee:
        assert verdict(gaps.village, "支部委员会会议每月至少召开1次", month_start(today)) == Verdict.OPEN
    theme = "每月开展1次主题党日"
    missed = _cell(matrix, gaps.missed_theme.code, theme, gaps.month(3))
    assert (missed.verdict, missed.held) == (Verdict.MISSED, 0)
    for back in (8, 7):
        assert verdict(gaps.office, "支部委员会会议每月至少召开1次", gaps.month(back)) == Verdict.MISSED
    assert (
        verdict(gaps.school, "支部党员大会每季度至少召开1次", quarter_of(gaps.month(6))[0]) == Verdict.MISSED
    )
    for rule in ("组织生活会每年至少召开1次", "民主评议党员每年1次"):
        assert verdict(gaps.no_life, rule, timezone.datetime(year, 1, 1).date()) == Verdict.MISSED
    late = "组织生活会每年至少召开1次"
    assert verdict(gaps.late_life, late, timezone.datetime(year, 1, 1).date()) == Verdict.MISSED
    assert verdict(gaps.late_life, late, timezone.datetime(year + 1, 1, 1).date()) == Verdict.MET
    assert verdict(gaps.group, "党小组会每月至少召开1次", gaps.month(4)) == Verdict.MISSED
    wrong = _cell(matrix, gaps.wrong_day.code, town_rule, gaps.month(1))
    assert (wrong.verdict, wrong.wrong_day) == (Verdict.MISSED, 1)
    assert verdict(gaps.wrong_day, theme, gaps.month(1)) == Verdict.MET
    for back in (10, 7, 5, 2):
        assert verdict(gaps.behind, theme, gaps.month(back)) == Verdict.MISSED
    checked = _cell(matrix, gaps.checked.code, theme, gaps.month(2))
    assert (checked.verdict, checked.failed_check) == (Verdict.MISSED, 1)
    # Besides the planted gaps: about 5–10 % of the required meetings of finished periods are missing.
    closed = Counter(c.verdict for c in matrix.cells if c.window.end < today)
    share = closed[Verdict.MISSED] / (closed[Verdict.MISSED] + closed[Verdict.MET])
    assert 0.03 <= share <= 0.12, closed
    assert Counter(c.verdict for c in matrix.cells)[Verdict.OPEN] > 0


def test_demo_county_adopts_the_study_hour_quotas_and_compliance_judges_them(demo):
    quotas = {rule.min_count: rule for rule in Rule.objects.filter(measure="study_hours")}
    assert set(quotas) == {32, 56} and quotas[56].member_scope == "leaders"
    root = Organization.objects.get(depth=1)
    today = timezone.localdate()
    matrix = compute(root, today, today, today=today)
    cells = [c for c in matrix.cells if c.rule.pk == quotas[32].pk]
    assert cells and all(c.held > 0 for c in cells if c.verdict != Verdict.NOT_APPLICABLE)
    # Counted from the seeded study records: the demo's members have fewer than 32 学时 so far.
    assert {c.verdict for c in cells} <= {Verdict.OPEN, Verdict.MET, Verdict.NOT_APPLICABLE}
    assert any("名未达到32学时" in c.reason for c in cells)


def test_bench_compliance_prints_one_json_line(demo):
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", "compliance", scale="demo", json=True, runs=1, stdout=out, stderr=err)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"bench", "scale", "database", "figures", "comparisons"}
    assert (result["bench"], result["scale"], result["database"]) == ("compliance", "demo", connection.vendor)
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert {"compliance_matrix_year", "branch_home_p50", "peak_rss_mb"} <= set(figures)
    assert figures["compliance_matrix_year"]["target"] == 1000
    assert figures["branch_home_p50"]["target"] == 100
    for figure in result["figures"]:
        assert set(figure) == {"name", "value", "unit", "target", "better"}
    comparisons = {c["name"]: c for c in result["comparisons"]}
    loop, sql = comparisons["compliance_matrix_year"], comparisons["compliance_matrix_year_vs_sql"]
    assert "loop" in loop["baseline"] and loop["target_speedup"] == 20
    assert "SQL" in sql["baseline"] and sql["target_speedup"] == pytest.approx(1 / 1.5, abs=0.001)
    for comparison in comparisons.values():
        assert set(comparison) == {"name", "ours", "theirs", "unit", "baseline", "target_speedup"}
        assert comparison["ours"] > 0 and comparison["theirs"] > 0
    assert "all three agree on" in err.getvalue()


def test_baselines_give_the_engines_answer(demo):
    """Also with what the demo lacks: an attendance minimum, a cancelled activity, spot checks that fail
    and pass (the latest one wins)."""
    root = Organization.objects.get(depth=1)
    education = Organization.objects.get(name="中共丰南县教育局委员会")
    do_create_rule(
        acting_user=None,
        owner=education,
        name="主题党日党员到会率不低于90%",
        activity_type=ActivityType.objects.get(code="theme_day"),
        organization_kinds=["branch"],
        period="month",
        min_count=1,
        min_attendance_rate=Decimal("0.9"),
        valid_from=timezone.datetime(2024, 1, 1).date(),
        source="测试",
    )
    under_education = Activity.objects.filter(organization__path__startswith=education.path).order_by("id")
    do_cancel_activity(under_education[0], reason="录入错误", acting_user=None)
    checker = User.objects.get(username="xianwei_zzb")
    failed_then_passed, failed, passed_then_failed = under_education[1:4]
    for activity, outcomes in (
        (failed_then_passed, ["failed", "passed"]),
        (failed, ["failed"]),
        (passed_then_failed, ["passed", "failed"]),
    ):
        for result in outcomes:
            SpotCheck.objects.create(activity=activity, checked_by=checker, result=result, comment="测试")
    today = timezone.localdate()
    first, last = year_range(today)

    ours = answer(compliance.compute(root, first, last, today=today).cells)
    assert any(cell[4] for cell in ours.values())  # some below the attendance minimum
    assert sum(cell[5] for cell in ours.values()) >= 2  # failed spot checks (the latest one) taken off
    assert answer(sql_matrix(root, first, last, today).cells) == ours
    for subtree in (Organization.objects.get(name="中共丰南县稻地镇委员会"), education):
        assert answer(per_branch_loop(subtree, first, last, today)) == answer(
            compliance.compute(subtree, first, last, today=today).cells
        )
