"""Study figures counted from the records: per member (for the quotas) and per subtree (for reports).

学时 of a member in a period = the hours of the course sessions they attended (each session's 学时) + the
hours of the 集中学习 activities (type `study_session`, not cancelled) they attended: end_time − start_time
in hours, at most 8 (a full day); an activity recorded without both times counts 2 学时
(`choices.DEFAULT_SESSION_HOURS`). Items completed = their completions with `studied_on` in the period.

Character counts are reported as totals only: never a quota, a score or a ranking (rules.md §7, §10).
Every function here runs a fixed number of grouped queries, whatever the size of the subtree.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, Count, DurationField, ExpressionWrapper, F, Sum, Value, When
from django.db.models.functions import Least

from dangjian.activities.models import Attendance
from dangjian.core.tree import subtree_q
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization

from .choices import DEFAULT_SESSION_HOURS, MAX_ACTIVITY_HOURS, NoteKind
from .models import Note, SessionAttendance, StudyCompletion

STUDY_SESSION = "study_session"
HOUR_PLACES = Decimal("0.1")


@dataclass
class MemberStudy:
    """One member's study in a period: items completed and 学时 (courses + 集中学习)."""

    member_id: int
    items: int = 0
    course_hours: Decimal = Decimal("0")
    session_hours: Decimal = Decimal("0")
    leading_cadre: bool = False  # holds a current 书记/副书记/委员 post (the 56-学时 quota)

    @property
    def hours(self) -> Decimal:
        return self.course_hours + self.session_hours


def _hours(value) -> Decimal:
    """学时 from a summed duration (timedelta) or a Decimal, to one decimal place."""
    if value is None:
        return Decimal("0")
    if isinstance(value, timedelta):
        value = Decimal(value.total_seconds()) / 3600
    return Decimal(value).quantize(HOUR_PLACES)


def activity_hours():
    """The 学时 of one attended activity as a duration: end − start, capped at a full day (8); 2 when
    either time is missing (or the end is not after the start)."""
    duration = ExpressionWrapper(
        F("activity__end_time") - F("activity__start_time"), output_field=DurationField()
    )
    default = Value(timedelta(hours=int(DEFAULT_SESSION_HOURS)), output_field=DurationField())
    cap = Value(timedelta(hours=int(MAX_ACTIVITY_HOURS)), output_field=DurationField())
    return Case(
        When(
            activity__start_time__isnull=False,
            activity__end_time__isnull=False,
            activity__end_time__gt=F("activity__start_time"),
            then=Least(duration, cap, output_field=DurationField()),
        ),
        default=default,
        output_field=DurationField(),
    )


def study_session_attendance(first: date, last: date):
    """Present attendance rows of standing 集中学习 activities held in [first, last]."""
    return Attendance.objects.filter(
        present=True,
        activity__activity_type__code=STUDY_SESSION,
        activity__cancelled_at__isnull=True,
        activity__held_on__range=(first, last),
    )


def per_member(path: str, first: date, last: date) -> dict[int, "MemberStudy"]:
    """{member id: MemberStudy} for every active member registered in the subtree at `path`.

    Five queries: the members, the leading cadres among them, completions, course hours and 集中学习
    hours, each grouped by member.
    """
    members = Member.objects.filter(status__in=ACTIVE_STATUSES).filter(subtree_q(path, "organization__path"))
    result = {pk: MemberStudy(pk) for pk in members.values_list("pk", flat=True)}
    posts = Position.objects.current(last).committee().filter(member__in=members)
    for member_id in posts.order_by().values_list("member_id", flat=True).distinct():
        result[member_id].leading_cadre = True
    completions = StudyCompletion.objects.filter(member__in=members, studied_on__range=(first, last))
    for member_id, count in completions.order_by().values_list("member_id").annotate(n=Count("id")):
        result[member_id].items = count
    courses = SessionAttendance.objects.filter(
        member__in=members, present=True, session__held_on__range=(first, last)
    )
    for member_id, hours in courses.order_by().values_list("member_id").annotate(h=Sum("session__hours")):
        result[member_id].course_hours = _hours(hours)
    sessions = study_session_attendance(first, last).filter(member__in=members)
    rows = sessions.order_by().values_list("member_id").annotate(total=Sum(activity_hours()))
    for member_id, total in rows:
        result[member_id].session_hours = _hours(total)
    return result


# Subtree totals ------------------------------------------------------------------------------------
@dataclass
class StudyTotals:
    """Totals of one organization's subtree in a period (counts, characters and person-times)."""

    notes: int = 0
    reflections: int = 0
    characters: int = 0
    session_person_times: int = 0  # 集中学习 attendance (人次)
    course_person_times: int = 0  # course session attendance (人次)

    @property
    def person_times(self) -> int:
        return self.session_person_times + self.course_person_times

    def add(self, other: "StudyTotals") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return {**data, "person_times": self.person_times}


def subtree_totals(
    organization, first: date, last: date, children=None
) -> tuple[dict[int, StudyTotals], StudyTotals]:
    """({child id: StudyTotals}, total) for the subtree of `organization` in [first, last]: four queries.

    Each figure is grouped by organization in SQL (notes and course attendance are filed under the member's
    branch when written, so no join with the roster); the organizations' rows are then summed up to the
    child of `organization` that holds them (by path), in Python. Completed items are not totalled here: a
    committee reads them as "学完规定篇目" rates (`progress.subtree_progress`).
    """
    if children is None:
        children = list(Organization.objects.get_children(organization))
    orgs = Organization.objects.filter(subtree_q(organization.path))
    paths = dict(orgs.values_list("pk", "path"))
    width = len(organization.path) + 4
    by_path = {child.path: child.pk for child in children}
    per_org: dict[int, StudyTotals] = defaultdict(StudyTotals)

    notes = Note.objects.filter(organization__in=orgs.values("pk"), written_on__range=(first, last))
    for org_id, kind, count, chars in (
        notes.order_by().values_list("organization_id", "kind").annotate(n=Count("id"), c=Sum("char_count"))
    ):
        totals = per_org[org_id]
        if kind == NoteKind.REFLECTION:
            totals.reflections += count
        else:
            totals.notes += count
        totals.characters += chars or 0
    in_subtree = orgs.values("pk")
    courses = SessionAttendance.objects.filter(
        organization__in=in_subtree, present=True, session__held_on__range=(first, last)
    )
    for org_id, count in courses.order_by().values_list("organization_id").annotate(n=Count("id")):
        per_org[org_id].course_person_times += count
    sessions = study_session_attendance(first, last).filter(activity__organization__in=orgs.values("pk"))
    for org_id, count in sessions.order_by().values_list("activity__organization_id").annotate(n=Count("id")):
        per_org[org_id].session_person_times += count

    result: dict[int, StudyTotals] = defaultdict(StudyTotals)
    total = StudyTotals()
    for org_id, totals in per_org.items():
        path = paths.get(org_id)
        if path is None:
            continue
        total.add(totals)
        child = by_path.get(path[:width])
        if child is not None:
            result[child].add(totals)
    return dict(result), total
