"""交办督办 (tasks): a committee issues a task to units of its subtree; each unit gets its own copy
(Assignment) with an owner (首问负责人), a deadline, progress reports, an escalation ladder
(提醒 → 催办 → 通报), the issuer's confirmation and a follow-up visit (跟踪回访). Key-task lists
(重点任务清单) group a year's tasks. Working days come from `workdays.py` (HolidaySchedule entered
by a system administrator, or the chinese_calendar package). Nothing is deleted: a task is cancelled,
a reopen keeps its history.
See docs/models/tasks/."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from dangjian.core.fields import EncryptedTextField
from dangjian.core.models import OrgScopedModel, TimeStampedModel

from .choices import EscalationStep, ReviewDecision, Satisfaction, ScheduleDayKind, TaskKind, TaskStatus
from .querysets import AssignmentPartQuerySet, AssignmentQuerySet, BulletinQuerySet, TaskQuerySet

FILE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


def file_path(instance, filename):
    """tasks/<year>/<random>.<extension of the sniffed type>: never the uploader's name."""
    return f"tasks/{instance.created_year:%Y}/{uuid.uuid4().hex}{FILE_EXTENSIONS[instance.file_type]}"


class FileFields(models.Model):
    """An optional uploaded file kept as data: stored under a random name, typed by its first bytes."""

    file = models.FileField("附件", upload_to=file_path, max_length=200, blank=True)
    file_name = models.CharField("原文件名", max_length=255, blank=True)
    file_type = models.CharField("文件类型", max_length=50, blank=True)
    file_size = models.PositiveBigIntegerField("大小（字节）", default=0)
    file_sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class HolidaySchedule(TimeStampedModel):
    """A year's public holidays as published by the State Council (entered by a system administrator);
    it replaces the chinese_calendar package for that year. Not in the organization tree."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source_document = models.CharField(
        "依据文件", max_length=200, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    document_number = models.CharField(
        "文号", max_length=100, blank=True, help_text="如：国办发明电〔2026〕7号"
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message="年度应在2000年至2100年之间。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年节假日安排"

    def get_absolute_url(self):
        return reverse("tasks:schedule_detail", args=[self.pk])


class ScheduleDay(models.Model):
    """One day of a year's schedule that differs from an ordinary week: 放假 (holiday) or 调休上班."""

    schedule = models.ForeignKey(
        HolidaySchedule, verbose_name="节假日安排", on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类别", max_length=8, choices=ScheduleDayKind.choices)
    name = models.CharField("节日", max_length=20, help_text="如：国庆节、春节")

    class Meta:
        verbose_name = "节假日安排日"
        verbose_name_plural = "节假日安排日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}{self.get_kind_display()}"

    def clean(self):
        if self.schedule_id and self.date and self.date.year != self.schedule.year:
            raise ValidationError({"date": f"日期不在{self.schedule.year}年内。"})


class KeyTaskList(OrgScopedModel):
    """重点任务清单: a committee's key tasks of a year, inventoried item by item (逐项盘点)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="制定单位",
        on_delete=models.PROTECT,
        related_name="key_task_lists",
    )
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("清单名称", max_length=200)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "重点任务清单"
        verbose_name_plural = "重点任务清单"
        ordering = ["organization__path", "-year", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "name"],
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message="本单位该年度已有同名的重点任务清单。",
            ),
        ]

    def __str__(self):
        return f"{self.year}年{self.name}"

    def get_absolute_url(self):
        return reverse("tasks:keylist_detail", args=[self.pk])


class Task(OrgScopedModel, FileFields):
    """A task (交办事项) issued by a committee to units of its subtree; each unit holds an Assignment."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="交办单位",
        on_delete=models.PROTECT,
        related_name="issued_tasks",
    )
    key_task_list = models.ForeignKey(
        KeyTaskList,
        verbose_name="重点任务清单",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField("类别", max_length=16, choices=TaskKind.choices, default=TaskKind.ORDINARY)
    title = models.CharField("任务名称", max_length=200)
    content = models.TextField("任务内容", blank=True)
    source_document = models.CharField("来源文件", max_length=200, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issued_on = models.DateField("交办日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="交办人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="留空为命令行",
    )
    deadline = models.DateField("办结期限")
    deadline_working_days = models.PositiveSmallIntegerField(
        "期限（工作日）", null=True, blank=True, help_text="按工作日交办时的天数；期限为交办日后第N个工作日"
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        "提前提醒（工作日）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text="留空按系统设置",
    )
    bulletin_working_days = models.PositiveSmallIntegerField(
        "逾期通报（工作日）",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text="留空按系统设置",
    )
    cancelled_on = models.DateField("撤销日期", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "交办任务"
        verbose_name_plural = "交办任务"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=F("issued_on")),
                name="%(app_label)s_%(class)s_deadline_after_issue",
                violation_error_message="办结期限不能早于交办日期。",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_on__isnull=True) | ~Q(cancel_reason=""),
                name="%(app_label)s_%(class)s_cancel_has_reason",
                violation_error_message="撤销任务须填写原因。",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def created_year(self):
        return self.issued_on

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def deadline_label(self) -> str:
        if self.deadline_working_days:
            return f"{self.deadline:%Y-%m-%d}（{self.deadline_working_days}个工作日）"
        return f"{self.deadline:%Y-%m-%d}"


class Assignment(OrgScopedModel):
    """One unit's copy of a task (承办): its owner, deadline and status; 逾期 is derived."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name="承办单位",
        on_delete=models.PROTECT,
        related_name="task_assignments",
        db_index=False,  # led by the (organization, status) index
    )
    task = models.ForeignKey(
        Task,
        verbose_name="交办任务",
        on_delete=models.PROTECT,
        related_name="assignments",
        db_index=False,  # led by the unique (task, organization) index
    )
    owner_member = models.ForeignKey(
        "members.Member",
        verbose_name="首问负责人（党员）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by it; 10,000 copies per task skip one index
    )
    owner_name = models.CharField("首问负责人", max_length=50, blank=True)
    owner_phone = EncryptedTextField("联系电话", blank=True)
    deadline = models.DateField("办结期限")
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    accepted_at = models.DateTimeField("签收时间", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签收人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by it; 10,000 copies per task skip one index
    )
    percent = models.PositiveSmallIntegerField("进度（%）", default=0, validators=[MaxValueValidator(100)])
    last_reported_on = models.DateField("最近报告日期", null=True, blank=True)
    submitted_on = models.DateField("申请办结日期", null=True, blank=True)
    confirmed_on = models.DateField("确认办结日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by it; 10,000 copies per task skip one index
    )
    reopened_count = models.PositiveSmallIntegerField("重新办理次数", default=0)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "承办事项"
        verbose_name_plural = "承办事项"
        ordering = ["task", "organization__path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "organization"],
                name="%(app_label)s_%(class)s_once_per_unit",
                violation_error_message="该任务已交办给这个单位。",
            ),
            models.CheckConstraint(
                condition=~Q(status=TaskStatus.DONE) | Q(confirmed_on__isnull=False),
                name="%(app_label)s_%(class)s_done_is_confirmed",
                violation_error_message="已办结须有确认日期。",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="tasks_assignment_org_status"),
            models.Index(fields=["status", "deadline"], name="tasks_assignment_open_deadline"),
        ]

    def __str__(self):
        return f"{self.task}（{self.organization}）"

    def get_absolute_url(self):
        return reverse("tasks:assignment_detail", args=[self.pk])

    def is_overdue_on(self, today) -> bool:
        """逾期 as `querysets.overdue_q` says: late and unfinished (a completion reported on time is not)."""
        if self.deadline >= today or self.task.is_cancelled or self.status == TaskStatus.DONE:
            return False
        if self.status == TaskStatus.SUBMITTED:
            return self.submitted_on is not None and self.submitted_on > self.deadline
        return True

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.is_overdue_on(timezone.localdate())

    @property
    def round(self) -> int:
        """Escalations start again after a reopen: round 0, then 1, 2…"""
        return self.reopened_count

    @property
    def owner_label(self) -> str:
        return self.owner_name or (self.owner_member.name if self.owner_member_id else "")

    @property
    def masked_owner_phone(self) -> str:
        from dangjian.core.masking import mask_phone

        return mask_phone(self.owner_phone) if self.owner_phone else ""


class AssignmentTally(models.Model):
    """How many copies of a task are in each state (deadline, status, 待确认 reported late): kept by the
    services with every change, so the whole-matrix and per-task counts read a few rows, not every copy."""

    task = models.ForeignKey(Task, verbose_name="交办任务", on_delete=models.CASCADE, related_name="tallies")
    deadline = models.DateField("办结期限")
    status = models.CharField("状态", max_length=12, choices=TaskStatus.choices)
    late = models.BooleanField("逾期后申请办结", default=False)
    count = models.IntegerField("数量", default=0)

    class Meta:
        verbose_name = "承办情况汇总"
        verbose_name_plural = "承办情况汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "deadline", "status", "late"],
                name="%(app_label)s_%(class)s_one_row_per_state",
                violation_error_message="同一状态只能有一行汇总。",
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.deadline} {self.status} {self.count}"


class ProgressReport(FileFields):
    """A progress report (进展报告) of an assignment, with optional evidence; `final` asks to confirm."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="承办事项", on_delete=models.PROTECT, related_name="progress_reports"
    )
    reported_on = models.DateField("报告日期")
    text = models.TextField("办理情况")
    percent = models.PositiveSmallIntegerField("进度（%）", validators=[MaxValueValidator(100)])
    final = models.BooleanField("申请办结", default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报告人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = AssignmentPartQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering = ["assignment", "reported_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(final=False) | Q(percent=100),
                name="%(app_label)s_%(class)s_final_is_complete",
                violation_error_message="申请办结时进度应为100%。",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} {self.reported_on:%Y-%m-%d} {self.percent}%"

    @property
    def created_year(self):
        return self.reported_on

    @property
    def organization(self):
        return self.assignment.organization


class Escalation(models.Model):
    """One rung of the ladder for an assignment: 提醒 before the deadline, 催办 when overdue, 通报 later."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="承办事项", on_delete=models.PROTECT, related_name="escalations"
    )
    step = models.CharField("督办环节", max_length=10, choices=EscalationStep.choices)
    round = models.PositiveSmallIntegerField("轮次", default=0, help_text="重新办理后从新的期限重新督办")
    date = models.DateField("日期")
    message = models.CharField("督办内容", max_length=300)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = AssignmentPartQuerySet.as_manager()

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["assignment", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "step", "round"],
                name="%(app_label)s_%(class)s_once_per_round",
                violation_error_message="该承办事项本轮已有这一督办环节。",
            ),
        ]

    def __str__(self):
        return f"{self.get_step_display()} {self.date:%Y-%m-%d}"

    @property
    def organization(self):
        return self.assignment.organization


class Bulletin(models.Model):
    """A 通报 draft for the issuer: the units of a task still overdue N working days after the deadline."""

    task = models.ForeignKey(
        Task, verbose_name="交办任务", on_delete=models.PROTECT, related_name="bulletins"
    )
    assignments = models.ManyToManyField(Assignment, verbose_name="通报单位", related_name="bulletins")
    drafted_on = models.DateField("起草日期")
    text = models.TextField("通报内容")
    published_on = models.DateField("发布日期", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发布人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["task", "-drafted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(published_on__isnull=True),
                name="%(app_label)s_%(class)s_one_draft",
                violation_error_message="该任务已有一份待发布的通报草稿。",
            ),
        ]

    def __str__(self):
        state = "已发布" if self.published_on else "草稿"
        return f"通报（{state}）：{self.task}"

    @property
    def organization(self):
        return self.task.organization


class Review(models.Model):
    """The issuer's decision on a submission: 确认办结 or 退回重办 (with the reason)."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="承办事项", on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField("结论", max_length=10, choices=ReviewDecision.choices)
    decided_on = models.DateField("日期")
    comment = models.TextField("意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AssignmentPartQuerySet.as_manager()

    class Meta:
        verbose_name = "办结审核"
        verbose_name_plural = "办结审核"
        ordering = ["assignment", "decided_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision=ReviewDecision.CONFIRMED) | ~Q(comment=""),
                name="%(app_label)s_%(class)s_return_has_reason",
                violation_error_message="退回须说明原因。",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} {self.decided_on:%Y-%m-%d}"

    @property
    def organization(self):
        return self.assignment.organization


class FollowUp(models.Model):
    """跟踪回访 after completion: satisfaction and notes; a reopen sends the unit back to work."""

    assignment = models.ForeignKey(
        Assignment, verbose_name="承办事项", on_delete=models.PROTECT, related_name="follow_ups"
    )
    visited_on = models.DateField("回访日期")
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices)
    notes = models.TextField("回访情况", blank=True)
    reopened = models.BooleanField("重新办理", default=False)
    new_deadline = models.DateField("新的办结期限", null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="回访人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AssignmentPartQuerySet.as_manager()

    class Meta:
        verbose_name = "跟踪回访"
        verbose_name_plural = "跟踪回访"
        ordering = ["assignment", "visited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reopened=False) | Q(new_deadline__isnull=False),
                name="%(app_label)s_%(class)s_reopen_has_deadline",
                violation_error_message="重新办理须给出新的办结期限。",
            ),
            models.CheckConstraint(
                condition=Q(new_deadline__isnull=True) | Q(new_deadline__gt=F("visited_on")),
                name="%(app_label)s_%(class)s_deadline_after_visit",
                violation_error_message="新的办结期限应晚于回访日期。",
            ),
        ]

    def __str__(self):
        return f"回访 {self.visited_on:%Y-%m-%d} {self.get_satisfaction_display()}"

    @property
    def organization(self):
        return self.assignment.organization
