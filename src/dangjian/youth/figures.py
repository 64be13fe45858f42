"""推优 figures of a subtree in a period: the recommendations the 团组织 made to the party
organizations of the subtree, and how many were taken up. Scope is the caller's (see core.figures)."""

from django.urls import reverse

from dangjian.core.figures import register_figure

from .choices import RecommendationStatus
from .models import Recommendation

BASIS = "按接受推荐的党组织统计，含下级全部党组织"


def recommended(organization, period):
    return Recommendation.objects.in_subtree(organization).filter(
        recommended_on__range=(period.start, period.end)
    )


def accepted(organization, period):
    return recommended(organization, period).filter(status=RecommendationStatus.ACCEPTED)


def _link(organization, period):
    return reverse("youth:recommendation_list")


@register_figure(
    "youth.recommendations.count",
    "推优人数",
    "名",
    records=recommended,
    description=f"统计期内团组织推荐的优秀团员人数（推荐日期在统计期内；{BASIS}）",
    link=_link,
)
def recommendations(organization, period):
    return recommended(organization, period).count()


@register_figure(
    "youth.recommendations.accepted",
    "推优列为入党积极分子人选人数",
    "名",
    records=accepted,
    description=f"统计期内推荐、现已列为入党积极分子人选的人数（{BASIS}）",
    link=_link,
)
def recommendations_accepted(organization, period):
    return accepted(organization, period).count()
