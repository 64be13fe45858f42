"""督导检查 (inspections): a committee's plan for inspecting units of its subtree, its checklist (听查看访 or
一看二问三座谈), the teams (督导组) and the units assigned to them, and per unit the visit: checklist
results, interviews, samples of people, notes and activities, and findings (问题清单) that become
rectification tasks. Nothing is deleted: plans close, assignments end, findings are closed (销号).

Scoping: a plan hangs on its committee; unit-level rows hang on the inspected unit. An inspector reaches a
unit through the read-only grant the plan gave them on it for the plan's period (see `access.py`)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet

from .choices import (
    ChecklistGroup,
    FindingStatus,
    InterviewKind,
    PlanStatus,
    SampleItemKind,
    SamplePopulation,
    Severity,
    UnitInspectionStatus,
)


def _scope_q(user, action, path_field):
    from dangjian.accounts.scope import scope_q

    return scope_q(user, action, path_field)


def plan_ids_of_inspector(user):
    """Ids of the plans whose teams hold a grant of `user` in force today (a subquery)."""
    from dangjian.accounts.models import RoleGrant

    if not getattr(user, "is_authenticated", False):
        return []
    current = RoleGrant.objects.current().filter(user=user)
    return TeamGrant.objects.filter(grant__in=current).values("team_unit__plan_id")


class InspectionPlanQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """Plans of the committees in scope and, to read, the plans whose teams the user is on (during the
        plan's period)."""
        condition = _scope_q(user, action, "organization__path")
        if action == "view":
            condition |= Q(pk__in=plan_ids_of_inspector(user))
        return self.filter(condition)


class InspectionPlan(OrgScopedModel):
    """A 督导检查 plan of a committee: the units it inspects, its period, method and checklist."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="组织单位（党委）",
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    name = models.CharField("督导检查名称", max_length=200)
    units = models.ManyToManyField(
        "organizations.Organization",
        verbose_name="检查范围（被检查单位）",
        related_name="inspection_plans_in_scope",
        blank=True,
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    method = models.TextField(
        "方式方法",
        blank=True,
        help_text="如：查阅资料台账、座谈、个别访谈、随机抽查不打招呼、交叉检查、巡听旁听",
    )
    status = models.CharField("状态", max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    closed_on = models.DateField("结束于", null=True, blank=True)

    objects = InspectionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "督导检查计划"
        verbose_name_plural = "督导检查计划"
        ordering = ["-starts_on", "organization__path", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_period_order",
                violation_error_message="结束日期不能早于开始日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])

    def clean(self):
        if self.organization_id and not self.organization.is_committee:
            raise ValidationError({"organization": "督导检查须由党委（党工委、党组）组织。"})


class ChecklistItem(TimeStampedModel):
    """One item of a plan's checklist: what to check, how to score it, its points."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="督导检查", on_delete=models.PROTECT, related_name="checklist"
    )
    group = models.CharField("检查方式", max_length=8, choices=ChecklistGroup.choices)
    content = models.CharField("检查内容", max_length=300)
    scoring = models.CharField("评分标准", max_length=300, blank=True)
    max_points = models.DecimalField(
        "分值", max_digits=5, decimal_places=1, validators=[MinValueValidator(0)], default=0
    )
    order = models.PositiveSmallIntegerField("序号", default=0)
    active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "检查项目"
        verbose_name_plural = "检查项目"
        ordering = ["plan", "order", "id"]

    def __str__(self):
        return f"{self.get_group_display()}：{self.content}"


class InspectionTeam(TimeStampedModel):
    """A 督导组 of a plan: its leader and members (logins)."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="督导检查", on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField("督导组名称", max_length=50, help_text="如：第一督导组")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="组长", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="组员", related_name="inspection_teams", blank=True
    )

    class Meta:
        verbose_name = "督导组"
        verbose_name_plural = "督导组"
        ordering = ["plan", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="本次督导检查已有同名督导组。",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.name}"

    def get_absolute_url(self):
        return reverse("inspections:team_detail", args=[self.pk])

    @property
    def organization(self):
        return self.plan.organization

    def people(self) -> list:
        """The leader and the members (each once)."""
        members = [user for user in self.members.all() if user.pk != self.leader_id]
        return [self.leader, *members]


class TeamUnitQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """Assignments seen by the plan's committee, and by those who see the unit."""
        return self.filter(
            _scope_q(user, action, "plan__organization__path") | _scope_q(user, action, "unit__path")
        )

    def in_force(self):
        return self.filter(ended_at__isnull=True)


