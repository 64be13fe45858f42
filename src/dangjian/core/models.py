"""Base models every domain app builds on: TimeStampedModel -> OrgScopedModel."""

from django.db import models

from .querysets import OrgScopedQuerySet


class TimeStampedModel(models.Model):
    """A record that knows when it was created and last changed."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        abstract = True


class OrgScopedModel(TimeStampedModel):
    """A record that hangs on one organization and is scoped by it."""

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True
