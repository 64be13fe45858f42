from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from . import checks, signals  # noqa: F401  (deploy checks; login/logout/lockout audit)
