"""Who was a member of a subtree on a past date, reconstructed from the roster's own records (ADR 015).

Basis: the organization holding the member's 组织关系 (按组织关系所在党组织统计), in today's tree.
- On the roll on `day`: joined (入党日期) on or before it; not transferred in from outside the system
  after it; not gone by it (a leaving status — 出党、停止党籍、去世、转出 — dated on or before `day`, or
  with no date at all). 正式 if the 转正日期 is on or before `day`, else 预备.
- Organization on `day`: the 转出组织 of the member's first internal transfer dated after `day`, else the
  present one. Only transfers crossing the subtree's edge change who is counted, so they are found in
  Python (few rows) and the rest stays one indexed range on the path.
- Not reconstructed (the record keeps only the latest status): a member restored (恢复党籍) counts as a
  member before the restoration too; subtree moves (隶属关系调整) count under the present tree.
"""

from datetime import date

from django.db.models import Case, CharField, Q, Value, When

from dangjian.core.tree import subtree_bounds, subtree_q
from dangjian.members.choices import LEAVING_STATUSES, TransferKind
from dangjian.members.models import Transfer

FULL = "full"
PROBATIONARY = "probationary"
ABSENT = "absent"
ON_ROLL = (FULL, PROBATIONARY)


def _in(path: str, low: str, high: str) -> bool:
    return path is not None and low <= path <= high


def organization_corrections(path: str, day: date) -> tuple[list[int], list[int]]:
    """(removed, added): members whose present branch is in the subtree but was not on `day`, and the
    other way round, from the internal transfers dated after `day` that touch the subtree."""
    low, high = subtree_bounds(path)
    later = Transfer.objects.filter(kind=TransferKind.INTERNAL, transferred_on__gt=day)
    touching = later.filter(
        Q(from_organization__path__range=(low, high)) | Q(to_organization__path__range=(low, high))
    ).values("member_id")
    rows = (
        later.filter(member_id__in=touching)
        .order_by("member_id", "transferred_on", "id")
        .values_list("member_id", "from_organization__path", "member__organization__path")
    )
    then, now = {}, {}
    for member_id, from_path, present_path in rows:
        then.setdefault(member_id, from_path)
        now[member_id] = present_path
    removed = [m for m in then if _in(now[m], low, high) and not _in(then[m], low, high)]
    added = [m for m in then if _in(then[m], low, high) and not _in(now[m], low, high)]
    return sorted(removed), sorted(added)


def in_subtree_on(path: str, day: date, prefix: str = "") -> Q:
    """Q: the member's organization on `day` lies in the subtree at `path` (`prefix` reaches the member
    from another model, e.g. "member__")."""
    removed, added = organization_corrections(path, day)
    condition = subtree_q(path, f"{prefix}organization__path")
    if removed:
        condition &= ~Q(**{f"{prefix}pk__in": removed})
    if added:
        condition |= Q(**{f"{prefix}pk__in": added})
    return condition


def transferred_in_after(day: date):
    """Members who came into the system (组织关系转入 from outside) after `day`."""
    return Transfer.objects.filter(kind=TransferKind.IN, transferred_on__gt=day).values("member_id")


def status_on(day: date) -> Case:
    """full / probationary / absent: the member's standing on `day` (see the module docstring)."""
    gone = Q(status__in=list(LEAVING_STATUSES)) & (
        Q(status_changed_on__isnull=True) | Q(status_changed_on__lte=day)
    )
    return Case(
        When(joined_on__gt=day, then=Value(ABSENT)),
        When(gone, then=Value(ABSENT)),
        When(pk__in=transferred_in_after(day), then=Value(ABSENT)),
        When(confirmed_on__lte=day, then=Value(FULL)),
        default=Value(PROBATIONARY),
        output_field=CharField(),
    )
