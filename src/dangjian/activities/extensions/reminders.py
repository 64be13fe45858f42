"""The daily reminder run (`dangjian reminders`): what each branch still has to hold before its period
ends, and, for each committee, which of its branches missed last month's rules.

Everything is derived from `activities.compliance.compute` (one matrix per tree root for the current month
and one for last month), so a reminder never disagrees with the compliance pages. Each message has a key
naming its matter (the branch and the period end, or the committee and the month), unique per user: a run
repeated the same day, or on the following days, sends nothing new for the same matter (rules.md §10: no
daily nagging, no streaks, no points, no rankings of individuals).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.models import RoleGrant
from dangjian.activities.choices import Verdict
from dangjian.activities.compliance import add_months, compute, month_start
from dangjian.core.tree import STEPLEN, ancestor_paths
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from .choices import NotificationKind
from .notifications import Notification

# A committee's message names at most this many branches, then says how many more.
MAX_NAMED_BRANCHES = 20


@dataclass
class RunResult:
    due_soon: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.due_soon + self.missed


def _grant_holders(role: str, today: date) -> dict[str, list[tuple[int, bool]]]:
    """{granted path: [(user id, include_descendants)]} of the current grants of `role` to active users."""
    holders = defaultdict(list)
    grants = RoleGrant.objects.current(today).filter(role=role, user__is_active=True)
    for user_id, path, descendants in grants.values_list(
        "user_id", "organization__path", "include_descendants"
    ):
        holders[path].append((user_id, descendants))
    return holders


def _branch_admins(holders, path: str) -> set[int]:
    """Users holding branch_admin on the branch itself, or on a node above it with its descendants."""
    users = {user_id for user_id, _ in holders.get(path, [])}
    for ancestor in ancestor_paths(path):
        users |= {user_id for user_id, descendants in holders.get(ancestor, []) if descendants}
    return users


def _branch_of(org, by_path):
    """The branch a cell is reported under: the branch itself, or the branch of a 党小组; else None."""
    if org.is_branch:
        return org
    if org.kind == OrganizationKind.PARTY_GROUP:
        return by_path.get(org.path[:-STEPLEN])
    return None


def _item(cell, org, branch, text: str) -> str:
    """A rule's name with its detail, prefixed by the 党小组's name when the cell is a group's."""
    prefix = "" if org.pk == branch.pk else f"{org.name}："
    return f"{prefix}{cell.rule.name}（{text}）"


def due_soon(today: date, days: int) -> list[Notification]:
    """Per branch: the rules still open (进行中) for it or its 党小组 whose period ends within `days` days,
    one message per branch and period end, for the branch's administrators."""
    holders = _grant_holders(RoleChoices.BRANCH_ADMIN, today)
    notifications = []
    for root in Organization.objects.filter(depth=1).active():
        matrix = compute(root, month_start(today), month_start(today), today=today)
        by_id = {org.pk: org for org in matrix.organizations}
        by_path = {org.path: org for org in matrix.organizations}
        due = defaultdict(list)  # (branch, period end) -> message items
        for cell in sorted(matrix.cells, key=lambda c: (c.rule.activity_type.order, c.rule.pk)):
            org = by_id[cell.organization_id]
            branch = _branch_of(org, by_path)
            left = (cell.window.end - today).days
            if cell.verdict == Verdict.OPEN and 0 <= left <= days and branch is not None:
                need = f"{cell.window.label}，还需{cell.rule.min_count - cell.counted}次"
                due[(branch, cell.window.end)].append(_item(cell, org, branch, need))
        for (branch, end), items in sorted(due.items(), key=lambda item: (item[0][1], item[0][0].path)):
            users = _branch_admins(holders, branch.path)
            if not users:
                continue
            left = (end - today).days
            when = "今天截止" if left == 0 else f"还剩{left}天"
            message = (
                f"{branch.name}：以下制度本期尚未完成，{end:%Y-%m-%d}截止（{when}）：{'；'.join(items)}。"
            )
            key = f"due:{branch.pk}:{end:%Y%m%d}"
            notifications += _addressed(users, branch, NotificationKind.DUE_SOON, message, key, today)
    return notifications


def missed_last_month(today: date) -> list[Notification]:
    """Per committee: its branches (whole subtree; a 党小组's misses under its branch) with rules missed
    in the periods that ended last month, one message per committee and month, for the committee's own
    组织管理员."""
    holders = _grant_holders(RoleChoices.ORG_ADMIN, today)
    last_month = add_months(month_start(today), -1)
    notifications = []
    for root in Organization.objects.filter(depth=1).active():
        matrix = compute(root, last_month, last_month, today=today)
        by_id = {org.pk: org for org in matrix.organizations}
        by_path = {org.path: org for org in matrix.organizations}
        missed = defaultdict(list)  # branch -> rule names missed
        for cell in sorted(matrix.cells, key=lambda c: (c.rule.activity_type.order, c.rule.pk)):
            org = by_id[cell.organization_id]
            branch = _branch_of(org, by_path)
            if cell.verdict == Verdict.MISSED and branch is not None:
                missed[branch].append(_item(cell, org, branch, cell.window.label))
        per_committee = defaultdict(list)
        for branch in sorted(missed, key=lambda org: org.path):
            for path in ancestor_paths(branch.path):
                committee = by_path.get(path)
                if committee is not None and committee.is_committee:
                    per_committee[committee].append(branch)
        for committee, branches in per_committee.items():
            users = {user_id for user_id, _ in holders.get(committee.path, [])}
            if not users:
                continue
            message = _missed_message(committee, last_month, branches, missed)
            key = f"missed:{committee.pk}:{last_month:%Y%m}"
            notifications += _addressed(users, committee, NotificationKind.MISSED, message, key, today)
    return notifications


def _missed_message(committee, month: date, branches, missed) -> str:
    named = "；".join(
        f"{branch.name}（{'、'.join(missed[branch])}）" for branch in branches[:MAX_NAMED_BRANCHES]
    )
    more = f"等{len(branches)}个党支部" if len(branches) > MAX_NAMED_BRANCHES else ""
    return (
        f"{committee.name}：{month.year}年{month.month}月结束的周期中，"
        f"共{len(branches)}个党支部有制度未达标：{named}{more}。"
    )


def _addressed(users, organization, kind, message, key, today) -> list[Notification]:
    link = organization.get_absolute_url()
    return [
        Notification(
            user_id=user_id,
            organization=organization,
            kind=kind,
            message=message,
            link=link,
            key=key,
            created_on=today,
        )
        for user_id in sorted(users)
    ]


def _already_sent(notifications) -> set[tuple[int, str]]:
    """(user id, key) pairs already stored, looked up in chunks (SQLite limits query parameters)."""
    keys = sorted({n.key for n in notifications})
    sent = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        sent |= set(Notification.objects.filter(key__in=chunk).values_list("user_id", "key"))
    return sent


@transaction.atomic
def send_reminders(today: date, days: int = 5) -> RunResult:
    """Build and store the day's notifications; matters already notified to a user are skipped."""
    result = RunResult()
    for kind, notifications in (
        ("due_soon", due_soon(today, days)),
        ("missed", missed_last_month(today)),
    ):
        sent = _already_sent(notifications)
        new = [n for n in notifications if (n.user_id, n.key) not in sent]
        # Derived messages, re-creatable from the records; ignore_conflicts covers a concurrent run.
        Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)  # audit-exempt: derived
        setattr(result, kind, len(new))
    return result
