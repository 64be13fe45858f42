"""The organization tree (党委 → 党总支 → 党支部 → 党小组) and its history of moves."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from treebeard.mp_tree import MP_Node

from dangjian.core.models import TimeStampedModel

from .choices import (
    ALLOWED_PARENT_KINDS,
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    LONG_TERM_CATEGORIES,
    OrganizationKind,
    OrganizationStatus,
    UnitCategory,
)
from .querysets import OrganizationManager


class Organization(MP_Node, TimeStampedModel):
    """One 党组织: a node of the tree."""

    steplen = 4
    node_order_by = ["code"]

    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类别", max_length=20, choices=OrganizationKind.choices)
    unit_category = models.CharField(
        "单位类别", max_length=24, choices=UnitCategory.choices, default=UnitCategory.OTHER
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)
    term_started_on = models.DateField("本届委员会任期开始", null=True, blank=True)
    term_ends_on = models.DateField("本届委员会任期届满", null=True, blank=True)
    has_committee = models.BooleanField("设支部委员会", default=False)
    status = models.CharField(
        "状态", max_length=12, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    remarks = models.TextField("备注", blank=True)

    objects = OrganizationManager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True)
                | Q(term_started_on__isnull=True)
                | Q(term_ends_on__gt=models.F("term_started_on")),
                name="%(app_label)s_%(class)s_term_order",
                violation_error_message="任期届满日期必须晚于任期开始日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:organization_detail", args=[self.pk])

    @staticmethod
    def own_records_q(scope):
        """A 党员 sees the branch they belong to."""
        return Q(path__in=scope.member_org_paths)

    # Shape of the tree -------------------------------------------------------------------------
    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS

    @property
    def holds_members(self) -> bool:
        """Members belong to branches; a 党小组 groups a branch's members."""
        return self.is_branch

    @property
    def may_collect_dues(self) -> bool:
        """临时党支部 collect no dues (支部工作条例 art.8)."""
        return self.is_branch and self.kind != OrganizationKind.TEMPORARY_BRANCH

    @property
    def may_develop_members(self) -> bool:
        """临时党支部 do not develop members (支部工作条例 art.8)."""
        return self.may_collect_dues

    def check_parent(self, parent) -> None:
        """Refuse a shape the regulations do not allow, with a message naming both kinds."""
        parent_kind = parent.kind if parent is not None else None
        if parent_kind not in ALLOWED_PARENT_KINDS[OrganizationKind(self.kind)]:
            label = self.get_kind_display()
            if parent is None:
                raise ValidationError({"kind": f"{label}不能作为顶级组织，顶级组织须为党委、党工委或党组。"})
            if parent.kind == OrganizationKind.PARTY_GROUP:
                raise ValidationError({"parent": "党小组下不能再设立下级组织。"})
            raise ValidationError(
                {"parent": f"{label}不能设在{parent.get_kind_display()}（{parent.name}）之下。"}
            )

    # Committee terms (换届) ---------------------------------------------------------------------
    @property
    def default_term_years(self) -> int:
        return 5 if self.unit_category in LONG_TERM_CATEGORIES else 3

    def term_reminder(self, today: date | None = None) -> str | None:
        """'expired', '3_months' or '6_months' before the term ends, else None."""
        if not self.term_ends_on or self.status != OrganizationStatus.ACTIVE:
            return None
        today = today or timezone.localdate()
        if self.term_ends_on < today:
            return "expired"
        months_left = (self.term_ends_on.year - today.year) * 12 + self.term_ends_on.month - today.month
        if self.term_ends_on.day < today.day:
            months_left -= 1
        if months_left < 3:
            return "3_months"
        if months_left < 6:
            return "6_months"
        return None


class OrganizationMove(TimeStampedModel):
    """A 隶属关系调整: a subtree moved from one parent to another."""

    organization = models.ForeignKey(
        Organization, verbose_name="调整的组织", on_delete=models.PROTECT, related_name="moves"
    )
    old_parent = models.ForeignKey(
        Organization, verbose_name="原上级组织", on_delete=models.PROTECT, related_name="+", null=True
    )
    new_parent = models.ForeignKey(
        Organization, verbose_name="新上级组织", on_delete=models.PROTECT, related_name="+"
    )
    old_path = models.CharField("原路径", max_length=255)
    moved_on = models.DateField("调整日期")
    document_number = models.CharField("批准文号", max_length=100, blank=True)
    reason = models.TextField("调整原因", blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "隶属关系调整"
        verbose_name_plural = "隶属关系调整"
        ordering = ["-moved_on", "-id"]

    def __str__(self):
        return f"{self.organization}：{self.old_parent} → {self.new_parent}"
