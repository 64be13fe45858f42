from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangjian.members"
    verbose_name = "党员"

    def ready(self):
        from . import counters, figures, quality  # noqa: F401  (register into core registries)
        from .models import register_personal_information

        register_personal_information()
