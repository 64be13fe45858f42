"""Account writes: users, role grants, password changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.audit import services as audit

from .choices import RoleChoices
from .models import RoleGrant, User
from .scope import get_scope, reset_scope


@transaction.atomic
def do_create_user(
    *, username, password, last_name="", first_name="", acting_user, must_change_password=True
) -> User:
    """Create a login; the initial password must be changed at first login unless stated otherwise."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该账号已存在。"})
    user = User(
        username=username,
        last_name=last_name,
        first_name=first_name,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean()
    user.save()
    audit.record_create(user, acting_user=acting_user)
    return user


@transaction.atomic
def do_grant_role(
    *, user, role, organization, acting_user, include_descendants=True, expires_on=None
) -> RoleGrant:
    """Give `user` a role on `organization` (and its subtree)."""
    if acting_user is not None:
        if acting_user.pk == user.pk:
            raise ValidationError("不能给自己授权。")
        if not get_scope(acting_user).covers(organization.path, "manage_users"):
            raise PermissionDenied("无权在该党组织授权。")
    if role == RoleChoices.INSPECTOR and expires_on is None:
        raise ValidationError({"expires_on": "督导员授权必须设置有效期。"})
    grant = RoleGrant(
        user=user,
        role=role,
        organization=organization,
        include_descendants=include_descendants,
        expires_on=expires_on,
        granted_by=acting_user,
    )
    grant.full_clean()
    grant.save()
    audit.record(
        "grant",
        grant,
        acting_user=acting_user,
        changes={"role": [None, role], "organization": [None, organization.name]},
    )
    reset_scope(user)
    return grant


@transaction.atomic
def do_revoke_role(grant: RoleGrant, *, acting_user) -> RoleGrant:
    if acting_user is not None and not get_scope(acting_user).covers(grant.organization.path, "manage_users"):
        raise PermissionDenied("无权撤销该授权。")
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at", "updated_at"])
    audit.record(
        "grant", grant, acting_user=acting_user, changes={"revoked_at": [None, str(grant.revoked_at)]}
    )
    reset_scope(grant.user)
    return grant


@transaction.atomic
def do_change_password(user, new_password, *, acting_user) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("password_change", user, acting_user=acting_user)


@transaction.atomic
def do_create_user_with_grant(
    *, acting_user, role, organization, include_descendants=True, expires_on=None, **user_fields
) -> User:
    """A new account and its first role, in one step (an account without a role sees nothing)."""
    user = do_create_user(acting_user=acting_user, **user_fields)
    do_grant_role(
        user=user,
        role=role,
        organization=organization,
        acting_user=acting_user,
        include_descendants=include_descendants,
        expires_on=expires_on,
    )
    return user


@transaction.atomic
def do_reset_password(user, new_password, *, acting_user) -> None:
    """An administrator sets a new initial password; the user must change it at next login."""
    user.set_password(new_password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("password_change", user, acting_user=acting_user, message="管理员重置密码")


@transaction.atomic
def do_set_user_active(user, active: bool, *, acting_user) -> None:
    """Disable or re-enable a login (accounts are never deleted)."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        "update", user, acting_user=acting_user, changes={"is_active": [str(not active), str(active)]}
    )


def do_unlock_user(user, *, acting_user) -> None:
    """Lift a login lockout before the 30 minutes are over."""
    from axes.utils import reset

    reset(username=user.get_username())
    audit.record("update", user, acting_user=acting_user, message="解除登录锁定")


@transaction.atomic
def do_regenerate_api_token(user, *, acting_user) -> str:
    """Replace the user's API token (the old one stops working) and return the new key."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()  # audit-exempt: a credential; the renewal is audited below
    token = Token.objects.create(user=user)
    audit.record("update", user, acting_user=acting_user, message="重新生成API令牌")
    return token.key
