"""Security events into the audit trail: logins, failures, logouts, lockouts, password changes."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dangjian.audit.services import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record("login", acting_user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("logout", acting_user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    record("login_failed", success=False, username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record("lockout", success=False, username=str(username or "")[:150], message=f"来自 {ip_address}")
