"""Attachments of an activity: upload (several files at once), remove with a reason, and download through
a scoped view. Files are never served from MEDIA_ROOT directly: an attachment outside the user's scope,
or removed, is a 404."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.views import View

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core.views import ScopedViewMixin

from . import services
from .attachments import OPTIONAL_NOTE, ActivityAttachment
from .forms import AttachmentForm, AttachmentRemoveForm
from .models import Activity


def attachment_context(activity: Activity, user) -> dict:
    """What the 附件 section of an activity's page shows to `user`."""
    visible = ActivityAttachment.objects.visible_to(user).filter(activity=activity)
    listed = list(visible.select_related("uploaded_by", "removed_by"))
    can_change = get_scope(user).covers(activity.organization.path, "change") and not activity.is_cancelled
    return {
        "attachments": [a for a in listed if not a.is_removed],
        "removed_attachments": [a for a in listed if a.is_removed],
        "attachment_form": AttachmentForm() if can_change else None,
        "attachments_note": OPTIONAL_NOTE,
    }


def attachment_response(attachment: ActivityAttachment, user) -> FileResponse:
    """The file as a download under its original name (RFC 5987 for non-ASCII names), never rendered by
    the browser; the download is audited (a sign-in sheet carries names and signatures)."""
    audit.record("export", attachment, acting_user=user, message="下载附件")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _error_text(error) -> str:
    return "；".join(getattr(error, "messages", None) or [str(error) or "无权执行此操作。"])


class AttachmentAddView(ScopedViewMixin, View):
    """POST: files of one kind for an activity the user may change; all stored, or none and why."""

    model = Activity
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = [message for field in form.errors.values() for message in field]
            messages.error(request, "；".join(errors))
            return redirect(self.target.get_absolute_url())
        try:
            stored = services.do_add_attachments(
                self.target,
                form.cleaned_data["files"],
                kind=form.cleaned_data["kind"],
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, f"未上传任何文件：{_error_text(error)}")
        else:
            messages.success(request, f"已上传 {len(stored)} 个附件。")
        return redirect(f"{self.target.get_absolute_url()}#attachments")


class AttachmentRemoveView(ScopedViewMixin, View):
    """POST: 移除 with a reason; the record and the file stay."""

    model = ActivityAttachment
    scope_action = "change"
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().current().select_related("activity__organization")

    def post(self, request, pk):
        form = AttachmentRemoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写移除原因。")
        else:
            try:
                services.do_remove_attachment(
                    self.target, reason=form.cleaned_data["reason"], acting_user=request.user
                )
                messages.success(request, f"已移除附件“{self.target.original_name}”。")
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _error_text(error))
        return redirect(f"{self.target.activity.get_absolute_url()}#attachments")


class AttachmentDownloadView(ScopedViewMixin, View):
    """GET: the file of an attachment the user may see."""

    model = ActivityAttachment
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().current().select_related("activity__organization")

    def get(self, request, pk):
        return attachment_response(self.target, request.user)
