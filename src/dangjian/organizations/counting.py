"""Counts per tree node: branches here, plus whatever the capabilities register in core.registry."""

from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import Substr

from dangjian.core.registry import node_counters, register_node_counter
from dangjian.core.tree import STEPLEN, subtree_q

from .choices import BRANCH_KINDS
from .models import Organization

BRANCH_LABEL = "党支部"


@register_node_counter("branches", order=10)
def count_branches(paths: list[str]) -> dict[str, dict[str, int]]:
    """{path: {"党支部": n}}: active branches in each sibling path's subtree, one grouped query."""
    length = len(paths[0])
    parent = paths[0][: length - STEPLEN]
    orgs = Organization.objects.active().filter(kind__in=BRANCH_KINDS)
    if parent:
        orgs = orgs.filter(subtree_q(parent))
    rows = (
        orgs.annotate(prefix=Substr("path", 1, length))
        .values_list("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict(rows)
    return {path: {BRANCH_LABEL: counts.get(path, 0)} for path in paths}


def counts_for(organizations) -> dict[str, dict[str, int]]:
    """Every registered counter per organization; siblings grouped so a counter runs once per parent."""
    by_parent = defaultdict(list)
    for org in organizations:
        by_parent[org.path[:-STEPLEN]].append(org.path)
    result = defaultdict(dict)
    for counter in sorted(node_counters.values(), key=lambda c: c.order):
        for paths in by_parent.values():
            for path, values in counter.count(paths).items():
                result[path].update(values)
    for org in organizations:
        if org.is_branch:  # "党支部 1" on a branch says nothing
            result[org.path].pop(BRANCH_LABEL, None)
    return result
