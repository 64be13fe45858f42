"""目标责任: targets cascaded down the tree (a bureau to its center schools, schools to teachers), their
indicators (entered or computed from records), the signed commitment (责任书/承诺书) and the year-end
evaluation (考评) with a snapshot of the figures it used. Nothing is deleted: a target is withdrawn."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet

from .choices import (
    ADDITIVE_UNITS,
    CommitmentKind,
    CommitmentMethod,
    Comparison,
    Grade,
    Rollup,
    Scoring,
    SourceKind,
    TargetStatus,
)

VALUE = {"max_digits": 14, "decimal_places": 2}
POINTS = {"max_digits": 6, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


def plain(value) -> str:
    """10.00 → "10", 2.50 → "2.5" (a figure as people write it)."""
    return f"{Decimal(value).normalize():f}" if value is not None else ""


def reached(value, target_value, comparison) -> bool | None:
    """Whether `value` meets `target_value` under `comparison`; None when there is no value yet."""
    if value is None:
        return None
    if comparison == Comparison.AT_LEAST:
        return value >= target_value
    if comparison == Comparison.AT_MOST:
        return value <= target_value
    return value == target_value


class TargetQuerySet(OrgScopedQuerySet):
    def current(self):
        """Targets not withdrawn."""
        return self.exclude(status=TargetStatus.WITHDRAWN)


class Target(OrgScopedModel):
    """A 目标责任书: what one organization (or one member of it) is to reach in a year."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="责任党组织",
        on_delete=models.PROTECT,
        related_name="targets",
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("目标名称", max_length=200)
    content = models.TextField("目标内容", blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级目标",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="由上级目标分解而来时，上级党组织的目标",
    )
    issued_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name="下达党组织",
        on_delete=models.PROTECT,
        related_name="issued_targets",
    )
    responsible_member = models.ForeignKey(
        "members.Member",
        verbose_name="责任人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text="目标落实到个人（书记、党员教师）时填写；须为该党组织的党员",
    )
    status = models.CharField("状态", max_length=12, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    issued_on = models.DateField("下达日期", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤回原因", max_length=200, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "目标责任书"
        verbose_name_plural = "目标责任书"
        ordering = ["-year", "organization__path", "responsible_member_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "organization"],
                condition=Q(parent__isnull=False, responsible_member__isnull=True) & ~Q(status="withdrawn"),
                name="%(app_label)s_%(class)s_once_per_child",
                violation_error_message="该党组织已有由此目标分解的目标。",
            ),
            models.UniqueConstraint(
                fields=["parent", "responsible_member"],
                condition=Q(parent__isnull=False, responsible_member__isnull=False) & ~Q(status="withdrawn"),
                name="%(app_label)s_%(class)s_once_per_person",
                violation_error_message="该责任人已有由此目标分解的目标。",
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""),
                name="%(app_label)s_%(class)s_withdrawn_has_reason",
                violation_error_message="撤回目标须注明原因。",
            ),
        ]

    def __str__(self):
        owner = self.organization.name
        if self.responsible_member_id:
            owner += f"·{self.responsible_member.name}"
        return f"{self.year}年{self.title}（{owner}）"

    def get_absolute_url(self):
        return reverse("targets:target_detail", args=[self.pk])

    @staticmethod
    def own_records_q(scope):
        """A 党员 sees the targets they are personally responsible for."""
        return Q(responsible_member_id__in=scope.member_ids)

    @property
    def is_open(self) -> bool:
        """Figures may still be entered and indicators changed."""
        return self.status not in (TargetStatus.EVALUATED, TargetStatus.WITHDRAWN)

    def clean(self):
        errors = {}
        org = self.organization if self.organization_id else None
        if org is not None and self.parent_id:
            parent_path = self.parent.organization.path
            personal = self.responsible_member_id is not None
            above = org.path.startswith(parent_path) and (personal or org.path != parent_path)
            if not above:
                errors["organization"] = (
                    f"“{org.name}”不在上级目标责任党组织“{self.parent.organization.name}”的下级范围内，不能分解。"
                )
            if self.year and self.parent.year != self.year:
                errors["year"] = f"分解目标的年度须与上级目标一致（{self.parent.year}年）。"
        if org is not None and self.issued_by_id and not org.path.startswith(self.issued_by.path):
            errors["issued_by"] = "下达党组织须为责任党组织本身或其上级。"
        if org is not None and self.responsible_member_id:
            member = self.responsible_member
            if not member.organization.path.startswith(org.path):
                errors["responsible_member"] = f"责任人“{member.name}”不是“{org.name}”的党员。"
        if errors:
            raise ValidationError(errors)


