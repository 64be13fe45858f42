"""Writes of observers and feedback. Every write is scoped (`accounts.scope.require`), atomic and audited.

Who may do what:
- a committee (a change grant over the organization) appoints observers and ends their terms;
- an observer (their login user) submits feedback while the term runs, to the appointing committee (which
  routes it) or to the organizations they observe or below them; a member submits to their own
  organization or one above it; anyone submits through a public code (`FeedbackLink`), anonymously: no
  user and no IP is stored, not even in the audit row;
- routing needs a change grant over the current and the new responsible organization (so a town routes
  within the town, the county between towns); replying and closing need one over the responsible one;
- the submitter rates the answer: by login, or with the follow-up code shown once at submission.
"""

import hashlib
import math
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.tasks.workdays import CalendarUnknown, add_working_days

from .choices import FeedbackChannel, FeedbackStatus, ObserverStatus, Satisfaction
from .models import Feedback, FeedbackLink, FeedbackReply, FeedbackRoute, Observer

# Days to answer a feedback item, counted in working days from the submission (configurable).
ANSWER_WORKING_DAYS = getattr(settings, "FEEDBACK_ANSWER_WORKING_DAYS", 15)
OPEN = (FeedbackStatus.PENDING, FeedbackStatus.IN_PROGRESS)


def answer_deadline(submitted_on: date, n: int = ANSWER_WORKING_DAYS) -> tuple[date, str]:
    """(due date, note). N working days after the submission; a year the working-day calendar does not
    know yet gets a calendar-day deadline (N × 7/5 days, rounded up) with a note saying so — feedback from
    the public is never refused because a holiday notice has not been entered."""
    try:
        return add_working_days(submitted_on, n), ""
    except CalendarUnknown as error:
        days = math.ceil(n * 7 / 5)
        note = f"{error.year}年节假日安排尚未录入，期限按自然日折算（{n}个工作日约{days}日）。"
        return submitted_on + timedelta(days=days), note


def digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_link_code() -> str:
    return secrets.token_hex(4).upper()


# --- observers ----------------------------------------------------------------------------------


@transaction.atomic
def do_appoint_observer(
    *,
    acting_user,
    organization,
    name="",
    member=None,
    phone="",
    affiliation="",
    user=None,
    term_starts_on,
    term_ends_on,
    observed=(),
) -> Observer:
    """The committee `organization` appoints an observer for a term to observe `observed` (its subtree)."""
    require(acting_user, organization)
    if member is not None:
        require(acting_user, member.organization, "view")
        name = name or member.name
        phone = phone or member.phone
        user = user or member.user
    observed = list(observed)
    if not observed:
        raise ValidationError({"observed": "请至少选择一个观察的党组织。"})
    for org in observed:
        if not org.path.startswith(organization.path):
            raise ValidationError({"observed": f"“{org}”不在聘任党组织的下级范围内。"})
    observer = Observer(
        organization=organization,
        member=member,
        name=(name or "").strip(),
        phone=(phone or "").strip(),
        affiliation=affiliation,
        user=user,
        term_starts_on=term_starts_on,
        term_ends_on=term_ends_on,
    )
    observer.full_clean()
    observer.save()
    observer.observed.set(observed)
    audit.record_create(
        observer, acting_user=acting_user, message="观察：" + "、".join(o.name for o in observed)
    )
    return observer


@transaction.atomic
def do_end_observer_term(observer: Observer, *, acting_user, ended_on: date, reason: str = "") -> Observer:
    """End the term (任期届满、解聘); the observer and their feedback stay."""
    require(acting_user, observer.organization)
    observer = Observer.objects.select_for_update().get(pk=observer.pk)
    if observer.status == ObserverStatus.ENDED:
        raise ValidationError("该观察员的任期已终止。")
    if ended_on < observer.term_starts_on:
        raise ValidationError({"ended_on": "终止日期不能早于任期开始日期。"})
    before = audit.snapshot(observer)
    observer.status = ObserverStatus.ENDED
    observer.ended_on = ended_on
    observer.end_reason = (reason or "").strip()
    observer.full_clean()
    observer.save()
    audit.record_update(observer, before, acting_user=acting_user, message="终止观察员任期")
    return observer


