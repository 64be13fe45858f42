from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..counting import counts_for
from ..filtersets import OrganizationFilterSet
from ..models import Organization
from .serializers import OrganizationCreateSerializer, OrganizationSerializer


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党组织: list, read, create under a parent, update; `counts` gives the figures per direct child."""

    model = Organization
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["path", "code", "name"]

    def get_queryset(self):
        return super().get_queryset().with_parent_id()

    @extend_schema(request=OrganizationCreateSerializer, responses=OrganizationSerializer)
    def create(self, request):
        serializer = OrganizationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent_id = data.pop("parent_id")
        parent = get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=parent_id)
        org = call_service(services.do_create_organization, parent=parent, acting_user=request.user, **data)
        return Response(OrganizationSerializer(org).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrganizationSerializer, responses=OrganizationSerializer)
    def partial_update(self, request, pk=None):
        org = self.get_object()
        serializer = OrganizationSerializer(org, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in services.EDITABLE_FIELDS}
        org = call_service(services.do_update_organization, org, acting_user=request.user, **fields)
        return Response(OrganizationSerializer(org).data)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def counts(self, request, pk=None):
        """Counts (branches, members by status) for each visible direct child, and for this organization."""
        org = self.get_object()
        children = list(Organization.objects.children_of(org).visible_to(request.user))
        counts = counts_for([org, *children])
        return Response(
            {
                "organization": {"id": org.pk, "name": org.name, "counts": counts.get(org.path, {})},
                "children": [
                    {"id": c.pk, "name": c.name, "counts": counts.get(c.path, {})} for c in children
                ],
            }
        )
