"""The roster (花名册): members, their positions, and their transfers."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from dangjian.core.crypto import crypto_provider
from dangjian.core.dates import years_after, years_before
from dangjian.core.fields import EncryptedTextField
from dangjian.core.masking import mask_id_number, mask_phone
from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.validators import id_number_birth_date, id_number_sex

from .choices import (
    ACTIVE_STATUSES,
    COMMITTEE_TITLES,
    ETHNICITY_CHOICES,
    HAN,
    LEAVING_STATUSES,
    Education,
    MemberCategory,
    MemberStatus,
    PositionTitle,
    Sex,
    TransferKind,
)
from .querysets import MemberQuerySet


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese name, lower-case: 张三丰 → ('zhangsanfeng', 'zsf')."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return full, initials


class Member(OrgScopedModel):
    """A 党员 in the roster of a branch. Never deleted: leaving is a status with a date and reason."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在党支部",
        on_delete=models.PROTECT,
        related_name="members",
    )
    party_group = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所在党小组",
        on_delete=models.PROTECT,
        related_name="group_members",
        null=True,
        blank=True,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        on_delete=models.PROTECT,
        related_name="member",
        null=True,
        blank=True,
    )
    name = models.CharField("姓名", max_length=50)
    name_pinyin = models.CharField("姓名拼音", max_length=200, editable=False, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=50, editable=False, db_index=True)
    sex = models.CharField("性别", max_length=6, choices=Sex.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=ETHNICITY_CHOICES, default=HAN)
    birth_date = models.DateField("出生日期")
    id_number = EncryptedTextField("身份证号")
    id_number_index = models.CharField("身份证号索引", max_length=64, unique=True, editable=False)
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=16, choices=MemberCategory.choices, blank=True)
    job_title = models.CharField("工作岗位", max_length=100, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_index = models.CharField("联系电话索引", max_length=64, blank=True, editable=False, db_index=True)
    joined_on = models.DateField("入党日期")
    confirmed_on = models.DateField("转正日期", null=True, blank=True)
    status = models.CharField(
        "党员状态", max_length=16, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    status_reason = models.TextField("状态变更原因", blank=True)
    is_mobile = models.BooleanField("流动党员", default=False)
    is_unreachable = models.BooleanField("失联党员", default=False)
    remarks = models.TextField("备注", blank=True)
    version = models.PositiveIntegerField("版本", default=1, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organization__path", "name_pinyin", "id"]
        indexes = [models.Index(fields=["organization", "status"], name="members_org_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(confirmed_on__gt=models.F("joined_on")),
                name="%(app_label)s_%(class)s_confirmed_after_joined",
                violation_error_message="转正日期必须晚于入党日期。",
            ),
            models.CheckConstraint(
                condition=~Q(status="full") | Q(confirmed_on__isnull=False),
                name="%(app_label)s_%(class)s_full_needs_confirmed_on",
                violation_error_message="正式党员须填写转正日期。",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:member_detail", args=[self.pk])

    @staticmethod
    def own_records_q(scope):
        """A 党员 sees their own record."""
        return Q(pk__in=scope.member_ids)

    def fill_derived_fields(self) -> None:
        """Pinyin and blind indexes follow the name, 身份证号 and phone: never typed twice."""
        self.name_pinyin, self.name_initials = name_pinyin(self.name)
        provider = crypto_provider()
        self.id_number = (self.id_number or "").strip().upper()
        self.id_number_index = provider.blind_index(self.id_number, "id_number")
        self.phone_index = provider.blind_index(self.phone, "phone") if self.phone else ""

    def clean(self):
        errors = {}
        if self.id_number and self.birth_date and id_number_birth_date(self.id_number) != self.birth_date:
            errors["birth_date"] = "出生日期与身份证号不一致。"
        if self.id_number and self.sex and id_number_sex(self.id_number) != self.sex:
            errors["sex"] = "性别与身份证号不一致。"
        if self.organization_id and not self.organization.holds_members:
            errors["organization"] = "党员只能编入党支部（含联合党支部、临时党支部）。"
        if (
            self.party_group_id
            and self.party_group.path[: -self.party_group.steplen] != self.organization.path
        ):
            errors["party_group"] = "所选党小组不属于该党员所在党支部。"
        if self.status in LEAVING_STATUSES and not self.status_changed_on:
            errors["status_changed_on"] = "请填写状态变更日期。"
        if self.joined_on and self.birth_date and self.joined_on < years_after(self.birth_date, 18):
            errors["joined_on"] = "入党时须年满18岁（发展党员工作细则第五条）。"
        if errors:
            raise ValidationError(errors)

    # Derived facts --------------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def age_on(self, day: date | None = None) -> int:
        day = day or timezone.localdate()
        return (
            day.year
            - self.birth_date.year
            - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))
        )

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone) if self.phone else ""

    def probation_overdue(self, today: date | None = None) -> bool:
        """预备期 is one year from the 支部大会 (entered as 入党日期); past it still 预备 is an error."""
        if self.status != MemberStatus.PROBATIONARY:
            return False
        return self.joined_on < years_before(today or timezone.localdate(), 1)


class PositionQuerySet(models.QuerySet):
    def current(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today)

    def committee(self):
        return self.filter(title__in=COMMITTEE_TITLES)

    def in_display_order(self):
        """书记 first, then 副书记, the 委员 by office, group leaders last."""
        rank = models.Case(
            *[models.When(title=title, then=index) for index, title in enumerate(PositionTitle)],
            output_field=models.IntegerField(),
        )
        return self.order_by(rank, "started_on")


class Position(TimeStampedModel):
    """A member's post in an organization's committee (书记、组织委员…) or as 党小组组长."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="positions"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="任职组织",
        on_delete=models.PROTECT,
        related_name="positions",
    )
    title = models.CharField("职务", max_length=24, choices=PositionTitle.choices)
    started_on = models.DateField("任职日期")
    ended_on = models.DateField("离任日期", null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        ordering = ["organization__path", "title", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
                violation_error_message="离任日期不能早于任职日期。",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_title_display()} {self.member}"


class Transfer(TimeStampedModel):
    """组织关系转接: a dated move of a member between organizations (or in/out of the system)."""

    member = models.ForeignKey(
        Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers"
    )
    kind = models.CharField("转接类型", max_length=10, choices=TransferKind.choices)
    from_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="转出组织",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    from_name = models.CharField("转出组织（系统外）", max_length=100, blank=True)
    to_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="转入组织",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    to_name = models.CharField("转入组织（系统外）", max_length=100, blank=True)
    transferred_on = models.DateField("转接日期")
    letter_number = models.CharField("介绍信编号", max_length=50, blank=True)
    reason = models.TextField("转接原因", blank=True)

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-transferred_on", "-id"]

    def __str__(self):
        source = self.from_organization or self.from_name or "—"
        target = self.to_organization or self.to_name or "—"
        return f"{self.member} {self.get_kind_display()}：{source} → {target}"


def register_personal_information() -> None:
    """身份证号 and phone enter the audit trail only masked."""
    from dangjian.audit.services import register_masked_field

    register_masked_field("members.member", "id_number", mask_id_number)
    register_masked_field("members.member", "phone", mask_phone)
    register_masked_field("members.member", "id_number_index", lambda v: "…")
    register_masked_field("members.member", "phone_index", lambda v: "…")
