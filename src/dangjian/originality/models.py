"""Originality check (雷同检测): reference texts, stored fingerprints, and each check with its pairs."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from dangjian.core.models import OrgScopedModel, TimeStampedModel
from dangjian.core.querysets import OrgScopedQuerySet, ScopedQuerySet
from dangjian.core.tree import ancestor_paths, subtree_q

from .choices import SourceKind


class ReferenceTextQuerySet(OrgScopedQuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def for_check(self, organization):
        """Active reference texts a check of `organization`'s subtree compares with: those kept on the
        organization itself, above it (a city's corpus serves its counties) or below it."""
        ancestors = ancestor_paths(organization.path)
        return self.active().filter(
            models.Q(organization__path__in=ancestors) | subtree_q(organization.path, "organization__path")
        )


class ReferenceText(OrgScopedModel):
    """A template article (范文, e.g. from a report-template website) that notes must not copy."""

    title = models.CharField("标题", max_length=200)
    source = models.CharField("来源", max_length=300, blank=True, help_text="网站名称、网址或书刊")
    text = models.TextField("正文")
    char_count = models.PositiveIntegerField("字数", default=0, editable=False)
    file_name = models.CharField("导入文件名", max_length=255, blank=True)
    withdrawn_at = models.DateTimeField("停用时间", null=True, blank=True)
    withdrawn_reason = models.CharField("停用原因", max_length=200, blank=True)

    objects = ReferenceTextQuerySet.as_manager()

    class Meta:
        verbose_name = "参考范文"
        verbose_name_plural = "参考范文"
        ordering = ["title", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from .engine import char_count

        self.char_count = char_count(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("originality:referencetext_detail", args=[self.pk])


class TextFingerprint(OrgScopedModel):
    """The MinHash signature of one note or reference text, so that a check reads signatures instead of
    recomputing them; rebuilt when its text changed (`source_updated_at`) or the engine did (`engine`)."""

    source = models.CharField("文本类型", max_length=12, choices=SourceKind.choices)
    object_id = models.PositiveBigIntegerField("文本编号")
    kind = models.CharField("类别", max_length=20, blank=True)
    written_on = models.DateField("撰写日期", null=True, blank=True)
    char_count = models.PositiveIntegerField("字数", default=0)
    signature = models.BinaryField("MinHash 签名")
    engine = models.CharField("算法参数", max_length=40)
    source_updated_at = models.DateTimeField("原文修改时间")

    class Meta:
        verbose_name = "文本指纹"
        verbose_name_plural = "文本指纹"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "object_id"],
                name="%(app_label)s_%(class)s_one_per_text",
                violation_error_message="每篇文本只有一个指纹。",
            )
        ]
        indexes = [models.Index(fields=["organization", "written_on"], name="originality_fp_org_day")]

    def __str__(self):
        return f"{self.get_source_display()} #{self.object_id}"


class OriginalityCheck(OrgScopedModel):
    """One run of the check over the notes of a subtree and period (who ran it is in the audit trail and
    `requested_by`): it read people's writing, so it is kept."""

    period_start = models.DateField("起始日期")
    period_end = models.DateField("截止日期")
    kind = models.CharField("类别", max_length=20, blank=True, help_text="空：学习笔记和心得体会")
    sample = models.JSONField(
        "抽查样本", default=list, blank=True, help_text="只检测这些笔记（编号）；空：范围和时段内的全部笔记"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="检测人", null=True, on_delete=models.PROTECT, related_name="+"
    )
    texts_checked = models.PositiveIntegerField("检测篇数", default=0)
    references_checked = models.PositiveIntegerField("参考范文篇数", default=0)
    pairs_found = models.PositiveIntegerField("雷同对数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "雷同检测"
        verbose_name_plural = "雷同检测"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="%(app_label)s_%(class)s_period_order",
                violation_error_message="起始日期不能晚于截止日期。",
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.period_start}～{self.period_end} 雷同检测"

    def get_absolute_url(self):
        return reverse("originality:check_detail", args=[self.pk])


class SimilarPairQuerySet(ScopedQuerySet):
    scope_path_field = "check_run__organization__path"


class SimilarPair(TimeStampedModel):
    """A near-duplicate pair a check found: two notes, or a note and a reference text (`second`).

    Reaches its organization through its check. Only ids and measures are kept: titles, authors and the
    highlighted passages are read from the texts when shown, through the viewer's own scope.
    """

    check_run = models.ForeignKey(
        OriginalityCheck, verbose_name="检测", on_delete=models.PROTECT, related_name="pairs"
    )
    first_id = models.PositiveBigIntegerField("笔记编号")
    second_source = models.CharField("对比文本类型", max_length=12, choices=SourceKind.choices)
    second_id = models.PositiveBigIntegerField("对比文本编号")
    jaccard = models.FloatField("杰卡德相似度")
    containment = models.FloatField("重合比例", help_text="较短一篇中与另一篇相同的部分所占比例")
    shared = models.PositiveIntegerField("相同片段数")

    objects = SimilarPairQuerySet.as_manager()

    class Meta:
        verbose_name = "雷同文本对"
        verbose_name_plural = "雷同文本对"
        ordering = ["-containment", "-jaccard", "id"]

    def __str__(self):
        return f"笔记 #{self.first_id} ↔ {self.get_second_source_display()} #{self.second_id}"

    def get_absolute_url(self):
        return reverse("originality:pair_detail", args=[self.pk])

    @property
    def organization(self):
        return self.check_run.organization

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)
