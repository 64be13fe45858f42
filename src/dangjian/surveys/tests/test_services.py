"""Surveys: anonymity of the response store, one response per token, closing dates, results with both
satisfaction definitions and small-group suppression, the computed sources, 民主评议党员."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.members.models import Member
from dangjian.surveys import results, services
from dangjian.surveys.choices import Audience, QuestionKind, ReviewGrade, SurveyStatus
from dangjian.surveys.models import Answer, Participation, Response, SurveyToken
from dangjian.targets.sources import SOURCES

from .factories import answers, make_survey, respond

FORBIDDEN = {User, Member, SurveyToken, Participation}


@pytest.mark.parametrize("model", [Response, Answer])
def test_no_path_from_a_response_to_a_person_or_token(model):
    """No field of the response store points at a user, member, token or participation, none holds a
    time finer than a date, and the primary key is random (no submission order)."""
    for f in model._meta.get_fields():
        related = getattr(f, "related_model", None)
        if f.concrete and related is not None:
            assert related not in FORBIDDEN, f"{model.__name__}.{f.name}"
        assert not isinstance(f, models.DateTimeField), f"{model.__name__}.{f.name}"
    assert isinstance(model._meta.pk, models.UUIDField)
    # Reverse relations: nothing hangs on a response or answer except the answers themselves.
    reverse = {f.related_model for f in model._meta.get_fields() if f.auto_created and not f.concrete}
    assert reverse <= {Answer}


def test_participation_holds_no_answers():
    names = {f.name for f in Participation._meta.get_fields()}
    assert names == {"id", "survey", "member"}
    assert {f.name for f in SurveyToken._meta.get_fields()} == {
        "id",
        "survey",
        "token_hash",
        "batch",
        "issued_on",
        "used",
    }


def test_public_token_answers_once(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    assert SurveyToken.objects.get().token_hash != token  # only the hash is stored
    services.do_submit_public(token, answers(survey))
    with pytest.raises(ValidationError, match="只能提交一次"):
        services.do_submit_public(token, answers(survey))
    assert Response.objects.filter(survey=survey).count() == 1
    assert Response.objects.get().submitted_on == timezone.localdate()


def test_invalid_answer_keeps_the_token_unused(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    bad = answers(survey, satisfaction="非常满意")
    with pytest.raises(ValidationError) as caught:
        services.do_submit_public(token, bad)
    assert "第1题" in str(caught.value)
    assert SurveyToken.objects.get().used is False
    with pytest.raises(ValidationError, match="0到100"):
        services.do_submit_public(token, answers(survey, score=101))


def test_closing_date_and_status_are_enforced(world):
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    with pytest.raises(ValidationError, match="不在开放时间"):
        services.do_submit_public(token, answers(survey), today=survey.closes_on + timedelta(days=1))
    services.do_close_survey(survey, acting_user=None)
    with pytest.raises(ValidationError, match="不在开放时间"):
        services.do_submit_public(token, answers(survey))
    with pytest.raises(ValidationError, match="已结束"):
        services.do_issue_tokens(survey, acting_user=None, count=1)


def test_both_satisfaction_definitions_with_their_text(world):
    survey = make_survey(world["a1"])
    picks = ["satisfied"] * 3 + ["basic"] * 2 + ["unsatisfied"]
    respond(survey, [answers(survey, p, score=80 + i, text=f"意见{i}") for i, p in enumerate(picks)])
    result = results.survey_results(survey)
    assert result.respondents == 6 and not result.suppressed
    assert str(result.broad_rate) == "83.3"  # (3 + 2) / 6
    assert str(result.strict_rate) == "50.0"  # 3 / 6
    assert str(result.average_score) == "82.5"
    data = result.as_dict()
    assert data["satisfaction_rate_definition"] == results.BROAD_DEFINITION
    assert data["strict_satisfaction_rate_definition"] == results.STRICT_DEFINITION
    sat = data["questions"][0]
    assert [(c["label"], c["count"]) for c in sat["cells"]] == [("满意", 3), ("基本满意", 2), ("不满意", 1)]
    assert data["questions"][2]["texts"] == sorted(f"意见{i}" for i in range(6))
    content = results.results_xlsx(result)
    assert content[:2] == b"PK"


def test_small_groups_are_suppressed(world):
    survey = make_survey(world["a1"])
    respond(survey, [answers(survey, text="只有我提了意见") for _ in range(4)])
    result = results.survey_results(survey)
    assert result.suppressed and result.broad_rate is None and result.strict_rate is None
    assert result.questions == []
    assert result.as_dict()["notice"] == results.SUPPRESSED
    assert "只有我提了意见" not in str(result.as_dict())
    # Five respondents: shown, but a question only 2 of them answered stays hidden.
    respond(survey, [answers(survey, text="")])
    result = results.survey_results(survey)
    assert not result.suppressed
    text_row = result.questions[2]
    assert text_row.suppressed and text_row.texts == []
    [row] = results.compare_targets([survey])
    assert row.respondents == 5 and not row.suppressed


def test_comparison_over_time_uses_the_previous_survey(world):
    older = make_survey(world["a1"], title="上年测评")
    respond(older, [answers(older, "unsatisfied") for _ in range(5)])
    services.do_update_survey(
        older,
        acting_user=None,
        opens_on=older.opens_on - timedelta(days=365),
        closes_on=older.closes_on - timedelta(days=365),
    )
    newer = make_survey(world["a1"], title="本年测评")
    respond(newer, [answers(newer) for _ in range(5)])
    result = results.survey_results(newer)
    assert result.previous.survey == older
    assert str(result.previous.broad_rate) == "0.0" and str(result.broad_rate) == "100.0"


def test_satisfaction_rate_is_a_computed_source(world):
    source = SOURCES["surveys.satisfaction_rate"]
    survey = make_survey(world["a1"])
    year = survey.closes_on.year
    respond(survey, [answers(survey, "satisfied")] * 4)
    assert source.value(world["a1"], year) is None  # fewer than 5: not counted
    respond(survey, [answers(survey, "unsatisfied")])
    assert source.value(world["a1"], year) == 80
    assert SOURCES["surveys.average_score"].value(world["a1"], year) == 90
    assert source.value(world["a2"], year) is None


def test_writes_are_scoped(world):
    with pytest.raises(PermissionDenied):
        make_survey_as(world, "town_a_admin", "b1")
    with pytest.raises(ValidationError, match="本级或下级"):
        services.do_create_survey(
            acting_user=world["town_a_admin"],
            organization=world["a1"],
            target_organization=world["town_a"],
            title="x",
            kind="satisfaction",
            audience=Audience.PUBLIC,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate(),
        )


def make_survey_as(world, user, org):
    return services.do_create_survey(
        acting_user=world[user],
        organization=world[org],
        title="测评",
        kind="satisfaction",
        audience=Audience.PUBLIC,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )


def test_questions_are_fixed_once_published(world):
    survey = make_survey(world["a1"])
    with pytest.raises(ValidationError, match="不能再增加题目"):
        services.do_add_question(survey, acting_user=None, kind=QuestionKind.TEXT, text="追加")
    draft = make_survey(world["a1"], open_it=False, questions=[])
    with pytest.raises(ValidationError, match="至少需要两个选项"):
        services.do_add_question(
            draft, acting_user=None, kind=QuestionKind.SINGLE, text="选一", options=["甲"]
        )
    with pytest.raises(ValidationError, match="还没有题目"):
        services.do_open_survey(draft, acting_user=None)


def test_member_answers_once_and_anonymously(world):
    survey = make_survey(world["town_a"], audience=Audience.MEMBERS)
    li = world["member_a1"]
    services.do_submit_member(survey, answers(survey), user=li)
    with pytest.raises(ValidationError, match="只能提交一次"):
        services.do_submit_member(survey, answers(survey), user=li)
    assert Participation.objects.filter(survey=survey).count() == 1
    assert Response.objects.filter(survey=survey).count() == 1
    outside = make_survey(world["b1"], audience=Audience.MEMBERS)
    with pytest.raises(ValidationError, match="参评范围"):
        services.do_submit_member(outside, answers(outside), user=li)


def test_member_review_round(world):
    today = timezone.localdate()
    zhang = world["zhang"]
    review = services.do_open_review_round(
        acting_user=world["branch_a1_admin"],
        organization=world["a1"],
        year=today.year,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=5),
    )
    # 张三丰 is the only 正式党员 of A1 (李四 is 预备党员: takes part, not graded).
    [question] = review.survey.questions.all()
    assert question.person == zhang and question.kind == QuestionKind.GRADE
    services.do_submit_member(
        review.survey, {str(question.pk): ReviewGrade.EXCELLENT}, user=world["member_a1"]
    )
    with pytest.raises(ValidationError, match="尚未评定"):
        services.do_conclude_round(review, acting_user=None, concluded_on=today)
    with pytest.raises(ValidationError, match="须写明理由"):
        services.do_decide_member(
            review, acting_user=None, member=zhang, grade=ReviewGrade.BASIC, decided_on=today
        )
    with pytest.raises(ValidationError, match="不在本支部"):
        services.do_decide_member(
            review, acting_user=None, member=world["wang"], grade="qualified", decided_on=today
        )
    services.do_decide_member(
        review,
        acting_user=None,
        member=zhang,
        grade=ReviewGrade.BASIC,
        reason="学习不够经常",
        decided_on=today,
    )
    services.do_decide_member(
        review, acting_user=None, member=zhang, grade=ReviewGrade.QUALIFIED, decided_on=today
    )
    services.do_conclude_round(review, acting_user=None, concluded_on=today)
    review.refresh_from_db()
    assert review.concluded_on == today and review.survey.status == SurveyStatus.CLOSED
    counts = dict(results.grade_counts(review.decisions.all()))
    assert counts == {"优秀": 0, "合格": 1, "基本合格": 0, "不合格": 0}
    with pytest.raises(ValidationError, match="已开展"):
        services.do_open_review_round(
            acting_user=None, organization=world["a1"], year=today.year, opens_on=today, closes_on=today
        )
    with pytest.raises(PermissionDenied):
        services.do_decide_member(
            review,
            acting_user=world["town_a_admin"].__class__.objects.get(username="member_a1"),
            member=zhang,
            grade="qualified",
            decided_on=today,
        )
