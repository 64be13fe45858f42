from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    verbose_name = "发展党员"

    def ready(self):
        from . import figures  # noqa: F401
        from .models import register_personal_information

        register_personal_information()
