"""Login lockout (A4), security events in the audit trail (C1), CSRF, security headers, generic accounts."""

import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dangjian.accounts.checks import check_accounts
from dangjian.accounts.models import User
from dangjian.accounts.services import do_create_user
from dangjian.audit.models import AuditEvent
from dangjian.core.testing import PASSWORD, ROLES

WRONG = "Wrong-Password-123!"
GENERIC = ("admin", "root", "test", "administrator")


def attempt(client, username="county_admin", password=WRONG):
    return client.post(reverse("login"), {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client, username="county_admin"):
    for _ in range(settings.SECURITY_POLICY["lockout_failures"]):
        attempt(client, username)


def test_lockout_numbers():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=30)
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_four_failures_then_the_right_password_works(world):
    client = Client()
    for _ in range(4):
        response = attempt(client)
        assert response.status_code == 200
        assert "账号或密码不正确。连续失败5次将锁定30分钟。" in response.content.decode()
    assert attempt(client, password=PASSWORD).status_code == 302
    assert is_logged_in(client) is True


def test_sixth_attempt_with_the_right_password_is_refused_after_five_failures(world):
    client = Client()
    lock_out(client)
    response = attempt(client, password=PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多，账号已锁定30分钟。" in response.content.decode()
    assert is_logged_in(client) is False


def test_lockout_counts_across_clients(world):
    """The counter lives in the database: a second browser (or app server) sees the same lockout."""
    lock_out(Client(REMOTE_ADDR="10.0.0.1"))
    response = attempt(Client(REMOTE_ADDR="10.0.0.2"), password=PASSWORD)
    assert response.status_code == 429


def test_lockout_of_one_account_from_elsewhere_leaves_others_alone(world):
    lock_out(Client(REMOTE_ADDR="10.0.0.1"))
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert attempt(other, "town_a_admin", PASSWORD).status_code == 302


def backdate_attempts(minutes):
    """Let `minutes` pass for the lockout counter."""
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - timedelta(minutes=minutes)
        )


def test_lockout_holds_for_29_minutes(world):
    client = Client()
    lock_out(client)
    backdate_attempts(29)
    assert attempt(client, password=PASSWORD).status_code == 429


def test_lockout_ends_after_31_minutes(world):
    client = Client()
    lock_out(client)
    backdate_attempts(31)
    assert attempt(client, password=PASSWORD).status_code == 302
    assert is_logged_in(client) is True


def test_an_administrator_reset_lifts_the_lockout(world):
    client = Client()
    lock_out(client)
    assert reset(username="county_admin") == 1
    assert attempt(client, password=PASSWORD).status_code == 302


def test_security_events_are_audited(world):
    client = Client(REMOTE_ADDR="10.9.8.7")
    attempt(client, password=PASSWORD)
    client.post(reverse("logout"))
    lock_out(client)
    events = AuditEvent.objects.filter(action__in=["login", "logout", "login_failed", "lockout"]).order_by(
        "id"
    )
    assert [(e.action, e.success) for e in events[:2]] == [("login", True), ("logout", True)]
    assert Counter((e.action, e.success) for e in events[2:]) == {
        ("login_failed", False): 5,
        ("lockout", False): 1,
    }
    assert {event.username for event in events} == {"county_admin"}
    assert {event.ip_address for event in events} == {"10.9.8.7"}
    assert AuditEvent.objects.get(action="lockout").message == "来自 10.9.8.7"


def test_failed_login_for_an_unknown_account_is_audited(world):
    attempt(Client(), "no_such_user")
    assert AuditEvent.objects.get(action="login_failed").username == "no_such_user"


def test_password_never_reaches_the_audit_trail(world):
    attempt(Client())
    dump = repr(list(AuditEvent.objects.values()))
    assert WRONG not in dump
    assert PASSWORD not in dump


# --- CSRF and headers ----------------------------------------------------------------------------


def test_csrf_is_enforced_on_login(world):
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "county_admin", "password": PASSWORD}
    )
    assert response.status_code == 403


def test_csrf_is_enforced_on_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_admin"], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("members:member_reveal", args=[world["zhang"].pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="view_pi").exists() is False


def test_csrf_is_enforced_on_the_api_with_a_session(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_admin"], backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("organizations-api:organization-detail", args=[world["a1"].pk])
    response = client.patch(url, data='{"address": "x"}', content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_csrf_token_round_trip_works(world):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("login"), {"username": "county_admin", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_security_headers(world, client_as):
    for response in (Client().get(reverse("login")), client_as("county_admin").get("/")):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- no generic or shared accounts ---------------------------------------------------------------


def test_the_test_world_has_no_generic_account(world):
    assert set(ROLES) & set(GENERIC) == set()
    assert User.objects.filter(username__in=GENERIC).exists() is False


def test_no_code_creates_a_generic_account():
    """Scan the shipped code (not the tests) for a generic username literal."""
    pattern = re.compile(
        r"""(username\s*=\s*|create_(super)?user\(\s*)["'](admin|root|test|administrator)["']""", re.I
    )
    package = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize("username", GENERIC)
def test_deploy_check_fails_on_a_generic_account(world, username):
    do_create_user(username=username, password=PASSWORD, acting_user=None)
    assert [error.id for error in check_accounts()] == ["dangjian.E001"]


def test_deploy_check_fails_on_a_superuser(world):
    user = do_create_user(username="zhou_ba", password=PASSWORD, acting_user=None)
    User.objects.filter(pk=user.pk).update(is_superuser=True)
    assert [error.id for error in check_accounts()] == ["dangjian.E002"]


def test_deploy_check_passes_on_the_world(world):
    assert check_accounts() == []
