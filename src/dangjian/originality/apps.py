from django.apps import AppConfig


class OriginalityConfig(AppConfig):
    name = "dangjian.originality"
    verbose_name = "雷同检测"
