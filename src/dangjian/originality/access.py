"""Who may run the originality check, and where: the scope policy (`accounts.scope`) narrowed to the
roles that read notes for review — a branch admin or committee (may change the organization) and an
inspector covering it. A 系统管理员 manages accounts and the reference corpus but reads nobody's notes
(三员分立); a 党员 sees no check at all (their own notes are read in the study pages)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.scope import NOTHING, get_scope, paths_q

CHECKER_ROLES = (RoleChoices.ORG_ADMIN, RoleChoices.BRANCH_ADMIN, RoleChoices.INSPECTOR)
# The reference corpus is configuration: kept by the 系统管理员 of the subtree.
REFERENCE_ACTION = "manage_users"


def checker_grants(user) -> list[tuple[str, bool]]:
    """(path, include_descendants) of the user's current grants of a checking role (cached per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_originality_grants", None)
    if cached is None:
        grants = user.grants.current().filter(role__in=CHECKER_ROLES).select_related("organization")
        cached = [(grant.organization.path, grant.include_descendants) for grant in grants]
        user._originality_grants = cached
    return cached


def may_check_anywhere(user) -> bool:
    return bool(checker_grants(user))


def may_check(user, organization) -> bool:
    """`user` may run a check on `organization`'s subtree (None: an operator at the command line)."""
    if user is None:
        return True
    if organization is None or not get_scope(user).covers(organization.path, "view"):
        return False
    return any(
        organization.path == path or (descendants and organization.path.startswith(path))
        for path, descendants in checker_grants(user)
    )


def require_checker(user, organization) -> None:
    if not may_check(user, organization):
        raise PermissionDenied("无权对该党组织的学习笔记进行雷同检测。")


def checker_q(user, path_field: str = "organization__path") -> Q:
    """Rows hanging on organizations where `user` may check."""
    grants = checker_grants(user)
    return paths_q(grants, path_field) if grants else NOTHING


def may_manage_references(user, organization=None) -> bool:
    if user is None:
        return True
    scope = get_scope(user)
    if organization is None:
        return scope.allows(REFERENCE_ACTION)
    return scope.covers(organization.path, REFERENCE_ACTION)
