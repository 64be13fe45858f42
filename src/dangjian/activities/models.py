"""Organizational life (三会一课、主题党日…): activities, attendance, decisions, and the rules (制度)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet

from .choices import AbsenceReason, AttendeeScope, MemberScope, Period, RuleMeasure, SpotCheckResult


class ActivityType(models.Model):
    """A kind of organizational life (支部党员大会, 主题党日…); seeded, extensible by a system admin."""

    code = models.SlugField("标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    attendee_scope = models.CharField("应到人员", max_length=12, choices=AttendeeScope.choices)
    order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class ActivityQuerySet(ScopedQuerySet):
    def current(self):
        """Activities that stand (not cancelled)."""
        return self.filter(cancelled_at__isnull=True)

    def with_latest_check(self):
        """Annotated with `_latest_check`: the result of the activity's latest spot check, or None."""
        latest = SpotCheck.objects.filter(activity=models.OuterRef("pk")).order_by("-created_at", "-id")
        return self.annotate(_latest_check=models.Subquery(latest.values("result")[:1]))

    def counted(self):
        """Activities that count toward rules: standing, and not failed by their latest spot check (a
        later check that passes an activity after it was put right wins)."""
        return (
            self.current()
            .with_latest_check()
            .filter(Q(_latest_check__isnull=True) | ~Q(_latest_check=SpotCheckResult.FAILED))
        )


class Activity(OrgScopedModel):
    """One meeting, lesson, theme day, talk or study session, recorded once and reused everywhere."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    activity_type = models.ForeignKey(ActivityType, verbose_name="活动类型", on_delete=models.PROTECT)
    held_on = models.DateField("日期", db_index=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    end_time = models.TimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.ForeignKey(
        "members.Member",
        verbose_name="主持人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorder = models.ForeignKey(
        "members.Member",
        verbose_name="记录人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    theme = models.CharField("主题", max_length=200)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    notice = models.CharField("落实的上级通知", max_length=200, blank=True)
    expected_count = models.PositiveIntegerField("应到人数", default=0)
    present_count = models.PositiveIntegerField("实到人数", default=0)
    attendance_rate = models.DecimalField(
        "出席率", max_digits=5, decimal_places=4, null=True, blank=True, help_text="实到 ÷ 应到"
    )
    cancelled_at = models.DateTimeField("作废时间", null=True, blank=True)
    cancel_reason = models.CharField("作废原因", max_length=200, blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活"
        verbose_name_plural = "组织生活"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "activity_type", "held_on"], name="activities_org_type_day")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(present_count__lte=models.F("expected_count")) | Q(expected_count=0),
                name="%(app_label)s_%(class)s_present_within_expected",
                violation_error_message="实到人数不能多于应到人数。",
            ),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.activity_type} · {self.theme}"

    def get_absolute_url(self):
        return reverse("activities:activity_detail", args=[self.pk])

    @staticmethod
    def own_records_q(scope):
        """A 党员 reads (never changes) the activities they were expected at and those of their own
        organization; what such a reader sees of one is decided in `member_view.py`."""
        expected = Attendance.objects.filter(member_id__in=scope.member_ids).values("activity_id")
        return Q(organization__path__in=scope.member_org_paths) | Q(pk__in=expected)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def clean(self):
        if self.end_time and self.start_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "结束时间必须晚于开始时间。"})


class Attendance(TimeStampedModel):
    """One expected attendee of an activity: present, or absent with a reason."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField("出席", default=True)
    absence_reason = models.CharField("缺席事由", max_length=10, choices=AbsenceReason.choices, blank=True)
    absence_note = models.CharField("缺席说明", max_length=100, blank=True)
    checked_in_at = models.DateTimeField(
        "本人签到时间", null=True, blank=True, help_text="自愿签到，不作考核依据"
    )

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        ordering = ["activity", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                name="%(app_label)s_%(class)s_once_per_activity",
                violation_error_message="该党员已在本次活动的出席名单中。",
            ),
            models.CheckConstraint(
                condition=Q(present=True) | ~Q(absence_reason=""),
                name="%(app_label)s_%(class)s_absence_has_reason",
                violation_error_message="缺席须注明事由。",
            ),
        ]

    def __str__(self):
        return f"{self.member} {'出席' if self.present else '缺席'}"


