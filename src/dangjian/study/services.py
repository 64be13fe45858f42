"""Writes of the study app: plans and items, completions, courses, notes and reviews, the points switch.

Every write checks scope (`accounts.scope.require`, or the member's own record), runs `full_clean()`,
and writes the audit trail in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.scope import get_scope, require
from dangjian.audit import services as audit
from dangjian.core.tree import subtree_q
from dangjian.core.uploads import UploadRejected
from dangjian.members.models import Member

from .choices import CompletionMethod
from .models import (
    Course,
    CourseSession,
    Enrollment,
    Note,
    NoteReview,
    PointsSetting,
    SessionAttendance,
    StudyCompletion,
    StudyItem,
    StudyPlan,
)
from .progress import assigned_items
from .texts import MAX_NOTE_CHARS, char_count, extract_text

STUDY_SESSION = "study_session"


def _validated(obj):
    obj.full_clean()
    return obj


def acts_for(user, member) -> bool:
    """Whether `user` may write the study records of `member`: their own, or the branch's editor."""
    if user is None:
        return True
    scope = get_scope(user)
    return member.pk in scope.member_ids or scope.covers(member.organization.path, "change")


# Plans and items -----------------------------------------------------------------------------------
@transaction.atomic
def do_create_plan(*, acting_user, organization, **fields) -> StudyPlan:
    require(acting_user, organization)
    plan = _validated(StudyPlan(organization=organization, **fields))
    plan.save()
    audit.record_create(plan, acting_user=acting_user)
    return plan


@transaction.atomic
def do_publish_plan(plan: StudyPlan, *, acting_user) -> StudyPlan:
    """发布: from now on the plan's items are assigned to the members below its owner."""
    require(acting_user, plan.organization)
    if plan.published:
        return plan
    if not plan.items.exists():
        raise ValidationError("学习计划还没有篇目，不能发布。")
    before = audit.snapshot(plan)
    plan.published, plan.published_at = True, timezone.now()
    plan.save(update_fields=["published", "published_at", "updated_at"])
    audit.record_update(plan, before, acting_user=acting_user, message="发布学习计划")
    return plan


@transaction.atomic
def do_add_item(plan: StudyPlan, *, acting_user, **fields) -> StudyItem:
    require(acting_user, plan.organization)
    if "order" not in fields:
        fields["order"] = plan.items.count() + 1
    item = _validated(StudyItem(plan=plan, **fields))
    item.save()
    audit.record_create(item, acting_user=acting_user)
    return item


# Completions ---------------------------------------------------------------------------------------
def _check_session(activity, member: Member) -> None:
    if activity.activity_type.code != STUDY_SESSION or activity.is_cancelled:
        raise ValidationError({"activity": "请选择一次集中学习活动（未作废）。"})
    held_by = activity.organization
    if not (member.organization.path.startswith(held_by.path) or held_by.pk == member.party_group_id):
        raise ValidationError(
            {"activity": f"{member.name}不是{held_by.name}的党员，不能登记参加该次集中学习。"}
        )


