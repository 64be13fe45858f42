"""Writes of organizational life: record an activity with its attendance, cancel it, rules, spot checks."""

import math
import random
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from dangjian.accounts.scope import get_scope, require
from dangjian.audit import services as audit
from dangjian.core.exceptions import StaleRecordError
from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.members.choices import ACTIVE_STATUSES, COMMITTEE_TITLES, LEAVING_STATUSES
from dangjian.members.models import Member, Position, Transfer
from dangjian.organizations.choices import OrganizationKind, UnitCategory
from dangjian.organizations.models import Organization

from .attachments import ActivityAttachment, inspect_upload, max_per_activity
from .choices import (
    PERIOD_MONTHS,
    AbsenceReason,
    AttachmentKind,
    AttendeeScope,
    MemberScope,
    Period,
    RuleMeasure,
    SpotCheckResult,
)
from .compliance import measures as compliance_measures
from .models import Activity, Attendance, Decision, Rule, SpotCheck
from .querysets import members_of

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


# The roster on a day -------------------------------------------------------------------------------


def roster_on(on: date):
    """Members who were in the Party and active on `on`, annotated with where they were then.

    The roster only stores the present, so the past is read back from the dated records: a member who
    left (出党、去世、转出…) after `on` was still there; a 组织关系转接 after `on` means the member was
    then in the transfer's `from_organization` (`branch_then`; None when they came from outside).
    """
    later = Transfer.objects.filter(member=OuterRef("pk"), transferred_on__gt=on).order_by(
        "transferred_on", "id"
    )
    return (
        Member.objects.filter(joined_on__lte=on)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(status__in=LEAVING_STATUSES, status_changed_on__gt=on))
        .annotate(moved_since=Exists(later), branch_then=Subquery(later.values("from_organization")[:1]))
    )


def expected_members(organization, activity_type, on: date):
    """Who is expected, from the roster on that day: the branch, the 党小组, or the committee."""
    scope = activity_type.attendee_scope
    members = roster_on(on)
    if scope == AttendeeScope.BRANCH:
        # The members registered in the organization's subtree: a branch's own, or for a 党总支 (or a
        # committee) those of all its branches.
        subtree = Organization.objects.filter(subtree_q(organization.path)).values("id")
        moved_away = Transfer.objects.filter(from_organization__in=subtree, transferred_on__gt=on)
        candidates = members.filter(Q(organization__in=subtree) | Q(pk__in=moved_away.values("member_id")))
        return candidates.filter(Q(moved_since=False, organization__in=subtree) | Q(branch_then__in=subtree))
    if scope == AttendeeScope.PARTY_GROUP:
        # Only the current group is stored: its members, if they were already in its branch then.
        return members.filter(party_group=organization).filter(
            Q(moved_since=False) | Q(branch_then=F("organization"))
        )
    if scope == AttendeeScope.COMMITTEE:
        posts = Position.objects.current(on).filter(organization=organization, title__in=COMMITTEE_TITLES)
        return members.filter(pk__in=posts.values("member_id"))
    return members.none()


def _absences(absent) -> dict[int, tuple[str, str]]:
    """{member id: (reason, note)} from {member id: reason} or {member id: (reason, note)}."""
    result = {}
    for member_id, value in (absent or {}).items():
        reason, note = (value, "") if value is None or isinstance(value, str) else value
        if reason not in AbsenceReason.values:
            raise ValidationError({"absent": "缺席须注明事由（病假、事假、公假、其他）。"})
        result[int(member_id)] = (reason, note or "")
    return result


def _refresh_counts(activity: Activity, also=()) -> None:
    """Store 应到/实到/出席率 from the attendance rows (called with the activity row locked)."""
    rows = list(activity.attendance.values_list("present", flat=True))
    activity.expected_count = len(rows)
    activity.present_count = sum(rows)
    activity.attendance_rate = (
        (Decimal(activity.present_count) / activity.expected_count).quantize(Decimal("0.0001"))
        if activity.expected_count
        else None
    )
    activity.save(update_fields=["expected_count", "present_count", "attendance_rate", "updated_at", *also])


def _lock(activity: Activity) -> Activity:
    """Reload `activity` holding its row lock: every write to an activity's attendance takes this lock
    first, so writers queue instead of racing (on SQLite the IMMEDIATE transaction does the same)."""
    activity.refresh_from_db(from_queryset=Activity.objects.select_for_update(of=("self",)))
    return activity


