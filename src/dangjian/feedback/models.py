"""组织工作观察员 and 意见建议: observers appointed by a committee for a term to watch organizations, and the
opinions and suggestions that observers, members and the public submit, routed to the responsible
organization, answered, closed and rated. Nothing is deleted: a term is ended, feedback is closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.fields import EncryptedTextField
from dangjian.core.masking import mask_phone, redact_pi
from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet

from .choices import FeedbackCategory, FeedbackChannel, FeedbackStatus, ObserverStatus, Satisfaction


class ObserverQuerySet(OrgScopedQuerySet):
    def serving_on(self, day):
        """Observers whose term runs on `day` and was not ended before it."""
        return self.filter(status=ObserverStatus.SERVING, term_starts_on__lte=day, term_ends_on__gte=day)


class Observer(OrgScopedModel):
    """A 组织工作观察员 appointed by a committee (the organization) for a term to observe organizations."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="聘任党组织",
        on_delete=models.PROTECT,
        related_name="feedback_observers",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员",
        on_delete=models.PROTECT,
        related_name="observer_terms",
        null=True,
        blank=True,
    )
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("联系电话", blank=True)
    affiliation = models.CharField("工作单位及职务", max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.PROTECT,
        related_name="observer_terms",
        null=True,
        blank=True,
    )
    observed = models.ManyToManyField(
        "organizations.Organization", verbose_name="观察的党组织", related_name="+", blank=True
    )
    term_starts_on = models.DateField("任期开始")
    term_ends_on = models.DateField("任期届满")
    status = models.CharField(
        "状态", max_length=8, choices=ObserverStatus.choices, default=ObserverStatus.SERVING
    )
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.TextField("终止原因", blank=True)

    objects = ObserverQuerySet.as_manager()

    class Meta:
        verbose_name = "组织工作观察员"
        verbose_name_plural = "组织工作观察员"
        ordering = ["organization__path", "-term_starts_on", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__gte=models.F("term_starts_on")),
                name="%(app_label)s_%(class)s_term_order",
                violation_error_message="任期届满日期不能早于任期开始日期。",
            ),
            models.CheckConstraint(
                condition=Q(status="serving") | Q(ended_on__isnull=False),
                name="%(app_label)s_%(class)s_ended_has_date",
                violation_error_message="终止任期须填写终止日期。",
            ),
        ]

    def __str__(self):
        return f"观察员 {self.name}"

    def get_absolute_url(self):
        return reverse("feedback:observer_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def serving_on(self, day) -> bool:
        return self.status == ObserverStatus.SERVING and self.term_starts_on <= day <= self.term_ends_on

    def observes(self, organization) -> bool:
        """True when `organization` is one the observer observes, or lies below one."""
        return any(organization.path.startswith(org.path) for org in self.observed.all())


class FeedbackLink(OrgScopedModel):
    """A public code printed on posters: anyone may submit feedback to the organization without login."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="受理党组织",
        on_delete=models.PROTECT,
        related_name="feedback_links",
    )
    code = models.CharField("公开码", max_length=16, unique=True)
    title = models.CharField("说明", max_length=100, blank=True, help_text="如：张贴于村务公开栏")
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "意见建议公开码"
        verbose_name_plural = "意见建议公开码"
        ordering = ["organization__path", "id"]

    def __str__(self):
        return f"{self.organization} 公开码 {self.code}"

    def get_absolute_url(self):
        return reverse("feedback:public_submit", args=[self.code])


class FeedbackQuerySet(OrgScopedQuerySet):
    def overdue_on(self, day):
        """Not answered yet and past the answer deadline on `day`."""
        return self.filter(status__in=[FeedbackStatus.PENDING, FeedbackStatus.IN_PROGRESS], due_on__lt=day)


class Feedback(OrgScopedModel):
    """An opinion or suggestion (意见建议), scoped by the organization responsible for answering it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="承办党组织",
        on_delete=models.PROTECT,
        related_name="feedback_items",
    )
    received_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name="受理党组织",
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("来源", max_length=8, choices=FeedbackChannel.choices)
    category = models.CharField("类别", max_length=16, choices=FeedbackCategory.choices)
    subject = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    submitted_on = models.DateField("提交日期")
    observer = models.ForeignKey(
        Observer,
        verbose_name="观察员",
        on_delete=models.PROTECT,
        related_name="feedback",
        null=True,
        blank=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提交人账号",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    contact = EncryptedTextField("联系方式", blank=True, help_text="匿名提交时自愿留下，仅承办党组织可见")
    due_on = models.DateField("答复期限")
    due_note = models.CharField("期限说明", max_length=200, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING
    )
    answered_on = models.DateField("首次答复日期", null=True, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    close_note = models.TextField("办结说明", blank=True)
    follow_up_digest = models.CharField(
        "回访码摘要", max_length=64, blank=True, db_index=True, editable=False
    )
    satisfaction = models.CharField("对答复的评价", max_length=12, choices=Satisfaction.choices, blank=True)
    rated_on = models.DateField("评价日期", null=True, blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["-submitted_on", "-id"]
        indexes = [models.Index(fields=["submitted_on"], name="feedback_submitted_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="observer") | Q(observer__isnull=False),
                name="%(app_label)s_%(class)s_observer_channel",
                violation_error_message="观察员提交的意见建议须注明观察员。",
            ),
            models.CheckConstraint(
                condition=~Q(channel="public") | Q(submitted_by__isnull=True, observer__isnull=True),
                name="%(app_label)s_%(class)s_public_anonymous",
                violation_error_message="匿名提交不记录提交人。",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("feedback:feedback_detail", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.answered_on is not None

    def is_overdue(self, day) -> bool:
        return self.answered_on is None and self.due_on < day

    @property
    def masked_contact(self) -> str:
        return redact_pi(self.contact) if self.contact else ""

    def clean(self):
        if self.submitted_on and self.due_on and self.due_on < self.submitted_on:
            raise ValidationError({"due_on": "答复期限不能早于提交日期。"})


class FeedbackChildQuerySet(ScopedQuerySet):
    scope_path_field = "feedback__organization__path"


class FeedbackRoute(TimeStampedModel):
    """A routing of a feedback item (分办、转办) from one organization to another, kept as history."""

    feedback = models.ForeignKey(
        Feedback, verbose_name="意见建议", on_delete=models.PROTECT, related_name="routes"
    )
    from_organization = models.ForeignKey(
        "organizations.Organization", verbose_name="原承办党组织", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        "organizations.Organization", verbose_name="转交党组织", on_delete=models.PROTECT, related_name="+"
    )
    routed_on = models.DateField("分办日期")
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="分办人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reason = models.TextField("分办说明", blank=True)

    objects = FeedbackChildQuerySet.as_manager()

    class Meta:
        verbose_name = "分办记录"
        verbose_name_plural = "分办记录"
        ordering = ["feedback", "routed_on", "id"]

    def __str__(self):
        return f"{self.feedback} → {self.to_organization}"


class FeedbackReply(TimeStampedModel):
    """An answer (答复) to a feedback item with the measures taken: the handling record."""

    feedback = models.ForeignKey(
        Feedback, verbose_name="意见建议", on_delete=models.PROTECT, related_name="replies"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="答复党组织", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("答复内容")
    measures = models.TextField("整改或办理措施", blank=True)
    answered_on = models.DateField("答复日期")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = FeedbackChildQuerySet.as_manager()

    class Meta:
        verbose_name = "答复记录"
        verbose_name_plural = "答复记录"
        ordering = ["feedback", "answered_on", "id"]

    def __str__(self):
        return f"{self.feedback} 的答复（{self.answered_on}）"
