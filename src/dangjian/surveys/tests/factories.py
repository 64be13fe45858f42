"""Test data of surveys, built through the services (acting_user=None: the command line)."""

from datetime import timedelta

from django.utils import timezone

from dangjian.surveys import services
from dangjian.surveys.choices import Audience, QuestionKind, SurveyKind

DEFAULT_QUESTIONS = [
    (QuestionKind.SATISFACTION, "您对本单位党组织的工作是否满意？", True),
    (QuestionKind.RATING, "请为班子作风打分（0–100）", True),
    (QuestionKind.TEXT, "意见建议", False),
]


def make_survey(
    organization,
    *,
    audience=Audience.PUBLIC,
    title="群众满意度测评",
    open_it=True,
    questions=None,
    kind=SurveyKind.SATISFACTION,
    target_organization=None,
):
    """A survey with a satisfaction question, a rating and an optional free-text question (opened)."""
    today = timezone.localdate()
    survey = services.do_create_survey(
        acting_user=None,
        organization=organization,
        target_organization=target_organization,
        title=title,
        kind=kind,
        audience=audience,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=10),
    )
    if questions is None:
        questions = DEFAULT_QUESTIONS
    for kind_, text, required in questions:
        services.do_add_question(survey, acting_user=None, kind=kind_, text=text, required=required)
    if open_it:
        services.do_open_survey(survey, acting_user=None)
    return survey


def answers(survey, satisfaction="satisfied", score=90, text=""):
    """Submitted values for the three default questions."""
    q = list(survey.questions.order_by("position"))
    return {str(q[0].pk): satisfaction, str(q[1].pk): score, str(q[2].pk): text}


def respond(survey, values_list):
    """Submit one public response per item of `values_list` (each a dict of values)."""
    tokens = services.do_issue_tokens(survey, acting_user=None, count=len(values_list))
    for token, values in zip(tokens, values_list, strict=True):
        services.do_submit_public(token, values)
    return tokens
