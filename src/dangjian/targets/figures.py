"""目标责任 figures: the 目标责任书 the subtree's organizations received for the period's years (issued,
signed, evaluated; never drafts or withdrawn ones). Counted by the responsible organization. Scope is the
caller's (see core.figures).
"""

from django.urls import reverse

from dangjian.core.figures import register_figure

from .choices import TargetStatus
from .models import Target

BASIS = "按责任党组织统计，含下级全部党组织"


def issued(organization, period):
    """Targets of the subtree for the period's years, issued and not withdrawn."""
    return (
        Target.objects.in_subtree(organization)
        .filter(year__range=(period.start.year, period.end.year))
        .filter(status__in=[TargetStatus.ISSUED, TargetStatus.SIGNED, TargetStatus.EVALUATED])
    )


def evaluated(organization, period):
    return issued(organization, period).filter(status=TargetStatus.EVALUATED)


def _link(organization, period):
    return reverse("targets:target_list")


@register_figure(
    "targets.issued",
    "目标责任书份数",
    "份",
    records=issued,
    description=f"统计期所在年度已下达（含已签订、已考评，不含草拟和撤回）的目标责任书份数（{BASIS}）",
    link=_link,
)
def targets_issued(organization, period):
    return issued(organization, period).count()


@register_figure(
    "targets.evaluated",
    "已考评目标责任书份数",
    "份",
    records=evaluated,
    description=f"统计期所在年度已完成年终考评的目标责任书份数（{BASIS}）",
    link=_link,
)
def targets_evaluated(organization, period):
    return evaluated(organization, period).count()
