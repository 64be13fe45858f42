from django.db import models


class TemplateKind(models.TextChoices):
    WORK_REPORT = "work_report", "党建工作情况汇报"
    KEY_TASKS = "key_tasks", "重点任务及“三基建设”进展情况汇报"
    SUPERVISION = "supervision", "督导工作纪实"
    BASIC_INFO = "basic_info", "党组织基本情况汇报"
    OTHER = "other", "其他"


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FINAL = "final", "定稿"


class FigureStyle(models.TextChoices):
    """How a figure is written (core.figure_format styles)."""

    AUTO = "auto", "自动"
    EXACT = "exact", "精确（1356名）"
    YU = "yu", "余数（800余人次）"
    JIN = "jin", "近数（近万字）"
    YUE = "yue", "约数（约1400）"
    WAN = "wan", "万为单位（13.5万元）"
    PERCENT = "percent", "百分比（98.8%）"
    PERCENT_ABOVE = "percent_above", "百分比以上（90%以上）"
