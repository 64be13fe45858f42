from django.db import models

from dangjian.core.choices import Satisfaction  # noqa: F401 - re-exported for the feedback app


class ObserverStatus(models.TextChoices):
    SERVING = "serving", "在任"
    ENDED = "ended", "已解聘/任期终止"


class FeedbackChannel(models.TextChoices):
    OBSERVER = "observer", "观察员提交"
    MEMBER = "member", "党员提交"
    PUBLIC = "public", "群众匿名提交"


class FeedbackCategory(models.TextChoices):
    ORGANIZATION = "organization", "组织建设"
    EDUCATION = "education", "党员教育管理"
    CADRES = "cadres", "干部工作"
    CONDUCT = "conduct", "作风建设"
    SERVICE = "service", "服务群众"
    OTHER = "other", "其他"


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", "待分办"
    IN_PROGRESS = "in_progress", "办理中"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"
