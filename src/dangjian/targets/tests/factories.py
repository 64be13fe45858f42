"""Helpers building targets and the records their computed indicators count, in the test world, with the
real services (acting_user=None: the command line)."""

from datetime import date, time
from decimal import Decimal

from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_record_activity
from dangjian.targets import services

YEAR = 2025  # a finished year: every compliance period of it is decided

ENTERED = {"name": "党员志愿服务", "unit": "次", "target_value": Decimal("10"), "points": Decimal("20")}
RATE = {
    "name": "组织生活合规率",
    "unit": "%",
    "target_value": Decimal("90"),
    "points": Decimal("30"),
    "source_kind": "computed",
    "source_key": "compliance_rate",
}
HOURS = {
    "name": "党员人均学时",
    "unit": "学时",
    "target_value": Decimal("2"),
    "points": Decimal("30"),
    "source_kind": "computed",
    "source_key": "study_hours_per_member",
}
THEME_DAYS = {
    "name": "主题党日",
    "unit": "次",
    "target_value": Decimal("4"),
    "points": Decimal("20"),
    "source_kind": "computed",
    "source_key": "theme_days",
}


def make_target(world, org="town_a", *, year=YEAR, indicators=(ENTERED,), issue=True, by=None, **extra):
    target = services.do_create_target(
        acting_user=None,
        organization=world[org],
        issued_by=world[by] if by else None,
        year=year,
        title="基层党建工作目标责任书",
        **extra,
    )
    for fields in indicators:
        services.do_add_indicator(target, acting_user=None, **fields)
    if issue:
        services.do_issue_target(target, acting_user=None, issued_on=date(year, 1, 10))
    target.refresh_from_db()
    return target


def record(world, org: str, code: str, day: date, **extra):
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code=code),
        held_on=day,
        theme=f"{code}活动",
        **extra,
    )


def study_session(world, org: str, day: date, start=time(9, 0), end=time(11, 0), absent=None):
    return record(world, org, "study_session", day, start_time=start, end_time=end, absent=absent)
