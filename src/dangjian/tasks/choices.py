from django.db import models

from dangjian.core.choices import Satisfaction  # noqa: F401 - re-exported for the tasks app


class TaskKind(models.TextChoices):
    ORDINARY = "ordinary", "交办"
    RECTIFICATION = "rectification", "整改"


class TaskStatus(models.TextChoices):
    """An assignment's own status; 逾期 is derived (deadline passed, not done), never stored."""

    PENDING = "pending", "未签收"
    IN_PROGRESS = "in_progress", "办理中"
    SUBMITTED = "submitted", "待确认"
    DONE = "done", "已办结"


class EscalationStep(models.TextChoices):
    REMINDER = "reminder", "提醒"
    URGE = "urge", "催办"
    BULLETIN = "bulletin", "通报"


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", "确认办结"
    RETURNED = "returned", "退回重办"


class ScheduleDayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKING = "working", "调休上班"


class RecipientChoice(models.TextChoices):
    """How the issue form picks recipients in the issuer's subtree."""

    ALL_BRANCHES = "all_branches", "下级全部党支部"
    KINDS = "kinds", "按组织类别"
    LIST = "list", "指定组织"
