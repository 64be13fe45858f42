"""Inspection records for tests, made through the services (acting_user=None: the command line).

`inspection(world)` builds a plan of A镇党委 in progress today (its period around today) with a one-item
checklist and 第一督导组 (leader `inspector_a`, member `nobody`) assigned to A1村党支部; A2 is in the scope
but not assigned.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dangjian.inspections import services
from dangjian.inspections.models import ChecklistItem, InspectionPlan, InspectionTeam, UnitInspection


@dataclass
class Inspection:
    plan: InspectionPlan
    item: ChecklistItem
    team: InspectionTeam
    unit_inspection: UnitInspection


def make_plan(world, org="town_a", units=("a1", "a2"), *, start=-10, end=20, name="2026年度基层党建督导检查"):
    today = timezone.localdate()
    return services.do_create_plan(
        acting_user=None,
        organization=world[org],
        units=[world[key] for key in units],
        name=name,
        starts_on=today + timedelta(days=start),
        ends_on=today + timedelta(days=end),
        method="查阅资料台账、座谈、个别访谈、随机抽查不打招呼",
    )


def inspection(world, org="town_a", unit="a1", units=None, leader="inspector_a", members=("nobody",), **kw):
    plan = make_plan(world, org, units or (unit,) + (("a2",) if org == "town_a" else ()), **kw)
    item = services.do_add_checklist_item(
        plan,
        acting_user=None,
        group="review",
        content="三会一课记录是否完整",
        scoring="缺一次扣1分",
        max_points=Decimal("10"),
    )
    team = services.do_create_team(
        plan, acting_user=None, name="第一督导组", leader=world[leader], members=[world[m] for m in members]
    )
    services.do_assign_unit(team, world[unit], acting_user=None)
    plan = services.do_start_plan(plan, acting_user=None)
    return Inspection(plan, item, team, UnitInspection.objects.get(plan=plan, unit=world[unit]))
