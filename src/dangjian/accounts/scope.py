"""The single scoping policy: which organizations a user may view or change.

A role is granted on an organization node, extended to its descendants when `include_descendants`.
Every queryset's `visible_to()` asks `scope_q()`; nothing else decides what a user sees.
The 党员 role sees only the member's own record and own branch.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from dangjian.core.tree import subtree_q

from .choices import ROLE_ACTIONS, RoleChoices

NOTHING = Q(pk__in=[])


@dataclass
class UserScope:
    """The grants of one user, resolved once per request."""

    # action -> list of (path, include_descendants)
    paths: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)
    member_ids: list[int] = field(default_factory=list)
    member_org_paths: list[str] = field(default_factory=list)

    def allows(self, action: str) -> bool:
        return bool(self.paths.get(action))

    def covers(self, path: str, action: str = "view") -> bool:
        """True when `path` lies in one of the grants for `action`."""
        return any(
            path == granted or (descendants and path.startswith(granted))
            for granted, descendants in self.paths.get(action, [])
        )


def get_scope(user) -> UserScope:
    """The user's scope, cached on the user object for the rest of the request."""
    if not getattr(user, "is_authenticated", False):
        return UserScope()
    cached = getattr(user, "_dangjian_scope", None)
    if cached is not None:
        return cached
    scope = UserScope()
    grants = list(user.grants.current().select_related("organization"))
    for grant in grants:
        item = (grant.organization.path, grant.include_descendants)
        for action in ROLE_ACTIONS[RoleChoices(grant.role)]:
            scope.paths.setdefault(action, []).append(item)
    if any(grant.role == RoleChoices.MEMBER for grant in grants):
        # Looked up by name: members is a higher layer than accounts.
        member_model = apps.get_model("members", "Member")
        for pk, path in member_model.objects.filter(user=user).values_list("pk", "organization__path"):
            scope.member_ids.append(pk)
            scope.member_org_paths.append(path)
    user._dangjian_scope = scope
    return scope


def paths_q(granted: list[tuple[str, bool]], path_field: str) -> Q:
    """OR of one range (or equality) condition per grant."""
    parts = [
        subtree_q(path, path_field) if descendants else Q(**{path_field: path})
        for path, descendants in granted
    ]
    return reduce(or_, parts) if parts else NOTHING


def scope_q(user, action: str, path_field: str, model=None) -> Q:
    """Q selecting the rows `user` may `action`; rows hang on organizations via `path_field`."""
    scope = get_scope(user)
    condition = paths_q(scope.paths.get(action, []), path_field)
    own = getattr(model, "own_records_q", None) if model is not None else None
    if action == "view" and own is not None and scope.member_ids:
        condition |= own(scope)
    return condition


def reset_scope(user) -> None:
    """Forget the cached scope (after grants change)."""
    if hasattr(user, "_dangjian_scope"):
        del user._dangjian_scope


def root_paths(user, action: str = "view") -> list[str]:
    """The highest paths the user holds `action` on (no path listed below another)."""
    scope = get_scope(user)
    paths = sorted({path for path, _ in scope.paths.get(action, [])}, key=len)
    if action == "view":
        paths += [p for p in scope.member_org_paths if p not in paths]
    roots: list[str] = []
    for path in paths:
        if not any(path.startswith(root) for root in roots):
            roots.append(path)
    return roots


def require(user, organization, action: str = "change") -> None:
    """Refuse unless `user` holds `action` on `organization`; None = an operator at the command line.

    Every service checks its writes with this (the views' querysets already scoped what was offered).
    """
    if user is None:
        return
    if organization is None or not get_scope(user).covers(organization.path, action):
        raise PermissionDenied("无权在该党组织执行此操作。")
