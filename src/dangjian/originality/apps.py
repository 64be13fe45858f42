from django.apps import AppConfig


class OriginalityConfig(AppConfig):
    name = "dangjian.originality"
    verbose_name = "雷同检测"

    def ready(self):
        from dangjian.study import services as study

        from .services import fingerprint

        if fingerprint not in study.NOTE_WRITTEN:
            study.NOTE_WRITTEN.append(fingerprint)  # a note's signature is stored as it is written
