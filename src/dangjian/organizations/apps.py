from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "dangjian.organizations"
    verbose_name = "党组织"

    def ready(self):
        from . import figures  # noqa: F401
