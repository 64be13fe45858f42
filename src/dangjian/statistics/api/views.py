"""党内统计 under /api/v1/statistics/: the tables of an organization's subtree on a date, and the
comparison of two dates; read by the grants over the organization, anything else a 404."""

from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..compare import compare_tables
from ..engine import BASIS, TABLE_KEYS, compute_tables
from ..params import day_and_start, table_keys, two_days
from ..views import statistic_organizations

TABLE_PARAMETER = OpenApiParameter(
    "table", str, many=True, enum=list(TABLE_KEYS), description="只取这些表（可重复）；默认全部"
)


def _organization(request, pk):
    return get_object_or_404(statistic_organizations(request.user), pk=pk)


def _read(fn, *args):
    try:
        return fn(*args)
    except BadRequest as error:
        raise exceptions.ValidationError({"detail": str(error)}) from error


class TablesApiView(APIView):
    """The 党内统计 tables of the organization's subtree on `date` (default 12月31日 of last year), the
    flow tables from `start` (default 1 January of that year). Each table: columns (with their merged
    group), rows with values in column order; the first row is 总计."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("date", str, description="统计截止日 YYYY-MM-DD"),
            OpenApiParameter("start", str, description="统计期起始日 YYYY-MM-DD"),
            TABLE_PARAMETER,
        ],
        responses={200: OpenApiResponse(description="统计表")},
    )
    def get(self, request, pk):
        organization = _organization(request, pk)
        day, start = _read(day_and_start, request.query_params)
        keys = _read(table_keys, request.query_params)
        tables = compute_tables(organization, day, start, keys=keys)
        return Response(
            {
                "organization": {"id": organization.pk, "name": organization.name, "code": organization.code},
                "date": day,
                "start": start,
                "basis": BASIS,
                "tables": [table.as_dict() for table in tables],
            }
        )


class CompareApiView(APIView):
    """The tables on `date_a` and `date_b` (default: the last two 12月31日) side by side: each value is
    {before, after, change, rate} (rate in per cent of `before`, null when it is 0)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("date_a", str, description="前一截止日 YYYY-MM-DD"),
            OpenApiParameter("date_b", str, description="后一截止日 YYYY-MM-DD"),
            TABLE_PARAMETER,
        ],
        responses={200: OpenApiResponse(description="两个截止日的统计表比较")},
    )
    def get(self, request, pk):
        organization = _organization(request, pk)
        before, after = _read(two_days, request.query_params)
        keys = _read(table_keys, request.query_params)
        comparisons = compare_tables(organization, before, after, keys=keys)
        return Response(
            {
                "organization": {"id": organization.pk, "name": organization.name, "code": organization.code},
                "date_a": before,
                "date_b": after,
                "basis": BASIS,
                "tables": [comparison.as_dict() for comparison in comparisons],
            }
        )