# Activities ----------------------------------------------------------------------------------------


@transaction.atomic
def do_record_activity(
    *, acting_user, absent: dict | None = None, decisions: list | None = None, attendee_ids=(), **fields
):
    """Record an activity; everyone expected is present unless listed in `absent` ({member_id: reason}
    or {member_id: (reason, note)}). `attendee_ids` names the participants of a type without a roster
    (谈心谈话)."""
    activity = Activity(**fields)
    if activity.organization_id is None:
        raise ValidationError({"organization": "请选择党组织。"})
    require(acting_user, activity.organization)
    activity.full_clean()
    if activity.held_on > timezone.localdate():
        raise ValidationError({"held_on": "活动日期不能晚于今天；未召开的活动请先打印签到表，会后再登记。"})
    activity_type = activity.activity_type
    if activity_type.attendee_scope == AttendeeScope.PARTY_GROUP:
        if activity.organization.kind != OrganizationKind.PARTY_GROUP:
            raise ValidationError({"organization": f"{activity_type.name}须登记在党小组下。"})
    absences = _absences(absent)
    expected = list(expected_members(activity.organization, activity_type, activity.held_on))
    if attendee_ids:
        if activity_type.attendee_scope != AttendeeScope.NAMED:
            raise ValidationError({"attendee_ids": f"{activity_type.name}的应到人员由名册生成。"})
        expected = _named_members(activity.organization, attendee_ids)
    if set(absences) - {m.pk for m in expected}:
        raise ValidationError({"absent": "缺席名单中有不属于应到人员的党员。"})
    activity.save()
    rows = [
        Attendance(
            activity=activity,
            member=m,
            present=m.pk not in absences,
            absence_reason=absences.get(m.pk, ("", ""))[0],
            absence_note=absences.get(m.pk, ("", ""))[1],
        )
        for m in expected
    ]
    Attendance.objects.bulk_create(rows)  # audit-exempt: the activity's create event below counts them
    for order, decision in enumerate(decisions or [], 1):
        item = Decision(activity=activity, order=order, **decision)
        item.full_clean()  # Decision.clean refuses impossible vote numbers
        item.save()
    _refresh_counts(activity)
    message = f"应到{activity.expected_count}人，实到{activity.present_count}人"
    audit.record_create(activity, acting_user=acting_user, message=message)
    return activity


def _named_members(organization, member_ids) -> list[Member]:
    """Active members of the organization's subtree with these ids (all of them, or refuse)."""
    ids = {int(pk) for pk in member_ids}
    members = list(
        Member.objects.active().filter(subtree_q(organization.path, "organization__path"), pk__in=ids)
    )
    if len(members) != len(ids):
        raise ValidationError({"attendee_ids": "参加人员须为本组织（含下级）的在册党员。"})
    return members


# What a correction may change. The organization, the type and the date decide who was expected and
# which rule period the activity counts for: a wrong one is put right by 作废 and recording again.
FIXED_ACTIVITY_FIELDS = ("organization", "activity_type", "held_on")
EDITABLE_ACTIVITY_FIELDS = [name for name in ACTIVITY_FIELDS if name not in FIXED_ACTIVITY_FIELDS]
FIXED_ACTIVITY_MESSAGE = "日期、类型或组织有误的，请作废后重新登记。"
DECISION_FIELDS = [
    "text",
    "voted",
    "eligible",
    "present_eligible",
    "votes_for",
    "votes_against",
    "abstentions",
    "written_for",
]


