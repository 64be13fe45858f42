from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Left, Length
from treebeard.mp_tree import MP_NodeManager, MP_NodeQuerySet

from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.tree import STEPLEN, ancestor_paths, subtree_q

from .choices import BRANCH_KINDS, OrganizationStatus


class OrganizationQuerySet(ScopedQuerySet, MP_NodeQuerySet):
    """Organizations; scoped on their own path."""

    scope_path_field = "path"

    def active(self):
        return self.filter(status=OrganizationStatus.ACTIVE)

    def branches(self):
        """党支部, 联合党支部 and 临时党支部."""
        return self.filter(kind__in=BRANCH_KINDS)

    def children_of(self, organization):
        """Direct children: one depth plus the subtree range."""
        return self.filter(subtree_q(organization.path), depth=organization.depth + 1)

    def ancestors_of(self, organization):
        """Ancestors, root first."""
        return self.filter(path__in=ancestor_paths(organization.path)).order_by("path")

    def parent_of(self, organization):
        """The parent, or None for a root."""
        return (
            self.filter(path=organization.path[: -organization.steplen]).first()
            if organization.depth > 1
            else None
        )

    def descendants_of(self, organization, include_self=False):
        qs = self.filter(subtree_q(organization.path))
        return qs if include_self else qs.exclude(pk=organization.pk)

    def with_parent_id(self):
        """Annotate `parent_id` (None for a root) with one indexed subquery per row, not a query each."""
        parent_path = Left(OuterRef("path"), Length(OuterRef("path")) - STEPLEN)
        parents = self.model.objects.filter(path=parent_path).values("pk")[:1]
        return self.annotate(parent_id=Subquery(parents))

    def grant_roots(self, user, action="view"):
        """The highest organizations the user holds `action` on (the roots of their grants)."""
        from dangjian.accounts.scope import root_paths

        return self.filter(path__in=root_paths(user, action))

    def search(self, text):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(Q(name__contains=text) | Q(code__startswith=text))


class OrganizationManager(MP_NodeManager.from_queryset(OrganizationQuerySet)):
    """treebeard's manager (ordered by path) with the scoped queryset's methods."""

    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")
