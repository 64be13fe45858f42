"""主题党日 themes published from above: a committee sets the month's theme, its branches see it prefilled."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.accounts.scope import get_scope, scope_q
from dangjian.core.models import OrgScopedModel
from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.tree import ancestor_paths

from .choices import THEME_PUBLISHER_KINDS


class ThemeNoticeQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """In scope as usual; for viewing, also the themes published above what the user sees.

        A theme is sent downward: the secretary of a branch reads the theme of the committees above the
        branch, although the committees themselves lie outside the secretary's grant.
        """
        condition = scope_q(user, action, self.scope_path_field, model=self.model)
        if action == "view":
            scope = get_scope(user)
            below = [path for path, _ in scope.paths.get("view", [])] + scope.member_org_paths
            above = {ancestor for path in below for ancestor in ancestor_paths(path)}
            if above:
                condition |= Q(organization__path__in=sorted(above))
        return self.filter(condition)


class ThemeNotice(OrgScopedModel):
    """The 主题党日 theme of one month, published by a committee for the branches below it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="发布党组织",
        on_delete=models.PROTECT,
        related_name="theme_notices",
    )
    month = models.DateField("月份", help_text="该月1日")
    title = models.CharField("主题", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    content = models.TextField("主要内容和要求", blank=True)
    published_at = models.DateTimeField("发布时间")

    objects = ThemeNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "主题党日主题"
        verbose_name_plural = "主题党日主题"
        ordering = ["-month", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "month"],
                name="%(app_label)s_%(class)s_once_per_month",
                violation_error_message="该党组织本月已发布主题党日主题，请修改原主题。",
            ),
        ]

    def __str__(self):
        return f"{self.month.year}年{self.month.month}月主题党日：{self.title}"

    def get_absolute_url(self):
        return reverse("life:themenotice_detail", args=[self.pk])

    def clean(self):
        if self.month:
            self.month = self.month.replace(day=1)
        if self.organization_id and self.organization.kind not in THEME_PUBLISHER_KINDS:
            raise ValidationError({"organization": "只有党委（党工委、党组）或党总支可以发布主题党日主题。"})


def theme_for(organization, month: date) -> ThemeNotice | None:
    """The theme for `organization`'s 主题党日 of `month`: the nearest organization above that set one.

    The organization itself counts too (a committee recording its own theme day). One query.
    """
    paths = [*ancestor_paths(organization.path), organization.path]
    return (
        ThemeNotice.objects.filter(organization__path__in=paths, month=month.replace(day=1))
        .select_related("organization")
        .order_by("-organization__depth")
        .first()
    )
