from django.db import models


class TargetStatus(models.TextChoices):
    DRAFT = "draft", "草拟"
    ISSUED = "issued", "已下达"
    SIGNED = "signed", "已签订"
    EVALUATED = "evaluated", "已考评"
    WITHDRAWN = "withdrawn", "已撤回"


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"
    EQUAL = "eq", "="


class SourceKind(models.TextChoices):
    ENTERED = "entered", "填报"
    COMPUTED = "computed", "系统计算"


class Rollup(models.TextChoices):
    SUM = "sum", "求和"
    MEAN = "mean", "平均"


class Scoring(models.TextChoices):
    PROPORTIONAL = "proportional", "按完成比例得分"
    ALL_OR_NOTHING = "all_or_nothing", "未达到不得分"


class CommitmentKind(models.TextChoices):
    RESPONSIBILITY = "responsibility", "目标责任书"
    PLEDGE = "pledge", "承诺书"


class CommitmentMethod(models.TextChoices):
    UPLOAD = "upload", "上传签字扫描件"
    CONFIRM = "confirm", "电子确认"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


# Units whose children's figures add up (个、次、学时、名、篇、人); any other unit (%, 分) is averaged.
ADDITIVE_UNITS = ("个", "次", "学时", "名", "篇", "人", "人次", "项", "场")
UNIT_SUGGESTIONS = ("%", "个", "次", "学时", "名", "篇", "人次", "项", "分")

# 考评等次: the share of the points scored (see docs/models/targets/evaluation.md).
GRADE_THRESHOLDS = ((90, Grade.EXCELLENT), (80, Grade.GOOD), (60, Grade.PASS))