class TeamUnit(TimeStampedModel):
    """A unit assigned to a team of a plan (one team per unit and plan); ended, never deleted."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="督导检查", on_delete=models.PROTECT, related_name="assignments"
    )
    team = models.ForeignKey(
        InspectionTeam, verbose_name="督导组", on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "organizations.Organization", verbose_name="被检查单位", on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField("取消分配时间", null=True, blank=True)

    objects = TeamUnitQuerySet.as_manager()

    class Meta:
        verbose_name = "督导单位分配"
        verbose_name_plural = "督导单位分配"
        ordering = ["team", "unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"],
                condition=Q(ended_at__isnull=True),
                name="%(app_label)s_%(class)s_one_team_per_unit",
                violation_error_message="该单位已分配给本次督导检查的其他督导组。",
            ),
        ]

    def __str__(self):
        return f"{self.team.name} → {self.unit.name}"


class TeamGrant(models.Model):
    """The read-only 督导员 grant a team member holds on an assigned unit for the plan's period."""

    team_unit = models.ForeignKey(
        TeamUnit, verbose_name="督导单位分配", on_delete=models.PROTECT, related_name="grants"
    )
    grant = models.OneToOneField(
        "accounts.RoleGrant", verbose_name="授权", on_delete=models.PROTECT, related_name="inspection"
    )

    class Meta:
        verbose_name = "督导授权"
        verbose_name_plural = "督导授权"

    def __str__(self):
        return str(self.grant)


class UnitScopedQuerySet(ScopedQuerySet):
    """Rows of one unit's inspection, scoped by the inspected unit."""

    scope_path_field = "unit_inspection__unit__path"


class UnitInspectionQuerySet(ScopedQuerySet):
    scope_path_field = "unit__path"


class UnitInspection(TimeStampedModel):
    """The inspection of one unit under a plan: the visit, its status and summary."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="督导检查", on_delete=models.PROTECT, related_name="unit_inspections"
    )
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name="被检查单位",
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    visited_on = models.DateField("检查日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=UnitInspectionStatus.choices, default=UnitInspectionStatus.PENDING
    )
    summary = models.TextField("检查情况", blank=True)

    objects = UnitInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "单位督导检查"
        verbose_name_plural = "单位督导检查"
        ordering = ["plan", "unit__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"],
                name="%(app_label)s_%(class)s_once_per_plan",
                violation_error_message="该单位在本次督导检查中已有检查记录。",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.unit.name}"

    def get_absolute_url(self):
        return reverse("inspections:unit_detail", args=[self.pk])

    @property
    def organization(self):
        return self.unit


class ChecklistResult(TimeStampedModel):
    """The score of one checklist item at one unit, with a remark and who checked it."""

    unit_inspection = models.ForeignKey(
        UnitInspection, verbose_name="单位督导检查", on_delete=models.PROTECT, related_name="results"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name="检查项目", on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    remark = models.TextField("情况说明", blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="检查人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        ordering = ["unit_inspection", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_inspection", "item"],
                name="%(app_label)s_%(class)s_once_per_item",
                violation_error_message="该检查项目已有结果。",
            ),
        ]

    def __str__(self):
        return f"{self.item.content}：{self.score}"

    @property
    def organization(self):
        return self.unit_inspection.unit

    def clean(self):
        if self.item_id and self.score is not None and self.score > self.item.max_points:
            raise ValidationError(
                {"score": f"得分（{self.score}）不能超过该项分值（{self.item.max_points}）。"}
            )


class Interview(TimeStampedModel):
    """An interview held at a unit: 座谈, 个别访谈, 现场问答 or 电话抽查."""

    unit_inspection = models.ForeignKey(
        UnitInspection, verbose_name="单位督导检查", on_delete=models.PROTECT, related_name="interviews"
    )
    kind = models.CharField("方式", max_length=12, choices=InterviewKind.choices)
    held_on = models.DateField("日期")
    participants = models.PositiveIntegerField("参加人数", validators=[MinValueValidator(1)])
    summary = models.TextField("情况摘要", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "座谈访谈"
        verbose_name_plural = "座谈访谈"
        ordering = ["unit_inspection", "held_on", "id"]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}（{self.participants}人）"

    @property
    def organization(self):
        return self.unit_inspection.unit


class SampleQuerySet(ScopedQuerySet):
    def visible_to(self, user, action="view"):
        """Samples seen by the plan's committee, and by those who see one of its units."""
        by_unit = Sample.units.through.objects.filter(_scope_q(user, action, "organization__path")).values(
            "sample_id"
        )
        return self.filter(_scope_q(user, action, "plan__organization__path") | Q(pk__in=by_unit))


