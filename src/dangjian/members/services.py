"""Writes to the roster. Each is one transaction that writes its own audit rows."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.audit.choices import AuditAction
from dangjian.core.exceptions import StaleRecordError
from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .choices import LEAVING_STATUSES, MemberStatus, TransferKind
from .models import Member, Position, Transfer

EDITABLE_FIELDS = [
    # In the order the roster form shows them.
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "id_number",
    "native_place",
    "education",
    "category",
    "job_title",
    "phone",
    "organization",
    "party_group",
    "joined_on",
    "confirmed_on",
    "status",
    "is_mobile",
    "is_unreachable",
    "remarks",
]


def _check_unique_id_number(member: Member) -> None:
    clash = Member.objects.filter(id_number_index=member.id_number_index).exclude(pk=member.pk).first()
    if clash is not None:
        raise ValidationError({"id_number": "该身份证号已登记在党员名册中。"})


@transaction.atomic
def do_create_member(
    *, acting_user, transferred_in_from: str = "", transferred_in_on: date | None = None, **fields
) -> Member:
    """Add a member to a branch's roster; with `transferred_in_from`, also record the 组织关系转入."""
    member = Member(**fields)
    require(acting_user, member.organization)
    member.fill_derived_fields()
    _check_unique_id_number(member)
    member.full_clean()
    member.save()
    audit.record_create(member, acting_user=acting_user)
    if transferred_in_from.strip():
        transfer = Transfer(
            member=member,
            kind=TransferKind.IN,
            from_name=transferred_in_from.strip(),
            to_organization=member.organization,
            transferred_on=transferred_in_on or timezone.localdate(),
        )
        transfer.full_clean()
        transfer.save()
        audit.record_create(transfer, acting_user=acting_user)
    return member


@transaction.atomic
def do_update_member(member: Member, *, acting_user, expected_version: int | None = None, **fields) -> Member:
    """Change roster fields; refuses if someone else saved the record since `expected_version`."""
    require(acting_user, member.organization)
    current = Member.objects.select_for_update().get(pk=member.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleRecordError("该党员信息已被他人修改，请刷新页面后重新编辑。")
    before = audit.snapshot(current)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"field {name} is not editable here")
        setattr(current, name, value)
    if "organization" in fields:
        require(acting_user, current.organization)
    current.fill_derived_fields()
    _check_unique_id_number(current)
    current.full_clean()
    current.version += 1
    current.save()
    audit.record_update(current, before, acting_user=acting_user)
    return current


@transaction.atomic
def do_change_member_status(
    member: Member, *, status: str, changed_on: date, reason: str, acting_user
) -> Member:
    """出党、停止党籍、去世 (and restoring): a status with a date and a reason; the record stays."""
    require(acting_user, member.organization)
    if status in LEAVING_STATUSES and not reason.strip():
        raise ValidationError({"reason": "请填写状态变更原因。"})
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "状态变更日期不能晚于今天。"})
    before = audit.snapshot(member)
    member.status = status
    member.status_changed_on = changed_on
    member.status_reason = reason
    member.full_clean()
    member.version += 1
    member.save()
    action = AuditAction.DEACTIVATE if status in LEAVING_STATUSES else AuditAction.UPDATE
    audit.record_update(member, before, acting_user=acting_user, action=action, message=reason)
    return member


@dataclass
class TransferMember:
    """组织关系转接 of one member: within the system (internal), in from outside, or out of it."""

    member: Member
    acting_user: object
    transferred_on: date
    to_organization: Organization | None = None
    to_name: str = ""
    letter_number: str = ""
    reason: str = ""

    def check(self) -> None:
        require(self.acting_user, self.member.organization)
        if not self.member.is_active:
            raise ValidationError("只有正式党员或预备党员可以转接组织关系。")
        if self.to_organization is None and not self.to_name.strip():
            raise ValidationError({"to_name": "请选择转入的党组织，或填写系统外的转入单位。"})
        if self.to_organization is not None:
            if not self.to_organization.holds_members:
                raise ValidationError({"to_organization": "组织关系只能转入党支部。"})
            if self.to_organization.pk == self.member.organization_id:
                raise ValidationError({"to_organization": "转入组织与当前所在组织相同。"})
        if self.transferred_on > timezone.localdate():
            raise ValidationError({"transferred_on": "转接日期不能晚于今天。"})

    def _end_posts_left_behind(self) -> None:
        """Posts in the old branch (and its 党小组) end on the transfer date."""
        old_branch = self.member.organization
        for position in self.member.positions.current().filter(
            subtree_q(old_branch.path, "organization__path")
        ):
            before = audit.snapshot(position)
            position.ended_on = self.transferred_on
            position.save(update_fields=["ended_on", "updated_at"])
            audit.record_update(
                position, before, acting_user=self.acting_user, message="组织关系转接，职务随之免去"
            )

    @transaction.atomic
    def execute(self) -> Transfer:
        self.check()
        member = self.member
        before = audit.snapshot(member)
        transfer = Transfer(
            member=member,
            kind=TransferKind.INTERNAL if self.to_organization else TransferKind.OUT,
            from_organization=member.organization,
            to_organization=self.to_organization,
            to_name=self.to_name,
            transferred_on=self.transferred_on,
            letter_number=self.letter_number,
            reason=self.reason,
        )
        transfer.full_clean()
        transfer.save()
        self._end_posts_left_behind()
        if self.to_organization is not None:
            member.organization = self.to_organization
            member.party_group = None
        else:
            member.status = MemberStatus.TRANSFERRED_OUT
            member.status_changed_on = self.transferred_on
            member.status_reason = f"组织关系转往{self.to_name}"
        member.version += 1
        member.save()
        audit.record_update(
            member, before, acting_user=self.acting_user, action=AuditAction.TRANSFER, message=str(transfer)
        )
        return transfer


@transaction.atomic
def do_assign_position(
    *, member: Member, organization: Organization, title: str, started_on: date, acting_user
) -> Position:
    """Give a member a post (书记、组织委员…) in an organization's committee."""
    require(acting_user, organization)
    if not member.is_active:
        raise ValidationError("只有正式党员或预备党员可以任职。")
    position = Position(member=member, organization=organization, title=title, started_on=started_on)
    position.full_clean()
    position.save()
    audit.record_create(position, acting_user=acting_user)
    return position


@transaction.atomic
def do_end_position(position: Position, *, ended_on: date, acting_user) -> Position:
    require(acting_user, position.organization)
    before = audit.snapshot(position)
    position.ended_on = ended_on
    position.full_clean()
    position.save()
    audit.record_update(position, before, acting_user=acting_user)
    return position
