"""督导检查 figures: the units of the subtree inspected in a period, the problems found there (问题清单)
and how many were put right and closed (整改销号) by period.end. Counted by the inspected unit,
whoever inspected it. Scope is the caller's (see core.figures).
"""

from django.urls import reverse

from dangjian.core.figures import rate, register_figure
from dangjian.core.tree import subtree_q

from .choices import FindingStatus
from .models import Finding, UnitInspection

BASIS = "按被检查单位统计，含下级全部党组织"


def visited(organization, period):
    return UnitInspection.objects.filter(
        subtree_q(organization.path, "unit__path"), visited_on__range=(period.start, period.end)
    )


def findings(organization, period):
    return Finding.objects.filter(
        subtree_q(organization.path, "unit_inspection__unit__path"),
        found_on__range=(period.start, period.end),
    )


def rectified(organization, period):
    """Findings of the period closed (已销号) by period.end."""
    return findings(organization, period).filter(status=FindingStatus.CLOSED, closed_on__lte=period.end)


def _link(organization, period):
    return reverse("inspections:plan_list")


@register_figure(
    "inspections.units",
    "督导检查单位数次",
    "个次",
    records=visited,
    description=f"统计期内到点检查的单位个次（一个单位在两次督导检查中计2个次；{BASIS}）",
    link=_link,
)
def units(organization, period):
    return visited(organization, period).count()


@register_figure(
    "inspections.findings",
    "督导检查发现问题数",
    "个",
    records=findings,
    description=f"统计期内督导检查发现并列入问题清单的问题个数（{BASIS}）",
    link=_link,
)
def findings_count(organization, period):
    return findings(organization, period).count()


@register_figure(
    "inspections.rectified",
    "问题整改销号数",
    "个",
    records=rectified,
    description=f"统计期内发现的问题中截止期末已整改销号的个数（{BASIS}）",
    link=_link,
)
def rectified_count(organization, period):
    return rectified(organization, period).count()


@register_figure(
    "inspections.rectification_rate",
    "问题整改销号率",
    "%",
    records=rectified,
    description=f"截止期末已整改销号的问题数÷统计期内发现的问题数×100%（{BASIS}）",
    link=_link,
    measure="rate",
)
def rectification_rate(organization, period):
    return rate(rectified(organization, period).count(), findings(organization, period).count())
