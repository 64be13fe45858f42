"""The PostgreSQL one-statement store, in a normal test transaction with the module's `world` (apart from
the transactional concurrency tests: the module world's open transaction would outlive into them)."""

import pytest
from django.db import connection
from django.utils import timezone

from dangjian.surveys import services
from dangjian.surveys.models import Response, SurveyToken

from .factories import answers, make_survey

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-level concurrency: PostgreSQL"
)


@postgres_only
@postgres_only
def test_the_one_statement_store_changes_nothing_once_the_survey_closed(world):
    """The survey closes between the checks and the store: the statement spends no link, stores nothing."""
    survey = make_survey(world["a1"])
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    built = services.build_answers(survey, answers(survey))
    services.do_close_survey(survey, acting_user=None)
    stored = services._spend_and_store_sql(services.hash_token(token), survey, built, timezone.localdate())
    assert stored is False
    assert SurveyToken.objects.get(survey=survey).used is False
    assert not Response.objects.filter(survey=survey).exists()
    assert services._refusal(services.hash_token(token), timezone.localdate()) == services.CLOSED_MESSAGE


@postgres_only
def test_the_one_statement_store_writes_every_kind_of_answer(world):
    """The PostgreSQL path stores what the ORM path stores: choice, choices, score and text."""
    from dangjian.surveys.choices import QuestionKind
    from dangjian.surveys.models import Answer

    survey = make_survey(world["a1"], questions=[], open_it=False)
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.SATISFACTION, text="满意度")
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.RATING, text="评分")
    services.do_add_question(
        survey, acting_user=None, kind=QuestionKind.MULTIPLE, text="多选", options=["甲", "乙", "丙"]
    )
    services.do_add_question(survey, acting_user=None, kind=QuestionKind.TEXT, text="意见")
    services.do_open_survey(survey, acting_user=None)
    q = list(survey.questions.order_by("position"))
    [token] = services.do_issue_tokens(survey, acting_user=None, count=1)
    values = {str(q[0].pk): "basic", str(q[1].pk): 0, str(q[2].pk): ["丙", "甲"], str(q[3].pk): " 路灯 "}
    services.do_submit_public(token, values)
    stored = {a.question_id: a for a in Answer.objects.filter(response__survey=survey)}
    assert stored[q[0].pk].choice == "basic" and stored[q[0].pk].score is None
    assert stored[q[1].pk].score == 0
    assert stored[q[2].pk].choices == ["甲", "丙"]
    assert stored[q[3].pk].text == "路灯"
    assert Response.objects.get(survey=survey).submitted_on == timezone.localdate()
