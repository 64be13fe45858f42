"""考核评价: rubrics (考核细则) in versions, assessments of organizations, item scores and appeals.

See docs/models/evaluation/. Organizations are ranked, people never are; no item scores app usage.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet

from .choices import (
    APP_USAGE_WORDS,
    AppealDecision,
    AssessmentStatus,
    ComputeRule,
    RankingVisibility,
    ScoreSource,
    ScoringMethod,
)

POINTS = {"max_digits": 7, "decimal_places": 2}


class Rubric(OrgScopedModel):
    """考核细则: defined by a committee (`organization`), kept in numbered versions."""

    name = models.CharField("细则名称", max_length=100)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核细则"
        ordering = ["organization__path", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evaluation:rubric_detail", args=[self.pk])

    def latest_version(self):
        return self.versions.order_by("-number").first()


class VersionQuerySet(ScopedQuerySet):
    scope_path_field = "rubric__organization__path"


class RubricVersion(TimeStampedModel):
    """One version of a rubric; frozen once an assessment used it (editing then makes a new version)."""

    rubric = models.ForeignKey(
        Rubric, verbose_name="考核细则", on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("版本号")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    scale_name = models.CharField("评定等次", max_length=50, default="五好党支部评定")

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "细则版本"
        ordering = ["rubric", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rubric", "number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message="同一考核细则的版本号不能重复。",
            )
        ]

    def __str__(self):
        return f"{self.rubric.name}（第{self.number}版）"

    @property
    def organization(self):
        return self.rubric.organization

    @property
    def frozen(self) -> bool:
        """Used by an assessment: its items and scale no longer change."""
        return self.assessments.exists()

    def items(self):
        return RubricItem.objects.filter(section__version=self).order_by("section__position", "position")

    def total_points(self) -> Decimal:
        return sum((item.points for item in self.items()), Decimal("0"))

    def rating_for(self, score: Decimal | None) -> str:
        """The band whose lower bound the score reaches (band edges inclusive)."""
        if score is None:
            return ""
        for band in self.bands.order_by("-min_score"):
            if score >= band.min_score:
                return band.label
        return ""


class SectionQuerySet(ScopedQuerySet):
    scope_path_field = "version__rubric__organization__path"


class RubricSection(TimeStampedModel):
    """A section of a rubric version (e.g. 支部班子好)."""

    version = models.ForeignKey(
        RubricVersion, verbose_name="细则版本", on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("考核项目", max_length=100)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "考核项目"
        ordering = ["version", "position", "pk"]

    def __str__(self):
        return self.title


class ItemQuerySet(ScopedQuerySet):
    scope_path_field = "section__version__rubric__organization__path"


class RubricItem(TimeStampedModel):
    """One scored item (评分细则) of a section: points, method and the evidence it asks for."""

    section = models.ForeignKey(
        RubricSection, verbose_name="考核项目", on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    text = models.CharField("考核内容", max_length=300)
    points = models.DecimalField("分值", **POINTS)
    method = models.CharField(
        "评分方式", max_length=12, choices=ScoringMethod.choices, default=ScoringMethod.ASSESSED
    )
    source_key = models.CharField("数据来源", max_length=60, blank=True)
    rule = models.CharField("计分规则", max_length=16, choices=ComputeRule.choices, blank=True)
    threshold = models.DecimalField("阈值", max_digits=9, decimal_places=2, null=True, blank=True)
    per_occurrence = models.DecimalField("每次扣分", **POINTS, null=True, blank=True)
    floor = models.DecimalField("最低得分", **POINTS, default=Decimal("0"))
    evidence = models.CharField("佐证要求", max_length=300, blank=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "评分细则"
        ordering = ["section", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gt=0),
                name="%(app_label)s_%(class)s_points_positive",
                violation_error_message="分值必须大于0。",
            )
        ]

    def __str__(self):
        return self.text

    def clean(self):
        refuse_app_usage(self.text, self.position)
        if self.floor is not None and self.points is not None and self.floor > self.points:
            raise ValidationError({"floor": "最低得分不能高于分值。"})
        if self.method == ScoringMethod.COMPUTED:
            self._clean_computed()
        if self.method == ScoringMethod.DEDUCTION and not self.per_occurrence:
            raise ValidationError({"per_occurrence": "按次扣分的细则须填写每次扣分。"})

    def _clean_computed(self):
        from dangjian.targets.sources import SOURCES

        if self.source_key not in SOURCES:
            raise ValidationError({"source_key": f"第{self.position}项：请选择已登记的数据来源。"})
        if not self.rule:
            raise ValidationError({"rule": f"第{self.position}项：按记录计算的细则须选择计分规则。"})
        if self.rule in (ComputeRule.THRESHOLD, ComputeRule.PROPORTIONAL) and not self.threshold:
            raise ValidationError({"threshold": f"第{self.position}项：请填写阈值（达到即得满分）。"})
        if self.rule == ComputeRule.PER_OCCURRENCE and not self.per_occurrence:
            raise ValidationError({"per_occurrence": f"第{self.position}项：请填写每次扣分。"})

    def points_for(self, value: Decimal | None) -> Decimal:
        """Points of a computed value (a rate, a total) or of a number of occurrences (deductions)."""
        from .scoring import points_for

        return points_for(self, value)


def refuse_app_usage(text: str, position=None) -> None:
    """Refuse an item that scores app usage (rules.md §10)."""
    found = next((word for word in APP_USAGE_WORDS if word in (text or "")), None)
    if found:
        where = f"第{position}项" if position else "考核内容"
        raise ValidationError(
            {
                "text": f"{where}含“{found}”：考核不得以平台使用情况计分（登录、在线时长、打卡签到、积分、"
                "学习时长、点赞转发投票等）。组织生活、学习培训等记录的学时可以作为依据。"
            }
        )


class RatingBand(TimeStampedModel):
    """One band of a version's rating scale (e.g. 五好 ≥ 90, 星级 五星 ≥ 90)."""

    version = models.ForeignKey(
        RubricVersion, verbose_name="细则版本", on_delete=models.CASCADE, related_name="bands"
    )
    label = models.CharField("等次", max_length=20)
    min_score = models.DecimalField("最低分（含）", **POINTS)

    class Meta:
        verbose_name = verbose_name_plural = "评定等次"
        ordering = ["version", "-min_score"]

    def __str__(self):
        return f"{self.label}（≥{self.min_score}）"


