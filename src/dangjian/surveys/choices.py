from django.db import models

from dangjian.core.choices import Satisfaction  # noqa: F401 - re-exported for the surveys app


class SurveyKind(models.TextChoices):
    MASS_REVIEW = "mass_review", "群众测评"
    SATISFACTION = "satisfaction", "满意度调查"
    DEMOCRATIC_REVIEW = "democratic_review", "民主评议"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已作废"


class TargetKind(models.TextChoices):
    ORGANIZATION = "organization", "党组织"
    LEADERSHIP = "leadership", "领导班子"
    CADRES = "cadres", "干部"
    MEMBERS = "members", "党员（民主评议党员）"


class Audience(models.TextChoices):
    MEMBERS = "members", "本组织党员（登录作答）"
    PUBLIC = "public", "群众（匿名链接）"


class QuestionKind(models.TextChoices):
    SATISFACTION = "satisfaction", "满意度（满意/基本满意/不满意）"
    RATING = "rating", "评分（0–100）"
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TEXT = "text", "文字意见"
    GRADE = "grade", "评议等次（优秀/合格/基本合格/不合格）"


class ReviewGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


# A decision of these grades needs a reason (基本合格 → point out gaps; 不合格 → education, 组织处置).
GRADES_NEEDING_REASON = frozenset({ReviewGrade.BASIC, ReviewGrade.UNQUALIFIED})
