from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "dangjian.inspections"
    verbose_name = "督导检查"

    def ready(self):
        from . import figures, open_findings  # noqa: F401  (register into core registries)
