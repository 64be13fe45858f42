from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "dangjian.feedback"
    verbose_name = "观察员和意见建议"

    def ready(self):
        from dangjian.audit.services import register_masked_field
        from dangjian.core.masking import mask_phone, redact_pi

        from . import figures, stats  # noqa: F401  (stats registers the targets app's computed sources)

        # An observer's phone and an anonymous submitter's contact enter the audit trail only masked.
        register_masked_field("feedback.observer", "phone", mask_phone)
        register_masked_field("feedback.feedback", "contact", redact_pi)
        register_masked_field("feedback.feedback", "follow_up_digest", lambda v: "…")
