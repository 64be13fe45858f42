"""Choice sets of 考核评价 (rubrics, assessments, scores, appeals)."""

from django.db import models


class ScoringMethod(models.TextChoices):
    ASSESSED = "assessed", "评分人评分"
    COMPUTED = "computed", "按记录计算"
    DEDUCTION = "deduction", "按次扣分"


class ComputeRule(models.TextChoices):
    """How a computed item turns the source's value into points."""

    THRESHOLD = "threshold", "达到阈值得满分"
    PROPORTIONAL = "proportional", "按比例得分"
    PER_OCCURRENCE = "per_occurrence", "每次扣分（不低于保底分）"


class AssessmentStatus(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "单位自评"
    SCORING = "scoring", "考核评分"
    PUBLISHED = "published", "已公布"


class RankingVisibility(models.TextChoices):
    """Who sees the ranking of organizations (individuals are never ranked)."""

    COMMITTEE = "committee", "仅考核单位"
    OWN = "own", "被考核单位可见本单位排名"
    PUBLIC = "public", "公开单位排名"


class ScoreSource(models.TextChoices):
    SELF = "self", "单位自评"
    ASSESSOR = "assessor", "评分人"
    COMPUTED = "computed", "按记录计算"
    RECONCILED = "reconciled", "复核认定"
    APPEAL = "appeal", "申诉改分"


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", "维持"
    CHANGED = "changed", "改分"


# Items may never score app usage (rules.md §10). Recorded 学时 of sessions and courses is a record of
# work and stays allowed, so "学时" alone is not in this list — only 学习时长 (time spent in the app).
APP_USAGE_WORDS = (
    "登录",
    "登陆",
    "在线时长",
    "在线时间",
    "打卡",
    "签到",
    "积分",
    "学习时长",
    "点赞",
    "投票数",
    "转发",
    "分享",
    "活跃度",
    "使用时长",
)
