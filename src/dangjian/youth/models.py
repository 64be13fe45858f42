"""推优 and youth training cohorts: youth organizations (团支部), their recommendations of outstanding
young people to a party branch, and training cohorts (青年马克思主义者培养工程…) with members, practice
activities and completion. Nothing is deleted."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet
from dangjian.members.choices import Education, Sex

from .choices import CohortTier, RecommendationStatus

MAX_AGE = 28  # 推优: young people under 28 (共青团推优入党)


def age_on(birth_date, day) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class YouthOrganization(OrgScopedModel):
    """A youth organization (团支部、团委) and the party organization it belongs to (scoped by it)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所属党组织",
        on_delete=models.PROTECT,
        related_name="youth_organizations",
    )
    name = models.CharField("团组织名称", max_length=100)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "团组织"
        verbose_name_plural = "团组织"
        ordering = ["organization__path", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="该党组织下已有同名团组织。",
            ),
        ]

    def __str__(self):
        return self.name


class Recommendation(OrgScopedModel):
    """A 推优 record: a youth organization recommends a young person to a party branch, with its vote."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="接收推荐的党支部",
        on_delete=models.PROTECT,
        related_name="youth_recommendations",
    )
    youth_organization = models.ForeignKey(
        YouthOrganization,
        verbose_name="推荐的团组织",
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=6, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField("职业或岗位", max_length=100, blank=True)
    recommended_on = models.DateField("推荐日期")
    attendees = models.PositiveIntegerField("到会团员人数")
    votes_for = models.PositiveIntegerField("赞成票")
    votes_against = models.PositiveIntegerField("反对票", default=0)
    opinion = models.TextField("团组织推荐意见")
    document = models.CharField(
        "推荐材料", max_length=200, blank=True, help_text="如：推优会议记录、推荐表文号"
    )
    development_file = models.OneToOneField(
        "development.DevelopmentFile",
        verbose_name="发展党员档案",
        on_delete=models.PROTECT,
        related_name="youth_recommendation",
        null=True,
        blank=True,
    )
    status = models.CharField(
        "状态", max_length=12, choices=RecommendationStatus.choices, default=RecommendationStatus.RECOMMENDED
    )
    decided_on = models.DateField("处理日期", null=True, blank=True)
    rejected_reason = models.TextField("未采纳原因", blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "推优记录"
        verbose_name_plural = "推优记录"
        ordering = ["organization__path", "-recommended_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejected_reason=""),
                name="%(app_label)s_%(class)s_rejected_has_reason",
                violation_error_message="未采纳须注明原因。",
            ),
        ]

    def __str__(self):
        return f"{self.youth_organization} 推荐 {self.name}"

    def get_absolute_url(self):
        return reverse("youth:recommendation_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.organization_id and not self.organization.holds_members:
            errors["organization"] = "推优对象只能推荐到党支部（含联合党支部、临时党支部）。"
        if self.birth_date and self.recommended_on:
            age = age_on(self.birth_date, self.recommended_on)
            if age >= MAX_AGE:
                errors["birth_date"] = f"推优对象须为未满{MAX_AGE}周岁的青年（推荐日已满{age}周岁）。"
            if self.recommended_on < self.birth_date:
                errors["recommended_on"] = "推荐日期不能早于出生日期。"
        if self.attendees is not None and self.votes_for is not None and self.votes_against is not None:
            if self.votes_for + self.votes_against > self.attendees:
                total = self.votes_for + self.votes_against
                errors["votes_for"] = f"赞成票与反对票之和（{total}）超过到会人数（{self.attendees}）。"
            elif self.votes_for * 2 <= self.attendees:
                errors["votes_for"] = (
                    f"赞成票（{self.votes_for}）未超过到会人数（{self.attendees}）的半数，不能推荐。"
                )
        if errors:
            raise ValidationError(errors)


class Cohort(OrgScopedModel):
    """A youth training cohort (青年马克思主义者培养工程 and the like) of an organizer organization."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="主办党组织",
        on_delete=models.PROTECT,
        related_name="youth_cohorts",
    )
    name = models.CharField("培养班次名称", max_length=200)
    tier = models.CharField("层级", max_length=12, choices=CohortTier.choices)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2000)])
    required_practice_hours = models.DecimalField(
        "结业所需实践时长（小时）",
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    courses = models.ManyToManyField(
        "study.Course",
        verbose_name="须结业的培训班",
        blank=True,
        related_name="youth_cohorts",
        help_text="学习培训中的培训班；已关联名册的学员须在其中达到结业学时",
    )

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "青年培养班次"
        verbose_name_plural = "青年培养班次"
        ordering = ["organization__path", "-year", "name", "id"]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def get_absolute_url(self):
        return reverse("youth:cohort_detail", args=[self.pk])


class CohortMemberQuerySet(ScopedQuerySet):
    scope_path_field = "cohort__organization__path"


class CohortMember(TimeStampedModel):
    """A trainee of a cohort (a roster member or a named person), their mentor and completion (scoped by
    the cohort's organizer)."""

    cohort = models.ForeignKey(
        Cohort, verbose_name="培养班次", on_delete=models.PROTECT, related_name="trainees"
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name="党员名册记录",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="youth_cohorts",
    )
    name = models.CharField("姓名", max_length=50)
    mentor = models.CharField("导师", max_length=100, blank=True)
    completed_on = models.DateField("结业日期", null=True, blank=True)

    objects = CohortMemberQuerySet.as_manager()

    class Meta:
        verbose_name = "培养对象"
        verbose_name_plural = "培养对象"
        ordering = ["cohort", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "member"],
                condition=Q(member__isnull=False),
                name="%(app_label)s_%(class)s_member_once",
                violation_error_message="该党员已在本培养班次中。",
            ),
        ]

    def __str__(self):
        return f"{self.cohort} · {self.name}"

    @property
    def organization(self):
        return self.cohort.organization


class PracticeQuerySet(ScopedQuerySet):
    scope_path_field = "trainee__cohort__organization__path"


class PracticeActivity(TimeStampedModel):
    """A practice activity (实践锻炼) of a trainee, with its hours (scoped by the cohort's organizer)."""

    trainee = models.ForeignKey(
        CohortMember, verbose_name="培养对象", on_delete=models.PROTECT, related_name="practices"
    )
    title = models.CharField("实践内容", max_length=200)
    date = models.DateField("日期")
    hours = models.DecimalField(
        "时长（小时）", max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "实践活动"
        verbose_name_plural = "实践活动"
        ordering = ["trainee", "date", "id"]

    def __str__(self):
        return f"{self.trainee.name} {self.date} {self.title}"

    @property
    def organization(self):
        return self.trainee.cohort.organization
