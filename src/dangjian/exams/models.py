"""Exams (考试): question banks, papers drawn from them by rules, exams set for a subtree, attempts."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangjian.core.models import OrgScopedModel, TimeStampedModel

from . import grading
from .choices import CHOICE_KINDS, OPTION_LETTERS, AttemptEnd, ExamState, QuestionKind
from .querysets import AttemptQuerySet, ExamQuerySet, SharedDownwardQuerySet

MAX_OPTIONS = len(OPTION_LETTERS)
POINTS = {"max_digits": 6, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0.5"))]}


class QuestionBank(OrgScopedModel):
    """A question bank (题库) owned by an organization; the organizations below it may draw from it."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="所属党组织",
        on_delete=models.PROTECT,
        related_name="question_banks",
    )
    name = models.CharField("题库名称", max_length=100)
    description = models.TextField("说明", blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = SharedDownwardQuerySet.as_manager()

    class Meta:
        verbose_name = "题库"
        verbose_name_plural = "题库"
        ordering = ["organization__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="本党组织已有同名题库。",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("exams:questionbank_detail", args=[self.pk])


class QuestionQuerySet(SharedDownwardQuerySet):
    scope_path_field = "bank__organization__path"

    def active(self):
        return self.filter(is_active=True)


class Question(TimeStampedModel):
    """One question of a bank; retired (is_active off), never deleted, so past papers keep it."""

    bank = models.ForeignKey(
        QuestionBank, verbose_name="题库", on_delete=models.PROTECT, related_name="questions"
    )
    kind = models.CharField("题型", max_length=12, choices=QuestionKind.choices)
    stem = models.TextField("题干", max_length=1000)
    options = models.JSONField("选项", default=list, blank=True, help_text="选项A–F的文字，按顺序")
    answer = models.CharField(
        "答案", max_length=200, help_text="选项字母；判断题为对/错；填空题多个可接受答案用“|”分隔"
    )
    explanation = models.TextField("解析", blank=True)
    points = models.DecimalField("默认分值", default=Decimal(1), **POINTS)
    category = models.CharField("分类", max_length=50, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["bank", "kind", "id"]
        indexes = [models.Index(fields=["bank", "kind", "category"], name="exams_question_draw_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "stem"],
                name="%(app_label)s_%(class)s_unique_stem",
                violation_error_message="本题库中已有题干相同的试题。",
            ),
        ]

    def __str__(self):
        return f"[{self.get_kind_display()}] {self.stem[:40]}"

    @property
    def organization(self):
        return self.bank.organization

    def clean(self):
        self.stem = (self.stem or "").strip()
        self.options = [str(option).strip() for option in (self.options or []) if str(option).strip()]
        if self.kind in CHOICE_KINDS:
            if not 2 <= len(self.options) <= MAX_OPTIONS:
                raise ValidationError({"options": f"选择题须有2至{MAX_OPTIONS}个选项。"})
        elif self.options:
            raise ValidationError({"options": "判断题和填空题不设选项。"})
        if self.kind:
            try:
                self.answer = grading.clean_answer(self.kind, self.answer, len(self.options))
            except grading.AnswerError as error:
                raise ValidationError({"answer": f"{error}。"}) from None

    def lettered_options(self):
        return list(zip(OPTION_LETTERS, self.options, strict=False))


class Paper(OrgScopedModel):
    """A paper (试卷) composed by rules from banks; the draw is reproducible from its recorded seed."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="组卷党组织",
        on_delete=models.PROTECT,
        related_name="papers",
    )
    title = models.CharField("试卷名称", max_length=100)
    description = models.TextField("说明", blank=True)
    seed = models.PositiveBigIntegerField("抽题种子", help_text="同一种子、同一题库内容，抽出的试题相同")
    draw_per_examinee = models.BooleanField(
        "每位考生单独抽题", default=False, help_text="按相同规则为每位考生抽题（种子由试卷种子和考生决定）"
    )
    shuffle_options = models.BooleanField(
        "打乱选项顺序", default=False, help_text="每位考生看到的选项顺序不同"
    )
    total_points = models.DecimalField("总分", max_digits=7, decimal_places=1, default=Decimal(0))
    question_count = models.PositiveIntegerField("题数", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = SharedDownwardQuerySet.as_manager()

    class Meta:
        verbose_name = "试卷"
        verbose_name_plural = "试卷"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exams:paper_detail", args=[self.pk])


class PaperRule(TimeStampedModel):
    """One rule of a paper: N questions of a kind (and category) from a bank, each worth some points."""

    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="rules")
    order = models.PositiveSmallIntegerField("序号", default=1)
    bank = models.ForeignKey(QuestionBank, verbose_name="题库", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("题型", max_length=12, choices=QuestionKind.choices)
    category = models.CharField("分类", max_length=50, blank=True, help_text="留空为不限分类")
    count = models.PositiveSmallIntegerField(
        "题数", validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    points_each = models.DecimalField("每题分值", **POINTS)

    class Meta:
        verbose_name = "组卷规则"
        verbose_name_plural = "组卷规则"
        ordering = ["paper", "order"]

    def __str__(self):
        category = f"·{self.category}" if self.category else ""
        return f"{self.bank} {self.get_kind_display()}{category} {self.count}题×{self.points_each}分"


class PaperQuestion(TimeStampedModel):
    """A question drawn into a paper (the paper as printed, and as sat unless drawn per examinee)."""

    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="items")
    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField("题号")
    points = models.DecimalField("分值", **POINTS)

    class Meta:
        verbose_name = "试卷试题"
        verbose_name_plural = "试卷试题"
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "question"],
                name="%(app_label)s_%(class)s_once_per_paper",
                violation_error_message="同一试题在试卷中只能出现一次。",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.question}"


class Exam(OrgScopedModel):
    """An exam (考试): the members of an organization's subtree sit a paper within a time window."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="参考党组织",
        on_delete=models.PROTECT,
        related_name="exams",
        help_text="该党组织及其下级党组织的党员参加",
    )
    title = models.CharField("考试名称", max_length=100)
    paper = models.ForeignKey(Paper, verbose_name="试卷", on_delete=models.PROTECT, related_name="exams")
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("结束时间")
    time_limit_minutes = models.PositiveSmallIntegerField(
        "答题时长（分钟）", validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    pass_mark = models.DecimalField("及格分", max_digits=7, decimal_places=1)
    attempts_allowed = models.PositiveSmallIntegerField(
        "允许作答次数", default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    instructions = models.TextField("考试说明", blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    objects = ExamQuerySet.as_manager()

    class Meta:
        verbose_name = "考试"
        verbose_name_plural = "考试"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="%(app_label)s_%(class)s_closes_after_opening",
                violation_error_message="结束时间必须晚于开始时间。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("exams:exam_detail", args=[self.pk])

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.cancelled_at:
            return ExamState.CANCELLED
        if now < self.opens_at:
            return ExamState.UPCOMING
        return ExamState.OPEN if now < self.closes_at else ExamState.CLOSED

    def get_state_display(self, now=None) -> str:
        return ExamState(self.state(now)).label

    def clean(self):
        if self.paper_id and self.pass_mark is not None and self.pass_mark > self.paper.total_points:
            raise ValidationError({"pass_mark": f"及格分不能高于试卷总分（{self.paper.total_points}分）。"})
        if self.paper_id and not self.paper.question_count:
            raise ValidationError({"paper": "该试卷没有试题。"})


class Attempt(TimeStampedModel):
    """One sitting of an exam by a member: the questions drawn, the saved answers, and the result."""

    exam = models.ForeignKey(Exam, verbose_name="考试", on_delete=models.PROTECT, related_name="attempts")
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField("第几次作答", default=1)
    started_at = models.DateTimeField("开始作答时间")
    deadline = models.DateTimeField("截止时间", help_text="开始时间加答题时长，且不晚于考试结束时间")
    ended_at = models.DateTimeField("交卷时间", null=True, blank=True)
    ended_how = models.CharField("交卷方式", max_length=12, choices=AttemptEnd.choices, blank=True)
    draw_seed = models.CharField("抽题种子", max_length=64)
    # [{"question": id, "points": "2.0", "order": "CABD" (option letters in the order shown, or "")}]
    items = models.JSONField("试题", default=list)
    responses = models.JSONField("作答", default=dict, blank=True)  # {question id: response}
    marks = models.JSONField("得分明细", default=dict, blank=True)  # {question id: points earned}
    score = models.DecimalField("得分", max_digits=7, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("及格", null=True, blank=True)
    saved_at = models.DateTimeField("最后保存时间", null=True, blank=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["exam", "member__organization__path", "member__name_pinyin", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "member", "number"],
                name="%(app_label)s_%(class)s_once_per_number",
                violation_error_message="该党员的这次作答已存在。",
            ),
            models.UniqueConstraint(
                fields=["exam", "member"],
                condition=Q(ended_at__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_member",
                violation_error_message="该党员有一份未交的答卷。",
            ),
        ]

    def __str__(self):
        return f"{self.exam} · {self.member.name} · 第{self.number}次"

    def get_absolute_url(self):
        return reverse("exams:attempt_detail", args=[self.pk])

    @property
    def organization(self):
        return self.member.organization

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def is_late(self, now) -> bool:
        return now >= self.deadline

    @staticmethod
    def own_records_q(scope):
        """A 党员 reads their own answer sheets (never another member's)."""
        return Q(member_id__in=scope.member_ids)