@transaction.atomic
def do_update_activity(
    activity: Activity, *, acting_user, version: int, decisions=None, **fields
) -> Activity:
    """修改: correct what was written up about an activity (times, place, host, theme, minutes…) and its
    decisions, all or nothing; refused if someone else saved the activity since `version`.

    `decisions` holds Decision fields per line: with an `id`, the fields given change that decision of
    this activity; without, a new decision is added after the others. Decisions are never deleted.
    """
    require(acting_user, activity.organization)
    fixed = [name for name in FIXED_ACTIVITY_FIELDS if name in fields]
    if fixed:
        raise ValidationError(dict.fromkeys(fixed, FIXED_ACTIVITY_MESSAGE))
    if set(fields) - set(EDITABLE_ACTIVITY_FIELDS):
        raise ValueError(f"fields not editable here: {sorted(set(fields) - set(EDITABLE_ACTIVITY_FIELDS))}")
    _lock(activity)
    if activity.is_cancelled:
        raise ValidationError("该活动已作废，不能修改。")
    if activity.version != version:
        raise StaleRecordError("该活动记录已被他人修改，请刷新页面后重新编辑。")
    before = audit.snapshot(activity)
    for name, value in fields.items():
        setattr(activity, name, value)
    _check_hosts(activity, before)
    activity.full_clean()
    edited, added = _update_decisions(activity, decisions or [], acting_user=acting_user)
    if audit.diff(before, audit.snapshot(activity)) or edited or added:
        activity.version += 1
        activity.save()
        summary = "；".join(
            text for count, text in ((edited, f"修改决议{edited}项"), (added, f"新增决议{added}项")) if count
        )
        audit.record_update(activity, before, acting_user=acting_user, message=summary)
    return activity


def _check_hosts(activity: Activity, before: dict) -> None:
    """A newly chosen host or recorder must be one the form would offer (members_of the organization);
    one chosen earlier who has since moved away stays."""
    for name in ("host", "recorder"):
        member_id = getattr(activity, f"{name}_id")
        if member_id is None or str(member_id) == before[name]:
            continue
        if not members_of(activity.organization).filter(pk=member_id).exists():
            raise ValidationError({name: "须为该党组织的党员。"})


def _update_decisions(activity: Activity, lines, *, acting_user) -> tuple[int, int]:
    """Apply the decision lines of `do_update_activity`; (how many changed, how many added)."""
    existing = {d.pk: d for d in activity.decisions.all()}
    seen, edited, added = set(), 0, 0
    order = max((d.order for d in existing.values()), default=0)
    where = f"活动：{activity}"
    for line in lines:
        line = dict(line)
        if set(line) - {"id", *DECISION_FIELDS}:
            raise ValueError(f"not decision fields: {sorted(set(line) - {'id', *DECISION_FIELDS})}")
        pk = line.pop("id", None)
        if pk is None:
            order += 1
            decision = Decision(activity=activity, order=order, **line)
            decision.full_clean()  # Decision.clean refuses impossible vote numbers
            decision.save()
            audit.record_create(decision, acting_user=acting_user, message=where)
            added += 1
            continue
        decision = existing.get(int(pk))
        if decision is None or decision.pk in seen:
            raise ValidationError({"decisions": "决议有误：不是本次活动的决议，或重复提交。"})
        seen.add(decision.pk)
        before = audit.snapshot(decision)
        for name, value in line.items():
            setattr(decision, name, value)
        decision.full_clean()
        if audit.diff(before, audit.snapshot(decision)):
            decision.save()
            audit.record_update(decision, before, acting_user=acting_user, message=where)
            edited += 1
    return edited, added


@transaction.atomic
def do_update_attendance(activity: Activity, *, absent: dict, acting_user, add_member_ids=()) -> Activity:
    """Set who was absent (with reasons); everyone else on the list is present. May add named attendees
    (a type without a roster, or someone the roster missed)."""
    require(acting_user, activity.organization)
    _lock(activity)
    if activity.is_cancelled:
        raise ValidationError("该活动已作废，不能修改出席情况。")
    absences = _absences(absent)
    before = audit.snapshot(activity)
    listed = set(activity.attendance.values_list("member_id", flat=True))
    new = [m for m in _named_members(activity.organization, add_member_ids) if m.pk not in listed]
    Attendance.objects.bulk_create(  # audit-exempt: summarised in the activity's update event below
        [Attendance(activity=activity, member=m) for m in new]
    )
    rows = list(activity.attendance.all())
    if set(absences) - {row.member_id for row in rows}:
        raise ValidationError({"absent": "缺席名单中有不在本次活动出席名单中的党员。"})
    changed = []
    for row in rows:
        reason, note = absences.get(row.member_id, ("", ""))
        if (row.present, row.absence_reason, row.absence_note) != (not reason, reason, note):
            row.present, row.absence_reason, row.absence_note = not reason, reason, note
            changed.append(row)
    fields = ["present", "absence_reason", "absence_note"]
    Attendance.objects.bulk_update(changed, fields)  # audit-exempt: summarised in the event below
    activity.version += 1
    _refresh_counts(activity, also=["version"])
    message = f"更新出席情况：应到{activity.expected_count}人，实到{activity.present_count}人"
    audit.record_update(activity, before, acting_user=acting_user, message=message)
    return activity


