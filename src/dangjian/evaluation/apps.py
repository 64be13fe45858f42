from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "dangjian.evaluation"
    verbose_name = "考核评价"
