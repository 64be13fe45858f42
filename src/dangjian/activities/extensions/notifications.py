"""Notifications: short messages to one user about what is due or was missed. Never a score or a rank."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """A user's own notifications only, whatever their role."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(user=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message to one user about one organization (a reminder, a report of misses); read or unread.

    `key` says what the message is about (e.g. the branch and the end of the period that is due), so a
    reminder run repeated the same day, or the next day, adds nothing new for the same matter.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=12, choices=NotificationKind.choices)
    message = models.TextField("内容")
    link = models.CharField("链接", max_length=200, blank=True)
    key = models.CharField("事项标识", max_length=100, editable=False)
    created_on = models.DateField("生成日期", default=timezone.localdate, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_on", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="activities_notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="%(app_label)s_%(class)s_once_per_matter",
                violation_error_message="该通知已发送。",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.message[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
