"""API of 督导检查 (/api/v1/inspections/): the same scoping and services as the pages.

Plans and teams are managed by the plan's committee (a change grant over it). Unit inspections, samples
and findings are read by whoever sees the unit; their writes go to the services, which let the unit's
team (in the plan's period) or the committee record — so those viewsets do not refuse a user without any
change grant up front (an inspector has none), the service answers 403 instead.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from dangjian.accounts.models import User
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.organizations.models import Organization

from .. import services
from ..access import may_record
from ..filtersets import FindingFilterSet, PlanFilterSet, SampleFilterSet, UnitInspectionFilterSet
from ..forms import users_from
from ..models import Finding, InspectionPlan, InspectionTeam, Sample, UnitInspection
from ..summary import summarize
from .serializers import (
    AssignSerializer,
    CloseSerializer,
    DrawSerializer,
    FindingSerializer,
    InterviewSerializer,
    PlanSerializer,
    RectifySerializer,
    ResultSerializer,
    SampleSerializer,
    TeamSerializer,
    UnitInspectionSerializer,
    VisitSerializer,
)


def _users(leader: str, members) -> tuple[User, list[User]]:
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        return users_from(leader, "组长")[0], users_from(",".join(members), "组员")
    except (DjangoValidationError, IndexError) as error:
        raise ValidationError({"leader": [str(error)]}) from error


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Plans of the committees in scope and those the user inspects for; POST creates a draft plan;
    `start`, `close` (revokes the team grants); `summary` counts the records per unit and team."""

    model = InspectionPlan
    serializer_class = PlanSerializer
    lookup_value_regex = r"\d+"

    filterset_class = PlanFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("units").order_by("-starts_on", "id")

    def create(self, request):
        serializer = PlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = get_object_or_404(
            Organization.objects.visible_to(request.user, "change"), pk=data.pop("organization_id")
        )
        units = list(Organization.objects.filter(pk__in=data.pop("units")))
        plan = call_service(
            services.do_create_plan, acting_user=request.user, organization=organization, units=units, **data
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        plan = call_service(services.do_start_plan, self.get_object(), acting_user=request.user)
        return Response(PlanSerializer(plan).data)

    @extend_schema(request=None, responses={200: PlanSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        plan = call_service(services.do_close_plan, self.get_object(), acting_user=request.user)
        return Response(PlanSerializer(plan).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        summary = summarize(self.get_object(), UnitInspection.objects.visible_to(request.user))

        def figures(f):
            counted = {
                name: getattr(f, name) for name in ("units", "items_checked", "interviews", "participants")
            }
            counted.update(
                {name: getattr(f, name) for name in ("people", "notes", "reflections", "activities")}
            )
            counted.update(findings=f.findings, by_severity=f.by_severity, closed=f.closed)
            counted.update(rectifying=f.rectifying, open=f.open, score=str(f.score))
            return counted

        return Response(
            {
                "items_total": summary.items_total,
                "max_score": str(summary.max_score),
                "total": figures(summary.total),
                "teams": [{"id": t.pk, "name": t.name, **figures(t.figures)} for t in summary.teams],
                "units": [
                    {"unit_inspection": row.unit_inspection.pk, "unit": row.unit_inspection.unit_id}
                    | figures(row.figures)
                    for row in summary.units
                ],
            }
        )


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """督导组 of the plans the user sees (their units as far as the user sees them); POST creates one in a
    plan of the user's committee; `assign` gives it a unit (its people get the read-only grant)."""

    model = InspectionTeam
    serializer_class = TeamSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        plans = InspectionPlan.objects.visible_to(self.request.user, action)
        return (
            InspectionTeam.objects.filter(plan__in=plans)
            .select_related("leader")
            .prefetch_related("members")
            .order_by("plan_id", "id")
        )

    def get_serializer_context(self):
        visible = set(UnitInspection.objects.visible_to(self.request.user).values_list("unit_id", flat=True))
        return {**super().get_serializer_context(), "visible_units": visible}

    def create(self, request):
        serializer = TeamSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = get_object_or_404(
            InspectionPlan.objects.visible_to(request.user, "change"), pk=data["plan_id"]
        )
        leader, members = _users(data["leader"], data.get("members", []))
        team = call_service(
            services.do_create_team,
            plan,
            acting_user=request.user,
            name=data["name"],
            leader=leader,
            members=members,
        )
        return Response(self.get_serializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignSerializer, responses={200: TeamSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        team = self.get_object()
        serializer = AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unit = get_object_or_404(Organization.objects.all(), pk=serializer.validated_data["unit"])
        call_service(services.do_assign_unit, team, unit, acting_user=request.user)
        return Response(self.get_serializer(team).data)


class RecordViewSet(GenericViewSet):
    """Rows read by those who see the unit; writes decided by the services (not the generic change)."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class UnitInspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """The units under inspection the user sees (filter `plan`), with results, interviews and findings;
    `visit`, `results`, `interviews` and `findings` record (the unit's team in the period, or the
    committee)."""

    model = UnitInspection
    serializer_class = UnitInspectionSerializer
    lookup_value_regex = r"\d+"

    filterset_class = UnitInspectionFilterSet

    def get_queryset(self):
        rows = super().get_queryset().select_related("unit").order_by("plan_id", "unit__path", "id")
        return rows.prefetch_related("results", "interviews", "findings")

    @extend_schema(request=VisitSerializer, responses={200: UnitInspectionSerializer})
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        serializer = VisitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = call_service(
            services.do_record_visit, self.get_object(), acting_user=request.user, **serializer.validated_data
        )
        return Response(UnitInspectionSerializer(inspection).data)

    @extend_schema(request=ResultSerializer, responses={201: ResultSerializer})
    @action(detail=True, methods=["post"])
    def results(self, request, pk=None):
        inspection = self.get_object()
        serializer = ResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["item"].plan_id != inspection.plan_id:
            raise ValidationError({"item": ["该检查项目不属于本次督导检查。"]})
        result = call_service(
            services.do_record_result,
            inspection,
            data["item"],
            acting_user=request.user,
            score=data["score"],
            remark=data.get("remark", ""),
        )
        return Response(ResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InterviewSerializer, responses={201: InterviewSerializer})
    @action(detail=True, methods=["post"])
    def interviews(self, request, pk=None):
        serializer = InterviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        interview = call_service(
            services.do_record_interview,
            self.get_object(),
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FindingSerializer, responses={201: FindingSerializer})
    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        """A finding (问题清单), with optional evidence (a file in a multipart request)."""
        serializer = FindingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = call_service(
            services.do_record_finding,
            self.get_object(),
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class SampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Samples the user sees (filter `plan`), with the per-stratum counts and the drawn items; POST draws one
    (seed recorded, random when not given); `originality` sends the sampled notes to the check."""

    model = Sample
    serializer_class = SampleSerializer
    lookup_value_regex = r"\d+"

    filterset_class = SampleFilterSet

    def get_queryset(self):
        return super().get_queryset().order_by("plan_id", "-drawn_at", "id").prefetch_related("items")

    @extend_schema(request=DrawSerializer, responses={201: SampleSerializer})
    def create(self, request):
        from ..sampling import SampleSpec

        serializer = DrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = get_object_or_404(InspectionPlan.objects.visible_to(request.user), pk=data.pop("plan"))
        units = list(Organization.objects.filter(pk__in=data.pop("units")))
        seed = data.pop("seed")
        try:
            spec = SampleSpec(**data)
        except ValueError as error:
            raise ValidationError([str(error)]) from error
        sample = call_service(
            services.do_draw_sample, plan, acting_user=request.user, units=units, spec=spec, seed=seed
        )
        return Response(SampleSerializer(sample).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SampleSerializer})
    @action(detail=True, methods=["post"])
    def originality(self, request, pk=None):
        sample = self.get_object()
        if not all(may_record(request.user, sample.plan, unit) for unit in sample.units.all()):
            raise PermissionDenied("只有负责抽查单位的督导组成员或组织单位可以送雷同检测。")
        call_service(services.do_check_sample_originality, sample, acting_user=request.user)
        sample.refresh_from_db()
        return Response(SampleSerializer(sample).data)


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """问题清单 the user sees (filter `plan`, `status`, `severity`); `rectify` issues the 整改 task (the
    committee), `close` 销号 (the unit's team or the committee)."""

    model = Finding
    serializer_class = FindingSerializer
    lookup_value_regex = r"\d+"

    filterset_class = FindingFilterSet

    def get_queryset(self):
        rows = super().get_queryset().select_related("unit_inspection", "rectification")
        return rows.order_by("unit_inspection_id", "found_on", "id")

    @extend_schema(request=RectifySerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        serializer = RectifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = call_service(
            services.do_issue_rectification,
            self.get_object(),
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=CloseSerializer, responses={200: FindingSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = call_service(
            services.do_close_finding,
            self.get_object(),
            acting_user=request.user,
            **serializer.validated_data,
        )
        return Response(FindingSerializer(finding).data)
