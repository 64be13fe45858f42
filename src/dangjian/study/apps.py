from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "dangjian.study"
    verbose_name = "学习培训"

    def ready(self):
        from . import figures, quotas  # noqa: F401

        quotas.register()  # the per-member quotas (学时、篇目) become rule measures of the compliance engine
