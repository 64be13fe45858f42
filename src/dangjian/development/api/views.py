from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.accounts.scope import scope_q
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import engine, services
from ..conf import limits
from ..models import DevelopmentFile, DevelopmentPlan, DualRequirement
from ..reading import FileError, read_timeline
from ..statistics import statistics
from ..views import period_from
from .serializers import (
    CloseFileSerializer,
    DevelopmentFileSerializer,
    DevelopmentPlanSerializer,
    DualRequirementSerializer,
    EndDualRequirementSerializer,
    OpenFileSerializer,
    SetDualRequirementSerializer,
    SetPlanSerializer,
    StepCreateSerializer,
    StepSerializer,
    TimelineSerializer,
)


class DevelopmentFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """发展党员档案: the files in scope (filter `organization`, `stage`, `overdue=1`), open one, its steps.

    Recording a step is checked by the rules engine: a refused step is 400 with the engine's messages
    (citing the rule), unless an 组织管理员 over the branch gives `override_reason`. Out of scope: 404."""

    model = DevelopmentFile
    serializer_class = DevelopmentFileSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        files = super().get_queryset().select_related("organization").order_by("organization__path", "id")
        params = self.request.query_params
        if params.get("organization", "").isdigit():
            files = files.filter(organization_id=params["organization"])
        if params.get("stage"):
            files = files.filter(stage=params["stage"])
        if params.get("overdue") == "1":
            files = files.filter(next_latest__lt=timezone.localdate(), closed_on__isnull=True)
        return files

    @extend_schema(request=OpenFileSerializer, responses={201: DevelopmentFileSerializer})
    def create(self, request):
        serializer = OpenFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data.pop("organization")
        )
        member_id = data.pop("member")
        if member_id is not None:
            data = {
                "member": get_object_or_404(Member.objects.visible_to(request.user, "change"), pk=member_id),
                "applied_on": data["applied_on"],
            }
        file = call_service(
            services.do_open_file, acting_user=request.user, organization=organization, **data
        )
        return Response(DevelopmentFileSerializer(file).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: StepSerializer(many=True)})
    @extend_schema(methods=["POST"], request=StepCreateSerializer, responses={201: StepSerializer})
    @action(detail=True, methods=["get", "post"])
    def steps(self, request, pk=None):
        """The file's steps in date order; POST records one (checked by the rules engine)."""
        file = self.get_object()
        if request.method == "GET":
            return Response(
                StepSerializer(
                    file.steps.select_related("entered_by").order_by("date", "no", "id"), many=True
                ).data
            )
        serializer = StepCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = call_service(
            services.do_record_step, file, acting_user=request.user, **serializer.validated_data
        )
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseFileSerializer, responses={200: DevelopmentFileSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """End the file with a date and a reason (kept, never deleted)."""
        file = self.get_object()
        serializer = CloseFileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        file = call_service(
            services.do_close_file, file, acting_user=request.user, **serializer.validated_data
        )
        return Response(DevelopmentFileSerializer(file).data)


class CheckView(APIView):
    """Check a whole timeline (the JSON of `dangjian development check`) without storing anything."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TimelineSerializer, responses={200: OpenApiResponse(description="engine result")})
    def post(self, request):
        try:
            birth, steps, today = read_timeline(request.data)
        except (FileError, KeyError) as error:
            raise exceptions.ValidationError({"steps": str(error)}) from error
        return Response(engine.check(birth, steps, limits=limits(), today=today).as_dict())


class DevelopmentPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """发展计划 in scope (filter `year`, `organization`), each with its admissions; POST sets (creates or
    changes) the year's plan of a committee or branch. Out of scope: 404."""

    model = DevelopmentPlan
    serializer_class = DevelopmentPlanSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        plans = super().get_queryset().select_related("organization").order_by("-year", "organization__path")
        params = self.request.query_params
        if params.get("year", "").isdigit():
            plans = plans.filter(year=params["year"])
        if params.get("organization", "").isdigit():
            plans = plans.filter(organization_id=params["organization"])
        return plans

    @extend_schema(request=SetPlanSerializer, responses={201: DevelopmentPlanSerializer})
    def create(self, request):
        serializer = SetPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data.pop("organization")
        )
        plan = call_service(services.do_set_plan, acting_user=request.user, organization=organization, **data)
        return Response(DevelopmentPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class StatisticsApiView(APIView):
    """发展党员统计 of an organization's subtree in a period (`start`, `end` or `year`; default this year):
    admissions by sex, age band, education, occupation, ethnicity; pipeline; overdue; plans.
    Out of scope: 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, description="YYYY-MM-DD"),
            OpenApiParameter("year", int),
        ],
        responses={200: OpenApiResponse(description="statistics")},
    )
    def get(self, request, pk):
        organization = get_object_or_404(
            Organization.objects.filter(scope_q(request.user, "view", "path")), pk=pk
        )
        try:
            start, end = period_from(request.query_params)
        except BadRequest as error:
            raise exceptions.ValidationError({"start": str(error)}) from error
        return Response(statistics(organization, start, end).as_dict())


class DualRequirementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """双推双考要求 of the committees in scope; POST sets one for a committee's subtree from a date;
    `end` stops it from a date (kept, never deleted). Out of scope: 404."""

    model = DualRequirement
    serializer_class = DualRequirementSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organization")
            .order_by("organization__path", "-valid_from")
        )

    @extend_schema(request=SetDualRequirementSerializer, responses={201: DualRequirementSerializer})
    def create(self, request):
        serializer = SetDualRequirementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data.pop("organization")
        )
        requirement = call_service(
            services.do_set_dual_requirement, acting_user=request.user, organization=organization, **data
        )
        return Response(DualRequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndDualRequirementSerializer, responses={200: DualRequirementSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Stop the requirement from `valid_until`."""
        requirement = self.get_object()
        serializer = EndDualRequirementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requirement = call_service(
            services.do_end_dual_requirement,
            requirement,
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(DualRequirementSerializer(requirement).data)
