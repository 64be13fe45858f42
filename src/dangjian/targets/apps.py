from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "dangjian.targets"
    verbose_name = "目标责任"

    def ready(self):
        from . import figures  # noqa: F401
