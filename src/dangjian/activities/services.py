"""Writes of organizational life: record an activity with its attendance, cancel it, rules, spot checks."""

import random
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core.tree import subtree_q
from dangjian.members.choices import COMMITTEE_TITLES
from dangjian.members.models import Member, Position

from .choices import PERIOD_MONTHS, AttendeeScope, Period, SpotCheckResult
from .models import Activity, Attendance, Decision, Rule, SpotCheck

ACTIVITY_FIELDS = [
    "organization",
    "activity_type",
    "held_on",
    "start_time",
    "end_time",
    "place",
    "host",
    "recorder",
    "theme",
    "agenda",
    "minutes",
    "notice",
]


def require(user, organization, action="change") -> None:
    """Refuse unless `user` holds `action` on `organization`; None = an operator at the command line."""
    if user is not None and not get_scope(user).covers(organization.path, action):
        raise PermissionDenied("无权在该党组织执行此操作。")


def expected_members(organization, activity_type, on: date):
    """Who is expected, from the roster on that day: the branch, the 党小组, or the committee."""
    scope = activity_type.attendee_scope
    members = Member.objects.active().filter(joined_on__lte=on)
    if scope == AttendeeScope.PARTY_GROUP:
        return members.filter(party_group=organization)
    if scope == AttendeeScope.COMMITTEE:
        posts = Position.objects.current(on).filter(organization=organization, title__in=COMMITTEE_TITLES)
        return members.filter(pk__in=posts.values("member_id"))
    if scope == AttendeeScope.BRANCH:
        return members.filter(organization=organization)
    return members.none()


def _refresh_counts(activity: Activity) -> None:
    rows = list(activity.attendance.values_list("present", flat=True))
    activity.expected_count = len(rows)
    activity.present_count = sum(rows)
    activity.attendance_rate = (
        (Decimal(activity.present_count) / activity.expected_count).quantize(Decimal("0.0001"))
        if activity.expected_count
        else None
    )
    activity.save(update_fields=["expected_count", "present_count", "attendance_rate", "updated_at"])


@transaction.atomic
def do_record_activity(*, acting_user, absent: dict | None = None, decisions: list | None = None, **fields):
    """Record an activity; everyone expected is present unless listed in `absent` ({member_id: reason})."""
    activity = Activity(**fields)
    require(acting_user, activity.organization)
    if activity.held_on > timezone.localdate():
        raise ValidationError({"held_on": "活动日期不能晚于今天；未召开的活动请先打印签到表，会后再登记。"})
    activity.full_clean()
    activity.save()
    absent = absent or {}
    expected = list(expected_members(activity.organization, activity.activity_type, activity.held_on))
    unknown = set(absent) - {m.pk for m in expected}
    if unknown:
        raise ValidationError({"absent": "缺席名单中有不属于应到人员的党员。"})
    Attendance.objects.bulk_create(
        [
            Attendance(
                activity=activity, member=m, present=m.pk not in absent, absence_reason=absent.get(m.pk, "")
            )
            for m in expected
        ]
    )
    for order, decision in enumerate(decisions or [], 1):
        item = Decision(activity=activity, order=order, **decision)
        item.full_clean()
        item.save()
    _refresh_counts(activity)
    audit.record_create(activity, acting_user=acting_user)
    return activity


@transaction.atomic
def do_update_attendance(activity: Activity, *, absent: dict, acting_user, add_member_ids=()) -> Activity:
    """Set who was absent (with reasons); everyone else on the list is present. May add named attendees."""
    require(acting_user, activity.organization)
    before = audit.snapshot(activity)
    for member_id in add_member_ids:
        Attendance.objects.get_or_create(activity=activity, member_id=member_id)
    rows = list(activity.attendance.select_for_update())
    for row in rows:
        reason = absent.get(row.member_id, "")
        row.present, row.absence_reason = not reason, reason
        row.full_clean()
    Attendance.objects.bulk_update(rows, ["present", "absence_reason"])  # audit-exempt: summarised below
    _refresh_counts(activity)
    audit.record_update(activity, before, acting_user=acting_user, message="更新出席情况")
    return activity


@transaction.atomic
def do_cancel_activity(activity: Activity, *, reason: str, acting_user) -> Activity:
    """作废: the record stays, stops counting toward every rule, and the verdicts change at once."""
    require(acting_user, activity.organization)
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    before = audit.snapshot(activity)
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason
    activity.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit.record_update(activity, before, acting_user=acting_user, action="deactivate", message=reason)
    return activity


