"""API of 考核评价 (/api/v1/evaluation/): the same scoping and services as the pages. Assessments, units,
scores and appeals here; the rubric editor's rubrics, sections and items in `views_rubrics.py`."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..models import Appeal, Assessment, AssessmentUnit, ItemScore, RubricItem
from ..views import committee_sees
from .serializers import (
    AppealSerializer,
    AssessmentSerializer,
    AssessmentStageSerializer,
    AssessmentWriteSerializer,
    AssessorsWriteSerializer,
    DecisionSerializer,
    ScoreInputSerializer,
    ScoreSerializer,
    SelfAssessSerializer,
    UnitSerializer,
)


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    lookup_value_regex = r"\d+"


class AssessmentViewSet(ReadViewSet):
    """考核 of the committees in scope; `units` lists the results (得分、等次、名次、位次变化). The
    committee's managers create one, change its assessors until the results are published, and move it
    on: start scoring (closes self-assessment, fills the computed items), fill them again, finalize."""

    model = Assessment
    serializer_class = AssessmentSerializer

    def get_queryset(self):
        return super().get_queryset().prefetch_related("assessors").order_by("-year", "pk")

    def _done(self, assessment, code=status.HTTP_200_OK, computed_rows=None):
        assessment = Assessment.objects.prefetch_related("assessors").get(pk=assessment.pk)
        if computed_rows is None:
            return Response(AssessmentSerializer(assessment).data, status=code)
        data = {"assessment": assessment, "computed_rows": computed_rows}
        return Response(AssessmentStageSerializer(data).data, status=code)

    @extend_schema(responses=UnitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def units(self, request, pk=None):
        rows = self.get_object().units.select_related("organization").order_by("rank", "organization__path")
        return Response(UnitSerializer(rows, many=True).data)

    @extend_schema(request=AssessmentWriteSerializer, responses={201: AssessmentSerializer})
    def create(self, request):
        """新建考核 as on the page: checked by the same form, created in the self-assessment stage."""
        serializer = AssessmentWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        assessment = call_service(
            services.do_create_assessment, **serializer.form.create_kwargs(), acting_user=request.user
        )
        return self._done(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=AssessorsWriteSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def assessors(self, request, pk=None):
        """更改评分人 (the whole list) until the results are published; a removed assessor's scores stay
        recorded but no longer count."""
        assessment = self.get_object()
        serializer = AssessorsWriteSerializer(data=request.data, context={"assessment": assessment})
        serializer.is_valid(raise_exception=True)
        users = serializer.validated_data["assessors"]
        call_service(services.do_set_assessors, assessment, users, acting_user=request.user)
        return self._done(assessment)

    @extend_schema(request=None, responses={200: AssessmentStageSerializer})
    @action(detail=True, methods=["post"], url_path="start-scoring")
    def start_scoring(self, request, pk=None):
        """开始评分: closes self-assessment and fills the computed items from the records."""
        assessment = self.get_object()
        rows = call_service(services.do_start_scoring, assessment, acting_user=request.user)
        return self._done(assessment, computed_rows=rows)

    @extend_schema(request=None, responses={200: AssessmentStageSerializer})
    @action(detail=True, methods=["post"], url_path="fill-computed")
    def fill_computed(self, request, pk=None):
        """重新取数: the computed items of every unit again from the records (while scoring)."""
        assessment = self.get_object()
        rows = call_service(services.do_fill_computed, assessment, acting_user=request.user)
        return self._done(assessment, computed_rows=rows)

    @extend_schema(request=None, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        """公布结果: score, rating and rank of every unit (refused while conflicts or unscored items
        remain)."""
        assessment = self.get_object()
        return self._done(call_service(services.do_finalize, assessment, acting_user=request.user))


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

    @extend_schema(request=SelfAssessSerializer, responses={200: ScoreSerializer})
    @action(detail=True, methods=["post"], url_path="self-assess")
    def self_assess(self, request, pk=None):
        """单位自评 of one item by the unit's own administrators, while the assessment is in self-assessment
        (shown beside the final points, never counted in them)."""
        unit = self.get_object()
        serializer = SelfAssessSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        item = unit.assessment.version.items().filter(pk=values["item"]).first()
        if item is None:
            raise ValidationError({"item": ["评分细则须为本次考核所用版本的细则。"]})
        row = call_service(
            services.do_self_assess,
            unit,
            item,
            values["points"],
            comment=values["comment"],
            acting_user=request.user,
        )
        return Response(ScoreSerializer(row).data)


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
        rows = super().get_queryset().with_counted().order_by("unit", "item", "pk")
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
