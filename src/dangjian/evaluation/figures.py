"""考核评价 figures: the units of the subtree in the published 考核 of the period's years, and those rated
in the top band of their rubric version (e.g. 五好党支部; the bands are each rubric's own, so "top" is
the band with the highest minimum score). Counted by the assessed unit, whoever assessed it. Scope is
the caller's (see core.figures).
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from dangjian.core.figures import register_figure
from dangjian.core.tree import subtree_q

from .choices import AssessmentStatus
from .models import AssessmentUnit, RatingBand

BASIS = "按被考核单位统计，含下级全部党组织；只计已公布的考核"


def assessed(organization, period):
    """Units of the subtree in published assessments whose year falls in the period."""
    return AssessmentUnit.objects.filter(
        subtree_q(organization.path, "organization__path"),
        assessment__status=AssessmentStatus.PUBLISHED,
        assessment__year__range=(period.start.year, period.end.year),
    )


def top_rated(organization, period):
    top = RatingBand.objects.filter(version=OuterRef("assessment__version")).order_by("-min_score", "-id")
    return assessed(organization, period).filter(rating=Subquery(top.values("label")[:1]))


def _link(organization, period):
    return reverse("evaluation:assessment_list")


@register_figure(
    "evaluation.units.assessed",
    "参加考核单位数次",
    "个次",
    records=assessed,
    description=f"统计期所在年度已公布的考核中被考核的单位个次（{BASIS}）",
    link=_link,
)
def units_assessed(organization, period):
    return assessed(organization, period).count()


@register_figure(
    "evaluation.units.top_rated",
    "评定为最高等次的单位数次（如五好党支部）",
    "个次",
    records=top_rated,
    description=f"统计期所在年度已公布的考核中评定为该考核细则最高等次（如“五好党支部”）的单位个次（{BASIS}）",
    link=_link,
)
def units_top_rated(organization, period):
    return top_rated(organization, period).count()