@transaction.atomic
def do_record_completions(
    item: StudyItem, members, *, acting_user, studied_on=None, method=CompletionMethod.ALONE, activity=None
) -> list[StudyCompletion]:
    """学完: record that each of `members` studied `item` (on `studied_on`, or the session's day).

    All or nothing: every member must be the acting user's own record or in a branch they may change, and
    must be assigned the item; those who already completed it are left as they were (not an error).
    """
    members = list(Member.objects.filter(pk__in=[m.pk for m in members]).select_related("organization"))
    if not members:
        raise ValidationError({"members": "请选择党员。"})
    if method == CompletionMethod.SESSION:
        if activity is None:
            raise ValidationError({"activity": "集中学习须选择所参加的集中学习活动。"})
        studied_on = activity.held_on
    else:
        activity = None
    if studied_on is None:
        raise ValidationError({"studied_on": "请填写学习日期。"})
    if studied_on > timezone.localdate():
        raise ValidationError({"studied_on": "学习日期不能晚于今天。"})
    if not item.plan.published:
        raise ValidationError({"item": "学习计划尚未发布。"})
    errors = []
    for member in members:
        if not acts_for(acting_user, member):
            raise PermissionDenied("无权为该党员登记学习情况。")
        if item.pk not in {i.pk for i in assigned_items(member, item.plan.year)}:
            errors.append(f"{member.name}：《{item.title}》不是该党员的学习篇目。")
        if activity is not None:
            try:
                _check_session(activity, member)
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError({"members": errors})
    done = set(
        StudyCompletion.objects.filter(item=item, member__in=members).values_list("member_id", flat=True)
    )
    rows = []
    for member in members:
        if member.pk in done:
            continue
        completion = StudyCompletion(
            member=member,
            organization=member.organization,
            item=item,
            studied_on=studied_on,
            method=method,
            activity=activity,
            recorded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        completion.full_clean(validate_unique=False, validate_constraints=False)
        rows.append(completion)
    return audit.bulk_create_audited(StudyCompletion, rows, acting_user=acting_user)


# Courses -------------------------------------------------------------------------------------------
@transaction.atomic
def do_create_course(*, acting_user, organization, **fields) -> Course:
    require(acting_user, organization)
    course = _validated(Course(organization=organization, **fields))
    course.save()
    audit.record_create(course, acting_user=acting_user)
    return course


@transaction.atomic
def do_add_session(course: Course, *, acting_user, **fields) -> CourseSession:
    require(acting_user, course.organization)
    session = _validated(CourseSession(course=course, **fields))
    session.save()
    audit.record_create(session, acting_user=acting_user)
    return session


@transaction.atomic
def do_enroll_members(course: Course, members, *, acting_user) -> list[Enrollment]:
    """Enroll active members of the organizer's subtree; those already enrolled are left as they were."""
    require(acting_user, course.organization)
    ids = {m.pk for m in members}
    found = list(
        Member.objects.active()
        .filter(subtree_q(course.organization.path, "organization__path"), pk__in=ids)
        .select_related("organization")
    )
    if len(found) != len(ids) or not ids:
        raise ValidationError({"members": f"学员须为{course.organization.name}（含下级）的在册党员。"})
    enrolled = set(course.enrollments.values_list("member_id", flat=True))
    rows = [Enrollment(course=course, member=m) for m in found if m.pk not in enrolled]
    return audit.bulk_create_audited(Enrollment, rows, acting_user=acting_user)


@transaction.atomic
def do_record_session_attendance(session: CourseSession, *, acting_user, absent_ids=()) -> int:
    """Every enrolled member attended the session unless listed in `absent_ids`; may be corrected later.
    Returns how many attended."""
    course = session.course
    require(acting_user, course.organization)
    branches = dict(course.enrollments.values_list("member_id", "member__organization_id"))
    enrolled = set(branches)
    absent = {int(pk) for pk in absent_ids}
    if absent - enrolled:
        raise ValidationError({"absent": "缺勤名单中有不是本培训班学员的党员。"})
    existing = {row.member_id: row for row in session.attendance.all()}
    new_rows, changed, befores = [], [], {}
    for member_id in sorted(enrolled):
        present = member_id not in absent
        row = existing.get(member_id)
        if row is None:
            new_rows.append(
                SessionAttendance(
                    session=session, member_id=member_id, organization_id=branches[member_id], present=present
                )
            )
        elif row.present != present:
            befores[row.pk] = audit.snapshot(row)
            row.present = present
            changed.append(row)
    audit.bulk_create_audited(SessionAttendance, new_rows, acting_user=acting_user)
    audit.bulk_update_audited(changed, ["present"], befores, acting_user=acting_user)
    return len(enrolled - absent)


# Notes and reviews ---------------------------------------------------------------------------------
# Called with each note once written (the originality app stores its signature: AppConfig.ready).
NOTE_WRITTEN: list = []


@transaction.atomic
def do_write_note(*, acting_user, member: Member, upload=None, **fields) -> Note:
    """A note or reflection typed in, or uploaded (.docx/.txt, its text extracted); filed under the
    member's branch. Written by the member, or entered for them by their branch (paper notes)."""
    if not acts_for(acting_user, member):
        raise PermissionDenied("无权为该党员录入学习笔记。")
    if upload is not None:
        try:
            fields["text"], fields["source"] = extract_text(upload)
        except UploadRejected as error:
            raise ValidationError({"upload": f"{upload.name}：{error}"}) from None
        fields["original_name"] = upload.name[:200]
    text = (fields.get("text") or "").strip()
    if not text:
        raise ValidationError({"text": "请填写正文或上传文件。"})
    if char_count(text) > MAX_NOTE_CHARS:
        raise ValidationError({"text": f"正文超过{MAX_NOTE_CHARS}字，请拆分后录入。"})
    fields["text"] = text
    fields.setdefault("written_on", timezone.localdate())
    if fields["written_on"] > timezone.localdate():
        raise ValidationError({"written_on": "撰写日期不能晚于今天。"})
    note = Note(
        member=member,
        organization=member.organization,
        written_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        **fields,
    )
    note.full_clean(exclude=["written_by"])
    note.save()
    audit.record_create(note, acting_user=acting_user, message=f"{note.char_count}字")
    for hook in NOTE_WRITTEN:
        hook(note)
    return note


def may_review(user, organization) -> bool:
    """A branch admin (or anyone who may change the organization) or an inspector covering it."""
    if user is None:
        return True
    scope = get_scope(user)
    if scope.covers(organization.path, "change"):
        return True
    grants = user.grants.current().filter(role=RoleChoices.INSPECTOR).select_related("organization")
    return any(
        organization.path == g.organization.path
        or (g.include_descendants and organization.path.startswith(g.organization.path))
        for g in grants
    )


@transaction.atomic
def do_review_note(note: Note, *, acting_user, mark, comment="") -> NoteReview:
    if not may_review(acting_user, note.organization):
        raise PermissionDenied("只有支部管理员或督导员可以评阅。")
    review = NoteReview(note=note, reviewer=acting_user, mark=mark, comment=comment.strip())
    review.full_clean(exclude=["reviewer"] if acting_user is None else None)
    review.save()
    audit.record_create(review, acting_user=acting_user)
    return review


# Points --------------------------------------------------------------------------------------------
@transaction.atomic
def do_set_points(organization, *, acting_user, enabled: bool) -> PointsSetting:
    """Switch 学习积分 on or off for the organization's subtree (a nearer setting below overrides)."""
    require(acting_user, organization)
    setting, created = PointsSetting.objects.get_or_create(organization=organization)
    before = audit.snapshot(setting)
    setting.enabled = bool(enabled)
    setting.save()
    if created:
        audit.record_create(setting, acting_user=acting_user)
    else:
        audit.record_update(setting, before, acting_user=acting_user)
    return setting
