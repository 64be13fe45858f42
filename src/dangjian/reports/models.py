"""汇报材料: report templates (committee-editable, sandboxed), drafts made from them, and the figures placed.

See docs/models/reports/ and ADR 016. Every figure in a draft is a FigureUse row: what was counted (key,
organization, period), the value when it was placed and the text written, so a reader can trace it and
see when the records changed since.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.figures import Period
from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet

from .choices import DraftStatus, FigureStyle, TemplateKind


class TemplateQuerySet(ScopedQuerySet):
    """Built-in templates (no organization) are read by every user holding a grant; the others by scope."""

    def visible_to(self, user, action="view"):
        from dangjian.accounts.scope import get_scope, scope_q

        scoped = Q(scope_q(user, action, self.scope_path_field))
        if action == "view" and get_scope(user).allows("view"):
            scoped |= Q(organization__isnull=True)
        return self.filter(scoped)

    def active(self):
        return self.filter(is_active=True)


class ReportTemplate(TimeStampedModel):
    """汇报材料模板: built in (no organization) or a committee's own; the body is a sandboxed Jinja2 text."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所属党委",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="空：系统内置模板（各党委可复制后修改）。",
    )
    code = models.SlugField("内置编码", max_length=40, blank=True)
    name = models.CharField("模板名称", max_length=100)
    kind = models.CharField("材料类别", max_length=20, choices=TemplateKind.choices)
    title = models.CharField("标题模板", max_length=200)
    body = models.TextField("正文模板")
    description = models.TextField("说明", blank=True)
    version = models.PositiveIntegerField("版本号", default=1)
    is_active = models.BooleanField("启用", default=True)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "汇报材料模板"
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="本党委已有同名模板。",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(organization__isnull=True),
                name="%(app_label)s_%(class)s_unique_builtin_name",
                violation_error_message="已有同名内置模板。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reports:template_detail", args=[self.pk])

    @property
    def is_builtin(self) -> bool:
        return self.organization_id is None


class ReportDraft(OrgScopedModel):
    """汇报材料草稿: the text a template produced for one organization and period, then edited by hand."""

    template = models.ForeignKey(
        ReportTemplate, verbose_name="模板", on_delete=models.PROTECT, related_name="drafts"
    )
    template_version = models.PositiveIntegerField("模板版本号")
    period_start = models.DateField("统计起始日")
    period_end = models.DateField("统计截止日")
    title = models.CharField("标题", max_length=200)
    body = models.TextField(
        "正文", blank=True, help_text="每行一段；“一、”“（一）”“1.”开头的行为各级标题；〔数:N〕为标注的数字。"
    )
    issuer = models.CharField("落款", max_length=100, blank=True)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="空：由命令行（系统进程）生成。",
    )

    class Meta:
        verbose_name = verbose_name_plural = "汇报材料草稿"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="%(app_label)s_%(class)s_period_order",
                violation_error_message="统计截止日不能早于统计起始日。",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:draft_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)


class FigureUseQuerySet(ScopedQuerySet):
    scope_path_field = "draft__organization__path"


class FigureUse(TimeStampedModel):
    """One figure placed in a draft (token 〔数:number〕): what it counts and what it said when placed."""

    draft = models.ForeignKey(
        ReportDraft, verbose_name="草稿", on_delete=models.PROTECT, related_name="figures"
    )
    number = models.PositiveIntegerField("编号")
    key = models.CharField("数字名称", max_length=100)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="统计党组织", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("统计起始日")
    period_end = models.DateField("统计截止日")
    style = models.CharField("写法", max_length=16, choices=FigureStyle.choices, default=FigureStyle.AUTO)
    # The value as text ("" = nothing to count): ints and Decimals compare exactly as strings.
    value = models.CharField("生成时的值", max_length=40, blank=True)
    text = models.CharField("文中写法", max_length=60)
    refreshed_at = models.DateTimeField("更新时间", null=True, blank=True)

    objects = FigureUseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "草稿中的数字"
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message="同一草稿中的数字编号不能重复。",
            )
        ]

    def __str__(self):
        return f"〔数:{self.number}〕{self.key}={self.text}"

    @property
    def token(self) -> str:
        return f"〔数:{self.number}〕"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)
