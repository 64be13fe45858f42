"""The one way in to domain data: `Model.objects.visible_to(user, action)`."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """A queryset whose rows hang on organizations reached through `scope_path_field`."""

    scope_path_field = "organization__path"

    def visible_to(self, user, action="view"):
        """Rows `user` may `action` ("view" or "change"); nothing for an anonymous user."""
        from dangjian.accounts.scope import scope_q

        return self.filter(scope_q(user, action, self.scope_path_field, model=self.model))

    def in_subtree(self, organization):
        """Rows of `organization` and every organization below it (one indexed range on the path)."""
        from dangjian.core.tree import subtree_q

        return self.filter(subtree_q(organization.path, self.scope_path_field))


class OrgScopedQuerySet(ScopedQuerySet):
    """Default queryset of OrgScopedModel."""
