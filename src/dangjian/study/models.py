"""Study and training (学习培训): plans and their items, completion, courses, notes and reviews, points."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.organizations.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrganizationKind

from .choices import Audience, CompletionMethod, CourseKind, ItemKind, NoteKind, NoteSource, ReviewMark
from .querysets import CourseQuerySet, ItemQuerySet, MemberRecordQuerySet, NoteQuerySet, PlanQuerySet

PLAN_OWNER_KINDS = COMMITTEE_KINDS | BRANCH_KINDS | {OrganizationKind.GENERAL_BRANCH}


class StudyPlan(OrgScopedModel):
    """A 学习计划 of a committee or branch for a year (or one quarter); published plans flow down."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="制定党组织",
        on_delete=models.PROTECT,
        related_name="study_plans",
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        "季度", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    title = models.CharField("计划名称", max_length=200)
    source_document = models.CharField("依据文件及文号", max_length=200, blank=True)
    published = models.BooleanField("已发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "学习计划"
        verbose_name_plural = "学习计划"
        ordering = ["-year", "quarter", "organization__path", "id"]
        indexes = [models.Index(fields=["year", "published"], name="study_plan_year_published")]

    def __str__(self):
        period = f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "")
        return f"{period}{self.title}"

    def get_absolute_url(self):
        return reverse("study:plan_detail", args=[self.pk])

    def clean(self):
        if self.organization_id and self.organization.kind not in PLAN_OWNER_KINDS:
            raise ValidationError({"organization": "学习计划须由党委（党工委、党组）、党总支或党支部制定。"})


class StudyItem(TimeStampedModel):
    """A 学习篇目 of a plan: an article, document or video, its due date and who must study it."""

    plan = models.ForeignKey(
        StudyPlan, verbose_name="学习计划", on_delete=models.PROTECT, related_name="items"
    )
    order = models.PositiveSmallIntegerField("序号", default=1)
    kind = models.CharField("类型", max_length=10, choices=ItemKind.choices, default=ItemKind.ARTICLE)
    title = models.CharField("篇目名称", max_length=200)
    source = models.CharField("出处", max_length=200, blank=True)
    link = models.URLField("链接", blank=True)
    text = models.TextField("原文", blank=True)
    due_on = models.DateField("完成时限")
    audience = models.CharField(
        "学习对象", max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    audience_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="指定党小组或党组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "学习篇目"
        verbose_name_plural = "学习篇目"
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="organization", audience_organization__isnull=False)
                | (~Q(audience="organization") & Q(audience_organization__isnull=True)),
                name="%(app_label)s_%(class)s_audience_organization",
                violation_error_message="学习对象为“指定党小组或党组织”时须选择党组织，否则不填。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("study:item_detail", args=[self.pk])

    @property
    def organization(self):
        """The plan's owner (the audit trail files the item's events under it)."""
        return self.plan.organization

    def clean(self):
        if self.audience != Audience.ORGANIZATION:
            self.audience_organization = None
            return
        target = self.audience_organization
        if target is None:
            raise ValidationError({"audience_organization": "请选择学习对象所在的党小组或党组织。"})
        if self.plan_id and not target.path.startswith(self.plan.organization.path):
            raise ValidationError({"audience_organization": "指定的党组织须在计划制定党组织的范围内。"})


class StudyCompletion(TimeStampedModel):
    """One member's completion of one item: studied on a date, in a 集中学习 session or alone."""

    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="study_completions"
    )
    item = models.ForeignKey(
        StudyItem, verbose_name="学习篇目", on_delete=models.PROTECT, related_name="completions"
    )
    studied_on = models.DateField("学习日期", db_index=True)
    method = models.CharField("学习方式", max_length=10, choices=CompletionMethod.choices)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="集中学习活动",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The member's branch when recorded (like a note): the subtree totals group by it without a join.
    # Empty only for rows written before it was added (migration 0003 fills them).
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "学习完成情况"
        verbose_name_plural = "学习完成情况"
        ordering = ["-studied_on", "-id"]
        indexes = [models.Index(fields=["organization", "studied_on"], name="study_completion_org_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "item"],
                name="%(app_label)s_%(class)s_once_per_item",
                violation_error_message="该党员已登记学完此篇目。",
            ),
            models.CheckConstraint(
                condition=Q(method="session", activity__isnull=False)
                | Q(method="alone", activity__isnull=True),
                name="%(app_label)s_%(class)s_session_names_activity",
                violation_error_message="集中学习须选择所参加的集中学习活动；个人自学不填活动。",
            ),
        ]

    def __str__(self):
        return f"{self.member} 学完《{self.item}》"

    @staticmethod
    def own_records_q(scope):
        return Q(member_id__in=scope.member_ids)


