"""Session and password policy enforced on every request (等保 CES1-01/02)."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

SESSION_STARTED = "dangjian_started_at"
SESSION_SEEN = "dangjian_seen_at"
SEEN_RESOLUTION_SECONDS = 30


class SessionTimeoutMiddleware:
    """Log out after 15 minutes idle (configurable, ≤30) or 12 hours after login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            policy = settings.SECURITY_POLICY
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = now - seen > policy["session_idle_minutes"] * 60
            too_old = now - started > policy["session_absolute_hours"] * 3600
            if idle or too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('login')}?next={request.path}&expired=1")
            # Write the session only when the idle clock moved noticeably: every request would
            # otherwise be a database write.
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class PasswordPolicyMiddleware:
    """Send a user whose password is initial or older than 90 days to the change-password page."""

    # The pages a user must still reach; the API is guarded by PasswordCurrent (core.api).
    allowed_prefixes = ("/accounts/login/", "/accounts/logout/", "/accounts/password/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(self.allowed_prefixes):
            if password_change_required(user):
                return redirect("password_change")
        return self.get_response(request)


def password_change_required(user) -> bool:
    if user.must_change_password:
        return True
    max_age = timedelta(days=settings.SECURITY_POLICY["password_max_age_days"])
    return user.password_changed_at is not None and timezone.now() - user.password_changed_at > max_age
