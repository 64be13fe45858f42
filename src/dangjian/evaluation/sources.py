"""Computed sources the evaluation adds to the targets app's registry (`targets/sources.py`).

Registered from here (imported in `apps.ready`), so there is one registry of computed figures. A source
listed in TRACED also has a form for ANY set of organizations that returns the ids of the records it
counted, so a unit's score sheet links to each of them (the scoring engine prefers it). The bench and a
test check that a traced form gives the registry's values.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone

from dangjian.core.tree import STEPLEN, subtree_q
from dangjian.targets.sources import register_many, register_source

OVERDUE_TASKS = "tasks_overdue"


def _as_of(year: int) -> date:
    """Overdue as of the day after the year (or today, for the running year)."""
    return min(timezone.localdate(), date(year + 1, 1, 1))


def common_path(organizations) -> str:
    """The longest path (whole steps) every organization's path starts with."""
    paths = [org.path for org in organizations]
    shortest = min(paths, key=len)
    length = len(shortest)
    while length and any(not path.startswith(shortest[:length]) for path in paths):
        length -= STEPLEN
    return shortest[:length]


def overdue_records(organizations, year: int) -> dict[int, tuple[Decimal, list[int]]]:
    """{organization id: (overdue assignments, their ids)} for the organizations' subtrees: assignments
    due in `year` and overdue (tasks app's `Assignment.objects.overdue`) — one query for all."""
    from dangjian.tasks.models import Assignment

    organizations = list(organizations)
    if not organizations:
        return {}
    rows = Assignment.objects.overdue(_as_of(year)).filter(deadline__year=year)
    prefix = common_path(organizations)
    if prefix:
        rows = rows.filter(subtree_q(prefix, "organization__path"))
    return by_subtree(organizations, rows.order_by("pk").values_list("pk", "organization__path"))


def by_subtree(organizations, rows) -> dict[int, tuple[Decimal, list[int]]]:
    """Count (record id, organization path) rows for every organization whose subtree holds the path."""
    by_path = {org.path: org.pk for org in organizations}
    found = defaultdict(list)
    for pk, path in rows:
        for end in range(STEPLEN, len(path) + 1, STEPLEN):
            owner = by_path.get(path[:end])
            if owner is not None:
                found[owner].append(pk)
    return {org.pk: (Decimal(len(found[org.pk])), found[org.pk]) for org in organizations}


def theme_day_records(organizations, year: int) -> dict[int, tuple[Decimal, list[int]]]:
    """The registry's `theme_days` (主题党日 counted in the year, subtree) for any organizations in one
    query, with the activities' ids."""
    from dangjian.activities.models import Activity
    from dangjian.targets.sources import THEME_DAY, year_bounds

    organizations = list(organizations)
    if not organizations:
        return {}
    first, last = year_bounds(year)
    rows = Activity.objects.counted().filter(activity_type__code=THEME_DAY, held_on__range=(first, last))
    prefix = common_path(organizations)
    if prefix:
        rows = rows.filter(subtree_q(prefix, "organization__path"))
    return by_subtree(organizations, rows.order_by("pk").values_list("pk", "organization__path"))


@register_source(
    OVERDUE_TASKS,
    "逾期未办结任务数",
    "件",
    link=lambda org, year: reverse("tasks:task_list") + f"?organization={org.pk}",
    note="交办任务中办结期限在当年、至年末（或今天）仍未办结的承办事项数，含下级全部组织。",
)
def overdue_tasks(organization, year: int):
    return overdue_records([organization], year)[organization.pk][0]


@register_many(OVERDUE_TASKS)
def overdue_tasks_many(organizations, year: int) -> dict:
    return {pk: value for pk, (value, _) in overdue_records(organizations, year).items()}


def admission_records(organizations, year: int) -> dict[int, tuple[Decimal, list[int]]]:
    """The registry's `admissions` (step-17 approvals of the year, subtree; development statistics) for
    any organizations in one query, with the approval steps' ids."""
    from dangjian.development.statistics import admissions
    from dangjian.targets.sources import year_bounds

    organizations = list(organizations)
    if not organizations:
        return {}
    first, last = year_bounds(year)
    rows = admissions(SimpleNamespace(path=common_path(organizations)), first, last)
    return by_subtree(organizations, rows.order_by("pk").values_list("pk", "file__organization__path"))


TRACED = {OVERDUE_TASKS: overdue_records, "theme_days": theme_day_records, "admissions": admission_records}
