"""The API of an activity's attachments: /api/v1/activities/{activity_pk}/attachments/ (list, upload),
…/{id}/download/ and …/{id}/remove/. The activity is scoped exactly like the activity endpoints."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.accounts.scope import scope_q
from dangjian.core.api import ScopedViewSet, call_service

from .. import services
from ..attachments import ActivityAttachment
from ..choices import AttachmentKind
from ..models import Activity
from ..views_attachments import attachment_response


class ActivityAttachmentSerializer(serializers.ModelSerializer):
    """An attachment's description; the file itself comes from `download_url` (scoped like the list)."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    uploaded_by_name = serializers.StringRelatedField(source="uploaded_by", read_only=True)
    removed_by_name = serializers.StringRelatedField(source="removed_by", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ActivityAttachment
        fields = [
            "id",
            "activity",
            "kind",
            "kind_display",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by_name",
            "uploaded_at",
            "removed_at",
            "removed_by_name",
            "remove_reason",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str | None:
        if obj.is_removed:
            return None
        return reverse("activities-api:attachment-download", args=[obj.activity_id, obj.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    """multipart/form-data: one kind and one or more `files` (JPG, PNG or PDF): all stored, or none."""

    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    # Empty files pass here so that the service refuses them by name.
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)


class AttachmentRemoveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="移除原因")


@extend_schema(parameters=[OpenApiParameter("activity_pk", OpenApiTypes.INT, OpenApiParameter.PATH)])
class ActivityAttachmentViewSet(mixins.ListModelMixin, ScopedViewSet):
    """附件 of one activity — optional evidence, never read by compliance, scores or rankings."""

    model = ActivityAttachment
    queryset = ActivityAttachment.objects.none()  # names the model for the schema; rows: get_queryset
    serializer_class = ActivityAttachmentSerializer
    pagination_class = None  # a handful per activity (SECURITY_POLICY["attachment_max_per_activity"])
    filter_backends = []  # listed in upload order
    lookup_value_regex = r"\d+"

    @cached_property
    def activity(self) -> Activity:
        """The activity in the URL, under a grant to view it (read) or change it (write); otherwise 404.

        A grant, not a 党员's reading of their own branch's activities: attachments (sign-in sheets with
        names and signatures, photos) are scoped like ActivityAttachment, which has no own records."""
        scope_action = "view" if self.request.method in ("GET", "HEAD", "OPTIONS") else "change"
        granted = scope_q(self.request.user, scope_action, "organization__path")
        activities = Activity.objects.filter(granted).select_related("organization")
        return get_object_or_404(activities, pk=self.kwargs["activity_pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActivityAttachment.objects.none()
        attachments = super().get_queryset().filter(activity=self.activity)
        if self.action != "list" or self.request.query_params.get("include_removed") != "true":
            attachments = attachments.current()
        return attachments.select_related("uploaded_by", "removed_by")

    @extend_schema(
        parameters=[OpenApiParameter("include_removed", OpenApiTypes.BOOL, description="含已移除的附件")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: ActivityAttachmentSerializer(many=True)},
    )
    def create(self, request, activity_pk):
        """Upload several files of one kind at once: all stored, or none and every refused file named."""
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        stored = call_service(
            services.do_add_attachments,
            self.activity,
            serializer.validated_data["files"],
            kind=serializer.validated_data["kind"],
            acting_user=request.user,
        )
        return Response(ActivityAttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def download(self, request, activity_pk, pk):
        """The file, as an attachment under its original name."""
        return attachment_response(self.get_object(), request.user)

    @extend_schema(request=AttachmentRemoveSerializer, responses={200: ActivityAttachmentSerializer})
    @action(detail=True, methods=["post"])
    def remove(self, request, activity_pk, pk):
        """移除 with a reason: no longer listed or served; the record and the file stay."""
        serializer = AttachmentRemoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        removed = call_service(
            services.do_remove_attachment,
            self.get_object(),
            reason=serializer.validated_data["reason"],
            acting_user=request.user,
        )
        return Response(ActivityAttachmentSerializer(removed).data)
