"""Which organizations' dashboards a user may open.

A dashboard sums up a whole subtree, so it is offered only over organizations whose every descendant the
user may view: those covered by a `view` grant that extends to descendants. A grant on one node alone (a
党员's own branch) opens none: its totals would count organizations below it that the user cannot see.
Anything else is a 404, in the UI and the API alike.
"""

from dangjian.accounts.scope import get_scope, paths_q
from dangjian.organizations.choices import BRANCH_KINDS, OrganizationKind
from dangjian.organizations.models import Organization

# The organization picker lists the grant roots and the committees and 党总支 below them (at most this
# many); a branch is reached from its parent's page (下级党组织).
PICKER_LIMIT = 300


def _subtree_grants(user) -> list[tuple[str, bool]]:
    return [(path, True) for path, descendants in get_scope(user).paths.get("view", []) if descendants]


def dashboard_organizations(user):
    """The organizations whose dashboard `user` may open."""
    return Organization.objects.filter(paths_q(_subtree_grants(user), "path"))


def default_organization(user):
    """The highest of them (the user's widest grant); None when there is none."""
    paths = sorted({path for path, _ in _subtree_grants(user)}, key=lambda p: (len(p), p))
    return Organization.objects.filter(path=paths[0]).first() if paths else None


def picker_organizations(user, current) -> list:
    """The choices of the organization picker, in tree order (the current one always among them)."""
    roots = {path for path, _ in _subtree_grants(user)}
    skipped = [*BRANCH_KINDS, OrganizationKind.PARTY_GROUP]
    chosen = list(
        dashboard_organizations(user)
        .exclude(kind__in=skipped)
        .order_by("path")
        .only("pk", "name", "path", "depth", "kind")[:PICKER_LIMIT]
    )
    paths = {org.path for org in chosen}
    extra = [
        org for org in Organization.objects.filter(path__in=roots | {current.path}) if org.path not in paths
    ]
    return sorted(chosen + extra, key=lambda org: org.path)
