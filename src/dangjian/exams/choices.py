from django.db import models


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "true_false", "判断题"
    FILL_IN = "fill_in", "填空题"


# Kinds whose answer is one or more option letters.
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})
OPTION_LETTERS = "ABCDEF"
TRUE_FALSE_ANSWERS = ("对", "错")


class AttemptEnd(models.TextChoices):
    SUBMITTED = "submitted", "本人交卷"
    TIMED_OUT = "timed_out", "超时自动交卷"


class ExamState(models.TextChoices):
    UPCOMING = "upcoming", "未开始"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"
    CANCELLED = "cancelled", "已取消"


# Score bands of the statistics, as percentages of the full mark: [low, high).
SCORE_BANDS = (
    (0, 60, "60%以下"),
    (60, 70, "60%–69%"),
    (70, 80, "70%–79%"),
    (80, 90, "80%–89%"),
    (90, 101, "90%及以上"),
)
