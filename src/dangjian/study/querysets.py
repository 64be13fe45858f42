"""Scoped querysets of the study app: plans, items and courses flow down the tree for reading."""

from django.db.models import Q

from dangjian.accounts.scope import get_scope, scope_q
from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.tree import ancestor_paths


class FlowsDownQuerySet(ScopedQuerySet):
    """In scope as usual; for reading, also what the organizations above publish for those below.

    A county's study plan binds every branch under it: a branch secretary (or a 党员) reads the plans and
    courses of the committees above the branch, although those committees lie outside their grant. Only
    published plans flow down; an unpublished one is seen by whoever may see its owner.
    """

    published_field: str | None = None

    def visible_to(self, user, action="view"):
        condition = scope_q(user, action, self.scope_path_field, model=self.model)
        if action == "view":
            scope = get_scope(user)
            below = [path for path, _ in scope.paths.get("view", [])] + scope.member_org_paths
            reach = {ancestor for path in below for ancestor in ancestor_paths(path)}
            reach |= set(scope.member_org_paths)  # a 党员 reads their own branch's plans
            if reach:
                flowing = Q(**{f"{self.scope_path_field}__in": sorted(reach)})
                if self.published_field:
                    flowing &= Q(**{self.published_field: True})
                condition |= flowing
        return self.filter(condition)


class PlanQuerySet(FlowsDownQuerySet):
    published_field = "published"

    def published(self):
        return self.filter(published=True)


class ItemQuerySet(FlowsDownQuerySet):
    scope_path_field = "plan__organization__path"
    published_field = "plan__published"

    def published(self):
        return self.filter(plan__published=True)


class CourseQuerySet(FlowsDownQuerySet):
    """Courses organized above a branch are read by those who see the branch (its members attend)."""


class MemberRecordQuerySet(ScopedQuerySet):
    """Records of one member (completions, enrollments): scoped by the member's branch."""

    scope_path_field = "member__organization__path"


class NoteQuerySet(ScopedQuerySet):
    def of_kind(self, kind):
        return self.filter(kind=kind)
