from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "dangjian.tasks"
    verbose_name = "交办督办"

    def ready(self):
        from dangjian.audit.services import register_masked_field
        from dangjian.core.masking import mask_phone

        from . import figures  # noqa: F401

        # The owner's phone enters the audit trail only masked.
        register_masked_field("tasks.assignment", "owner_phone", mask_phone)
