from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "dangjian.reports"
    verbose_name = "汇报材料"

    def ready(self):
        from .builtin import sync_builtin_templates

        post_migrate.connect(sync_builtin_templates, sender=self, dispatch_uid="reports-builtin-templates")
