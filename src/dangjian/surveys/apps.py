from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangjian.surveys"
    verbose_name = "测评和民主评议"

    def ready(self):
        # Registers surveys.satisfaction_rate / surveys.average_score with the targets' computed sources.
        from . import figures, results  # noqa: F401