class IndicatorQuerySet(ScopedQuerySet):
    scope_path_field = "target__organization__path"


class Indicator(TimeStampedModel):
    """指标: a name, a unit, a target value and how its actual value is known (entered or computed)."""

    target = models.ForeignKey(
        Target, verbose_name="目标责任书", on_delete=models.PROTECT, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级指标",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="分解而来时，上级目标中对应的指标（汇总据此对应）",
    )
    position = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("计量单位", max_length=12, help_text="如：%、个、次、学时、名")
    comparison = models.CharField(
        "达标条件", max_length=4, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    target_value = models.DecimalField("目标值", **VALUE)
    points = models.DecimalField("分值", default=Decimal("10"), **POINTS)
    scoring = models.CharField(
        "计分方式", max_length=16, choices=Scoring.choices, default=Scoring.PROPORTIONAL
    )
    rollup = models.CharField(
        "汇总方式",
        max_length=8,
        choices=Rollup.choices,
        blank=True,
        help_text="留空按单位：%等比率取平均，其余求和",
    )
    source_kind = models.CharField(
        "数据来源", max_length=10, choices=SourceKind.choices, default=SourceKind.ENTERED
    )
    source_key = models.CharField(
        "计算口径", max_length=50, blank=True, help_text="系统计算时，从记录计算的口径（见“计算口径”清单）"
    )
    actual_value = models.DecimalField("实际值", null=True, blank=True, **VALUE)
    actual_note = models.CharField("实际值说明", max_length=200, blank=True)
    actual_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actual_at = models.DateTimeField("填报或计算时间", null=True, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["target", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="同一目标中已有同名指标。",
            ),
            models.CheckConstraint(
                condition=Q(source_kind="entered") | ~Q(source_key=""),
                name="%(app_label)s_%(class)s_computed_has_source",
                violation_error_message="系统计算的指标须选择计算口径。",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_comparison_display()}{plain(self.target_value)}{self.unit}）"

    @staticmethod
    def own_records_q(scope):
        return Q(target__responsible_member_id__in=scope.member_ids)

    @property
    def organization(self):
        return self.target.organization

    @property
    def effective_rollup(self) -> str:
        if self.rollup:
            return self.rollup
        return Rollup.SUM if self.unit in ADDITIVE_UNITS else Rollup.MEAN

    @property
    def is_computed(self) -> bool:
        return self.source_kind == SourceKind.COMPUTED

    @property
    def reached(self) -> bool | None:
        return reached(self.actual_value, self.target_value, self.comparison)

    def clean(self):
        from .sources import SOURCES

        errors = {}
        if self.source_kind == SourceKind.COMPUTED:
            if self.source_key not in SOURCES:
                errors["source_key"] = "请选择有效的计算口径。"
            elif not self.unit:
                self.unit = SOURCES[self.source_key].unit
        elif self.source_key:
            self.source_key = ""
        if self.target_id and self.parent_id and self.parent.target_id != self.target.parent_id:
            errors["parent"] = "上级指标须属于上级目标。"
        if self.comparison == Comparison.EQUAL and self.scoring == Scoring.PROPORTIONAL:
            self.scoring = Scoring.ALL_OR_NOTHING  # "=" is met or not: nothing to be proportional to
        if errors:
            raise ValidationError(errors)


class CommitmentQuerySet(ScopedQuerySet):
    scope_path_field = "target__organization__path"


def commitment_path(instance, filename):
    """targets/<year>/<random>.<extension of the sniffed type> — never the uploader's name."""
    import uuid

    from .uploads import EXTENSIONS

    return f"targets/{instance.target.year}/{uuid.uuid4().hex}{EXTENSIONS[instance.content_type]}"


class Commitment(TimeStampedModel):
    """责任书/承诺书 of a target: an uploaded signed scan, or an electronic confirmation by the
    responsible person. One per target and kind."""

    target = models.ForeignKey(
        Target, verbose_name="目标责任书", on_delete=models.PROTECT, related_name="commitments"
    )
    kind = models.CharField("类别", max_length=16, choices=CommitmentKind.choices)
    method = models.CharField("签订方式", max_length=8, choices=CommitmentMethod.choices)
    file = models.FileField("签字文件", upload_to=commitment_path, max_length=200, blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    content_type = models.CharField("文件类型", max_length=50, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）", null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人或上传人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为命令行",
    )
    signed_at = models.DateTimeField("签订时间")
    statement = models.TextField("确认内容", blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "责任书签订"
        verbose_name_plural = "责任书签订"
        ordering = ["target", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"],
                name="%(app_label)s_%(class)s_once_per_kind",
                violation_error_message="该目标的此类责任书已签订。",
            ),
            models.CheckConstraint(
                condition=Q(method="confirm") | ~Q(file=""),
                name="%(app_label)s_%(class)s_upload_has_file",
                violation_error_message="上传方式须附签字文件。",
            ),
        ]

    def __str__(self):
        return f"{self.target} · {self.get_kind_display()}（{self.get_method_display()}）"

    @staticmethod
    def own_records_q(scope):
        return Q(target__responsible_member_id__in=scope.member_ids)

    @property
    def organization(self):
        return self.target.organization


class EvaluationQuerySet(ScopedQuerySet):
    scope_path_field = "target__organization__path"


class Evaluation(TimeStampedModel):
    """Year-end 考评 of a target by the organization that issued it; finalized, it keeps its figures."""

    target = models.OneToOneField(
        Target, verbose_name="目标责任书", on_delete=models.PROTECT, related_name="evaluation"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="考评人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为命令行",
    )
    evaluated_on = models.DateField("考评日期")
    total_score = models.DecimalField("总得分", **POINTS)
    full_score = models.DecimalField("满分", **POINTS)
    grade = models.CharField("等次", max_length=10, choices=Grade.choices)
    comment = models.TextField("考评意见", blank=True)
    finalized = models.BooleanField("已定稿", default=False)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = "考评"
        verbose_name_plural = "考评"
        ordering = ["-evaluated_on", "id"]

    def __str__(self):
        return f"{self.target} 考评：{self.total_score}分（{self.get_grade_display()}）"

    @staticmethod
    def own_records_q(scope):
        return Q(target__responsible_member_id__in=scope.member_ids)

    @property
    def organization(self):
        return self.target.organization


class Score(models.Model):
    """One indicator's score in an evaluation, with the figures it was scored on (a snapshot)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name="考评", on_delete=models.PROTECT, related_name="scores"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="scores"
    )
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("计量单位", max_length=12)
    comparison = models.CharField("达标条件", max_length=4, choices=Comparison.choices)
    target_value = models.DecimalField("目标值", **VALUE)
    actual_value = models.DecimalField("实际值", null=True, blank=True, **VALUE)
    points = models.DecimalField("分值", **POINTS)
    reached = models.BooleanField("达标", default=False)
    rule_score = models.DecimalField("按规则得分", **POINTS)
    score = models.DecimalField("得分", **POINTS)
    override_reason = models.CharField("调整理由", max_length=200, blank=True)

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["evaluation", "indicator__position", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"],
                name="%(app_label)s_%(class)s_once",
                violation_error_message="该指标已评分。",
            ),
            models.CheckConstraint(
                condition=Q(score=models.F("rule_score")) | ~Q(override_reason=""),
                name="%(app_label)s_%(class)s_override_has_reason",
                violation_error_message="调整得分须注明理由。",
            ),
        ]

    def __str__(self):
        return f"{self.name}：{self.score}"

    @property
    def overridden(self) -> bool:
        return self.score != self.rule_score

    def clean(self):
        if self.score is not None and self.points is not None and self.score > self.points:
            raise ValidationError({"score": f"“{self.name}”的得分不能超过分值（{self.points}）。"})
