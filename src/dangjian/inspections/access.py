"""Who may record what in an inspection.

Reading follows the one scope policy (`visible_to`): the plan's committee sees its plans; an inspector sees
an assigned unit through the read-only 督导员 grant the plan gave them for its period (`services._grant`).
Recording results, interviews, samples and findings at a unit is not the generic "change" action (which
inspectors lack): it belongs to the members of the team assigned to that unit, during the plan's period
while the plan is in progress, and to the plan's committee (an office entering the teams' paper forms).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.scope import get_scope

from .choices import PlanStatus
from .models import TeamUnit


def administers(user, plan) -> bool:
    """`user` may change the plan's committee (None: an operator at the command line)."""
    return user is None or get_scope(user).covers(plan.organization.path, "change")


def assigned_inspector(user, plan, unit, today=None) -> bool:
    """`user` is on the team assigned to `unit`, and today lies in the plan's period."""
    if not getattr(user, "is_authenticated", False):
        return False
    today = today or timezone.localdate()
    if not (plan.starts_on <= today <= plan.ends_on):
        return False
    return (
        TeamUnit.objects.in_force()
        .filter(plan=plan, unit=unit)
        .filter(Q(team__leader=user) | Q(team__members=user))
        .exists()
    )


def may_record(user, plan, unit) -> bool:
    """`user` may record checks, interviews, samples and findings at `unit` under `plan`."""
    return administers(user, plan) or assigned_inspector(user, plan, unit)


def require_open(plan) -> None:
    if plan.status == PlanStatus.DRAFT:
        raise PermissionDenied("督导检查尚未启动，不能记录检查情况。")
    if plan.status == PlanStatus.CLOSED:
        raise PermissionDenied("督导检查已结束，不能再记录检查情况。")


def require_recorder(user, plan, unit) -> None:
    """Refuse unless `user` may record at `unit` (plan in progress; team member in the period)."""
    require_open(plan)
    if not may_record(user, plan, unit):
        raise PermissionDenied("只有分配到该单位的督导组成员（在督导期内）或组织单位可以记录检查情况。")


def require_verifier(user, plan, unit) -> None:
    """Closing (销号) a finding: the unit's team while it may read the unit (in the period, the plan not
    closed), or the plan's committee at any time (回头看 after the period is the committee's, or the period
    is extended)."""
    if administers(user, plan):
        return
    if plan.status == PlanStatus.CLOSED or not assigned_inspector(user, plan, unit):
        raise PermissionDenied("只有负责该单位的督导组成员（在督导期内）或组织单位可以验收销号。")
