from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "dangjian.feedback"
    verbose_name = "观察员和意见建议"
