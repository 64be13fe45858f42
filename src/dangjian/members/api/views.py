from django.shortcuts import get_object_or_404
from rest_framework import mixins, status
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..filtersets import MemberFilterSet
from ..models import Member
from .serializers import MemberSerializer


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """党员: search (`q`: name, pinyin initials, 身份证号, phone), filter, read, add, change."""

    model = Member
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def create(self, request):
        serializer = MemberSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        member = call_service(
            services.do_create_member, acting_user=request.user, **serializer.validated_data
        )
        return Response(
            MemberSerializer(member, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, pk=None):
        member = get_object_or_404(self.get_queryset(), pk=pk)
        serializer = MemberSerializer(member, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in services.EDITABLE_FIELDS}
        expected = request.data.get("version")
        member = call_service(
            services.do_update_member,
            member,
            acting_user=request.user,
            expected_version=int(expected) if expected not in (None, "") else None,
            **fields,
        )
        return Response(MemberSerializer(member, context={"request": request}).data)
