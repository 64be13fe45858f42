"""Users and the roles they hold on organization subtrees."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone

from dangjian.core.models import TimeStampedModel
from dangjian.core.querysets import ScopedQuerySet

from .choices import RoleChoices


class UserManager(DjangoUserManager):
    def manageable_by(self, admin):
        """Users an administrator may manage: every current grant lies within the admin's
        `manage_users` scope (a county user is not reset by a township administrator), never the admin."""
        in_scope = RoleGrant.objects.visible_to(admin, "manage_users")
        outside = RoleGrant.objects.current().exclude(pk__in=in_scope.values("pk"))
        return self.filter(grants__in=in_scope).exclude(grants__in=outside).exclude(pk=admin.pk).distinct()


class User(AbstractUser):
    """A person who logs in; each holds zero or more RoleGrants."""

    must_change_password = models.BooleanField("首次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()


class RoleGrantQuerySet(ScopedQuerySet):
    def current(self, today=None):
        """Grants in force today: not revoked, already started and not past their expiry date."""
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today),
            models.Q(starts_on__isnull=True) | models.Q(starts_on__lte=today),
        )


class RoleGrant(TimeStampedModel):
    """A role held by a user on an organization (and, by default, everything below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.PROTECT, related_name="grants"
    )
    role = models.CharField("角色", max_length=20, choices=RoleChoices.choices)
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name="党组织", on_delete=models.PROTECT, related_name="grants"
    )
    include_descendants = models.BooleanField("含下级组织", default=True)
    # An inspection plan grants its teams access for its period only (starts_on … expires_on).
    starts_on = models.DateField("生效日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True, help_text="督导员授权须设有效期")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="授权人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=RoleChoices.INSPECTOR) | models.Q(expires_on__isnull=False),
                name="%(app_label)s_%(class)s_inspector_expires",
                violation_error_message="督导员授权必须设置有效期。",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"