@transaction.atomic
def do_cancel_activity(activity: Activity, *, reason: str, acting_user) -> Activity:
    """作废: the record stays, stops counting toward every rule, and the verdicts change at once."""
    require(acting_user, activity.organization)
    if not reason.strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    _lock(activity)
    if activity.is_cancelled:
        raise ValidationError("该活动已作废。")
    before = audit.snapshot(activity)
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason
    activity.version += 1
    activity.save(update_fields=["cancelled_at", "cancel_reason", "version", "updated_at"])
    audit.record_update(activity, before, acting_user=acting_user, action="deactivate", message=reason)
    return activity


@transaction.atomic
def do_self_check_in(activity: Activity, member: Member) -> Attendance:
    """A member's own check-in through the host's short-lived link: once, however often it is hit.

    A convenience only (rules.md §10): it stamps `checked_in_at` and never changes what the secretary
    recorded (present, or absent with a reason), so no rate or rule depends on it. A member not on the
    list is added as present only if the roster of that day expects them (or, for a type without a
    roster, if they belong to the organization). Not audited: a voluntary click, not a record.
    """
    activity = Activity.objects.select_for_update(of=("self",)).get(pk=activity.pk)  # see _lock
    if activity.is_cancelled:
        raise ValidationError("该活动已作废，不能签到。")
    now = timezone.now()
    row = Attendance.objects.filter(activity=activity, member=member).first()
    if row is None:
        if not _may_join(activity, member):
            raise PermissionDenied("你不在本次活动的应到人员名单中。")
        row = Attendance.objects.create(activity=activity, member=member, present=True, checked_in_at=now)
        _refresh_counts(activity)
    elif row.checked_in_at is None:
        row.checked_in_at = now
        row.save(update_fields=["checked_in_at", "updated_at"])
    return row


def may_self_check_in(activity: Activity, member: Member) -> bool:
    """Whether `do_self_check_in` would take `member` (the check-in page asks before offering a button)."""
    return Attendance.objects.filter(activity=activity, member=member).exists() or _may_join(activity, member)


def _may_join(activity: Activity, member: Member) -> bool:
    activity_type = activity.activity_type
    if activity_type.attendee_scope == AttendeeScope.NAMED:
        return (
            member.is_active
            and member.organization.path.startswith(activity.organization.path)
            and member.joined_on <= activity.held_on
        )
    return (
        expected_members(activity.organization, activity_type, activity.held_on).filter(pk=member.pk).exists()
    )


# Rules ---------------------------------------------------------------------------------------------


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
    _check_rule_fields(rule)
    for above in _rules_above(rule):
        if _loosens(rule, above):
            raise ValidationError(
                f"不得低于上级规定：{above.name}（{above.source}）。本级制度只能在上级规定基础上从严。"
            )
    rule.save()
    audit.record_create(rule, acting_user=acting_user)
    return rule


# A fixed day's tolerance: beyond it the windows of two months' fixed days would nearly touch.
MAX_TOLERANCE_DAYS = 10


def _check_rule_fields(rule: Rule) -> None:
    """What the JSON fields and dates cannot say for themselves."""
    kinds = rule.organization_kinds
    if not kinds or not isinstance(kinds, list) or not set(kinds) <= set(OrganizationKind.values):
        raise ValidationError({"organization_kinds": "适用组织类别有误。"})
    categories = rule.unit_categories or []
    if not isinstance(categories, list) or not set(categories) <= set(UnitCategory.values):
        raise ValidationError({"unit_categories": "适用单位类别有误。"})
    if rule.valid_to is not None and rule.valid_to < rule.valid_from:
        raise ValidationError({"valid_to": "废止日期不能早于施行日期。"})
    if rule.tolerance_days and not rule.fixed_day:
        raise ValidationError({"tolerance_days": "未设定固定日时不能设置允许偏差。"})
    if rule.tolerance_days > MAX_TOLERANCE_DAYS:
        raise ValidationError({"tolerance_days": f"固定日允许偏差不能超过{MAX_TOLERANCE_DAYS}天。"})
    if rule.measure != RuleMeasure.ACTIVITIES:
        if rule.fixed_day or rule.min_attendance_rate is not None:
            raise ValidationError({"measure": "按每名党员计量的制度不能设置固定日或最低出席率。"})
        if rule.measure not in compliance_measures():
            raise ValidationError({"measure": "该计量方式尚未启用（相应的学习模块未安装）。"})
    elif rule.member_scope != MemberScope.ALL:
        raise ValidationError({"member_scope": "只有按每名党员计量的制度才能限定适用党员。"})


