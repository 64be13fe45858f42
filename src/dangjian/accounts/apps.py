from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from dangjian.audit.services import register_masked_field

        from . import checks, signals  # noqa: F401  (deploy checks; login/logout/lockout audit)

        # A password hash never enters the audit trail; the event itself says it changed.
        register_masked_field("accounts.user", "password", lambda value: "******")
