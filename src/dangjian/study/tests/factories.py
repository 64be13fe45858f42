"""Helpers building study records in the test world with the real services (acting_user=None)."""

from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_record_activity
from dangjian.study import services
from dangjian.study.choices import Audience

YEAR = 2025


def plan_with_items(
    world, org: str, *titles, year=YEAR, publish=True, audience=Audience.EVERYONE, target=None
):
    plan = services.do_create_plan(
        acting_user=None, organization=world[org], year=year, title=f"{org}学习计划"
    )
    for title in titles or ("学习党章",):
        services.do_add_item(
            plan,
            acting_user=None,
            title=title,
            due_on=date(year, 6, 30),
            audience=audience,
            audience_organization=world[target] if target else None,
        )
    if publish:
        services.do_publish_plan(plan, acting_user=None)
    return plan


def study_session(world, org: str, day: date, start=time(9, 0), end=time(11, 30), absent=None):
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code="study_session"),
        held_on=day,
        start_time=start,
        end_time=end,
        theme="集中学习党章",
        absent=absent,
    )


def course_with_sessions(
    world, org: str, hours=(Decimal("4"), Decimal("8")), required=Decimal("10"), start=None
):
    start = start or date(YEAR, 1, 5)
    course = services.do_create_course(
        acting_user=None,
        organization=world[org],
        name=f"{start.year}年度党员冬训",
        kind="winter_training",
        starts_on=start,
        ends_on=start + timedelta(days=15),
        required_hours=required,
    )
    sessions = [
        services.do_add_session(
            course, acting_user=None, held_on=start + timedelta(days=n), title=f"第{n + 1}讲", hours=value
        )
        for n, value in enumerate(hours)
    ]
    return course, sessions


def today():
    return timezone.localdate()
