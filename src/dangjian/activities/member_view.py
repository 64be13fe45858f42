"""What a 党员 sees of an activity no grant of theirs covers, reached through `Activity.own_records_q`.

The outline (type, theme, date, place, 应到/实到) of every such activity; agenda, minutes, decisions and
who attended only of those they were expected at. Of the attendance, absence reasons and check-in
times are shown for their own row only: another member's reason is personal information. Spot checks
are supervision, not the member's business. Pages (`views_mine.py`) and the API apply the same rule.
"""

from dangjian.accounts.scope import UserScope


def seen_as_member(scope: UserScope, activity) -> bool:
    """True when only the reader's own membership, not a grant, lets them see `activity`."""
    return not scope.covers(activity.organization.path, "view")


def own_rows(scope: UserScope, activity) -> list:
    """The reader's own attendance rows of `activity` (empty: they were not expected at it).

    Uses `own_attendance` when the queryset prefetched it (lists), else the prefetched attendance."""
    rows = getattr(activity, "own_attendance", None)
    if rows is None:
        rows = activity.attendance.all()
    return [row for row in rows if row.member_id in scope.member_ids]
