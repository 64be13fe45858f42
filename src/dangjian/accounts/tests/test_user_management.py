"""Account management: a system administrator creates accounts and grants roles inside their subtree."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.models import RoleGrant, User
from dangjian.accounts.services import do_create_user, do_grant_role, do_revoke_role
from dangjian.audit.models import AuditEvent
from dangjian.core.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_a_sysadmin(world):
    user = do_create_user(
        username="town_a_sys", password=PASSWORD, acting_user=None, must_change_password=False
    )
    do_grant_role(user=user, role="system_admin", organization=world["town_a"], acting_user=None)
    return user


def test_sysadmin_creates_an_account_with_a_first_role(world, client_as):
    client = client_as("sysadmin")
    response = client.post(
        "/users/add/",
        {
            "username": "wangfang",
            "last_name": "王",
            "first_name": "芳",
            "password": "Taihang#Ridge1937",
            "role": "branch_admin",
            "organization": world["a2"].pk,
            "include_descendants": "on",
        },
    )
    user = User.objects.get(username="wangfang")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{user.pk}/"
    assert user.must_change_password is True
    grant = user.grants.get()
    assert (grant.role, grant.organization_id) == ("branch_admin", world["a2"].pk)
    assert AuditEvent.objects.filter(action="grant", object_id=str(grant.pk)).count() == 1


def test_generic_usernames_and_weak_passwords_are_refused(world, client_as):
    client = client_as("sysadmin")
    data = {
        "username": "admin",
        "last_name": "管",
        "first_name": "理",
        "password": "short",
        "role": "member",
        "organization": world["a1"].pk,
    }
    response = client.post("/users/add/", data)
    errors = response.context["form"].errors
    assert "不能使用通用账号名，请使用实名账号。" in errors["username"]
    assert any("至少包含 12 个字符" in e or "12" in e for e in errors["password"])
    assert not User.objects.filter(username="admin").exists()


def test_a_subtree_sysadmin_manages_only_accounts_entirely_inside_the_subtree(world, town_a_sysadmin, client):
    client.force_login(town_a_sysadmin, backend="django.contrib.auth.backends.ModelBackend")
    listed = {u.username for u in client.get("/users/").context["object_list"]}
    # Town A's users; never town-B or county-wide accounts, never itself.
    assert listed == {"town_a_admin", "branch_a1_admin", "inspector_a", "expired_inspector", "member_a1"}
    county_admin = world.users["county_admin"]
    assert client.get(f"/users/{county_admin.pk}/").status_code == 404
    assert (
        client.post(f"/users/{county_admin.pk}/reset-password/", {"password": "Xx#123456789y"}).status_code
        == 404
    )
    assert client.get(f"/users/{town_a_sysadmin.pk}/").status_code == 404


def test_grants_outside_the_admins_subtree_are_refused(world, town_a_sysadmin):
    target = world.users["nobody"]
    with pytest.raises(PermissionDenied):
        do_grant_role(
            user=target, role="org_admin", organization=world["town_b"], acting_user=town_a_sysadmin
        )
    with pytest.raises(ValidationError, match="不能给自己授权"):
        do_grant_role(
            user=town_a_sysadmin, role="org_admin", organization=world["a1"], acting_user=town_a_sysadmin
        )
    grant_b = RoleGrant.objects.create(
        user=target, role="inspector", organization=world["b1"], expires_on="2099-01-01"
    )
    with pytest.raises(PermissionDenied):
        do_revoke_role(grant_b, acting_user=town_a_sysadmin)


def test_revoking_a_grant_removes_the_scope_at_once(world, client_as):
    admin = client_as("sysadmin")
    target = world.users["town_a_admin"]
    grant = target.grants.get()
    assert client_as("town_a_admin").get(f"/organizations/{world['a1'].pk}/").status_code == 200
    admin.post(f"/users/{target.pk}/revoke/", {"grant": grant.pk})
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert client_as("town_a_admin").get(f"/organizations/{world['a1'].pk}/").status_code == 404


def test_reset_password_forces_a_change_and_disable_blocks_login(world, client_as, client):
    admin = client_as("sysadmin")
    target = world.users["branch_a1_admin"]
    admin.post(f"/users/{target.pk}/reset-password/", {"password": "Reset#Pass2026x"})
    target.refresh_from_db()
    assert target.must_change_password is True
    assert target.check_password("Reset#Pass2026x")
    admin.post(f"/users/{target.pk}/disable/")
    response = client.post("/accounts/login/", {"username": target.username, "password": "Reset#Pass2026x"})
    assert response.status_code == 200  # the login form again, not a redirect
    assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize(
    "name", ["county_admin", "town_a_admin", "branch_a1_admin", "inspector_a", "member_a1", "nobody"]
)
def test_account_pages_need_the_manage_users_role(world, client_as, name):
    client = client_as(name)
    assert client.get("/users/").status_code == 403
    assert client.get("/users/add/").status_code == 403


def test_account_pages_need_a_login(world, client):
    response = client.get("/users/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_api_token_is_shown_once_and_regenerating_revokes_the_old_one(world, client_as):
    from rest_framework.test import APIClient

    web = client_as("town_a_admin")
    first = web.post("/accounts/token/").context["new_key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    names = {m["name"] for m in api.get("/api/v1/members/").json()["results"]}
    assert names == {"张三丰", "李四", "王五"}  # town A only, scoped like the UI
    assert "new_key" not in web.get("/accounts/token/").context
    second = web.post("/accounts/token/").context["new_key"]
    assert second != first
    assert api.get("/api/v1/members/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/v1/members/").status_code == 200
