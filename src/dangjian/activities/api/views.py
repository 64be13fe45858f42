from functools import reduce
from operator import or_

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status
from rest_framework.response import Response

from dangjian.accounts.scope import get_scope, root_paths
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.organizations.models import Organization

from .. import compliance, reporting, services
from ..filtersets import ActivityFilterSet, RuleFilterSet
from ..models import Activity, Attendance, Rule
from ..querysets import with_details
from .serializers import (
    ActivityCreateSerializer,
    ActivityDetailSerializer,
    ActivitySerializer,
    ActivityUpdateSerializer,
    ComplianceCellSerializer,
    RuleSerializer,
)


class ActivityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """组织生活: list (filter by organization subtree, type, dates), read with attendance, record, correct."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet
    ordering_fields = ["held_on", "id"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return with_details(queryset)
        member_ids = get_scope(self.request.user).member_ids
        if member_ids:  # what a 党员 reads of an activity depends on their own row (member_view.py)
            own = Attendance.objects.filter(member_id__in=member_ids)
            queryset = queryset.prefetch_related(Prefetch("attendance", own, to_attr="own_attendance"))
        return queryset.select_related("organization", "activity_type", "host", "recorder")

    def get_serializer_class(self):
        return ActivityDetailSerializer if self.action == "retrieve" else ActivitySerializer

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivityDetailSerializer})
    def create(self, request):
        serializer = ActivityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = call_service(
            services.do_record_activity, acting_user=request.user, **serializer.service_arguments()
        )
        activity = with_details(Activity.objects.filter(pk=activity.pk)).get()
        return Response(ActivityDetailSerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActivityUpdateSerializer, responses={200: ActivityDetailSerializer})
    def partial_update(self, request, pk=None):
        """修改: the activity's write-up and its decisions (edit by `id`, add without); `version` required,
        409 when someone saved it since; 400 for a change of organization, type or date."""
        activity = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = ActivityUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_update_activity, activity, acting_user=request.user, **serializer.service_arguments()
        )
        activity = with_details(Activity.objects.filter(pk=activity.pk)).get()
        return Response(ActivityDetailSerializer(activity, context={"request": request}).data)


class RuleViewSet(mixins.ListModelMixin, ScopedViewSet):
    """制度: the national rules and the local ones set on the user's part of the tree (with sources)."""

    model = Rule
    serializer_class = RuleSerializer
    filterset_class = RuleFilterSet

    def get_queryset(self):
        roots = root_paths(self.request.user) if get_scope(self.request.user).allows("view") else []
        if not roots:
            return Rule.objects.none()
        above = {path for root in roots for path in [*ancestor_paths(root), root]}
        below = reduce(or_, [subtree_q(root, "owner__path") for root in roots])
        owners = Q(owner__isnull=True) | Q(owner__path__in=above) | below
        return Rule.objects.filter(owners).select_related("activity_type", "owner")


class ComplianceViewSet(ScopedViewSet):
    """制度落实情况: organization × rule × period verdicts from the records, with the reasons."""

    model = Organization
    serializer_class = ComplianceCellSerializer
    max_months = 36

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "organization", OpenApiTypes.INT, description="党组织ID（含下级）；默认为最高授权组织"
            ),
            OpenApiParameter("from", OpenApiTypes.STR, description="起始月份 YYYY-MM；默认为当年1月"),
            OpenApiParameter("to", OpenApiTypes.STR, description="结束月份 YYYY-MM；默认为本月"),
        ],
        responses=ComplianceCellSerializer(many=True),
    )
    def list(self, request):
        user = request.user
        if not get_scope(user).allows("view"):
            raise exceptions.PermissionDenied("无权查看制度落实情况。")
        root = self._organization(request)
        today = timezone.localdate()
        try:
            first, last = reporting.month_range(
                request.query_params.get("from") or f"{today.year}-01",
                request.query_params.get("to") or f"{today:%Y-%m}",
                max_months=self.max_months,
            )
        except ValueError as error:
            raise exceptions.ValidationError({"detail": str(error)}) from error
        matrix = compliance.compute(root, first, last, today=today)
        rows = reporting.CellRows(matrix, reporting.visible_ids(matrix, get_scope(user)))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ComplianceCellSerializer(page, many=True).data)

    def _organization(self, request):
        value = request.query_params.get("organization", "")
        visible = Organization.objects.visible_to(request.user)
        if value:
            if not value.isdigit():
                raise exceptions.ValidationError({"organization": "请提供党组织ID。"})
            return get_object_or_404(visible, pk=value)
        root = Organization.objects.grant_roots(request.user).first()
        if root is None:
            raise exceptions.NotFound("没有可查看的党组织。")
        return root
