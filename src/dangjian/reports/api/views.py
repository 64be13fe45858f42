from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service
from dangjian.core.figures import Period, figures
from dangjian.organizations.models import Organization

from .. import export, services
from ..models import ReportDraft, ReportTemplate
from ..tracing import record_row, trace
from .serializers import (
    DraftCreateSerializer,
    DraftSerializer,
    FigureInfoSerializer,
    FigureTraceSerializer,
    RefreshSerializer,
    TemplateSerializer,
)

PAGE_SIZE = 50


class TemplateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """汇报材料模板: built-in ones and those of committees in scope; committees create and update theirs."""

    model = ReportTemplate
    serializer_class = TemplateSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def create(self, request):
        serializer = TemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data.pop("organization_id", None) or 0
        )
        template = call_service(
            services.do_create_template, acting_user=request.user, organization=organization, **data
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        template = self.get_object()
        serializer = TemplateSerializer(template, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("organization_id", None)  # a template stays with its committee
        template = call_service(services.do_update_template, template, acting_user=request.user, **data)
        return Response(TemplateSerializer(template).data)


class DraftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """汇报材料草稿 in scope: create from template + organization + months, edit, refresh figures, export."""

    model = ReportDraft
    serializer_class = DraftSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        rows = super().get_queryset().select_related("organization", "template")
        return rows.prefetch_related("figures__organization")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action not in ("list", None):
            draft = getattr(self, "_draft", None)
            if draft is not None:
                context["stale"] = {use.number: now for use, now in services.stale_figures(draft)}
        return context

    def get_object(self):
        self._draft = super().get_object()
        return self._draft

    def _respond(self, draft, code=status.HTTP_200_OK):
        """The draft read afresh (its figures may have changed since it was fetched)."""
        related = ReportDraft.objects.select_related("organization", "template")
        draft = self._draft = related.prefetch_related("figures__organization").get(pk=draft.pk)
        return Response(DraftSerializer(draft, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=DraftCreateSerializer, responses={201: DraftSerializer})
    def create(self, request):
        serializer = DraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data["organization"]
        )
        template = get_object_or_404(ReportTemplate.objects.visible_to(request.user), pk=data["template"])
        draft = call_service(
            services.do_create_draft,
            acting_user=request.user,
            organization=organization,
            template=template,
            period=Period.months(data["start"], data["end"]),
        )
        return self._respond(draft, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        draft = self.get_object()
        serializer = DraftSerializer(draft, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        draft = call_service(
            services.do_update_draft, draft, acting_user=request.user, **serializer.validated_data
        )
        return self._respond(draft)

    @extend_schema(request=RefreshSerializer, responses={200: DraftSerializer})
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        """Recompute the figures whose records changed (all, or `numbers`)."""
        draft = self.get_object()
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_refresh_figures,
            draft,
            acting_user=request.user,
            numbers=serializer.validated_data.get("numbers"),
        )
        return self._respond(draft)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["docx", "pdf"], description="导出格式，默认docx")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The draft in the official document layout (GB/T 9704-2012) as .docx or PDF."""
        draft = self.get_object()
        fmt = request.query_params.get("format", "docx")
        if fmt not in export.CONTENT_TYPES:
            raise exceptions.ValidationError({"format": "导出格式只能是docx或pdf。"})
        try:
            data = export.render(draft, fmt)
        except export.ExportUnavailable as error:
            raise exceptions.APIException(str(error)) from error
        response = HttpResponse(data, content_type=export.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="report-{draft.pk}.{fmt}"'
        return response


class FigureViewSet(viewsets.ViewSet):
    """Registered figures; one figure's value and records for an organization (in scope) and period."""

    permission_classes = [IsAuthenticated]
    lookup_field = "key"
    lookup_value_regex = r"[\w.\-]+"

    @extend_schema(responses={200: FigureInfoSerializer(many=True)})
    def list(self, request):
        rows = [
            {"key": f.key, "label": f.label, "unit": f.unit, "description": f.description}
            for f in sorted(figures.values(), key=lambda f: f.key)
        ]
        return Response(FigureInfoSerializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "org", str, description="党组织（ID或组织编码），须在本人授权范围内；不填为最高一级"
            ),
            OpenApiParameter("from", str, description="起始日期 YYYY-MM-DD 或月份 YYYY-MM"),
            OpenApiParameter("to", str, description="截止日期 YYYY-MM-DD 或月份 YYYY-MM"),
            OpenApiParameter("page", int, description="记录页码（每页50条）"),
        ],
        responses={
            200: FigureTraceSerializer,
            404: OpenApiResponse(description="未登记的数字或党组织不在授权范围内"),
        },
    )
    def retrieve(self, request, key=None):
        found = trace(request.user, key, request.query_params)
        count, rows, number = None, [], 1
        if found.records is not None:
            page = Paginator(found.records, PAGE_SIZE).get_page(request.query_params.get("page"))
            count, number = page.paginator.count, page.number
            rows = [record_row(obj) for obj in page.object_list]
        data = {
            "key": found.figure.key,
            "label": found.figure.label,
            "unit": found.figure.unit,
            "description": found.figure.description,
            "organization": found.organization.pk,
            "organization_name": found.organization.name,
            "period_start": found.period.start,
            "period_end": found.period.end,
            "value": found.value_text,
            "record_count": count,
            "page": number,
            "records": rows,
        }
        return Response(FigureTraceSerializer(data).data)
