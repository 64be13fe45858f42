"""工作看板 API: the data of every chart, or of one, for an organization's subtree (the page's own data).

Read by the grants that cover the whole subtree (dashboards.access); anything else is a 404."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access import dashboard_organizations
from ..charts import CHART_KEYS, all_charts, one_chart
from ..headline import headlines

CHART_LIST = "、".join(CHART_KEYS)


def _organization(request, pk):
    return get_object_or_404(dashboard_organizations(request.user), pk=pk)


def _about(organization, today) -> dict:
    return {
        "organization": organization.pk,
        "organization_name": organization.name,
        "date": today.isoformat(),
    }


class DashboardApiView(APIView):
    """Every chart of the organization's dashboard: categories, series (with links to the records), and
    the headline figures (from the registry of named figures where registered)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dashboards_charts_retrieve",
        responses={200: OpenApiResponse(description=f"charts: {CHART_LIST}")},
    )
    def get(self, request, pk):
        organization = _organization(request, pk)
        today = timezone.localdate()
        charts = all_charts(organization, today)
        figures = [headline.as_dict() for headline in headlines(organization, today, charts)]
        return Response(
            {**_about(organization, today), "headlines": figures, "charts": [c.as_dict() for c in charts]}
        )


class ChartApiView(APIView):
    """One chart of the organization's dashboard (`chart`: one of the keys listed in the description)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dashboards_chart_retrieve",
        responses={200: OpenApiResponse(description=f"one chart: {CHART_LIST}")},
    )
    def get(self, request, pk, chart):
        organization = _organization(request, pk)
        today = timezone.localdate()
        found = one_chart(organization, chart, today)
        if found is None:
            raise NotFound("没有这个图表。")
        return Response({**_about(organization, today), **found.as_dict()})
