from django.db import models


class RecommendationStatus(models.TextChoices):
    RECOMMENDED = "recommended", "推荐"
    ACCEPTED = "accepted", "已列为入党积极分子人选"
    REJECTED = "rejected", "未采纳"


class CohortTier(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    SCHOOL = "school", "校级"
    OTHER = "other", "其他"
