"""Figures of the tree: 党委, 党总支 and 党支部 standing at the end of a period, the organization itself
included (含本级). An organization stood on a day when it was founded by then (or no founding date is
recorded) and was not yet dissolved (正常, or 撤销 with a later 撤销日期). Organizations are counted where
they stand in the tree now (a move is not read back). Scope is the caller's (see core.figures).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.core.figures import register_figure

from .choices import BRANCH_KINDS, COMMITTEE_KINDS, OrganizationKind, OrganizationStatus
from .models import Organization

KINDS = {
    "committees": (COMMITTEE_KINDS, "党委", "基层党委（含党工委、党组）数", "党委、党工委和党组"),
    "general_branches": ((OrganizationKind.GENERAL_BRANCH,), "党总支", "党总支数", "党总支"),
    "branches": (BRANCH_KINDS, "党支部", "党支部数", "党支部、联合党支部和临时党支部"),
    "party_groups": ((OrganizationKind.PARTY_GROUP,), "党小组", "党小组数", "党小组"),
}


def standing_q(on) -> Q:
    """Organizations that stood on the day `on`."""
    founded = Q(founded_on__isnull=True) | Q(founded_on__lte=on)
    not_dissolved = Q(status=OrganizationStatus.ACTIVE) | Q(dissolved_on__gt=on)
    return founded & not_dissolved


def standing(organization, on, kinds):
    """Organizations of `kinds` in `organization`'s subtree (itself included) standing on `on`."""
    return Organization.objects.descendants_of(organization, include_self=True).filter(
        standing_q(on), kind__in=kinds
    )


def _register(name, kinds, label, title, what):
    def records(organization, period):
        return standing(organization, period.end, kinds)

    def compute(organization, period):
        return records(organization, period).count()

    def link(organization, period):
        query = urlencode({"within": organization.code, "kind": sorted(kinds)}, doseq=True)
        return reverse("organizations:organization_list") + "?" + query

    register_figure(
        f"organizations.{name}.count",
        title,
        "个",
        records=records,
        description=f"期末存续的{what}（含本级及下级全部组织；按组织类别统计，期末前已撤销的不计）",
        link=link,
        stock=True,
    )(compute)


for _name, (_kinds, _label, _title, _what) in KINDS.items():
    _register(_name, _kinds, _label, _title, _what)
