"""Per-member study quotas as rules of the compliance engine (activities.compliance.register_measure).

A rule with measure `study_hours` (每名党员学时) or `study_items` (每名党员学习篇目数) is judged for each
organization and period from `totals.per_member`: the organization's members (书记和委员 only, when the
rule says so) who reached the rule's minimum, out of those it applies to. Registered in StudyConfig.ready.
"""

from datetime import date

from dangjian.activities.choices import MemberScope, RuleMeasure
from dangjian.core.tree import subtree_q
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member

from .totals import per_member


def _count(value_of):
    def count(path: str, first: date, last: date, rule, memo: dict) -> dict[int, tuple[int, int]]:
        # The quotas (学时 of everyone, of the leaders; 篇目) read the same figures: once per compute.
        key = ("study.per_member", path, first, last)
        if key not in memo:
            members = Member.objects.filter(status__in=ACTIVE_STATUSES).filter(
                subtree_q(path, "organization__path")
            )
            memo[key] = (per_member(path, first, last), list(members.values_list("pk", "organization_id")))
        study, placed = memo[key]
        result: dict[int, list[int]] = {}
        for member_id, organization_id in placed:
            record = study.get(member_id)
            if record is None or (rule.member_scope == MemberScope.LEADERS and not record.leading_cadre):
                continue
            tally = result.setdefault(organization_id, [0, 0])
            tally[1] += 1
            if value_of(record) >= rule.min_count:
                tally[0] += 1
        return {org_id: (reached, total) for org_id, (reached, total) in result.items()}

    return count


def register() -> None:
    from dangjian.activities.compliance import register_measure

    register_measure(RuleMeasure.STUDY_HOURS, "学时", _count(lambda record: record.hours))
    register_measure(RuleMeasure.STUDY_ITEMS, "篇", _count(lambda record: record.items))
