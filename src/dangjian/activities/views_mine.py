"""A 党员's own organizational life (我的组织生活): this year's activities they were expected at, with
their own attendance, and the read-only page of an activity seen as a member (see member_view.py).

Only the reader's own record is shown: no rates, streaks or rankings of individuals (rules.md §10).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.organizations.models import Organization

from . import compliance, reporting
from .choices import Verdict
from .member_view import own_rows
from .models import Activity, Attendance
from .querysets import year_bounds

FIRST_YEAR = 2000


class MyActivitiesView(LoginRequiredMixin, TemplateView):
    """我的组织生活: empty for an account not linked to a member."""

    template_name = "activities/my_activities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = get_scope(self.request.user)
        today = timezone.localdate()
        year = self._year(today)
        first, last = year_bounds(year)
        rows = (
            Attendance.objects.filter(
                member_id__in=scope.member_ids, activity__held_on__range=(first, min(last, today))
            )
            .select_related("activity__activity_type", "activity__organization")
            .order_by("-activity__held_on", "-activity_id")
        )
        coming = Activity.objects.none()
        if scope.member_ids:
            coming = (
                Activity.objects.current()
                .filter(Activity.own_records_q(scope), held_on__gt=today)
                .select_related("activity_type", "organization")
                .order_by("held_on", "start_time", "id")
            )
        context.update(
            nav="mine",
            linked=bool(scope.member_ids),
            due=self._due(scope, today) if year == today.year else [],
            year=year,
            previous_year=year - 1 if year > FIRST_YEAR else None,
            next_year=year + 1 if year < today.year else None,
            rows=rows,
            coming=coming,
        )
        return context

    def _due(self, scope, today) -> list:
        """What the member's own organizations still have to hold in the current periods (the rules' open
        cells, as the branch's 待办 shows them): so a member knows a meeting is coming before it is
        recorded. Organization-level, never a figure about the member."""
        due = []
        for organization in Organization.objects.filter(path__in=scope.member_org_paths).order_by("path"):
            matrix = compliance.compute(organization, today, today, today=today)
            for cell in reporting.cells_of(matrix, organization.pk):
                if cell.verdict == Verdict.OPEN:
                    due.append((organization, cell, (cell.window.end - today).days))
        return sorted(due, key=lambda item: (item[1].window.end, item[1].rule.pk))

    def _year(self, today) -> int:
        value = self.request.GET.get("year", "")
        if value.isdigit() and FIRST_YEAR <= int(value) <= today.year:
            return int(value)
        return today.year


def member_activity_page(request, activity):
    """The page of an activity its reader sees only as a member (ActivityDetailView hands over)."""
    scope = get_scope(request.user)
    own = own_rows(scope, activity)
    mine = {row.member_id for row in own}
    context = {
        "object": activity,
        "nav": "mine",
        "own_rows": own,
        "expected": bool(own),
        # Others' rows without reasons or times: the template shows only 出席/缺席 for them.
        "attendance": [(row, row.member_id in mine) for row in activity.attendance.all()] if own else [],
        "decisions": list(activity.decisions.all()) if own else [],
    }
    return render(request, "activities/activity_detail_member.html", context)
