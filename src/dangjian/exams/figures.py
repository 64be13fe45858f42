"""Exam figures of a subtree in a period: exams held (opened in the period, not cancelled) by the
organizations of the subtree, and the members of the subtree who sat and passed exams opened in the
period, whoever set them (a county's exam is sat in its branches). A member counts once per exam whatever the
number of attempts: sat = their first attempt was handed in (attempts follow one another, so a second
attempt means the first was handed in), passed = their first passing attempt. No ranking, no scores per
person (rules.md §10). Scope is the caller's (see core.figures).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from dangjian.core.figures import rate, register_figure
from dangjian.core.tree import subtree_q

from .models import Attempt, Exam

BASIS = "按组织考试的党组织统计，含下级全部党组织"
TAKERS = "按党员现所在党组织统计，含下级全部党组织；不论考试由哪一级组织"


def held(organization, period):
    """Exams of the subtree opened in the period and not cancelled."""
    return Exam.objects.in_subtree(organization).filter(
        cancelled_at__isnull=True, opens_at__date__range=(period.start, period.end)
    )


def _attempts(organization, period):
    """Attempts of the subtree's members at exams opened in the period and not cancelled."""
    return Attempt.objects.filter(
        subtree_q(organization.path, "member__organization__path"),
        exam__cancelled_at__isnull=True,
        exam__opens_at__date__range=(period.start, period.end),
    )


def sat(organization, period):
    """Each examinee's first attempt, handed in."""
    return _attempts(organization, period).filter(number=1, ended_at__isnull=False)


def passed(organization, period):
    """Each examinee's first passing attempt."""
    earlier = Attempt.objects.filter(
        exam=OuterRef("exam"), member=OuterRef("member"), passed=True, number__lt=OuterRef("number")
    )
    return _attempts(organization, period).filter(passed=True).exclude(Exists(earlier))


def _link(organization, period):
    return reverse("exams:exam_list")


@register_figure(
    "exams.count",
    "组织考试场次",
    "场",
    records=held,
    description=f"统计期内开考且未取消的考试场次（{BASIS}）",
    link=_link,
)
def exams_count(organization, period):
    return held(organization, period).count()


@register_figure(
    "exams.person_times",
    "参加考试人次",
    "人次",
    records=sat,
    description=f"统计期内开考的考试中交卷的党员人次（同一场考试多次作答计1人次；{TAKERS}）",
    link=_link,
)
def exams_person_times(organization, period):
    return sat(organization, period).count()


@register_figure(
    "exams.passed",
    "考试及格人次",
    "人次",
    records=passed,
    description=f"统计期内开考的考试中至少一次作答及格的党员人次（{TAKERS}）",
    link=_link,
)
def exams_passed(organization, period):
    return passed(organization, period).count()


@register_figure(
    "exams.pass_rate",
    "考试及格率",
    "%",
    records=passed,
    description=f"考试及格人次÷参加考试人次×100%（{TAKERS}）",
    link=_link,
    measure="rate",
)
def exams_pass_rate(organization, period):
    return rate(passed(organization, period).count(), sat(organization, period).count())