class Course(OrgScopedModel):
    """A 培训班 (党员冬训, 入党积极分子培训班…) organized by an organization, with required 学时."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="举办党组织",
        on_delete=models.PROTECT,
        related_name="courses",
    )
    name = models.CharField("培训班名称", max_length=200)
    kind = models.CharField("类别", max_length=20, choices=CourseKind.choices)
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    required_hours = models.DecimalField(
        "结业所需学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message="结业日期不能早于开班日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("study:course_detail", args=[self.pk])


class CourseSession(TimeStampedModel):
    """One session (课次) of a course, worth `hours` 学时 (1 hour = 1, half a day = 4, a full day = 8)."""

    course = models.ForeignKey(
        Course, verbose_name="培训班", on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField("日期", db_index=True)
    title = models.CharField("课程内容", max_length=200)
    hours = models.DecimalField(
        "学时",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("8"))],
    )

    class Meta:
        verbose_name = "培训课次"
        verbose_name_plural = "培训课次"
        ordering = ["course", "held_on", "id"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}（{self.hours}学时）"

    @property
    def organization(self):
        return self.course.organization

    def clean(self):
        if (
            self.course_id
            and self.held_on
            and not self.course.starts_on <= self.held_on <= self.course.ends_on
        ):
            raise ValidationError({"held_on": "课次日期须在培训班开班和结业日期之间。"})


class Enrollment(TimeStampedModel):
    """A member enrolled in a course (学员)."""

    course = models.ForeignKey(
        Course, verbose_name="培训班", on_delete=models.PROTECT, related_name="enrollments"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="学员", on_delete=models.PROTECT, related_name="enrollments"
    )

    objects = MemberRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "培训学员"
        verbose_name_plural = "培训学员"
        ordering = ["course", "member__name_pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "member"],
                name="%(app_label)s_%(class)s_once_per_course",
                violation_error_message="该党员已是本培训班学员。",
            ),
        ]

    def __str__(self):
        return f"{self.course} · {self.member}"

    @staticmethod
    def own_records_q(scope):
        return Q(member_id__in=scope.member_ids)

    @property
    def organization(self):
        return self.course.organization


class SessionAttendance(TimeStampedModel):
    """Whether an enrolled member attended one session of the course."""

    session = models.ForeignKey(
        CourseSession, verbose_name="课次", on_delete=models.PROTECT, related_name="attendance"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="学员", on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField("出席", default=True)
    # The member's branch when recorded: the subtree totals group by it without a join (0003 fills it).
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "培训出勤"
        verbose_name_plural = "培训出勤"
        ordering = ["session", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "member"],
                name="%(app_label)s_%(class)s_once_per_session",
                violation_error_message="该学员本课次的出勤已登记。",
            ),
        ]

    def __str__(self):
        return f"{self.session} {self.member_id} {'出席' if self.present else '缺席'}"


class Note(OrgScopedModel):
    """A 学习笔记 or 心得体会 written by a member, filed under the member's branch when written.

    `char_count` is the number of characters after removing all whitespace (a Chinese character, a
    letter, a digit and a punctuation mark count one each): a total for reports, never a quota.
    """

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        related_name="notes",
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="notes"
    )
    kind = models.CharField("类别", max_length=12, choices=NoteKind.choices)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")
    char_count = models.PositiveIntegerField("字数", default=0, editable=False)
    written_on = models.DateField("撰写日期")
    source = models.CharField("来源", max_length=8, choices=NoteSource.choices, default=NoteSource.TYPED)
    original_name = models.CharField("上传文件名", max_length=200, blank=True)
    item = models.ForeignKey(
        StudyItem,
        verbose_name="学习篇目",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notes",
    )
    course = models.ForeignKey(
        Course, verbose_name="培训班", on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="组织生活",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = "学习笔记和心得体会"
        verbose_name_plural = "学习笔记和心得体会"
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["organization", "written_on"], name="study_note_org_day")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    def save(self, *args, **kwargs):
        from .texts import char_count

        self.char_count = char_count(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("study:note_detail", args=[self.pk])

    @staticmethod
    def own_records_q(scope):
        """A 党员 reads their own notes (and the reviews of them), nobody else's."""
        return Q(member_id__in=scope.member_ids)


class NoteReview(TimeStampedModel):
    """A reviewer's comment and mark (优秀/合格/需改进) on a note: a branch admin or an inspector."""

    note = models.ForeignKey(Note, verbose_name="笔记", on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评阅人", on_delete=models.PROTECT)
    mark = models.CharField("评阅等次", max_length=10, choices=ReviewMark.choices)
    comment = models.TextField("评阅意见", blank=True)

    class Meta:
        verbose_name = "评阅"
        verbose_name_plural = "评阅"
        ordering = ["note", "created_at"]

    def __str__(self):
        return f"{self.note} {self.get_mark_display()}"

    @property
    def organization(self):
        return self.note.organization


class PointsSetting(OrgScopedModel):
    """Whether 学习积分 are shown in an organization's subtree (off unless switched on; the nearest
    setting above a member's branch decides). Points are never an input to any assessment."""

    organization = models.OneToOneField(
        "organizations.Organization",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="study_points_setting",
    )
    enabled = models.BooleanField("启用学习积分", default=False)

    class Meta:
        verbose_name = "学习积分设置"
        verbose_name_plural = "学习积分设置"

    def __str__(self):
        return f"{self.organization}：{'启用' if self.enabled else '未启用'}学习积分"
