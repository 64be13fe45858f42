"""The audit trail: one append-only table for record changes and security events."""

from django.conf import settings
from django.db import models

from .choices import AuditAction


class AppendOnlyQuerySet(models.QuerySet):
    """Audit rows are never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise PermissionError("审计记录不可修改。")

    def delete(self):
        raise PermissionError("审计记录不可删除。")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """Who did what to which record, when and from where; with the changed fields."""

    timestamp = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    username = models.CharField("账号", max_length=150, blank=True)
    action = models.CharField("事件类型", max_length=20, choices=AuditAction.choices, db_index=True)
    success = models.BooleanField("是否成功", default=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=32, blank=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    organization_path = models.CharField("所属组织路径", max_length=255, blank=True, db_index=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    message = models.TextField("说明", blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return (
            f"{self.timestamp:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()} {self.object_repr}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计记录不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录不可删除。")