class Decision(TimeStampedModel):
    """A decision taken at an activity (集体决策); with a vote when the meeting voted on it."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField("序号", default=1)
    text = models.TextField("决议内容")
    voted = models.BooleanField("经表决", default=False)
    eligible = models.PositiveIntegerField("应到会有表决权党员", null=True, blank=True)
    present_eligible = models.PositiveIntegerField("实到会有表决权党员", null=True, blank=True)
    votes_for = models.PositiveIntegerField("赞成", null=True, blank=True)
    votes_against = models.PositiveIntegerField("反对", null=True, blank=True)
    abstentions = models.PositiveIntegerField("弃权", null=True, blank=True)
    written_for = models.PositiveIntegerField(
        "书面意见赞成", null=True, blank=True, help_text="未到会有表决权党员的书面意见"
    )

    class Meta:
        verbose_name = "决议"
        verbose_name_plural = "决议"
        ordering = ["activity", "order"]

    def __str__(self):
        return self.text[:40]

    @property
    def organization(self):
        """The activity's organization (the audit trail files the decision's events under it)."""
        return self.activity.organization

    def clean(self):
        """Numbers a vote cannot have. A vote that fails the quorum or the majority is kept and flagged
        (`vote_problems`), never refused: the record must say what the meeting did."""
        if not self.voted:
            return
        if None in (self.eligible, self.present_eligible, self.votes_for):
            raise ValidationError("经表决的决议须填写应到会、实到会有表决权党员人数和赞成票数。")
        eligible, present = self.eligible, self.present_eligible
        if present > eligible:
            raise ValidationError({"present_eligible": "实到会有表决权党员不能多于应到会有表决权党员。"})
        cast = self.votes_for + (self.votes_against or 0) + (self.abstentions or 0)
        if cast > present:
            raise ValidationError({"votes_for": "赞成、反对、弃权票数之和不能多于实到会有表决权党员人数。"})
        if (self.written_for or 0) > eligible - present:
            raise ValidationError({"written_for": "书面意见只能来自未到会的有表决权党员。"})

    def vote_problems(self) -> list[str]:
        """The quorum and majority rules (支部工作条例 art.11; 发展党员细则 art.20–21) this vote breaks."""
        if not self.voted:
            return []
        eligible = self.eligible or 0
        present = self.present_eligible or 0
        problems = []
        if present * 2 <= eligible:
            problems.append(f"到会有表决权党员{present}名，未超过应到会{eligible}名的半数，不能进行表决。")
        in_favour = (self.votes_for or 0) + (self.written_for or 0)
        if in_favour * 2 <= eligible:
            problems.append(f"赞成票{in_favour}票，未超过应到会有表决权党员{eligible}名的半数，决议未通过。")
        return problems

    @property
    def passed(self) -> bool | None:
        return None if not self.voted else not self.vote_problems()


class RuleQuerySet(models.QuerySet):
    def in_force(self, day):
        return self.filter(is_active=True, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Rule(TimeStampedModel):
    """A 制度 as data: how often an activity type must be held, by which organizations, from which source.

    `owner` is the organization that set it (None: the national default set); it applies to the owner's
    subtree. Rules only add requirements: a local rule can never loosen one set above it.
    """

    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name="制定单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        help_text="留空为全国通用规定",
    )
    name = models.CharField("制度名称", max_length=100)
    activity_type = models.ForeignKey(ActivityType, verbose_name="活动类型", on_delete=models.PROTECT)
    organization_kinds = models.JSONField("适用组织类别", default=list)
    unit_categories = models.JSONField(
        "适用单位类别", default=list, blank=True, help_text="留空为全部单位类别"
    )
    requires_committee = models.BooleanField("仅适用于设委员会的组织", default=False)
    measure = models.CharField(
        "计量",
        max_length=20,
        choices=RuleMeasure.choices,
        default=RuleMeasure.ACTIVITIES,
        help_text="组织生活次数，或每名党员的学习篇目数、学时",
    )
    member_scope = models.CharField(
        "适用党员", max_length=10, choices=MemberScope.choices, default=MemberScope.ALL
    )
    period = models.CharField("周期", max_length=10, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(
        "每周期至少次数",
        default=1,
        validators=[MinValueValidator(1)],
        help_text="按人计量时为每人至少篇数或学时",
    )
    fixed_day = models.PositiveSmallIntegerField(
        "固定日",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="如主题党日每月1日",
    )
    tolerance_days = models.PositiveSmallIntegerField("固定日允许偏差（天）", default=0)
    min_attendance_rate = models.DecimalField(
        "最低出席率",
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("废止日期", null=True, blank=True)
    source = models.CharField("依据", max_length=200)
    is_active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="制定人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = "制度"
        verbose_name_plural = "制度"
        ordering = ["activity_type__order", "period", "id"]

    def __str__(self):
        return self.name

    def applies_to(self, organization) -> bool:
        return self.fits(organization.kind, organization.unit_category, organization.has_committee) and (
            self.owner is None or organization.path.startswith(self.owner.path)
        )

    def fits(self, kind: str, unit_category: str, has_committee: bool) -> bool:
        """Whether the rule applies to an organization of this kind and unit (its place aside)."""
        if kind not in self.organization_kinds:
            return False
        if self.unit_categories and unit_category not in self.unit_categories:
            return False
        return has_committee or not self.requires_committee


class SpotCheck(TimeStampedModel):
    """A 抽查 of one activity by a committee (包片领导随机抽查); a failed one stops counting."""

    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="spot_checks"
    )
    sample_seed = models.CharField("抽样种子", max_length=40, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="检查人", on_delete=models.PROTECT)
    result = models.CharField("结论", max_length=10, choices=SpotCheckResult.choices)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.activity} {self.get_result_display()}"


from .attachments import ActivityAttachment  # noqa: E402,F401  (files attached to an activity)
from .extensions import *  # noqa: E402,F403  (theme notices, life-meeting preparation, notifications)
