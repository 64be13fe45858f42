"""API of 考核评价 (/api/v1/evaluation/): the same scoping and services as the pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..models import Appeal, Assessment, AssessmentUnit, ItemScore, Rubric, RubricItem
from ..views import committee_sees
from .serializers import (
    AppealSerializer,
    AssessmentSerializer,
    DecisionSerializer,
    RubricSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
    UnitSerializer,
)


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    lookup_value_regex = r"\d+"


class RubricViewSet(ReadViewSet):
    """考核细则 of the committees in scope, each version with its items and rating scale."""

    model = Rubric
    serializer_class = RubricSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("versions__bands").order_by("pk")


class AssessmentViewSet(ReadViewSet):
    """考核 of the committees in scope; `units` lists the results (得分、等次、名次、位次变化)."""

    model = Assessment
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "pk")

    @extend_schema(responses=UnitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def units(self, request, pk=None):
        rows = self.get_object().units.select_related("organization").order_by("rank", "organization__path")
        return Response(UnitSerializer(rows, many=True).data)


class UnitViewSet(ReadViewSet):
    """Assessed units in scope (a unit's own admins read its row; the rank only as the committee allows)."""

    model = AssessmentUnit
    serializer_class = UnitSerializer

    def get_queryset(self):
        rows = (
            super().get_queryset().select_related("organization", "assessment__organization").order_by("pk")
        )
        assessment = self.request.query_params.get("assessment")
        return rows.filter(assessment_id=assessment) if assessment and assessment.isdigit() else rows

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        hide_ranks(request.user, response.data, self.get_queryset())
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        hide_ranks(request.user, [response.data], self.get_queryset())
        return response


def hide_ranks(user, rows, queryset) -> None:
    """Blank the ranks the committee's setting keeps from the unit (仅考核单位可见)."""
    from ..choices import RankingVisibility

    rows = rows["results"] if isinstance(rows, dict) else rows
    units = {unit.pk: unit for unit in queryset.filter(pk__in=[row["id"] for row in rows])}
    for row in rows:
        assessment = units[row["id"]].assessment
        if assessment.ranking_visibility == RankingVisibility.COMMITTEE and not committee_sees(
            user, assessment
        ):
            row.update(rank=None, previous_rank=None, rank_change=None)


class ScoreViewSet(mixins.ListModelMixin, ScopedViewSet):
    """Item scores of the units in scope (filter `unit`); POST: an assessor's score (points, or
    occurrences for a 按次扣分 item)."""

    model = ItemScore
    serializer_class = ScoreSerializer

    def initial(self, request, *args, **kwargs):
        # Assessors need only view access (an inspector may be one): the service checks the nomination.
        viewsets.GenericViewSet.initial(self, request, *args, **kwargs)

    def get_queryset(self):
        rows = super().get_queryset().order_by("unit", "item", "pk")
        unit = self.request.query_params.get("unit")
        return rows.filter(unit_id=unit) if unit and unit.isdigit() else rows

    @extend_schema(request=ScoreInputSerializer, responses=ScoreSerializer)
    def create(self, request):
        data = ScoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit = get_object_or_404(AssessmentUnit.objects.visible_to(request.user), pk=values["unit"])
        item = get_object_or_404(
            RubricItem.objects.filter(section__version=unit.assessment.version_id), pk=values["item"]
        )
        row = call_service(
            services.do_score_item,
            unit,
            item,
            acting_user=request.user,
            points=values.get("points"),
            occurrences=values.get("occurrences"),
            comment=values["comment"],
        )
        return Response(ScoreSerializer(row).data, status=status.HTTP_201_CREATED)


class AppealViewSet(ReadViewSet):
    """申诉 of the units in scope; POST files one (the unit), `decide` records 维持/改分 (the committee)."""

    model = Appeal
    serializer_class = AppealSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("-created_at", "pk")

    def create(self, request):
        data = AppealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit = get_object_or_404(
            AssessmentUnit.objects.visible_to(request.user, "change"), pk=values["unit"].pk
        )
        appeal = call_service(
            services.do_file_appeal, unit, values["item"], values["reason"], acting_user=request.user
        )
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DecisionSerializer, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        appeal = get_object_or_404(Appeal.objects.visible_to(request.user), pk=pk)
        assessment = appeal.unit.assessment
        get_object_or_404(Assessment.objects.visible_to(request.user, "change"), pk=assessment.pk)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        call_service(
            services.do_decide_appeal,
            appeal,
            values["decision"],
            new_points=values.get("new_points"),
            note=values["note"],
            acting_user=request.user,
        )
        appeal.refresh_from_db()
        return Response(AppealSerializer(appeal).data)
