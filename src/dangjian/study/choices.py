from decimal import Decimal

from django.db import models


class ItemKind(models.TextChoices):
    ARTICLE = "article", "文章"
    DOCUMENT = "document", "文件"
    VIDEO = "video", "视频"


class Audience(models.TextChoices):
    """Who must study an item, always within the plan owner's subtree."""

    EVERYONE = "everyone", "全体党员"
    LEADING_CADRES = "leading_cadres", "仅书记和委员"
    ORGANIZATION = "organization", "指定党小组或党组织"


class CompletionMethod(models.TextChoices):
    SESSION = "session", "集中学习"
    ALONE = "alone", "个人自学"


class CourseKind(models.TextChoices):
    WINTER_TRAINING = "winter_training", "党员冬训"
    ACTIVIST_TRAINING = "activist_training", "入党积极分子培训班"
    CANDIDATE_TRAINING = "candidate_training", "发展对象培训"
    PARTY_SCHOOL = "party_school", "党校轮训"
    OTHER = "other", "其他"


class NoteKind(models.TextChoices):
    STUDY_NOTE = "study_note", "学习笔记"
    REFLECTION = "reflection", "心得体会"


class NoteSource(models.TextChoices):
    TYPED = "typed", "在线填写"
    DOCX = "docx", "上传 Word 文档"
    TXT = "txt", "上传文本文件"


class ReviewMark(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    IMPROVE = "improve", "需改进"


# 学时 conversion (rules.md §7, local example): 1 hour = 1; a half-day lecture = 4; a full day 脱产 = 8.
HOURS_PRESETS = [
    (Decimal("1"), "1小时（1学时）"),
    (Decimal("2"), "2小时（2学时）"),
    (Decimal("4"), "半天（4学时）"),
    (Decimal("8"), "全天脱产（8学时）"),
]
# A 集中学习 activity recorded without its start and end time counts this many 学时.
DEFAULT_SESSION_HOURS = Decimal("2")
MAX_ACTIVITY_HOURS = Decimal("8")  # one day counts at most a full day

# 学习积分 (opt-in): points per record. Derived, never typed; never an input to any assessment.
POINTS_PER_COMPLETION = 1
POINTS_PER_COURSE_SESSION = 2
POINTS_PER_REFLECTION = 2
