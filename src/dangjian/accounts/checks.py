"""System checks of 等保 A1/B2: no generic accounts, no superusers in production."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

GENERIC_USERNAMES = ("admin", "root", "test", "administrator")


def _users():
    from .models import User

    return User.objects.filter(is_active=True)


@register(Tags.security, deploy=True)
def check_accounts(app_configs=None, **kwargs):
    """Run by `dangjian check --deploy`: generic shared accounts and superusers fail the check."""
    try:
        generic = list(_users().filter(username__in=GENERIC_USERNAMES).values_list("username", flat=True))
        superusers = list(_users().filter(is_superuser=True).values_list("username", flat=True))
    except DatabaseError:  # no database yet (e.g. before migrate): nothing to check
        return []
    errors = []
    if generic:
        errors.append(
            Error(
                f"存在通用账号：{', '.join(generic)}。每人应使用实名账号（等保 CES1-01/06）。",
                id="dangjian.E001",
            )
        )
    if superusers:
        errors.append(
            Error(
                f"存在超级用户：{', '.join(superusers)}。生产环境应按三员分立授权，不保留超级用户。",
                id="dangjian.E002",
            )
        )
    return errors
