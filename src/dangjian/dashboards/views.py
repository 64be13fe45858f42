"""工作看板 pages: the dashboard of one organization's subtree, the picker that leads to it, and each
chart's data as .xlsx. The charts are drawn in the browser by ECharts (static/dashboards/dashboards.js)
from the data the page carries in a json_script block: no inline script, as the CSP requires."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from dangjian.core.views import ScopedViewMixin
from dangjian.core.xlsx import xlsx_response
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from .access import dashboard_organizations, default_organization, picker_organizations
from .charts import Span, all_charts, one_chart
from .exporting import chart_xlsx, export_filename
from .headline import headlines


class DashboardIndexView(LoginRequiredMixin, View):
    """/dashboards/: the chosen organization's dashboard (?organization=), else the user's highest one."""

    def get(self, request):
        chosen = request.GET.get("organization", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            organization = get_object_or_404(dashboard_organizations(request.user), pk=chosen)
        else:
            organization = default_organization(request.user)
            if organization is None:
                raise PermissionDenied("没有可查看工作看板的党组织。")
        return redirect("dashboards:dashboard", pk=organization.pk)


class DashboardMixin(ScopedViewMixin):
    """The organization in the URL, if its whole subtree is the user's to view (else 404)."""

    model = Organization
    target_kwarg = "pk"

    def get_queryset(self):
        return dashboard_organizations(self.request.user)


class DashboardView(DashboardMixin, TemplateView):
    template_name = "dashboards/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        charts = all_charts(self.target, today)
        children = (
            Organization.objects.children_of(self.target)
            .exclude(kind=OrganizationKind.PARTY_GROUP)
            .order_by("path")
        )
        return super().get_context_data(
            organization=self.target,
            charts=charts,
            chart_data={chart.key: chart.as_dict() for chart in charts},
            headlines=headlines(self.target, today, charts),
            organizations=picker_organizations(self.request.user, self.target),
            children=children,
            today=today,
            months=f"{Span(today).labels[0]}至{Span(today).labels[-1]}",
            nav="dashboards",
            **kwargs,
        )


class ChartExportView(DashboardMixin, View):
    """One chart's data as .xlsx (the numbers the chart draws; totals only, no personal data)."""

    def get(self, request, pk, chart):
        today = timezone.localdate()
        found = one_chart(self.target, chart, today)
        if found is None:
            raise Http404("没有这个图表。")
        return xlsx_response(
            chart_xlsx(found, self.target, today), export_filename(found, self.target, today)
        )
