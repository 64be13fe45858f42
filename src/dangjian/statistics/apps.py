from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "dangjian.statistics"
    label = "statistics"
    verbose_name = "党内统计"
