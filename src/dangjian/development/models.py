"""A person's development file (发展党员档案) and its steps. Nothing is deleted: a file is closed, with a
reason."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.crypto import crypto_provider
from dangjian.core.fields import EncryptedTextField
from dangjian.core.masking import mask_id_number
from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet
from dangjian.core.tree import ancestor_paths
from dangjian.core.validators import id_number_birth_date, id_number_sex, validate_id_number
from dangjian.members.choices import ETHNICITY_CHOICES, Education, MemberCategory, Sex

from . import engine

STAGE_CHOICES = [(key, label) for key, label in engine.STAGES.items()]
STEP_CHOICES = [(no, f"{no}. {name}") for no, name in engine.STEPS.items()]


class DevelopmentFileQuerySet(OrgScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class DevelopmentFile(OrgScopedModel):
    """The development file of one person in one branch: who, the stage reached and the next step's window.

    `stage`, `next_step`, `next_earliest` and `next_latest` are the engine's answer for the recorded steps,
    stored when a step is recorded so that a branch's pipeline is one query."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="党支部",
        on_delete=models.PROTECT,
        related_name="development_files",
    )
    member = models.OneToOneField(
        "members.Member",
        verbose_name="党员名册记录",
        on_delete=models.PROTECT,
        related_name="development_file",
        null=True,
        blank=True,
        help_text="成为党员（预备党员）后关联名册",
    )
    name = models.CharField("姓名", max_length=50)
    sex = models.CharField("性别", max_length=6, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    id_number = EncryptedTextField("身份证号", blank=True, validators=[validate_id_number])
    id_number_index = models.CharField(
        "身份证号索引", max_length=64, blank=True, editable=False, db_index=True
    )
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITY_CHOICES, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=16, choices=MemberCategory.choices, blank=True)
    stage = models.CharField("阶段", max_length=16, choices=STAGE_CHOICES, default="applicant")
    next_step = models.PositiveSmallIntegerField("下一步", null=True, blank=True, choices=STEP_CHOICES)
    next_earliest = models.DateField("下一步最早", null=True, blank=True)
    next_latest = models.DateField("下一步最迟", null=True, blank=True)
    closed_on = models.DateField("终止日期", null=True, blank=True)
    closed_reason = models.TextField("终止原因", blank=True)

    objects = DevelopmentFileQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员档案"
        verbose_name_plural = "发展党员档案"
        ordering = ["organization__path", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closed_reason=""),
                name="%(app_label)s_%(class)s_closed_has_reason",
                violation_error_message="终止发展须注明原因。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("development:file_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self) -> None:
        self.id_number = (self.id_number or "").strip().upper()
        self.id_number_index = (
            crypto_provider().blind_index(self.id_number, "id_number") if self.id_number else ""
        )

    def clean(self):
        errors = {}
        if self.organization_id and not self.organization.holds_members:
            errors["organization"] = "发展党员档案只能建在党支部（含联合党支部、临时党支部）。"
        if self.id_number:
            try:
                if id_number_birth_date(self.id_number) != self.birth_date:
                    errors["birth_date"] = "出生日期与身份证号不一致。"
                if self.sex and id_number_sex(self.id_number) != self.sex:
                    errors["sex"] = "性别与身份证号不一致。"
            except (ValueError, ValidationError):
                pass  # the field's own validator reports a malformed number
        if errors:
            raise ValidationError(errors)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @property
    def is_overdue(self) -> bool:
        return bool(self.next_latest and self.closed_on is None and self.next_latest < timezone.localdate())


class StepQuerySet(ScopedQuerySet):
    scope_path_field = "file__organization__path"


class Step(TimeStampedModel):
    """One recorded step of a file (number 1–25 of rules.md §4.1), with its step-specific fields.

    `override_reason` is set when a committee administrator recorded a step the engine refused; the
    refused messages are kept in `overridden`."""

    file = models.ForeignKey(
        DevelopmentFile, verbose_name="发展党员档案", on_delete=models.PROTECT, related_name="steps"
    )
    no = models.PositiveSmallIntegerField("步骤", choices=STEP_CHOICES)
    date = models.DateField("日期")
    fields = models.JSONField("步骤内容", default=dict, blank=True)
    people = models.JSONField("有关人员", default=list, blank=True, help_text="谈话人、培养联系人、审查人等")
    documents = models.JSONField("材料", default=list, blank=True, help_text="申请书、思想汇报、审查结论等")
    note = models.TextField("说明", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    override_reason = models.TextField("例外理由", blank=True)
    overridden = models.JSONField("被例外放行的问题", default=list, blank=True)

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = "发展步骤"
        verbose_name_plural = "发展步骤"
        ordering = ["file", "date", "no", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(no__gte=1) & Q(no__lte=25),
                name="%(app_label)s_%(class)s_no_1_25",
                violation_error_message="步骤编号应为1–25。",
            ),
        ]

    def __str__(self):
        return f"{self.file} 第{self.no}步 {engine.STEPS.get(self.no, '')}"

    @property
    def organization(self):
        """The file's branch (the audit trail files the step's events under it)."""
        return self.file.organization

    @property
    def name(self) -> str:
        return engine.STEPS.get(self.no, "")

    def as_engine_step(self) -> dict:
        return {**self.fields, "no": self.no, "date": self.date}


