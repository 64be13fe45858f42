"""Study figures of a subtree in a period, on the basis of `totals.subtree_totals`: a note or a course
attendance counts under the branch the member belonged to when it was recorded (the row's
`organization`), a 集中学习 under the organization that held it. 学时 are those of `totals`: a course
session's 学时, and a 集中学习's duration (capped at 8, 2 when its times are missing).

Characters are totals only, never a quota, score or ranking (rules.md §7, §10). Scope is the caller's
(see core.figures).
"""

from django.db.models import Sum
from django.urls import reverse

from dangjian.core.figures import hours, register_figure
from dangjian.core.tree import subtree_q

from .choices import NoteKind
from .models import Course, Note, SessionAttendance, StudyCompletion
from .totals import activity_hours, study_session_attendance

RECORDED = "按记录时党员所在党支部统计，含下级全部党组织"


def _link(organization, period):
    return reverse("study:organization", args=[organization.pk]) + f"?first={period.start}&last={period.end}"


def notes(organization, period, kind=NoteKind.STUDY_NOTE):
    """Notes of `kind` written in the period under the subtree."""
    found = Note.objects.filter(subtree_q(organization.path, "organization__path"), kind=kind)
    return found.filter(written_on__range=(period.start, period.end))


def course_attendance(organization, period):
    """Present course-session attendance in the period, under the subtree."""
    return SessionAttendance.objects.filter(
        subtree_q(organization.path, "organization__path"),
        present=True,
        session__held_on__range=(period.start, period.end),
    )


def session_attendance(organization, period):
    """Present attendance at standing 集中学习 activities held in the period in the subtree, each row
    annotated with its `hours` (a duration)."""
    rows = study_session_attendance(period.start, period.end)
    rows = rows.filter(subtree_q(organization.path, "activity__organization__path"))
    return rows.annotate(hours=activity_hours())


def _count(key, label, unit, records, description, **options):
    register_figure(key, label, unit, records=records, description=description, link=_link, **options)(
        lambda organization, period: records(organization, period).count()
    )


_count(
    "study.notes.count",
    "学习笔记篇数",
    "篇",
    notes,
    f"统计期内撰写的学习笔记篇数（不含心得体会；{RECORDED}）",
)
_count(
    "study.reflections.count",
    "心得体会篇数",
    "篇",
    lambda org, period: notes(org, period, NoteKind.REFLECTION),
    f"统计期内撰写的心得体会篇数（{RECORDED}）",
)


def _chars(kind):
    def compute(organization, period):
        total = notes(organization, period, kind).aggregate(total=Sum("char_count"))["total"]
        return total or 0

    return compute


register_figure(
    "study.notes.chars",
    "学习笔记字数",
    "字",
    records=notes,
    description=f"统计期内学习笔记的字数合计（只作总量，不作考核；{RECORDED}）",
    link=_link,
    measure="sum",
    sum_of="char_count",
    style="yu",
)(_chars(NoteKind.STUDY_NOTE))
register_figure(
    "study.reflections.chars",
    "心得体会字数",
    "字",
    records=lambda org, period: notes(org, period, NoteKind.REFLECTION),
    description=f"统计期内心得体会的字数合计（只作总量，不作考核；{RECORDED}）",
    link=_link,
    measure="sum",
    sum_of="char_count",
    style="yu",
)(_chars(NoteKind.REFLECTION))

_count(
    "study.courses.person_times",
    "参加培训班人次",
    "人次",
    course_attendance,
    f"统计期内培训班各次课程登记为出席的人次（{RECORDED}）",
)
_count(
    "study.sessions.person_times",
    "参加集中学习人次",
    "人次",
    session_attendance,
    "统计期内开展的集中学习（未作废）登记为出席的人次（按开展学习的党组织统计，含下级全部党组织）",
)


@register_figure(
    "study.person_times",
    "参加学习培训人次",
    "人次",
    description="统计期内参加培训班课程和集中学习的人次合计（＝参加培训班人次＋参加集中学习人次）",
    link=_link,
    measure="parts",
    parts=("study.courses.person_times", "study.sessions.person_times"),
)
def person_times(organization, period):
    return course_attendance(organization, period).count() + session_attendance(organization, period).count()


@register_figure(
    "study.courses.hours",
    "培训班学时",
    "学时",
    records=course_attendance,
    description=f"统计期内党员参加培训班课程的学时合计（每人每次课计该次课学时；{RECORDED}）",
    link=_link,
    measure="sum",
    sum_of="session__hours",
)
def course_hours(organization, period):
    total = course_attendance(organization, period).aggregate(total=Sum("session__hours"))["total"]
    return total or 0


@register_figure(
    "study.sessions.hours",
    "集中学习学时",
    "学时",
    records=session_attendance,
    description=(
        "统计期内党员参加集中学习的学时合计（每人每次按学习时长计，最多8学时，未填起止时间的计2学时；"
        "按开展学习的党组织统计，含下级全部党组织）"
    ),
    link=_link,
    measure="sum",
    sum_of="hours",
)
def session_hours(organization, period):
    return hours(session_attendance(organization, period).aggregate(total=Sum("hours"))["total"])


@register_figure(
    "study.hours",
    "学习培训总学时",
    "学时",
    description="统计期内党员学习培训的学时合计（＝培训班学时＋集中学习学时）",
    link=_link,
    measure="parts",
    parts=("study.courses.hours", "study.sessions.hours"),
)
def total_hours(organization, period):
    return course_hours(organization, period) + session_hours(organization, period)


@register_figure(
    "study.completions.count",
    "学习篇目完成人次",
    "人次",
    records=lambda org, period: StudyCompletion.objects.filter(
        subtree_q(org.path, "organization__path"), studied_on__range=(period.start, period.end)
    ),
    description=f"统计期内党员学完学习计划篇目的人次（一人学完一篇计1人次；{RECORDED}）",
    link=_link,
)
def completions(organization, period):
    return figures_records("study.completions.count", organization, period).count()


def figures_records(key, organization, period):
    from dangjian.core.figures import get_figure

    return get_figure(key).records(organization, period)


@register_figure(
    "study.courses.count",
    "举办培训班期数",
    "期",
    records=lambda org, period: Course.objects.in_subtree(org).filter(
        starts_on__lte=period.end, ends_on__gte=period.start
    ),
    description="统计期内举办（开班日期至结业日期与统计期有交叠）的培训班期数（按举办的党组织统计，含下级）",
    link=_link,
)
def courses(organization, period):
    return figures_records("study.courses.count", organization, period).count()
