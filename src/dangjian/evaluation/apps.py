from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "dangjian.evaluation"
    verbose_name = "考核评价"

    def ready(self):
        # Registers the evaluation's computed sources in the targets app's registry.
        from . import figures, sources  # noqa: F401
