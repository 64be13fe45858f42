"""API of the rubric editor (/api/v1/evaluation/rubrics, sections, items): the same scoping, checks and
services as the editor's pages (`views_rubrics.py`).

A committee's managers (a change grant over it) write; anyone else in scope reads, out of scope is a 404.
As in the editor, writes go to the rubric's latest version while no assessment used it; a used version is
never changed: the services copy it into a new draft version and write there (the response names the
version written). A version is published once; removing a section or an item of a draft is audited on
the version.
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..models import Rubric, RubricItem, RubricSection
from .serializers import (
    BandsWriteSerializer,
    ItemSerializer,
    ItemWriteSerializer,
    RubricSerializer,
    RubricWriteSerializer,
    SectionSerializer,
    SectionWriteSerializer,
    VersionChoiceSerializer,
    VersionSerializer,
)


def version_response(version, code=status.HTTP_200_OK) -> Response:
    version.items_list = list(version.items().select_related("section"))
    return Response(VersionSerializer(version).data, status=code)


def valid(serializer_class, request, **options):
    """The request's validated data (400 with the named fields' messages otherwise)."""
    serializer = serializer_class(data=request.data, **options)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RubricViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """考核细则 of the committees in scope, each version with its items and rating scale. The committee's
    managers create a rubric, copy a version, add sections, set the rating scale and publish."""

    model = Rubric
    serializer_class = RubricSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("versions__bands").order_by("pk")

    def _rubric_response(self, rubric, code=status.HTTP_200_OK):
        rubric = Rubric.objects.prefetch_related("versions__bands").get(pk=rubric.pk)
        return Response(RubricSerializer(rubric).data, status=code)

    @extend_schema(request=RubricWriteSerializer, responses={201: RubricSerializer})
    def create(self, request):
        """新建考核细则 of a committee (党委、党工委、党组) the user manages, with an empty draft version."""
        data = valid(RubricWriteSerializer, request, context={"request": request})
        rubric = call_service(services.do_create_rubric, acting_user=request.user, **data)
        return self._rubric_response(rubric, status.HTTP_201_CREATED)

    @extend_schema(request=VersionChoiceSerializer, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"])
    def copy(self, request, pk=None):
        """复制版本: a new unpublished version with the sections, items and scale of `version` (default the
        latest)."""
        rubric = self.get_object()
        data = valid(VersionChoiceSerializer, request, context={"rubric": rubric})
        version = data["version"] or rubric.latest_version()
        copy = call_service(services.do_copy_version, version, acting_user=request.user)
        return version_response(copy, status.HTTP_201_CREATED)

    @extend_schema(request=SectionWriteSerializer, responses={201: SectionSerializer})
    @action(detail=True, methods=["post"])
    def sections(self, request, pk=None):
        """添加考核项目 to the latest version (to a new version when the latest is used)."""
        rubric = self.get_object()
        data = valid(SectionWriteSerializer, request)
        with transaction.atomic():  # a copied version is kept only with the section added to it
            version = call_service(services.draft_version, rubric, acting_user=request.user)
            section = call_service(
                services.do_add_section,
                version,
                data["title"],
                position=data.get("position"),
                acting_user=request.user,
            )
        return Response(SectionSerializer(section).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BandsWriteSerializer, responses={200: VersionSerializer})
    @action(detail=True, methods=["post"])
    def bands(self, request, pk=None):
        """设置评定等次: the whole scale of the latest version (of a new version when the latest is used)."""
        version = self.get_object().latest_version()
        data = valid(BandsWriteSerializer, request, context={"total": version.total_points() or None})
        written = call_service(
            services.do_set_bands,
            version,
            data["bands"],
            scale_name=data.get("scale_name"),
            acting_user=request.user,
        )
        return version_response(written)

    @extend_schema(request=None, responses={200: VersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """发布 the latest version (refused without items or a rating scale, or when published already)."""
        version = self.get_object().latest_version()
        return version_response(call_service(services.do_publish_version, version, acting_user=request.user))


class SectionViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """考核项目 of a rubric version: rename or renumber (PATCH), remove with its items, add an item."""

    model = RubricSection
    serializer_class = SectionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("version").prefetch_related("items")

    @extend_schema(request=SectionWriteSerializer, responses={200: SectionSerializer})
    def partial_update(self, request, pk=None):
        """修改考核项目 (`title`, `position`); one of a used version is changed in a new version."""
        data = valid(SectionWriteSerializer, request, partial=True)
        section = call_service(
            services.do_change_section, self.get_object(), acting_user=request.user, **data
        )
        return Response(SectionSerializer(RubricSection.objects.get(pk=section.pk)).data)

    @extend_schema(request=None, responses={200: VersionSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """删除考核项目 and its items from a draft (from a new version when the version is used)."""
        version = call_service(services.do_remove_section, self.get_object(), acting_user=request.user)
        return version_response(version)

    @extend_schema(request=ItemWriteSerializer, responses={201: ItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """添加评分细则 (assessed, deducted per occurrence, or computed from the records)."""
        section = self.get_object()
        data = valid(ItemWriteSerializer, request)
        with transaction.atomic():  # a copied version is kept only with the item added to it
            section = call_service(services.in_draft, section, acting_user=request.user)
            item = call_service(services.do_add_item, section, acting_user=request.user, **data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemViewSet(mixins.RetrieveModelMixin, ScopedViewSet):
    """评分细则: change (PATCH, only the fields named) or remove; a used version's in a new version."""

    model = RubricItem
    serializer_class = ItemSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("section")

    @extend_schema(request=ItemWriteSerializer, responses={200: ItemSerializer})
    def partial_update(self, request, pk=None):
        """修改评分细则; the fields the (new) method does not use are cleared."""
        item = self.get_object()
        data = valid(ItemWriteSerializer, request, partial=True, context={"item": item})
        changed = call_service(services.do_change_item, item, acting_user=request.user, **data)
        return Response(ItemSerializer(changed).data)

    @extend_schema(request=None, responses={200: VersionSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        """删除评分细则 from a draft (from a new version when the version is used)."""
        version = call_service(services.do_remove_item, self.get_object(), acting_user=request.user)
        return version_response(version)