def _loosens(rule: Rule, above: Rule) -> bool:
    """Lower yearly frequency, a lower (or no) attendance minimum, or a fixed-day window that is not
    inside the one above."""
    if period_per_year(rule) < period_per_year(above):
        return True
    if above.min_attendance_rate is not None and (
        rule.min_attendance_rate is None or rule.min_attendance_rate < above.min_attendance_rate
    ):
        return True
    if above.fixed_day:
        if not rule.fixed_day:
            return True
        low, high = rule.fixed_day - rule.tolerance_days, rule.fixed_day + rule.tolerance_days
        if low < above.fixed_day - above.tolerance_days or high > above.fixed_day + above.tolerance_days:
            return True
    return False


def _rules_above(rule: Rule) -> list[Rule]:
    """Active rules of the same activity type and measure (and, for a per-member quota, the same members)
    set above the owner (or national) that can apply to the
    same organizations at the same time: overlapping kinds, unit categories and validity."""
    ancestors = ancestor_paths(rule.owner.path) if rule.owner else []
    above = Rule.objects.filter(
        activity_type=rule.activity_type,
        measure=rule.measure,
        member_scope=rule.member_scope,
        is_active=True,
    ).filter(Q(owner__isnull=True) | Q(owner__path__in=ancestors))
    if rule.owner is None:
        above = above.exclude(pk=rule.pk)
    above = above.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=rule.valid_from))
    if rule.valid_to is not None:
        above = above.filter(valid_from__lte=rule.valid_to)
    mine = set(rule.unit_categories or [])
    return [
        r
        for r in above
        if set(r.organization_kinds) & set(rule.organization_kinds)
        and (not mine or not r.unit_categories or mine & set(r.unit_categories))
    ]


# Spot checks ---------------------------------------------------------------------------------------


def draw_sample(
    root,
    *,
    first: date,
    last: date,
    seed: str,
    size: int | None = None,
    rate: float | None = None,
    activity_types=(),
) -> list[Activity]:
    """A reproducible random sample of activities in the subtree, stratified by organization.

    Give `size` (a count) or `rate` (a share, rounded up). Every organization with activities gets one
    pick before any gets a second. The same seed over the same records gives the same sample (the seed
    is stored with each check, so the draw can be shown to be random after the fact).
    """
    if (size is None) == (rate is None):
        raise ValueError("draw_sample needs exactly one of size and rate")
    activities = (
        Activity.objects.current()
        .filter(subtree_q(root.path, "organization__path"), held_on__gte=first, held_on__lte=last)
        .select_related("organization", "activity_type")
        .order_by("organization__path", "held_on", "id")
    )
    if activity_types:
        activities = activities.filter(activity_type__in=activity_types)
    by_org: dict[int, list[Activity]] = {}
    for activity in activities:
        by_org.setdefault(activity.organization_id, []).append(activity)
    if rate is not None:
        size = math.ceil(rate * sum(len(stratum) for stratum in by_org.values()))
    rng = random.Random(seed)  # noqa: S311 - reproducibility, not secrecy
    strata = list(by_org.values())
    rng.shuffle(strata)
    sample = []
    while len(sample) < size and any(strata):
        for stratum in strata:
            if stratum and len(sample) < size:
                sample.append(stratum.pop(rng.randrange(len(stratum))))
    return sample


def checks_from_above(user, organization) -> bool:
    """True when `user` holds manage_tree on a committee strictly above `organization`, extended to it.

    A branch does not check itself (包片领导随机抽查 is a check by the level above).
    """
    granted = get_scope(user).paths.get("manage_tree", [])
    above = set(ancestor_paths(organization.path))
    return any(descendants and path in above for path, descendants in granted)


