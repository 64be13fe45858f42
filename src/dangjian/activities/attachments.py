"""Attachments of an activity: scanned sign-in sheets, photos, meeting papers.

Optional and proportionate evidence (rules.md §10 (c), 防止过度留痕): nothing that counts — a rule, a
verdict, a score, a ranking — ever reads them. A file is stored under a random name in a per-year
folder of MEDIA_ROOT, typed by its own first bytes, and served only through the scoped download view;
the uploader's file name is kept as data, never used on disk. Nothing is deleted: a removal is a date,
a person and a reason. Imported at the end of `activities/models.py`.
"""

import hashlib
import os
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.core.querysets import ScopedQuerySet
from dangjian.core.uploads import sniff_content_type

from .choices import AttachmentKind

# The accepted types, their extension on disk, and what users are told they may upload.
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
ACCEPTED_SUFFIXES = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",), "application/pdf": (".pdf",)}
ACCEPTED_LABEL = "JPG、PNG、PDF"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PER_ACTIVITY = 20
NAME_MAX_LENGTH = 255
# Said wherever attachments are offered (rules.md §10: evidence optional, never an assessment input).
OPTIONAL_NOTE = (
    "附件均为可选，仅作留存备查；制度落实情况、考核评价和任何排名都不依据附件，不上传不影响任何结果。"
)


def max_bytes() -> int:
    """Per-file limit: SECURITY_POLICY["attachment_max_bytes"] (default 10 MB)."""
    return settings.SECURITY_POLICY.get("attachment_max_bytes", DEFAULT_MAX_BYTES)


def max_per_activity() -> int:
    """How many current attachments an activity may hold: SECURITY_POLICY["attachment_max_per_activity"]."""
    return settings.SECURITY_POLICY.get("attachment_max_per_activity", DEFAULT_MAX_PER_ACTIVITY)


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"


def attachment_path(instance, filename):
    """activities/<year held>/<random>.<extension of the sniffed type> — never the uploader's name."""
    extension = EXTENSIONS[instance.content_type]
    return f"activities/{instance.activity.held_on:%Y}/{uuid.uuid4().hex}{extension}"


def clean_name(name: str) -> str:
    """The uploader's file name as safe data: no folders, no control characters, at most 255 characters
    (the extension kept)."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip() or "附件"
    if len(name) > NAME_MAX_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension[:16]
        name = stem[: NAME_MAX_LENGTH - len(extension)] + extension
    return name


@dataclass(frozen=True)
class Inspected:
    """What an upload proved about itself; `problem` (a Chinese message) when it is refused."""

    original_name: str
    content_type: str = ""
    size: int = 0
    sha256: str = ""
    problem: str = ""


def inspect_upload(upload) -> Inspected:
    """Size and type (by the first bytes) of one uploaded file, and its SHA-256; nothing is written."""
    name = clean_name(getattr(upload, "name", ""))
    size = upload.size
    if size == 0:
        return Inspected(name, problem=f"附件“{name}”是空文件。")
    if size > max_bytes():
        limit = megabytes(max_bytes())
        return Inspected(name, problem=f"附件“{name}”过大（{megabytes(size)}），单个文件上限为 {limit}。")
    content_type = sniff_content_type(upload, tuple(EXTENSIONS))
    if content_type is None:
        return Inspected(name, problem=f"附件“{name}”的类型不受支持，仅支持 {ACCEPTED_LABEL}。")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Inspected(name, content_type, size, digest.hexdigest())


class ActivityAttachmentQuerySet(ScopedQuerySet):
    """Attachments reach their organization through the activity."""

    scope_path_field = "activity__organization__path"

    def current(self):
        """Attachments not removed."""
        return self.filter(removed_at__isnull=True)

    def removed(self):
        return self.filter(removed_at__isnull=False)


class ActivityAttachment(models.Model):
    """A file attached to an activity (签到表扫描件、现场照片…); optional, never a condition of anything."""

    activity = models.ForeignKey(
        "activities.Activity", verbose_name="活动", on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField("附件类别", max_length=16, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("原文件名", max_length=NAME_MAX_LENGTH)
    content_type = models.CharField("文件类型", max_length=50, help_text="按文件内容识别，不依据扩展名")
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为命令行",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    removed_at = models.DateTimeField("移除时间", null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="移除人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    remove_reason = models.CharField("移除原因", max_length=200, blank=True)

    objects = ActivityAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"
        ordering = ["activity", "uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "sha256"],
                condition=Q(removed_at__isnull=True),
                name="%(app_label)s_%(class)s_once_per_activity",
                violation_error_message="该活动已有内容相同的附件。",
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(remove_reason=""),
                name="%(app_label)s_%(class)s_removal_has_reason",
                violation_error_message="移除附件须填写原因。",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.original_name}"

    @property
    def organization(self):
        """The activity's organization (the audit trail files the attachment's events under it)."""
        return self.activity.organization

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def download_name(self) -> str:
        """The original name, with the extension of the type the content proved when it says otherwise
        (a JPEG uploaded as "x.html" is offered as "x.html.jpg")."""
        if self.original_name.lower().endswith(ACCEPTED_SUFFIXES[self.content_type]):
            return self.original_name
        return self.original_name + EXTENSIONS[self.content_type]
