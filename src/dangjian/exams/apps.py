from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "dangjian.exams"
    verbose_name = "考试"

    def ready(self):
        from . import figures  # noqa: F401