@transaction.atomic
def do_create_feedback_link(*, acting_user, organization, title: str = "") -> FeedbackLink:
    """A public code for posters: submissions through it reach `organization`."""
    require(acting_user, organization)
    link = FeedbackLink(organization=organization, code=new_link_code(), title=title)
    link.full_clean()
    link.save()
    audit.record_create(link, acting_user=acting_user)
    return link


@transaction.atomic
def do_deactivate_feedback_link(link: FeedbackLink, *, acting_user) -> FeedbackLink:
    """停用 a public code (a poster taken down, a code misused); the items it brought stay."""
    require(acting_user, link.organization)
    link = FeedbackLink.objects.select_for_update().get(pk=link.pk)
    if not link.active:
        raise ValidationError("该公开码已停用。")
    before = audit.snapshot(link)
    link.active = False
    link.save()
    audit.record_update(link, before, acting_user=acting_user, message="停用公开码")
    return link


# --- submission -----------------------------------------------------------------------------------


def _check_submitter(acting_user, channel, organization, observer, today):
    if channel == FeedbackChannel.OBSERVER:
        if observer is None or acting_user is not None and observer.user_id != acting_user.pk:
            raise PermissionDenied("只有观察员本人可以以观察员身份提交。")
        if not observer.serving_on(today):
            raise ValidationError("观察员不在任期内，不能提交意见建议。")
        if organization.pk != observer.organization_id and not observer.observes(organization):
            raise ValidationError(
                {"organization": "观察员只能向聘任党组织或所观察的党组织（含其下级）提出意见建议。"}
            )
    elif channel == FeedbackChannel.MEMBER:
        member = getattr(acting_user, "member", None) if acting_user is not None else None
        if acting_user is not None and (
            member is None or not member.organization.path.startswith(organization.path)
        ):
            raise ValidationError({"organization": "党员只能向本人所在党组织或其上级党组织提出意见建议。"})


@transaction.atomic
def do_submit_feedback(
    *,
    acting_user,
    channel,
    organization,
    category,
    subject,
    content,
    observer=None,
    contact="",
    submitted_on: date | None = None,
) -> tuple[Feedback, str]:
    """Receive feedback for `organization`; returns (feedback, follow-up code). The code is shown once to
    the submitter and only its digest is kept; with it an anonymous submitter reads the answer and rates it.
    `acting_user` None is the operator (demo, import) or an anonymous public submission."""
    today = timezone.localdate()
    submitted_on = submitted_on or today
    _check_submitter(acting_user, channel, organization, observer, submitted_on)
    public = channel == FeedbackChannel.PUBLIC
    code = secrets.token_hex(6).upper()
    due_on, note = answer_deadline(submitted_on)
    feedback = Feedback(
        organization=organization,
        received_by=organization,
        channel=channel,
        category=category,
        subject=(subject or "").strip(),
        content=(content or "").strip(),
        submitted_on=submitted_on,
        observer=observer if channel == FeedbackChannel.OBSERVER else None,
        submitted_by=None if public else acting_user,
        contact=(contact or "").strip() if public else "",
        due_on=due_on,
        due_note=note,
        follow_up_digest=digest(code),
    )
    feedback.full_clean()
    feedback.save()
    if public:
        # No user and no IP for an anonymous submission, not even in the audit trail.
        event = audit.build_event(
            "create",
            feedback,
            acting_user=None,
            username="匿名",
            message="群众匿名提交",
            changes={"subject": [None, feedback.subject]},
        )
        event.ip_address = None
        event.save()
    else:
        audit.record_create(feedback, acting_user=acting_user, message="提交意见建议")
    return feedback, code


def feedback_by_code(code: str) -> Feedback | None:
    """The feedback item a follow-up code belongs to (nothing else is revealed by a wrong code)."""
    if not code or len(code.strip()) < 8:
        return None
    return Feedback.objects.filter(follow_up_digest=digest(code)).select_related("organization").first()


# --- handling ------------------------------------------------------------------------------------


