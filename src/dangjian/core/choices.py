"""Choice sets shared by several capabilities (one name per concept everywhere)."""

from django.db import models


class Satisfaction(models.TextChoices):
    """满意度: a 跟踪回访, a survey answer, a rating of a reply to 意见建议. The satisfaction rate is
    满意+基本满意 over all; the strict rate counts 满意 only."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
