"""测评 figures of a subtree in a period: the 群众测评 and 满意度调查 that rated organizations of the
subtree and closed in the period, and their satisfaction rate, as `results` defines it (满意＋基本满意
share of the satisfaction answers; a survey with fewer than 5 respondents is left out, ADR 012).
Answers are anonymous and never listed: the records of the rate are the surveys it counted.
Scope is the caller's (see core.figures).
"""

from django.db.models import Count, Q
from django.urls import reverse

from dangjian.core.figures import rate, register_figure
from dangjian.core.tree import subtree_q

from .choices import QuestionKind, Satisfaction, SurveyStatus
from .models import Answer, Survey
from .results import BROAD_DEFINITION, MIN_GROUP, RATED_KINDS, compare_targets

BASIS = "按测评对象党组织统计（未指定对象的按发起测评的党组织），含下级全部党组织"


def rated(organization, period):
    """Rated surveys (not draft or cancelled) of the subtree that closed in the period."""
    targeted = subtree_q(organization.path, "target_organization__path")
    untargeted = Q(target_organization__isnull=True) & subtree_q(organization.path, "organization__path")
    return Survey.objects.filter(
        targeted | untargeted, kind__in=RATED_KINDS, closes_on__range=(period.start, period.end)
    ).exclude(status__in=[SurveyStatus.CANCELLED, SurveyStatus.DRAFT])


def counted(organization, period):
    """The rated surveys with at least MIN_GROUP respondents (the others are not shown anywhere)."""
    rows = compare_targets(rated(organization, period).order_by("pk"))
    return Survey.objects.filter(pk__in=[row.survey.pk for row in rows if not row.suppressed])


def _link(organization, period):
    return reverse("surveys:survey_list")


@register_figure(
    "surveys.count",
    "群众测评和满意度调查次数",
    "次",
    records=counted,
    description=f"统计期内截止、参评{MIN_GROUP}人及以上的群众测评和满意度调查次数（{BASIS}）",
    link=_link,
)
def surveys_count(organization, period):
    return counted(organization, period).count()


@register_figure(
    "surveys.satisfaction_rate",
    "群众满意率",
    "%",
    records=counted,
    description=(
        f"统计期内截止的群众测评、满意度调查中的满意度题：{BROAD_DEFINITION}；"
        f"参评不足{MIN_GROUP}人的测评不计（{BASIS}）"
    ),
    link=_link,
    measure="rate",
    style="percent",
)
def satisfaction_rate(organization, period):
    found = Answer.objects.filter(
        response__survey__in=counted(organization, period), question__kind=QuestionKind.SATISFACTION
    ).aggregate(
        total=Count("id"), good=Count("id", filter=Q(choice__in=[Satisfaction.SATISFIED, Satisfaction.BASIC]))
    )
    return rate(found["good"], found["total"], "0.1")