def do_self_check_in(activity: Activity, member: Member) -> Attendance:
    """A member's own check-in through the host's short-lived link: once, however often it is hit.

    A convenience only: the secretary's record is what counts, and no rule or score reads `checked_in_at`.
    """
    now = timezone.now()
    updated = Attendance.objects.filter(  # audit-exempt: the member's own voluntary check-in
        activity=activity, member=member, checked_in_at__isnull=True
    ).update(checked_in_at=now, present=True, absence_reason="")
    if not updated:
        try:
            with transaction.atomic():
                Attendance.objects.create(activity=activity, member=member, present=True, checked_in_at=now)
        except IntegrityError:
            pass  # already on the list and checked in: nothing to do
    with transaction.atomic():
        _refresh_counts(Activity.objects.select_for_update().get(pk=activity.pk))
    return Attendance.objects.get(activity=activity, member=member)


def period_per_year(rule_like) -> float:
    """How many times a year a rule asks for (to compare rules of different periods)."""
    return rule_like.min_count * 12 / PERIOD_MONTHS[Period(rule_like.period)]


@transaction.atomic
def do_create_rule(*, acting_user, owner, **fields) -> Rule:
    """A local rule for `owner`'s subtree. It may tighten the rules above, never loosen them."""
    if owner is None and acting_user is not None:
        raise PermissionDenied("全国通用规定只能由系统初始化。")
    if owner is not None:
        require(acting_user, owner, "manage_tree")
    rule = Rule(owner=owner, created_by=acting_user, **fields)
    rule.full_clean()
    for above in _rules_above(rule):
        if period_per_year(rule) < period_per_year(above) or (
            above.min_attendance_rate is not None
            and (rule.min_attendance_rate is None or rule.min_attendance_rate < above.min_attendance_rate)
        ):
            raise ValidationError(
                f"不得低于上级规定：{above.name}（{above.source}）。本级制度只能在上级规定基础上从严。"
            )
    rule.save()
    audit.record_create(rule, acting_user=acting_user)
    return rule


def _rules_above(rule: Rule):
    """Rules of the same activity type set above the owner (or national), overlapping in kinds."""
    owner_path = rule.owner.path if rule.owner else ""
    ancestors = [owner_path[:end] for end in range(4, len(owner_path), 4)]
    above = Rule.objects.filter(activity_type=rule.activity_type, is_active=True).filter(
        Q(owner__isnull=True) | Q(owner__path__in=ancestors)
    )
    return [r for r in above if set(r.organization_kinds) & set(rule.organization_kinds)]


def draw_sample(root, *, first: date, last: date, size: int, seed: str, activity_types=()) -> list[Activity]:
    """A reproducible random sample of activities in the subtree, stratified by organization.

    The same seed over the same records gives the same sample (the seed is stored with each check).
    """
    activities = (
        Activity.objects.current()
        .filter(subtree_q(root.path, "organization__path"), held_on__gte=first, held_on__lte=last)
        .order_by("organization__path", "held_on", "id")
    )
    if activity_types:
        activities = activities.filter(activity_type__in=activity_types)
    by_org: dict[int, list[Activity]] = {}
    for activity in activities:
        by_org.setdefault(activity.organization_id, []).append(activity)
    rng = random.Random(seed)  # noqa: S311 - reproducibility, not secrecy
    strata = list(by_org.values())
    rng.shuffle(strata)
    sample = []
    while len(sample) < size and any(strata):
        for stratum in strata:
            if stratum and len(sample) < size:
                sample.append(stratum.pop(rng.randrange(len(stratum))))
    return sample


@transaction.atomic
def do_record_spot_check(
    activity: Activity, *, result: str, comment: str, acting_user, seed: str = ""
) -> SpotCheck:
    """合格/不合格 for one activity; a failed one stops counting toward its rule."""
    scope = get_scope(acting_user)
    # The checker is a committee above the branch, not the branch itself.
    if not scope.covers(activity.organization.path, "manage_tree"):
        raise PermissionDenied("只有上级党组织可以抽查。")
    if result == SpotCheckResult.FAILED and not comment.strip():
        raise ValidationError({"comment": "判定不合格须写明意见。"})
    check = SpotCheck(
        activity=activity, result=result, comment=comment, checked_by=acting_user, sample_seed=seed
    )
    check.full_clean()
    check.save()
    audit.record_create(check, acting_user=acting_user)
    return check
