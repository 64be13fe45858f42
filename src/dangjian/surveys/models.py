"""测评和民主评议 (surveys): 群众测评、满意度调查、民主评议 with real anonymity, and 民主评议党员 rounds.

The response store (`Response`, `Answer`) holds no relation to a user, member or token and no time finer
than a date; its primary keys are random UUIDs, so nothing orders responses by submission. Who took part
is recorded apart (`Participation`, `SurveyToken.used`), without the answers. See
docs/decisions/012-surveys-anonymity.md.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet

from .choices import (
    Audience,
    QuestionKind,
    ReviewGrade,
    SurveyKind,
    SurveyStatus,
    TargetKind,
)


class Survey(OrgScopedModel):
    """A survey owned by an organization (who runs it) about a target (an organization, its leadership
    team, named cadres, or the members of a branch for 民主评议党员)."""

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("测评名称", max_length=200)
    kind = models.CharField("测评类型", max_length=20, choices=SurveyKind.choices)
    target_kind = models.CharField(
        "测评对象类型", max_length=16, choices=TargetKind.choices, default=TargetKind.ORGANIZATION
    )
    target_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="被测评党组织",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    audience = models.CharField("参评人员", max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    intro = models.TextField("说明", blank=True)
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    status = models.CharField("状态", max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        ordering = ["-opens_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message="截止日期不能早于开始日期。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:survey_detail", args=[self.pk])

    @property
    def target(self):
        return self.target_organization or self.organization

    @staticmethod
    def own_records_q(scope):
        """A 党员 sees the published member surveys whose target's subtree holds their branch."""
        from dangjian.core.tree import ancestor_paths

        prefixes = {p for path in scope.member_org_paths for p in [*ancestor_paths(path), path]}
        target = Q(target_organization__path__in=prefixes) | Q(
            target_organization__isnull=True, organization__path__in=prefixes
        )
        return Q(audience=Audience.MEMBERS) & target & ~Q(status=SurveyStatus.DRAFT)

    def accepts_on(self, day) -> bool:
        """Open for answers on `day` (status 进行中 and within the dates)."""
        return self.status == SurveyStatus.OPEN and self.opens_on <= day <= self.closes_on


class SurveyScopedQuerySet(ScopedQuerySet):
    scope_path_field = "survey__organization__path"


class Question(TimeStampedModel):
    """One question of a survey; a per-cadre (or per-member) question names the person it is about."""

    survey = models.ForeignKey(
        Survey, verbose_name="测评", on_delete=models.PROTECT, related_name="questions"
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    kind = models.CharField("题型", max_length=14, choices=QuestionKind.choices)
    text = models.CharField("题目", max_length=300)
    options = models.JSONField("选项", default=list, blank=True, help_text="单选、多选题的选项")
    person = models.ForeignKey(
        "members.Member",
        verbose_name="评议对象",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    required = models.BooleanField("必答", default=True)

    objects = SurveyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "测评题目"
        verbose_name_plural = "测评题目"
        ordering = ["survey", "position", "id"]

    def __str__(self):
        return self.text


class SurveyToken(models.Model):
    """A one-use link for the public: only a hash of the token is kept; `used` is all that records
    a submission (no time, no link to the response)."""

    survey = models.ForeignKey(Survey, verbose_name="测评", on_delete=models.PROTECT, related_name="tokens")
    token_hash = models.CharField("链接摘要", max_length=64, unique=True)
    batch = models.PositiveIntegerField("批次", default=1)
    issued_on = models.DateField("生成日期")
    used = models.BooleanField("已使用", default=False)

    objects = SurveyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "测评链接"
        verbose_name_plural = "测评链接"

    def __str__(self):
        return f"{self.survey} 链接{self.pk}"


class Participation(models.Model):
    """That a member took part in a survey (one per person), without the answers and without a time."""

    survey = models.ForeignKey(
        Survey, verbose_name="测评", on_delete=models.PROTECT, related_name="participations"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )

    objects = SurveyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "参评记录"
        verbose_name_plural = "参评记录"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "member"],
                name="%(app_label)s_%(class)s_once_per_member",
                violation_error_message="您已参加过本次测评。",
            ),
        ]

    def __str__(self):
        return f"{self.member} 参加 {self.survey}"


class Response(models.Model):
    """One anonymous response: a random id, the survey and the date only (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(
        Survey, verbose_name="测评", on_delete=models.PROTECT, related_name="responses"
    )
    submitted_on = models.DateField("提交日期")

    objects = SurveyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"

    def __str__(self):
        return f"{self.survey} 答卷"


class Answer(models.Model):
    """One answer of an anonymous response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, verbose_name="答卷", on_delete=models.PROTECT, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name="题目", on_delete=models.PROTECT, related_name="answers"
    )
    choice = models.CharField("选择", max_length=100, blank=True)
    choices = models.JSONField("多选", default=list, blank=True)
    score = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    text = models.TextField("意见建议", blank=True)

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = "答案"

    def __str__(self):
        return f"{self.question}: {self.choice or self.score or ''}"


class ReviewRound(OrgScopedModel):
    """A 民主评议党员 round of a branch for a year: peer votes through an anonymous survey, then the
    branch's final decision per member."""

    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="党支部", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    survey = models.OneToOneField(
        Survey, verbose_name="党员互评", on_delete=models.PROTECT, related_name="review_round"
    )
    concluded_on = models.DateField("评定日期", null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "民主评议党员"
        verbose_name_plural = "民主评议党员"
        ordering = ["-year", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message="该党支部本年度已开展民主评议党员。",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}年度民主评议党员"

    def get_absolute_url(self):
        return reverse("surveys:round_detail", args=[self.pk])


class ReviewDecisionQuerySet(ScopedQuerySet):
    scope_path_field = "round__organization__path"


class ReviewDecision(TimeStampedModel):
    """The branch's final grade of one member in a round (with a reason for 基本合格/不合格)."""

    round = models.ForeignKey(
        ReviewRound, verbose_name="民主评议", on_delete=models.PROTECT, related_name="decisions"
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField("评定等次", max_length=12, choices=ReviewGrade.choices)
    reason = models.TextField("评定理由", blank=True)
    decided_on = models.DateField("评定日期")

    objects = ReviewDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = "评议结果"
        verbose_name_plural = "评议结果"
        ordering = ["round", "member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                name="%(app_label)s_%(class)s_one_per_member",
                violation_error_message="该党员本轮已有评定结果。",
            ),
            models.CheckConstraint(
                condition=~Q(grade__in=["basic", "unqualified"]) | ~Q(reason=""),
                name="%(app_label)s_%(class)s_reason_required",
                violation_error_message="评定为基本合格或不合格须写明理由。",
            ),
        ]

    def __str__(self):
        return f"{self.member} {self.get_grade_display()}"

    @staticmethod
    def own_records_q(scope):
        """A 党员 reads their own final grade only."""
        return Q(member_id__in=scope.member_ids)
