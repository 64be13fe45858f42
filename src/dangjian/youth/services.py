"""Writes of 推优 and youth cohorts. Every write is scoped (`accounts.scope.require`), atomic and audited.

A recommendation taken up by the branch enters the development pipeline: `do_accept_recommendation` opens
a development file through `development.services.do_open_file` (step 1, the application, recorded and
checked by the rules engine) or links the person's open file, and keeps the link on the recommendation.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.development.models import DevelopmentFile
from dangjian.development.services import do_open_file

from .choices import RecommendationStatus
from .models import Cohort, CohortMember, PracticeActivity, Recommendation, YouthOrganization


@transaction.atomic
def do_create_youth_organization(*, acting_user, organization, name: str) -> YouthOrganization:
    require(acting_user, organization)
    youth = YouthOrganization(organization=organization, name=(name or "").strip())
    youth.full_clean()
    youth.save()
    audit.record_create(youth, acting_user=acting_user)
    return youth


@transaction.atomic
def do_create_recommendation(*, acting_user, organization, youth_organization, **fields) -> Recommendation:
    """Record a 推优 (the youth organization's meeting and vote) for a branch in the user's scope."""
    require(acting_user, organization)
    require(acting_user, youth_organization.organization, "view")
    recommendation = Recommendation(
        organization=organization, youth_organization=youth_organization, **fields
    )
    if recommendation.recommended_on and recommendation.recommended_on > timezone.localdate():
        raise ValidationError({"recommended_on": "推荐日期不能晚于今天。"})
    recommendation.full_clean()
    recommendation.save()
    audit.record_create(recommendation, acting_user=acting_user)
    return recommendation


@transaction.atomic
def do_accept_recommendation(
    recommendation: Recommendation,
    *,
    acting_user,
    decided_on: date,
    applied_on: date | None = None,
    development_file: DevelopmentFile | None = None,
    id_number: str = "",
) -> Recommendation:
    """The branch takes the recommended person as an activist candidate: open their development file
    (with `applied_on`, the date they handed in the application: step 1) or link their open file."""
    require(acting_user, recommendation.organization)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.RECOMMENDED:
        raise ValidationError("该推优记录已处理。")
    if decided_on < recommendation.recommended_on or decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "处理日期应在推荐日期和今天之间。"})
    if development_file is not None:
        if development_file.organization_id != recommendation.organization_id:
            raise ValidationError({"development_file": "该发展党员档案不在接收推荐的党支部。"})
        if development_file.closed_on is not None:
            raise ValidationError({"development_file": "该发展党员档案已终止。"})
        if Recommendation.objects.filter(development_file=development_file).exists():
            raise ValidationError({"development_file": "该发展党员档案已关联其他推优记录。"})
        file = development_file
    else:
        if applied_on is None:
            raise ValidationError(
                {"applied_on": "请填写本人递交入党申请书的日期（列为入党积极分子人选须先递交申请）。"}
            )
        file = do_open_file(
            acting_user=acting_user,
            organization=recommendation.organization,
            name=recommendation.name,
            sex=recommendation.sex,
            birth_date=recommendation.birth_date,
            id_number=id_number,
            applied_on=applied_on,
        )
    before = audit.snapshot(recommendation)
    recommendation.status = RecommendationStatus.ACCEPTED
    recommendation.decided_on = decided_on
    recommendation.development_file = file
    recommendation.full_clean()
    recommendation.save()
    audit.record_update(recommendation, before, acting_user=acting_user, message="列为入党积极分子人选")
    return recommendation


@transaction.atomic
def do_reject_recommendation(recommendation: Recommendation, *, acting_user, decided_on: date, reason: str):
    """未采纳, with a reason; kept."""
    require(acting_user, recommendation.organization)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != RecommendationStatus.RECOMMENDED:
        raise ValidationError("该推优记录已处理。")
    if not (reason or "").strip():
        raise ValidationError({"reason": "未采纳须注明原因。"})
    before = audit.snapshot(recommendation)
    recommendation.status = RecommendationStatus.REJECTED
    recommendation.decided_on = decided_on
    recommendation.rejected_reason = reason.strip()
    recommendation.full_clean()
    recommendation.save()
    audit.record_update(recommendation, before, acting_user=acting_user, message="未采纳")
    return recommendation


# --- cohorts ------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_cohort(*, acting_user, organization, courses=(), **fields) -> Cohort:
    require(acting_user, organization)
    cohort = Cohort(organization=organization, **fields)
    cohort.full_clean()
    cohort.save()
    if courses:
        cohort.courses.set(courses)
    audit.record_create(cohort, acting_user=acting_user)
    return cohort


@transaction.atomic
def do_add_trainee(
    cohort: Cohort, *, acting_user, member=None, name: str = "", mentor: str = ""
) -> CohortMember:
    require(acting_user, cohort.organization)
    if member is not None:
        require(acting_user, member.organization, "view")
        name = name or member.name
    if not (name or "").strip():
        raise ValidationError({"name": "请填写姓名或选择党员。"})
    trainee = CohortMember(cohort=cohort, member=member, name=name.strip(), mentor=(mentor or "").strip())
    trainee.full_clean()
    trainee.save()
    audit.record_create(trainee, acting_user=acting_user)
    return trainee


@transaction.atomic
def do_record_practice(
    trainee: CohortMember, *, acting_user, title: str, date: date, hours
) -> PracticeActivity:
    require(acting_user, trainee.cohort.organization)
    if trainee.completed_on is not None:
        raise ValidationError("该培养对象已结业。")
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天。"})
    practice = PracticeActivity(trainee=trainee, title=(title or "").strip(), date=date, hours=hours)
    practice.full_clean()
    practice.save()
    audit.record_create(practice, acting_user=acting_user)
    return practice


def _hours(value) -> str:
    return f"{Decimal(value).normalize():f}"


@dataclass
class Progress:
    """A trainee's progress against the completion rule (see docs/models/youth/cohortmember.md)."""

    hours: Decimal
    required_hours: Decimal
    courses_done: list = field(default_factory=list)
    courses_missing: list = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.hours >= self.required_hours and not self.courses_missing

    @property
    def problems(self) -> list[str]:
        found = []
        if self.hours < self.required_hours:
            found.append(
                f"实践时长{_hours(self.hours)}小时，未达到结业所需的{_hours(self.required_hours)}小时。"
            )
        for course in self.courses_missing:
            found.append(f"未在培训班“{course.name}”达到结业学时。")
        return found


def progress(trainee: CohortMember) -> Progress:
    """A trainee's progress against the completion rule (see `progress_for`)."""
    return progress_for(trainee.cohort, [trainee])[trainee.pk]


def progress_for(cohort: Cohort, trainees) -> dict[int, Progress]:
    """Each trainee's practice hours against the cohort's requirement, and each listed course completed
    (the study capability's rule, as for its 结业证书: attended 学时 ≥ the course's required 学时), in four
    queries whatever the number of trainees. A trainee not linked to the roster cannot have completed a
    course."""
    from dangjian.study.models import Enrollment, SessionAttendance

    trainees = list(trainees)
    ids = [t.pk for t in trainees]
    hours = dict(
        PracticeActivity.objects.filter(trainee_id__in=ids)
        .order_by()
        .values_list("trainee_id")
        .annotate(h=Sum("hours"))
    )
    courses = list(cohort.courses.order_by("starts_on", "id"))
    member_ids = [t.member_id for t in trainees if t.member_id]
    enrolled, attended = set(), {}
    if courses and member_ids:
        enrolled = set(
            Enrollment.objects.filter(course__in=courses, member_id__in=member_ids).values_list(
                "course_id", "member_id"
            )
        )
        attended = {
            (course_id, member_id): h
            for course_id, member_id, h in SessionAttendance.objects.filter(
                session__course__in=courses, member_id__in=member_ids, present=True
            )
            .order_by()
            .values_list("session__course_id", "member_id")
            .annotate(h=Sum("session__hours"))
        }
    result = {}
    for trainee in trainees:
        found = Progress(
            hours=hours.get(trainee.pk) or Decimal("0"), required_hours=cohort.required_practice_hours
        )
        for course in courses:
            key = (course.pk, trainee.member_id)
            done = key in enrolled and (attended.get(key) or Decimal("0")) >= course.required_hours
            (found.courses_done if done else found.courses_missing).append(course)
        result[trainee.pk] = found
    return result


@transaction.atomic
def do_complete_trainee(trainee: CohortMember, *, acting_user, completed_on: date) -> CohortMember:
    """Record completion (结业) on a date; refused, with the reasons, unless the completion rule is met."""
    require(acting_user, trainee.cohort.organization)
    trainee = CohortMember.objects.select_for_update().select_related("cohort").get(pk=trainee.pk)
    if trainee.completed_on is not None:
        raise ValidationError("该培养对象已结业。")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "结业日期不能晚于今天。"})
    found = progress(trainee)
    if not found.complete:
        raise ValidationError(found.problems)
    before = audit.snapshot(trainee)
    trainee.completed_on = completed_on
    trainee.save(update_fields=["completed_on", "updated_at"])
    audit.record_update(trainee, before, acting_user=acting_user, message="结业")
    return trainee
