"""Sessions (security.md A5, E4; ASVS 3.2/3.3): 15 minutes idle, 12 hours absolute, logout kills the
session, a new session id at login."""

import time
from types import SimpleNamespace
from unittest import mock

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from dangjian.accounts.middleware import SESSION_SEEN, SESSION_STARTED
from dangjian.audit.models import AuditEvent
from dangjian.core.testing import PASSWORD


def at(seconds_from_now: float):
    """Run the timeout middleware as if `seconds_from_now` had passed."""
    moment = time.time() + seconds_from_now
    return mock.patch("dangjian.accounts.middleware.time", SimpleNamespace(time=lambda: moment))


def logged_in(name="town_a_admin") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": name, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # starts the timers
    return client


def test_timeouts_are_the_policy_numbers():
    policy = settings.SECURITY_POLICY
    assert (policy["session_idle_minutes"], policy["session_absolute_hours"]) == (15, 12)
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_fourteen_idle_minutes_are_fine(world):
    client = logged_in()
    with at(14 * 60):
        assert client.get("/").status_code == 200


def test_sixteen_idle_minutes_log_out(world):
    client = logged_in()
    with at(16 * 60):
        response = client.get("/members/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/members/&expired=1"
    assert client.get("/").status_code == 302  # the session is gone, not just this request
    assert "长时间未操作，已自动退出，请重新登录。" in client.get(response["Location"]).content.decode()
    assert AuditEvent.objects.filter(action="logout", username="town_a_admin").count() == 1


def test_idle_api_session_is_refused(world):
    client = logged_in()
    with at(16 * 60):
        response = client.get(reverse("members-api:member-list"))
    assert response.status_code in (401, 403)


def test_activity_keeps_the_session_alive(world):
    client = logged_in()
    for minutes in (10, 20, 30, 40):
        with at(minutes * 60):
            assert client.get("/").status_code == 200


def test_twelve_hours_after_login_log_out_even_when_active(world):
    client = logged_in()
    session = client.session
    session[SESSION_STARTED] = time.time() - 12 * 3600 + 60
    session[SESSION_SEEN] = time.time() - 60
    session.save()
    assert client.get("/").status_code == 200
    with at(61):
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/&expired=1"


def test_logout_kills_the_server_session(world):
    client = logged_in()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    assert Session.objects.filter(session_key=cookie).exists() is False
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = thief.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.filter(action="logout", username="town_a_admin").count() == 1


def test_logout_by_get_is_not_allowed(world):
    client = logged_in()
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 200


def test_login_gives_a_new_session_id(world):
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "town_a_admin", "password": PASSWORD})
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert Session.objects.filter(session_key=before).exists() is False


def test_session_cookie_flags(world):
    client = Client()
    client.post(reverse("login"), {"username": "town_a_admin", "password": PASSWORD})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["expires"] == ""  # ends with the browser


def test_login_is_audited(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post(reverse("login"), {"username": "town_a_admin", "password": PASSWORD})
    [event] = AuditEvent.objects.filter(action="login")
    assert (event.username, event.success, event.ip_address) == ("town_a_admin", True, "10.1.2.3")
    assert len(event.request_id) == 32