@transaction.atomic
def do_record_spot_check(
    activity: Activity, *, result: str, comment: str, acting_user, seed: str = ""
) -> SpotCheck:
    """合格/不合格 for one activity; a failed one stops counting toward its rule."""
    if not checks_from_above(acting_user, activity.organization):
        raise PermissionDenied("只有上级党组织可以抽查。")
    if activity.is_cancelled:
        raise ValidationError("该活动已作废，无需抽查。")
    if result == SpotCheckResult.FAILED and not comment.strip():
        raise ValidationError({"comment": "判定不合格须写明意见。"})
    check = SpotCheck(
        activity=activity, result=result, comment=comment, checked_by=acting_user, sample_seed=seed
    )
    check.full_clean()
    check.save()
    audit.record_create(check, acting_user=acting_user)
    return check


# Attachments ---------------------------------------------------------------------------------------


def _inspect_uploads(activity: Activity, files) -> list:
    """(upload, facts) for each file, or a ValidationError naming every refused file at once."""
    if not files:
        raise ValidationError({"files": "请选择要上传的文件。"})
    current = {a.sha256: a.original_name for a in activity.attachments.current()}
    limit = max_per_activity()
    if len(current) + len(files) > limit:
        raise ValidationError(
            {
                "files": f"每次活动最多保留 {limit} 个附件：已有 {len(current)} 个，"
                f"本次选择了 {len(files)} 个。"
            }
        )
    checked, problems = [], []
    for upload in files:
        facts = inspect_upload(upload)
        if not facts.problem and facts.sha256 in current:
            other = current[facts.sha256]
            facts = replace(facts, problem=f"附件“{facts.original_name}”与已有的附件“{other}”内容相同。")
        if facts.problem:
            problems.append(facts.problem)
        else:
            current[facts.sha256] = facts.original_name
            checked.append((upload, facts))
    if problems:
        raise ValidationError({"files": problems})
    return checked


@transaction.atomic
def do_add_attachments(activity: Activity, files, *, kind: str, acting_user) -> list[ActivityAttachment]:
    """Attach files to an activity: all of them, or none and every refused file named.

    Optional evidence (rules.md §10): nothing that counts reads attachments. Every file is checked
    (type by its first bytes, size, the activity's count) before the first one is stored.
    """
    require(acting_user, activity.organization)
    _lock(activity)
    if activity.is_cancelled:
        raise ValidationError("该活动已作废，不能上传附件。")
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": "请选择附件类别。"})
    checked = _inspect_uploads(activity, list(files))
    uploader = acting_user if getattr(acting_user, "is_authenticated", False) else None
    stored = []
    try:
        for upload, facts in checked:
            attachment = ActivityAttachment(
                activity=activity,
                kind=kind,
                file=upload,
                original_name=facts.original_name,
                content_type=facts.content_type,
                size=facts.size,
                sha256=facts.sha256,
                uploaded_by=uploader,
            )
            attachment.full_clean()
            attachment.save()  # stores the file under a random name (attachments.attachment_path)
            stored.append(attachment)
            audit.record_create(attachment, acting_user=acting_user, message=f"活动：{activity}")
    except BaseException:
        # The rows roll back with the transaction; the files of this batch must not outlive them.
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return stored


@transaction.atomic
def do_remove_attachment(attachment: ActivityAttachment, *, reason: str, acting_user) -> ActivityAttachment:
    """移除: the attachment stops being listed and offered for download; the row and the file stay, with
    who removed it, when and why."""
    require(acting_user, attachment.activity.organization)
    if not reason.strip():
        raise ValidationError({"reason": "请填写移除原因。"})
    if attachment.activity.is_cancelled:
        raise ValidationError("该活动已作废，不能修改附件。")
    attachment = ActivityAttachment.objects.select_for_update(of=("self",)).get(pk=attachment.pk)
    if attachment.is_removed:
        raise ValidationError("该附件已移除。")
    before = audit.snapshot(attachment)
    attachment.removed_at = timezone.now()
    attachment.removed_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
    attachment.remove_reason = reason.strip()
    attachment.full_clean()
    attachment.save(update_fields=["removed_at", "removed_by", "remove_reason"])
    audit.record_update(attachment, before, acting_user=acting_user, action="deactivate", message=reason)
    return attachment
