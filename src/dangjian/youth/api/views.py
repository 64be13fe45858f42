from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service
from dangjian.development.models import DevelopmentFile
from dangjian.members.models import Member
from dangjian.organizations.models import Organization
from dangjian.study.models import Course

from .. import services
from ..models import Cohort, CohortMember, Recommendation, YouthOrganization
from .serializers import (
    AcceptSerializer,
    CohortSerializer,
    CompleteSerializer,
    PracticeSerializer,
    RecommendationSerializer,
    RejectSerializer,
    TraineeSerializer,
    YouthOrganizationSerializer,
)


def organization_for(request, pk):
    return get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=pk)


class YouthOrganizationViewSet(mixins.ListModelMixin, ScopedViewSet):
    """团组织 of the party organizations in scope; POST registers one."""

    model = YouthOrganization
    serializer_class = YouthOrganizationSerializer

    def get_queryset(self):
        return super().get_queryset().order_by("organization__path", "name", "id")

    def create(self, request):
        serializer = YouthOrganizationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        youth = call_service(
            services.do_create_youth_organization,
            acting_user=request.user,
            organization=organization_for(request, data["organization_id"]),
            name=data["name"],
        )
        return Response(YouthOrganizationSerializer(youth).data, status=status.HTTP_201_CREATED)


class RecommendationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """推优 records to the branches in scope (filter `status`); `accept` opens or links the development
    file and keeps the link; `reject` records 未采纳 with a reason. Out of scope: 404."""

    model = Recommendation
    serializer_class = RecommendationSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        rows = super().get_queryset().select_related("organization").order_by("organization__path", "id")
        if self.request.query_params.get("status"):
            rows = rows.filter(status=self.request.query_params["status"])
        return rows

    def create(self, request):
        serializer = RecommendationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = organization_for(request, data.pop("organization_id"))
        youth = get_object_or_404(
            YouthOrganization.objects.visible_to(request.user), pk=data.pop("youth_organization_id")
        )
        recommendation = call_service(
            services.do_create_recommendation,
            acting_user=request.user,
            organization=organization,
            youth_organization=youth,
            **data,
        )
        return Response(RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AcceptSerializer, responses={200: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """列为入党积极分子人选: open the development file (step 1 on `applied_on`) or link one."""
        recommendation = self.get_object()
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        file_id = data.pop("development_file")
        if file_id is not None:
            data["development_file"] = get_object_or_404(
                DevelopmentFile.objects.visible_to(request.user, "change"), pk=file_id
            )
        recommendation = call_service(
            services.do_accept_recommendation, recommendation, acting_user=request.user, **data
        )
        return Response(RecommendationSerializer(recommendation).data)

    @extend_schema(request=RejectSerializer, responses={200: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """未采纳, with a reason (kept)."""
        recommendation = self.get_object()
        serializer = RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recommendation = call_service(
            services.do_reject_recommendation,
            recommendation,
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(RecommendationSerializer(recommendation).data)


class CohortViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Youth training cohorts organized in scope; `trainees` lists (GET) or adds (POST) a trainee."""

    model = Cohort
    serializer_class = CohortSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            super().get_queryset().prefetch_related("courses").order_by("-year", "organization__path", "id")
        )

    def create(self, request):
        serializer = CohortSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = organization_for(request, data.pop("organization_id"))
        courses = data.pop("courses", [])
        visible = set(Course.objects.visible_to(request.user).filter(pk__in=[c.pk for c in courses]))
        if set(courses) - visible:
            return Response({"courses": ["培训班不在您的管理范围。"]}, status=status.HTTP_400_BAD_REQUEST)
        cohort = call_service(
            services.do_create_cohort,
            acting_user=request.user,
            organization=organization,
            courses=courses,
            **data,
        )
        return Response(CohortSerializer(cohort).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: TraineeSerializer(many=True)})
    @extend_schema(methods=["POST"], request=TraineeSerializer, responses={201: TraineeSerializer})
    @action(detail=True, methods=["get", "post"])
    def trainees(self, request, pk=None):
        cohort = self.get_object()
        if request.method == "GET":
            rows = list(cohort.trainees.select_related("cohort").prefetch_related("practices"))
            found = services.progress_for(cohort, rows)
            for row in rows:
                row._progress = found[row.pk]
            return Response(TraineeSerializer(rows, many=True).data)
        serializer = TraineeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member_id = data.pop("member_id", None)
        member = (
            get_object_or_404(Member.objects.visible_to(request.user), pk=member_id) if member_id else None
        )
        trainee = call_service(
            services.do_add_trainee, cohort, acting_user=request.user, member=member, **data
        )
        return Response(TraineeSerializer(trainee).data, status=status.HTTP_201_CREATED)


class TraineeViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """A trainee with their practice hours and completion; `practices` records one, `complete` 结业."""

    model = CohortMember
    serializer_class = TraineeSerializer
    lookup_value_regex = r"\d+"

    @extend_schema(request=PracticeSerializer, responses={201: PracticeSerializer})
    @action(detail=True, methods=["post"])
    def practices(self, request, pk=None):
        trainee = self.get_object()
        serializer = PracticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        practice = call_service(
            services.do_record_practice, trainee, acting_user=request.user, **serializer.validated_data
        )
        return Response(PracticeSerializer(practice).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CompleteSerializer, responses={200: TraineeSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Record 结业; 400 with the reasons unless practice hours and the listed courses are complete."""
        trainee = self.get_object()
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trainee = call_service(
            services.do_complete_trainee, trainee, acting_user=request.user, **serializer.validated_data
        )
        return Response(TraineeSerializer(trainee).data)
