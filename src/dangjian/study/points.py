"""学习积分, opt-in per organization subtree (off by default), derived from the records, never typed in.

Shown only to the member themself: no ranking page, no online-time counters, and points are never an
input to any rule, verdict or assessment (rules.md §10). A completed item, an attended course session and
a reflection each earn a fixed number of points (`choices.POINTS_PER_*`).
"""

from dataclasses import dataclass
from datetime import date

from dangjian.core.tree import ancestor_paths

from .choices import POINTS_PER_COMPLETION, POINTS_PER_COURSE_SESSION, POINTS_PER_REFLECTION, NoteKind
from .models import Note, PointsSetting, SessionAttendance, StudyCompletion


def points_enabled(organization) -> bool:
    """The nearest setting at or above `organization` decides; none at all means off (one query)."""
    paths = [*ancestor_paths(organization.path), organization.path]
    settings = dict(
        PointsSetting.objects.filter(organization__path__in=paths).values_list(
            "organization__path", "enabled"
        )
    )
    for path in reversed(paths):
        if path in settings:
            return settings[path]
    return False


@dataclass
class Points:
    completions: int
    course_sessions: int
    reflections: int

    @property
    def lines(self) -> list[tuple[str, int, int, int]]:
        """(what, how many, points each, points)."""
        return [
            (
                "学完规定篇目",
                self.completions,
                POINTS_PER_COMPLETION,
                self.completions * POINTS_PER_COMPLETION,
            ),
            (
                "参加培训课次",
                self.course_sessions,
                POINTS_PER_COURSE_SESSION,
                self.course_sessions * POINTS_PER_COURSE_SESSION,
            ),
            (
                "撰写心得体会",
                self.reflections,
                POINTS_PER_REFLECTION,
                self.reflections * POINTS_PER_REFLECTION,
            ),
        ]

    @property
    def total(self) -> int:
        return sum(line[3] for line in self.lines)


def member_points(member, first: date, last: date) -> Points:
    """The member's points in [first, last], counted from their records (three queries)."""
    return Points(
        completions=StudyCompletion.objects.filter(member=member, studied_on__range=(first, last)).count(),
        course_sessions=SessionAttendance.objects.filter(
            member=member, present=True, session__held_on__range=(first, last)
        ).count(),
        reflections=Note.objects.filter(
            member=member, kind=NoteKind.REFLECTION, written_on__range=(first, last)
        ).count(),
    )