class Sample(TimeStampedModel):
    """A reproducible stratified random sample drawn for a plan (the units are the strata): its spec, the
    recorded seed, the engine's description sentence and digest, and the items drawn."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name="督导检查", on_delete=models.PROTECT, related_name="samples"
    )
    units = models.ManyToManyField(
        "organizations.Organization", verbose_name="抽查单位（分层）", related_name="+"
    )
    population = models.CharField("抽查对象", max_length=16, choices=SamplePopulation.choices)
    spec = models.JSONField("抽样方案", default=dict)
    seed = models.PositiveBigIntegerField("随机种子")
    strata = models.JSONField("各层抽取数", default=list)
    result = models.JSONField("抽样结果", default=dict)
    description = models.CharField("抽查说明", max_length=300)
    digest = models.CharField("摘要值", max_length=128)
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    originality_check = models.ForeignKey(
        "originality.OriginalityCheck",
        verbose_name="雷同检测",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SampleQuerySet.as_manager()

    class Meta:
        verbose_name = "抽样"
        verbose_name_plural = "抽样"
        ordering = ["plan", "-drawn_at", "id"]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        return reverse("inspections:sample_detail", args=[self.pk])

    @property
    def organization(self):
        return self.plan.organization


class SampleItem(models.Model):
    """One drawn object of a sample: a person, a note or reflection, or an activity, in its stratum."""

    sample = models.ForeignKey(Sample, verbose_name="抽样", on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在单位（层）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("类别", max_length=12, choices=SampleItemKind.choices)
    object_id = models.PositiveBigIntegerField("对象编号")

    class Meta:
        verbose_name = "抽样对象"
        verbose_name_plural = "抽样对象"
        ordering = ["sample", "unit__path", "kind", "object_id"]
        indexes = [models.Index(fields=["sample", "kind"], name="inspections_sampleitem_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.object_id}"


def evidence_path(instance, filename):
    """inspections/<year found>/<random>.<extension of the sniffed type> — never the uploader's name."""
    from dangjian.activities.attachments import EXTENSIONS

    return f"inspections/{instance.found_on:%Y}/{uuid.uuid4().hex}{EXTENSIONS[instance.evidence_type]}"


class Finding(TimeStampedModel):
    """A problem found at a unit (问题清单), with its severity and optional evidence; it becomes a
    rectification task (整改) for the unit and is closed (销号) by the team."""

    unit_inspection = models.ForeignKey(
        UnitInspection, verbose_name="单位督导检查", on_delete=models.PROTECT, related_name="findings"
    )
    severity = models.CharField("问题程度", max_length=8, choices=Severity.choices)
    description = models.TextField("问题描述")
    found_on = models.DateField("发现日期")
    evidence = models.FileField("佐证材料", upload_to=evidence_path, max_length=200, blank=True)
    evidence_name = models.CharField("佐证材料文件名", max_length=255, blank=True)
    evidence_type = models.CharField("佐证材料类型", max_length=50, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="销号人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    close_comment = models.TextField("销号意见", blank=True)
    rectification = models.OneToOneField(
        "tasks.Assignment",
        verbose_name="整改任务",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
        help_text="交办给被检查单位的整改任务（交办督办）",
    )

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "问题清单"
        verbose_name_plural = "问题清单"
        ordering = ["unit_inspection", "found_on", "id"]

    def __str__(self):
        return f"[{self.get_severity_display()}] {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("inspections:finding_detail", args=[self.pk])

    @property
    def organization(self):
        return self.unit_inspection.unit
