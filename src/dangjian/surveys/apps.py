from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "dangjian.surveys"
    verbose_name = "测评和民主评议"
