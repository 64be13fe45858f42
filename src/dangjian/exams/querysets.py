"""Reads of exams: banks and papers are shared downward, exams sent downward, attempts by the member."""

from django.db.models import Q

from dangjian.accounts.scope import get_scope, scope_q
from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.tree import ancestor_paths


def _above(paths) -> list[str]:
    return sorted({ancestor for path in paths for ancestor in ancestor_paths(path)})


class SharedDownwardQuerySet(ScopedQuerySet):
    """Banks and papers: in scope as usual; for viewing, also those of the organizations above the
    user's grants, so a branch draws from its committee's bank. A 党员 without a grant reads none of
    them (a bank holds the answers)."""

    def visible_to(self, user, action="view"):
        condition = scope_q(user, action, self.scope_path_field)
        if action == "view":
            above = _above(path for path, _ in get_scope(user).paths.get("view", []))
            if above:
                condition |= Q(**{f"{self.scope_path_field}__in": above})
        return self.filter(condition)

    def active(self):
        return self.filter(is_active=True)


class ExamQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """In scope as usual; for viewing, also the exams set above: an exam is sent downward to the
        subtree that sits it, so a branch secretary follows the county's exam for their branch and a
        党员 sees the exams of their own organization and those above it."""
        condition = scope_q(user, action, self.scope_path_field)
        if action == "view":
            scope = get_scope(user)
            below = [path for path, _ in scope.paths.get("view", [])] + scope.member_org_paths
            reach = set(_above(below)) | set(scope.member_org_paths)
            if reach:
                condition |= Q(organization__path__in=sorted(reach))
        return self.filter(condition)

    def current(self):
        return self.filter(cancelled_at__isnull=True)


class AttemptQuerySet(ScopedQuerySet):
    """Answer sheets hang on the member's organization: an admin sees those of the members in scope,
    whoever set the exam; a 党员 sees their own (Attempt.own_records_q)."""

    scope_path_field = "member__organization__path"

    def ended(self):
        return self.filter(ended_at__isnull=False)

    def open(self):
        return self.filter(ended_at__isnull=True)
