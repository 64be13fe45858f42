from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from dangjian.core.api import call_service
from dangjian.organizations.models import Organization

from .. import services, sources
from ..access import checker_q, may_check_anywhere
from ..models import OriginalityCheck
from .serializers import CheckRunSerializer, OriginalityCheckSerializer, SimilarPairSerializer


class OriginalityCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """雷同检测: run a check on a subtree and period, list the checks in scope and their pairs.

    Only a role that reads notes for review (组织管理员, 支部管理员, 督导员) may call it; out-of-scope
    checks and organizations are 404.
    """

    serializer_class = OriginalityCheckSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not may_check_anywhere(request.user):
            raise exceptions.PermissionDenied("无权进行雷同检测。")

    def get_queryset(self):
        return (
            OriginalityCheck.objects.filter(checker_q(self.request.user))
            .select_related("organization", "requested_by")
            .order_by("-created_at", "-id")
        )

    @extend_schema(request=CheckRunSerializer, responses={201: OriginalityCheckSerializer})
    def create(self, request):
        serializer = CheckRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        checkable = Organization.objects.visible_to(request.user).filter(checker_q(request.user, "path"))
        organization = get_object_or_404(checkable, pk=data["organization"])
        count = sources.notes_for_check(
            request.user, organization, data["start"], data["end"], data["kind"], data["notes"]
        ).count()
        if count > services.MAX_PAGE_TEXTS:
            raise exceptions.ValidationError(
                {
                    "organization": f"所选范围内有 {count} 篇，超过即时检测上限 "
                    f"{services.MAX_PAGE_TEXTS} 篇，请缩小范围或时段。"
                }
            )
        check = call_service(
            services.do_run_check,
            acting_user=request.user,
            organization=organization,
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            sample=data["notes"],
        )
        return Response(OriginalityCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: SimilarPairSerializer(many=True)})
    @action(detail=True)
    def pairs(self, request, pk=None):
        """The near-duplicate pairs a check found, best first (the texts: /api/v1/study/ notes)."""
        check = self.get_object()
        page = self.paginate_queryset(check.pairs.all())
        serializer = SimilarPairSerializer(page if page is not None else check.pairs.all(), many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)
