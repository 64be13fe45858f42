from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "dangjian.youth"
    verbose_name = "推优和青年培养"

    def ready(self):
        from . import figures  # noqa: F401
