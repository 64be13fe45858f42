"""Member figures registered into core: counts per tree node and soft-rule warnings."""

from django.db.models import Count

from dangjian.core.registry import register_node_counter, register_organization_warning
from dangjian.core.tree import STEPLEN, subtree_q
from dangjian.organizations.models import Organization

from .choices import MemberStatus
from .models import Member, Position

MAX_BRANCH_MEMBERS = 50  # 支部工作条例 art.4: a branch generally has no more than 50 members
COMMITTEE_REQUIRED_AT = 7  # ≥7 full members → a committee (第六章)
COMMITTEE_SIZE = (3, 7)


def members_by_status_under(paths: list[str]) -> dict[str, dict[str, int]]:
    """{path: {status: count}} over each sibling path's whole subtree.

    Members are counted per (organization, status), which the (organization, status) index answers
    alone; each organization's path cut to the siblings' length then says whose subtree it is in.
    Measured 3× faster at city scale on SQLite than grouping by a path prefix over a join.
    """
    if not paths:
        return {}
    length = len(paths[0])
    parent = paths[0][: length - STEPLEN]
    organizations = Organization.objects.filter(subtree_q(parent)) if parent else Organization.objects.all()
    org_paths = dict(organizations.values_list("pk", "path").order_by())
    members = Member.objects.all()
    if parent:
        members = members.filter(organization__in=organizations.values("pk"))
    rows = members.values_list("organization_id", "status").annotate(n=Count("id")).order_by()
    wanted = set(paths)
    result = {path: {} for path in paths}
    for organization_id, status, n in rows:
        prefix = org_paths[organization_id][:length]
        if prefix in wanted:
            result[prefix][status] = result[prefix].get(status, 0) + n
    return result


@register_node_counter("members", order=20)
def count_members(paths):
    labels = dict(MemberStatus.choices)
    counts = members_by_status_under(paths)
    return {
        path: {
            labels[MemberStatus.FULL]: by_status.get(MemberStatus.FULL, 0),
            labels[MemberStatus.PROBATIONARY]: by_status.get(MemberStatus.PROBATIONARY, 0),
        }
        for path, by_status in counts.items()
    }


@register_organization_warning
def branch_size_warnings(organization) -> list[str]:
    """Soft rules of 支部工作条例 §1: warnings, never blocks."""
    if not organization.is_branch:
        return []
    warnings = []
    active = Member.objects.filter(organization=organization).active()
    total = active.count()
    full = active.filter(status=MemberStatus.FULL).count()
    committee = Position.objects.current().committee().filter(organization=organization).count()
    if total > MAX_BRANCH_MEMBERS:
        warnings.append(
            f"党员人数{total}名，超过一般不超过{MAX_BRANCH_MEMBERS}名的要求（支部工作条例第四条）。"
        )
    if full >= COMMITTEE_REQUIRED_AT and not organization.has_committee:
        warnings.append(f"正式党员{full}名（7名以上），应当设立支部委员会（支部工作条例第六章）。")
    low, high = COMMITTEE_SIZE
    if organization.has_committee and not low <= committee <= high:
        warnings.append(f"支部委员会现有委员{committee}名，一般应为{low}至{high}名（支部工作条例第六章）。")
    return warnings
