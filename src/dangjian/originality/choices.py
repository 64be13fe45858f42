from django.db import models


class SourceKind(models.TextChoices):
    """What a fingerprinted text is."""

    NOTE = "note", "学习笔记/心得体会"
    REFERENCE = "reference", "参考范文"