def register_personal_information() -> None:
    """身份证号 enters the audit trail only masked."""
    from dangjian.audit.services import register_masked_field

    register_masked_field("development.developmentfile", "id_number", mask_id_number)
    register_masked_field("development.developmentfile", "id_number_index", lambda v: "…")


class DualRequirement(OrgScopedModel):
    """双推双考: a committee requires, for its subtree from `valid_from`, that selecting activists (step 3)
    and/or candidates (step 7) carries two recommendations (党员推荐, 群众推荐, with counts) and two
    examinations (笔试, 面试, with the score and the pass mark). Ended by `valid_until`, never deleted."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="提出要求的党委",
        on_delete=models.PROTECT,
        related_name="development_dual_requirements",
    )
    for_activists = models.BooleanField("确定入党积极分子（第3步）", default=False)
    for_candidates = models.BooleanField("确定发展对象（第7步）", default=False)
    valid_from = models.DateField("施行日期")
    valid_until = models.DateField("停止日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "双推双考要求"
        verbose_name_plural = "双推双考要求"
        ordering = ["organization__path", "-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_activists=True) | Q(for_candidates=True),
                name="%(app_label)s_%(class)s_some_step",
                violation_error_message="双推双考要求须至少适用于确定入党积极分子或确定发展对象。",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="%(app_label)s_%(class)s_until_after_from",
                violation_error_message="停止日期不能早于施行日期。",
            ),
        ]

    def __str__(self):
        return f"{self.organization} 双推双考（{self.steps_label}，{self.valid_from}起）"

    @property
    def steps(self) -> list[int]:
        return [no for no, on in ((3, self.for_activists), (7, self.for_candidates)) if on]

    @property
    def steps_label(self) -> str:
        return "、".join(engine.STEPS[no] for no in self.steps)

    def clean(self):
        if self.organization_id and self.organization.holds_members:
            raise ValidationError({"organization": "双推双考要求由党委（党总支）对其下属党支部提出。"})

    @classmethod
    def applying(cls, branch, no: int, on):
        """The requirements in force on `on` for step `no` of a file in `branch` (set by it or above it)."""
        if no not in (3, 7):
            return cls.objects.none()
        step = {"for_activists": True} if no == 3 else {"for_candidates": True}
        ancestors = [*ancestor_paths(branch.path), branch.path]
        return cls.objects.filter(organization__path__in=ancestors, valid_from__lte=on, **step).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class DevelopmentPlan(OrgScopedModel):
    """发展计划（指标）: how many a committee or branch plans to admit in a year (step 17 approvals), in
    total and, optionally, of which women, 35岁及以下, 大专及以上 and by occupation (人员类别)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="development_plans",
    )
    year = models.PositiveSmallIntegerField("年度")
    total = models.PositiveIntegerField("发展党员计划数")
    women = models.PositiveIntegerField("其中女性", null=True, blank=True)
    young = models.PositiveIntegerField("其中35岁及以下", null=True, blank=True)
    college = models.PositiveIntegerField("其中大专及以上学历", null=True, blank=True)
    by_category = models.JSONField(
        "按人员类别", default=dict, blank=True, help_text='人员类别代码 → 计划数，例如 {"farmer": 3}'
    )
    note = models.TextField("说明", blank=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "发展党员计划"
        verbose_name_plural = "发展党员计划"
        ordering = ["-year", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message="该党组织该年度已有发展党员计划。",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}年发展党员计划"

    def get_absolute_url(self):
        return reverse("development:plan_list") + f"?year={self.year}"

    def clean(self):
        errors = {}
        if self.organization_id and self.organization.kind == "party_group":
            errors["organization"] = "发展党员计划由党委、党总支或党支部制定。"
        if self.year is not None and not 2000 <= self.year <= 2100:
            errors["year"] = "年度应在2000–2100之间。"
        if self.total is not None:
            for name in ("women", "young", "college"):
                value = getattr(self, name)
                if value is not None and value > self.total:
                    label = self._meta.get_field(name).verbose_name
                    errors[name] = f"{label}（{value}）不能多于计划总数（{self.total}）。"
        categories = dict(MemberCategory.choices)
        if not isinstance(self.by_category, dict):
            errors["by_category"] = "按人员类别的计划应为“类别: 人数”。"
        else:
            for code, count in self.by_category.items():
                if code not in categories:
                    errors["by_category"] = f"人员类别“{code}”不存在。"
                elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    errors["by_category"] = f"{categories[code]}的计划数应为非负整数。"
            if self.total is not None and not errors.get("by_category"):
                if sum(self.by_category.values()) > self.total:
                    errors["by_category"] = "按人员类别的计划数之和不能多于计划总数。"
        if errors:
            raise ValidationError(errors)
