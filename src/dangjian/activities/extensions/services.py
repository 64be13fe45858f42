"""Writes of the extensions: publish a theme, prepare a life meeting, read a notification.

Each domain write is one transaction that checks the acting user's scope, validates, saves and writes its
own audit row. `acting_user=None` is an operator at the command line.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.activities.models import Activity, ActivityType
from dangjian.audit import services as audit
from dangjian.members.choices import COMMITTEE_TITLES
from dangjian.members.models import Member, Position

from .choices import LIFE_MEETING_TYPES, RectificationStatus
from .notifications import Notification
from .preparation import LifeMeetingPreparation, Opinion, RectificationItem, SelfExamination
from .themes import ThemeNotice

THEME_FIELDS = ["organization", "month", "title", "document_number", "content"]
PREPARATION_FIELDS = ["organization", "activity_type", "year", "topic", "started_on", "planned_on"]
OPINION_FIELDS = ["source", "text", "collected_on"]
SELF_EXAMINATION_FIELDS = ["member", "study_and_work", "problems_and_causes", "measures"]
RECTIFICATION_FIELDS = ["problem", "measure", "owner", "deadline"]


# 主题党日 themes ---------------------------------------------------------------------------------------
@transaction.atomic
def do_publish_theme_notice(*, acting_user, organization, month: date, **fields) -> ThemeNotice:
    """A committee publishes the theme of a month's 主题党日 for the branches below it."""
    require(acting_user, organization, "manage_tree")
    notice = ThemeNotice(organization=organization, month=month, published_at=timezone.now(), **fields)
    notice.full_clean()
    notice.save()
    audit.record_create(notice, acting_user=acting_user)
    return notice


@transaction.atomic
def do_update_theme_notice(notice: ThemeNotice, *, acting_user, **fields) -> ThemeNotice:
    """Correct a published theme (a typo, the document number); the month and publisher stay."""
    require(acting_user, notice.organization, "manage_tree")
    current = ThemeNotice.objects.select_for_update().get(pk=notice.pk)
    before = audit.snapshot(current)
    for name, value in fields.items():
        if name not in ("title", "document_number", "content"):
            raise ValueError(f"field {name} is not editable here")
        setattr(current, name, value)
    current.full_clean()
    current.save()
    audit.record_update(current, before, acting_user=acting_user)
    return current


# Life meetings: preparation -----------------------------------------------------------------------
@transaction.atomic
def do_create_preparation(*, acting_user, organization, activity_type, **fields) -> LifeMeetingPreparation:
    """Start preparing a 组织生活会 (branch) or 民主生活会 (committee)."""
    require(acting_user, organization)
    fields.setdefault("started_on", timezone.localdate())
    fields.setdefault("year", fields["started_on"].year)
    preparation = LifeMeetingPreparation(organization=organization, activity_type=activity_type, **fields)
    preparation.full_clean()
    preparation.save()
    audit.record_create(preparation, acting_user=acting_user)
    return preparation


def _add_item(item, *, acting_user):
    item.full_clean()
    item.save()
    audit.record_create(item, acting_user=acting_user, message=f"生活会筹备：{item.preparation}")
    return item


@transaction.atomic
def do_record_opinion(preparation: LifeMeetingPreparation, *, acting_user, **fields) -> Opinion:
    """An opinion collected before the meeting (征求意见), from members, the public or the level above."""
    require(acting_user, preparation.organization)
    return _add_item(Opinion(preparation=preparation, **fields), acting_user=acting_user)


def participants(preparation: LifeMeetingPreparation):
    """Who takes part: the committee's current members for a 民主生活会, else the branch's (or 党小组's)
    members on the roster."""
    members = Member.objects.active()
    organization = preparation.organization
    if preparation.is_leadership:
        posts = Position.objects.current().filter(organization=organization, title__in=COMMITTEE_TITLES)
        return members.filter(pk__in=posts.values("member_id"))
    if organization.kind == "party_group":
        return members.filter(party_group=organization)
    return members.filter(organization=organization)


@transaction.atomic
def do_record_self_examination(
    preparation: LifeMeetingPreparation, *, acting_user, member: Member, **fields
) -> SelfExamination:
    """One participant's self-examination outline (学习工作情况、存在问题和原因、整改措施)."""
    require(acting_user, preparation.organization)
    if not participants(preparation).filter(pk=member.pk).exists():
        raise ValidationError({"member": f"{member.name}不是本次会议的参会党员。"})
    item = SelfExamination(preparation=preparation, member=member, **fields)
    return _add_item(item, acting_user=acting_user)


@transaction.atomic
def do_add_rectification_item(
    preparation: LifeMeetingPreparation, *, acting_user, owner: Member, deadline: date, **fields
) -> RectificationItem:
    """A line of the rectification list: the problem, the measure, who answers for it, by when."""
    require(acting_user, preparation.organization)
    if not Member.objects.active().in_subtree(preparation.organization).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": "责任人须为本组织的党员。"})
    if deadline < preparation.started_on:
        raise ValidationError({"deadline": "整改时限不能早于筹备开始日期。"})
    item = RectificationItem(preparation=preparation, owner=owner, deadline=deadline, **fields)
    return _add_item(item, acting_user=acting_user)


@transaction.atomic
def do_complete_rectification_item(
    item: RectificationItem, *, acting_user, completed_on: date | None = None
) -> RectificationItem:
    """销号: the item is done, on a day not after today."""
    require(acting_user, item.preparation.organization)
    completed_on = completed_on or timezone.localdate()
    if item.status == RectificationStatus.DONE:
        raise ValidationError("该整改事项已完成。")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "完成日期不能晚于今天。"})
    before = audit.snapshot(item)
    item.status, item.completed_on = RectificationStatus.DONE, completed_on
    item.full_clean()
    item.save(update_fields=["status", "completed_on", "updated_at"])
    audit.record_update(item, before, acting_user=acting_user, message="整改完成")
    return item


def linkable_activities(preparation: LifeMeetingPreparation):
    """Recorded meetings the preparation could be linked to: same organization and type, not cancelled,
    not linked already, held since the preparation started."""
    return (
        Activity.objects.current()
        .filter(
            organization=preparation.organization_id,
            activity_type=preparation.activity_type_id,
            held_on__gte=preparation.started_on,
            preparation__isnull=True,
        )
        .order_by("-held_on")
    )


@transaction.atomic
def do_link_life_meeting(
    preparation: LifeMeetingPreparation, activity: Activity, *, acting_user
) -> LifeMeetingPreparation:
    """Link the preparation to the meeting's record once the meeting is held and recorded."""
    require(acting_user, preparation.organization)
    if not linkable_activities(preparation).filter(pk=activity.pk).exists():
        raise ValidationError(
            {"activity": "只能关联本组织在筹备开始后召开、尚未关联的同类会议记录（已作废的除外）。"}
        )
    before = audit.snapshot(preparation)
    preparation.activity = activity
    preparation.full_clean()
    preparation.save(update_fields=["activity", "updated_at"])
    audit.record_update(preparation, before, acting_user=acting_user, message="关联会议记录")
    return preparation


def life_meeting_types():
    return ActivityType.objects.filter(code__in=LIFE_MEETING_TYPES, is_active=True)


# Notifications ------------------------------------------------------------------------------------
def do_mark_notification_read(notification: Notification, *, acting_user) -> Notification:
    """The owner marks a notification read (personal reading state: not a domain record, not audited)."""
    if notification.user_id != getattr(acting_user, "pk", None):
        raise PermissionDenied("只能标记本人的通知。")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