class Assessment(OrgScopedModel):
    """考核: a committee (`organization`) applies one rubric version to organizations for a year."""

    name = models.CharField("考核名称", max_length=100)
    version = models.ForeignKey(
        RubricVersion, verbose_name="细则版本", on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    status = models.CharField(
        "状态", max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.SELF_ASSESSMENT
    )
    ranking_visibility = models.CharField(
        "排名可见范围", max_length=12, choices=RankingVisibility.choices, default=RankingVisibility.COMMITTEE
    )
    conflict_threshold = models.DecimalField(
        "评分分歧阈值",
        **POINTS,
        default=Decimal("2"),
        help_text="同一细则评分人打分相差超过此分值须复核认定。",
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="评分人", blank=True, related_name="evaluation_assessments"
    )
    previous = models.ForeignKey(
        "self", verbose_name="上次考核", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("公布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核"
        ordering = ["-year", "organization__path", "name"]

    def __str__(self):
        return f"{self.name}（{self.year}年度）"

    def get_absolute_url(self):
        return reverse("evaluation:assessment_detail", args=[self.pk])


class UnitQuerySet(ScopedQuerySet):
    """A unit's own admins see its row (its score sheet); the committee sees all rows below it."""

    scope_path_field = "organization__path"


class AssessmentUnit(TimeStampedModel):
    """An organization assessed: its self score, final score, rating and rank (and the change of rank)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="考核", on_delete=models.PROTECT, related_name="units"
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="被考核党组织", on_delete=models.PROTECT, related_name="+"
    )
    self_score = models.DecimalField("自评得分", **POINTS, null=True, blank=True)
    self_submitted_at = models.DateTimeField("自评提交时间", null=True, blank=True)
    final_score = models.DecimalField("考核得分", **POINTS, null=True, blank=True)
    rating = models.CharField("评定等次", max_length=20, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    previous_rank = models.PositiveIntegerField("上次名次", null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "被考核单位"
        ordering = ["assessment", "rank", "organization__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "organization"],
                name="%(app_label)s_%(class)s_once_per_assessment",
                violation_error_message="同一党组织在一次考核中只能出现一次。",
            )
        ]

    def __str__(self):
        return f"{self.assessment.name}：{self.organization.name}"

    def get_absolute_url(self):
        return reverse("evaluation:unit_sheet", args=[self.pk])

    @property
    def rank_change(self) -> int | None:
        """Places moved up since the previous assessment (positive = 晋升, negative = 下降)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


class ScoreQuerySet(ScopedQuerySet):
    scope_path_field = "unit__organization__path"

    @staticmethod
    def _counts(named) -> models.Q:
        """A score counts unless its assessor is no longer named (kept on record, see
        `services.do_set_assessors`); scores from the command line name no assessor and count. `named`:
        the rows of the assessors table of the score's assessment."""
        return models.Q(assessor__isnull=True) | models.Q(assessor__in=named.values("user_id"))

    def counted(self, assessment):
        """The rows that count in `assessment`'s results."""
        named = Assessment.assessors.through.objects.filter(assessment_id=assessment.pk)
        return self.filter(self._counts(named))

    def with_counted(self):
        """Each row annotated `counted` (bool) by the same rule, for its own assessment (listings)."""
        assessment = models.OuterRef("unit__assessment_id")
        named = Assessment.assessors.through.objects.filter(assessment_id=assessment)
        return self.annotate(
            counted=models.ExpressionWrapper(self._counts(named), output_field=models.BooleanField())
        )


class ItemScore(TimeStampedModel):
    """One score of an item for a unit: its own, an assessor's, computed, reconciled or appealed."""

    unit = models.ForeignKey(
        AssessmentUnit, verbose_name="被考核单位", on_delete=models.PROTECT, related_name="scores"
    )
    item = models.ForeignKey(
        RubricItem, verbose_name="评分细则", on_delete=models.PROTECT, related_name="scores"
    )
    source = models.CharField("来源", max_length=12, choices=ScoreSource.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.DecimalField("计算值/次数", max_digits=12, decimal_places=2, null=True, blank=True)
    points = models.DecimalField("得分", **POINTS, null=True, blank=True)
    evidence_url = models.CharField("佐证链接", max_length=500, blank=True)
    record_ids = models.JSONField("计入的记录", default=list, blank=True)
    comment = models.CharField("说明", max_length=500, blank=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "细则得分"
        ordering = ["unit", "item", "source", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "item", "source"],
                condition=models.Q(assessor__isnull=True),
                name="%(app_label)s_%(class)s_one_per_source",
                violation_error_message="该细则的此项得分已存在。",
            ),
            models.UniqueConstraint(
                fields=["unit", "item", "assessor"],
                condition=models.Q(assessor__isnull=False),
                name="%(app_label)s_%(class)s_one_per_assessor",
                violation_error_message="每位评分人对同一细则只能打一个分。",
            ),
        ]

    def __str__(self):
        return f"{self.item}：{self.points}"


class AppealQuerySet(ScopedQuerySet):
    scope_path_field = "unit__organization__path"


class Appeal(TimeStampedModel):
    """申诉: a unit contests one item's points; the committee decides 维持 or 改分 (recorded, audited)."""

    unit = models.ForeignKey(
        AssessmentUnit, verbose_name="被考核单位", on_delete=models.PROTECT, related_name="appeals"
    )
    item = models.ForeignKey(
        RubricItem, verbose_name="评分细则", on_delete=models.PROTECT, related_name="appeals"
    )
    reason = models.TextField("申诉理由")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申诉人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField("处理结果", max_length=10, choices=AppealDecision.choices, blank=True)
    old_points = models.DecimalField("原得分", **POINTS, null=True, blank=True)
    new_points = models.DecimalField("改定得分", **POINTS, null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "申诉"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit.organization.name}：{self.item.text[:20]}"

    @property
    def pending(self) -> bool:
        return not self.decision
