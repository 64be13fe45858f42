"""The preparation of a 组织生活会 / 民主生活会 (rules.md §2): before, during and after the meeting.

Before the meeting the organization collects opinions (征求意见), holds heart-to-heart talks (谈心谈话) and
each participant writes a self-examination outline (对照检查); afterwards it keeps a rectification list
(整改清单) with owners and deadlines. The preparation starts weeks before the meeting, and an activity can
only be recorded once it has been held, so the preparation is its own record that is linked to the
meeting's activity when that is recorded (`activity`), rather than hanging on an activity that does not
exist yet.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.tree import subtree_q
from dangjian.organizations.choices import COMMITTEE_KINDS

from .choices import (
    HEART_TALK,
    LEADERSHIP_LIFE_MEETING,
    LIFE_MEETING_KINDS,
    LIFE_MEETING_TYPES,
    OpinionSource,
    RectificationStatus,
)


class LifeMeetingPreparation(OrgScopedModel):
    """The preparation of one 组织生活会 (a branch) or 民主生活会 (a committee's leadership)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="life_meeting_preparations",
    )
    activity_type = models.ForeignKey(
        "activities.ActivityType",
        verbose_name="会议类型",
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField("年度")
    topic = models.CharField("会议主题", max_length=200)
    started_on = models.DateField("筹备开始日期", help_text="此后开展的谈心谈话计入会前准备")
    planned_on = models.DateField("计划召开日期", null=True, blank=True)
    activity = models.OneToOneField(
        "activities.Activity",
        verbose_name="会议记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preparation",
        help_text="会议召开并登记后关联",
    )

    class Meta:
        verbose_name = "生活会筹备"
        verbose_name_plural = "生活会筹备"
        ordering = ["-year", "organization__path", "-id"]

    def __str__(self):
        return f"{self.organization} {self.year}年{self.activity_type}：{self.topic}"

    def get_absolute_url(self):
        return reverse("life:preparation_detail", args=[self.pk])

    @property
    def is_leadership(self) -> bool:
        return self.activity_type.code == LEADERSHIP_LIFE_MEETING

    def clean(self):
        if not (self.organization_id and self.activity_type_id):
            return
        if self.activity_type.code not in LIFE_MEETING_TYPES:
            raise ValidationError({"activity_type": "只能为组织生活会或民主生活会做会前准备。"})
        if self.is_leadership and self.organization.kind not in COMMITTEE_KINDS:
            raise ValidationError({"organization": "民主生活会由党委（党工委、党组）领导班子召开。"})
        if not self.is_leadership and self.organization.kind not in LIFE_MEETING_KINDS:
            raise ValidationError({"organization": "组织生活会由党支部或党小组召开。"})
        if self.planned_on and self.planned_on < self.started_on:
            raise ValidationError({"planned_on": "计划召开日期不能早于筹备开始日期。"})

    def meeting_day(self):
        """The day the meeting was held, else today: the end of the preparation window."""
        return self.activity.held_on if self.activity_id else timezone.localdate()

    def heart_talks(self):
        """谈心谈话 recorded since the preparation started: in the branch and its 党小组 for a 组织生活会,
        in the committee itself for a 民主生活会 (talks in its branches are not the leadership's)."""
        from dangjian.activities.models import Activity

        where = (
            Q(organization=self.organization_id)
            if self.is_leadership
            else subtree_q(self.organization.path, "organization__path")
        )
        return (
            Activity.objects.current()
            .filter(where, activity_type__code=HEART_TALK)
            .filter(held_on__gte=self.started_on, held_on__lte=self.meeting_day())
            .order_by("held_on", "id")
        )


class PreparationItemQuerySet(ScopedQuerySet):
    """Items of a preparation, scoped by the preparation's organization."""

    scope_path_field = "preparation__organization__path"


class Opinion(TimeStampedModel):
    """An opinion or suggestion collected before the meeting (征求意见); reaches its organization via the
    preparation."""

    preparation = models.ForeignKey(
        LifeMeetingPreparation, verbose_name="生活会筹备", on_delete=models.PROTECT, related_name="opinions"
    )
    source = models.CharField("意见来源", max_length=10, choices=OpinionSource.choices)
    text = models.TextField("意见建议")
    collected_on = models.DateField("征求日期")

    objects = PreparationItemQuerySet.as_manager()

    class Meta:
        verbose_name = "征求意见"
        verbose_name_plural = "征求意见"
        ordering = ["preparation", "collected_on", "id"]

    def __str__(self):
        return f"{self.get_source_display()}：{self.text[:30]}"

    def clean(self):
        if self.collected_on and self.collected_on > timezone.localdate():
            raise ValidationError({"collected_on": "征求日期不能晚于今天。"})


class SelfExamination(TimeStampedModel):
    """One participant's self-examination outline (对照检查材料提纲); via the preparation."""

    preparation = models.ForeignKey(
        LifeMeetingPreparation,
        verbose_name="生活会筹备",
        on_delete=models.PROTECT,
        related_name="self_examinations",
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    study_and_work = models.TextField("学习工作情况")
    problems_and_causes = models.TextField("存在问题和原因")
    measures = models.TextField("整改措施")

    objects = PreparationItemQuerySet.as_manager()

    class Meta:
        verbose_name = "对照检查"
        verbose_name_plural = "对照检查"
        ordering = ["preparation", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["preparation", "member"],
                name="%(app_label)s_%(class)s_once_per_member",
                violation_error_message="该党员的对照检查材料已登记。",
            ),
        ]

    def __str__(self):
        return f"{self.member}的对照检查"


class RectificationItem(TimeStampedModel):
    """One line of the rectification list (整改清单) with its owner and deadline; via the preparation."""

    preparation = models.ForeignKey(
        LifeMeetingPreparation,
        verbose_name="生活会筹备",
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    problem = models.TextField("问题")
    measure = models.TextField("整改措施")
    owner = models.ForeignKey(
        "members.Member", verbose_name="责任人", on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField("整改时限")
    status = models.CharField(
        "状态", max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    completed_on = models.DateField("完成日期", null=True, blank=True)

    objects = PreparationItemQuerySet.as_manager()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["preparation", "deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RectificationStatus.OPEN, completed_on__isnull=True)
                | Q(status=RectificationStatus.DONE, completed_on__isnull=False),
                name="%(app_label)s_%(class)s_done_has_date",
                violation_error_message="已完成的整改事项须填写完成日期，未完成的不能填写。",
            ),
        ]

    def __str__(self):
        return self.problem[:40]

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status == RectificationStatus.OPEN and self.deadline < today
