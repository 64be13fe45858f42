"""Who must study what, and how far they got ("学完规定篇目" = completed assigned items ÷ assigned items).

A member is assigned the items of every published plan whose owner is their branch or an organization
above it, when the item's audience includes them: everyone; leading cadres only (a member holding a
current post of 书记、副书记 or 委员, `members.COMMITTEE_TITLES`); or a named 党小组 (its members) or
organization (the members of its subtree).

Progress is computed in a fixed number of grouped queries whatever the size of the tree: the items are
few (tens), so which items apply to a group of members is decided in Python per (branch, 党小组, cadre)
combination, never per member against the database.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member, Position
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from .choices import Audience
from .models import StudyCompletion, StudyItem


@dataclass(frozen=True)
class Assignable:
    """What decides whom one item is assigned to."""

    item_id: int
    owner_path: str
    audience: str
    target_id: int | None
    target_path: str
    target_is_group: bool

    def applies(self, org_path: str, group_id: int | None, cadre: bool) -> bool:
        """Whether a member of the branch at `org_path` (in 党小组 `group_id`) must study this item."""
        if not org_path.startswith(self.owner_path):
            return False
        if self.audience == Audience.LEADING_CADRES:
            return cadre
        if self.audience == Audience.ORGANIZATION:
            if self.target_is_group:
                return group_id == self.target_id
            return org_path.startswith(self.target_path)
        return True


def items_in_force(path: str, year: int):
    """Published items of `year` reaching the subtree at `path`: owned above it, by it, or inside it."""
    owners = [*ancestor_paths(path), path]
    inside = subtree_q(path, "plan__organization__path")
    return (
        StudyItem.objects.filter(plan__published=True, plan__year=year)
        .filter(Q(plan__organization__path__in=owners) | inside)
        .select_related("plan__organization", "audience_organization")
        .order_by("due_on", "plan__organization__path", "order", "id")
    )


def assignables(items) -> list[Assignable]:
    rows = []
    for item in items:
        target = item.audience_organization
        rows.append(
            Assignable(
                item.pk,
                item.plan.organization.path,
                item.audience,
                target.pk if target else None,
                target.path if target else "",
                bool(target and target.kind == OrganizationKind.PARTY_GROUP),
            )
        )
    return rows


def cadre_ids(members) -> set[int]:
    """Ids of the members (a queryset) holding a current 书记/副书记/委员 post anywhere."""
    posts = Position.objects.current().committee().filter(member__in=members)
    return set(posts.values_list("member_id", flat=True))


def is_leading_cadre(member) -> bool:
    return bool(cadre_ids(Member.objects.filter(pk=member.pk)))


def assigned_items(member, year: int) -> list[StudyItem]:
    """The items `member` must study in `year` (three queries)."""
    items = list(items_in_force(member.organization.path, year))
    cadre = is_leading_cadre(member)
    path, group = member.organization.path, member.party_group_id
    return [item for item, a in zip(items, assignables(items), strict=True) if a.applies(path, group, cadre)]


def members_assigned(item: StudyItem, members) -> list[int]:
    """Ids of `members` (a queryset) who must study `item` (two queries)."""
    (rule,) = assignables([item])
    rows = list(members.values_list("pk", "organization__path", "party_group_id"))
    cadres = cadre_ids(members) if item.audience == Audience.LEADING_CADRES else set()
    return [pk for pk, path, group in rows if rule.applies(path, group, pk in cadres)]


def rate(done: int, assigned: int) -> float | None:
    return done / assigned if assigned else None


# One branch: each member and each item -----------------------------------------------------------------
@dataclass
class MemberProgress:
    member: Member
    cadre: bool
    assigned: list[int] = field(default_factory=list)  # item ids
    done: dict[int, date] = field(default_factory=dict)  # item id -> studied_on

    @property
    def completed(self) -> int:
        return sum(1 for pk in self.assigned if pk in self.done)

    @property
    def rate(self) -> float | None:
        return rate(self.completed, len(self.assigned))


@dataclass
class ItemProgress:
    item: StudyItem
    assigned: int = 0
    completed: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.completed, self.assigned)


@dataclass
class BranchProgress:
    members: list[MemberProgress]
    items: list[ItemProgress]

    @property
    def assigned(self) -> int:
        return sum(len(m.assigned) for m in self.members)

    @property
    def completed(self) -> int:
        return sum(m.completed for m in self.members)

    @property
    def rate(self) -> float | None:
        return rate(self.completed, self.assigned)


def branch_progress(organization, year: int, members=None) -> BranchProgress:
    """Progress of every active member of a branch (or of `members`), and of every item (four queries)."""
    if members is None:
        members = Member.objects.active().filter(subtree_q(organization.path, "organization__path"))
    members = list(members.select_related("organization").order_by("name_pinyin", "id"))
    items = list(items_in_force(organization.path, year))
    rules = assignables(items)
    cadres = cadre_ids(Member.objects.filter(pk__in=[m.pk for m in members]))
    done = defaultdict(dict)
    rows = StudyCompletion.objects.filter(member__in=[m.pk for m in members], item__in=[i.pk for i in items])
    for member_id, item_id, studied_on in rows.values_list("member_id", "item_id", "studied_on"):
        done[member_id][item_id] = studied_on
    by_item = {item.pk: ItemProgress(item) for item in items}
    result = []
    for member in members:
        cadre = member.pk in cadres
        path, group = member.organization.path, member.party_group_id
        progress = MemberProgress(member, cadre, done=done[member.pk])
        for rule in rules:
            if rule.applies(path, group, cadre):
                progress.assigned.append(rule.item_id)
                by_item[rule.item_id].assigned += 1
                by_item[rule.item_id].completed += rule.item_id in progress.done
        result.append(progress)
    return BranchProgress(result, list(by_item.values()))


# A subtree: each child organization --------------------------------------------------------------------
@dataclass
class Tally:
    assigned: int = 0
    completed: int = 0

    @property
    def rate(self) -> float | None:
        return rate(self.completed, self.assigned)


def subtree_progress(organization, year: int, children) -> tuple[dict[int, Tally], Tally]:
    """({child id: Tally}, total) of "学完规定篇目" for the subtree of `organization`, in seven queries.

    Members are grouped by (branch, 党小组) and by branch for the leading cadres; active members'
    completions by (the branch they were filed under, item) — with the 党小组 for a group's items, and among
    current cadres for the cadres' items. A completion counts only if the item is (still) assigned there.
    """
    path = organization.path
    rules = {a.item_id: a for a in assignables(items_in_force(path, year))}
    child_of = _child_finder(organization, children)
    orgs = Organization.objects.filter(subtree_q(path))
    paths = dict(orgs.values_list("pk", "path"))  # ids, not paths, in the big queries: no join with the tree
    members = Member.objects.filter(status__in=ACTIVE_STATUSES, organization__in=orgs.values("pk"))
    cadres = members.filter(pk__in=Position.objects.current().committee().values("member_id"))
    plain = [r for r in rules.values() if r.audience != Audience.LEADING_CADRES]
    cadre_rules = [r for r in rules.values() if r.audience == Audience.LEADING_CADRES]
    tallies = defaultdict(Tally)

    groups = members.order_by().values_list("organization_id", "party_group_id").annotate(n=Count("id"))
    for org_id, group, count in groups:
        applying = sum(1 for r in plain if r.applies(paths[org_id], group, False))
        tallies[child_of(paths[org_id])].assigned += applying * count
    for org_id, count in cadres.order_by().values_list("organization_id").annotate(n=Count("id")):
        applying = sum(1 for r in cadre_rules if r.applies(paths[org_id], None, True))
        tallies[child_of(paths[org_id])].assigned += applying * count

    # Completions are filed under the member's branch when recorded: grouped by that id, joined with the
    # roster only for the member's status (and 党小组, for the few items of one group).
    completions = StudyCompletion.objects.order_by().filter(
        organization__in=orgs.values("pk"), member__status__in=ACTIVE_STATUSES
    )
    by_branch = [r.item_id for r in plain if not r.target_is_group]
    by_group = [r.item_id for r in plain if r.target_is_group]
    rows = (
        completions.filter(item__in=by_branch)
        .values_list("organization_id", "item_id")
        .annotate(n=Count("id"))
    )
    for org_id, item_id, count in rows:
        if rules[item_id].applies(paths[org_id], None, False):
            tallies[child_of(paths[org_id])].completed += count
    rows = completions.filter(item__in=by_group).values_list(
        "organization_id", "member__party_group_id", "item_id"
    )
    for org_id, group, item_id, count in rows.annotate(n=Count("id")):
        if rules[item_id].applies(paths[org_id], group, False):
            tallies[child_of(paths[org_id])].completed += count
    rows = completions.filter(item__in=[r.item_id for r in cadre_rules], member__in=cadres)
    for org_id, item_id, count in rows.values_list("organization_id", "item_id").annotate(n=Count("id")):
        if rules[item_id].applies(paths[org_id], None, True):
            tallies[child_of(paths[org_id])].completed += count
    total = Tally(sum(t.assigned for t in tallies.values()), sum(t.completed for t in tallies.values()))
    return {key: value for key, value in tallies.items() if key is not None}, total


def _child_finder(organization, children):
    """A function from a branch's path to the id of the child of `organization` holding it (or the
    organization's own id when the branch is the organization itself)."""
    by_path = {child.path: child.pk for child in children}
    width = len(organization.path) + 4

    def child_of(path: str):
        return by_path.get(path[:width], organization.pk if path == organization.path else None)

    return child_of