def _locked(feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("organization").get(pk=feedback.pk)


@transaction.atomic
def do_route_feedback(feedback: Feedback, *, acting_user, to_organization, reason: str = "", routed_on=None):
    """分办 (to the receiving organization itself: taken up) or 转办 to another organization; recorded."""
    require(acting_user, feedback.organization)
    require(acting_user, to_organization)
    feedback = _locked(feedback)
    if feedback.status not in OPEN:
        raise ValidationError("已答复或已办结的意见建议不能再分办。")
    routed_on = routed_on or timezone.localdate()
    route = FeedbackRoute(
        feedback=feedback,
        from_organization=feedback.organization,
        to_organization=to_organization,
        routed_on=routed_on,
        routed_by=acting_user if getattr(acting_user, "pk", None) else None,
        reason=(reason or "").strip(),
    )
    route.full_clean()
    route.save()
    before = audit.snapshot(feedback)
    feedback.organization = to_organization
    feedback.status = FeedbackStatus.IN_PROGRESS
    feedback.save()
    audit.record_update(feedback, before, acting_user=acting_user, message=f"分办至{to_organization}")
    return feedback


@transaction.atomic
def do_reply_feedback(
    feedback: Feedback, *, acting_user, text: str, measures: str = "", answered_on: date | None = None
) -> FeedbackReply:
    """The responsible organization answers; the first answer (首次答复) counts against the deadline."""
    require(acting_user, feedback.organization)
    feedback = _locked(feedback)
    if feedback.status == FeedbackStatus.CLOSED:
        raise ValidationError("已办结的意见建议不能再答复。")
    answered_on = answered_on or timezone.localdate()
    if answered_on < feedback.submitted_on or answered_on > timezone.localdate():
        raise ValidationError({"answered_on": "答复日期应在提交日期和今天之间。"})
    reply = FeedbackReply(
        feedback=feedback,
        organization=feedback.organization,
        text=(text or "").strip(),
        measures=(measures or "").strip(),
        answered_on=answered_on,
        answered_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    reply.full_clean()
    reply.save()
    audit.record_create(reply, acting_user=acting_user)
    before = audit.snapshot(feedback)
    feedback.status = FeedbackStatus.ANSWERED
    feedback.answered_on = feedback.answered_on or answered_on
    feedback.save()
    audit.record_update(feedback, before, acting_user=acting_user, message="答复")
    return reply


@transaction.atomic
def do_close_feedback(feedback: Feedback, *, acting_user, note: str = "", closed_on: date | None = None):
    """办结 an answered item, with the handling summary."""
    require(acting_user, feedback.organization)
    feedback = _locked(feedback)
    if feedback.status != FeedbackStatus.ANSWERED:
        raise ValidationError("只有已答复的意见建议才能办结。")
    closed_on = closed_on or timezone.localdate()
    if closed_on < feedback.answered_on:
        raise ValidationError({"closed_on": "办结日期不能早于答复日期。"})
    before = audit.snapshot(feedback)
    feedback.status = FeedbackStatus.CLOSED
    feedback.closed_on = closed_on
    feedback.close_note = (note or "").strip()
    feedback.full_clean()
    feedback.save()
    audit.record_update(feedback, before, acting_user=acting_user, message="办结")
    return feedback


@transaction.atomic
def do_rate_reply(
    feedback: Feedback, *, acting_user, satisfaction: str, code: str = "", rated_on: date | None = None
) -> Feedback:
    """The submitter rates the answer: by login (the submitting user) or with the follow-up code.
    `acting_user` None with no code is the operator (demo data)."""
    feedback = _locked(feedback)
    by_code = bool(code) and digest(code) == feedback.follow_up_digest
    by_login = acting_user is not None and feedback.submitted_by_id == getattr(acting_user, "pk", None)
    if not (by_code or by_login or (acting_user is None and not code)):
        raise PermissionDenied("只有提交人可以评价答复。")
    if feedback.answered_on is None:
        raise ValidationError("尚未答复，暂不能评价。")
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": "请选择满意、基本满意或不满意。"})
    before = audit.snapshot(feedback)
    feedback.satisfaction = satisfaction
    feedback.rated_on = rated_on or timezone.localdate()
    feedback.save()
    if by_code and acting_user is None:
        event = audit.build_event(
            "update",
            feedback,
            acting_user=None,
            username="匿名",
            message="提交人评价答复",
            changes=audit.diff(before, audit.snapshot(feedback)),
        )
        event.ip_address = None
        event.save()
    else:
        audit.record_update(feedback, before, acting_user=acting_user, message="提交人评价答复")
    return feedback
