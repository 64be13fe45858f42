from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "dangjian.activities"
    verbose_name = "组织生活"

    def ready(self):
        from . import figures  # noqa: F401
