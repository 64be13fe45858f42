"""Project-level pages that draw on every capability: the home dashboard and the 体检 page."""

from datetime import timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.activities.extensions import Notification
from dangjian.core.registry import quality_checks, run_quality_checks
from dangjian.organizations.models import Organization
from dangjian.organizations.views import tree_rows


class HomeView(LoginRequiredMixin, TemplateView):
    """The dashboard: what the user's scope holds and what needs attention."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        roots = list(Organization.objects.grant_roots(user))
        scope = get_scope(user)
        context["roots"] = roots
        context["root_rows"] = tree_rows(roots, user) if roots else []
        context["scope"] = scope
        context["own_member"] = getattr(user, "member", None) if scope.member_ids else None
        if roots and scope.allows("change"):
            context["term_reminders"] = self._term_reminders(roots)
        context["notifications"] = list(Notification.objects.visible_to(user).unread()[:10])
        return context

    def _term_reminders(self, roots):
        soon = timezone.localdate() + timedelta(days=183)
        reminders = []
        for root in roots:
            orgs = Organization.objects.descendants_of(root, include_self=True).active()
            reminders += list(orgs.filter(term_ends_on__lte=soon).order_by("term_ends_on")[:20])
        return reminders


class QualityView(LoginRequiredMixin, TemplateView):
    """体检: every registered data-quality check over the organizations the user may change."""

    template_name = "core/quality.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not get_scope(self.request.user).allows("change"):
            raise PermissionDenied
        roots = Organization.objects.grant_roots(self.request.user, "change")
        code = self.request.GET.get("org")
        if code:
            roots = Organization.objects.visible_to(self.request.user, "change").filter(code=code)
            if not roots:
                raise Http404
        groups = {c: [] for c in quality_checks}
        for root in roots:
            for issue in run_quality_checks(root):
                groups[issue.check.code].append(issue)
        context["groups"] = [(quality_checks[c], issues) for c, issues in groups.items()]
        context["total"] = sum(len(i) for i in groups.values())
        return context
