"""A unit's open 问题清单, shown on its organization page (core.registry.organization_warnings)."""

from django.db.models import Count, Q
from django.utils import timezone

from dangjian.core.registry import register_organization_warning

from .choices import FindingStatus
from .models import Finding


@register_organization_warning
def open_findings(organization) -> list[str]:
    """ "督导检查发现的问题N个尚未整改销号（其中M个已超过整改期限）" for the unit itself (one query)."""
    counts = (
        Finding.objects.filter(unit_inspection__unit=organization)
        .exclude(status=FindingStatus.CLOSED)
        .aggregate(
            open=Count("id"),
            late=Count(
                "id",
                filter=Q(rectification__deadline__lt=timezone.localdate())
                & ~Q(rectification__status="done")
                & Q(rectification__task__cancelled_on__isnull=True),
            ),
        )
    )
    if not counts["open"]:
        return []
    late = f"（其中{counts['late']}个已超过整改期限）" if counts["late"] else ""
    return [f"督导检查发现的问题{counts['open']}个尚未整改销号{late}。"]
