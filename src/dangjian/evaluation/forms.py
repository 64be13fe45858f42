"""Forms of the 考核评价 pages: the rubric editor (rubric, section, item, rating scale) and a new assessment.

Choice lists come from `visible_to(user, "change")`; the services validate the rest (scope, frozen
versions, app usage), and their refusals come back as errors of the field they name.
"""

import os
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.core.tree import STEPLEN, subtree_q
from dangjian.organizations.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrganizationKind, OrganizationStatus
from dangjian.organizations.models import Organization

from .choices import ComputeRule, RankingVisibility, ScoringMethod
from .models import POINTS, Assessment, RubricItem, RubricVersion


def required(label: str) -> dict:
    return {"required": f"请填写{label}。", "invalid": f"{label}须为数字。"}


def committees(user):
    """The committees (党委、党工委、党组) the user may change: those that may define rubrics."""
    return Organization.objects.visible_to(user, "change").filter(
        kind__in=COMMITTEE_KINDS, status=OrganizationStatus.ACTIVE
    )


# What an editor sets on a 评分细则 (the page's form and the API's serializers).
ITEM_FIELDS = (
    "text",
    "points",
    "method",
    "source_key",
    "rule",
    "threshold",
    "per_occurrence",
    "floor",
    "evidence",
)


class RubricForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="制定单位",
        queryset=Organization.objects.none(),
        error_messages={
            "required": "请选择制定单位。",
            "invalid_choice": "请选择您管理的党委（党工委、党组）。",
        },
    )
    name = forms.CharField(label="细则名称", max_length=100, error_messages={"required": "请填写细则名称。"})
    description = forms.CharField(
        label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = committees(user).order_by("path")


class SectionForm(forms.Form):
    title = forms.CharField(
        label="考核项目", max_length=100, error_messages={"required": "请填写考核项目名称。"}
    )


def without_stale_fields(data: dict) -> dict:
    """An item's values with the fields its method does not use cleared (also the API's item writes)."""
    method = data.get("method")
    if data.get("floor") is None:
        data["floor"] = Decimal("0")
    if method != ScoringMethod.COMPUTED:
        data["source_key"], data["rule"], data["threshold"] = "", "", None
    elif data.get("rule") == ComputeRule.PER_OCCURRENCE:
        data["threshold"] = None
    else:
        data["per_occurrence"], data["floor"] = None, Decimal("0")
    if method == ScoringMethod.ASSESSED:
        data["per_occurrence"], data["floor"] = None, Decimal("0")
    return data


class ItemForm(forms.ModelForm):
    """One 评分细则. Fields the chosen method does not use are cleared, so a row never carries a stale
    rule (e.g. a threshold left over from a computed item now scored by assessors)."""

    source_key = forms.ChoiceField(label="数据来源", required=False)

    class Meta:
        model = RubricItem
        fields = list(ITEM_FIELDS)
        error_messages = {
            "text": {"required": "请填写考核内容。"},
            "points": required("分值"),
            "threshold": {"invalid": "阈值须为数字。"},
            "per_occurrence": {"invalid": "每次扣分须为数字。"},
            "floor": required("最低得分"),
        }

    def __init__(self, *args, **kwargs):
        from dangjian.targets.sources import SOURCES

        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = [("", "—（按记录计算时选择）")] + [
            (key, f"{source.label}（{source.unit}）") for key, source in SOURCES.items()
        ]
        self.fields["rule"].choices = [("", "—（按记录计算时选择）"), *ComputeRule.choices]
        self.fields["points"].min_value = Decimal("0.01")
        self.fields["floor"].required = False
        self.fields["floor"].help_text = "按次扣分扣到此分为止"
        self.fields["threshold"].help_text = "达到即得满分（如满意率90）"
        for name in ("points", "threshold", "per_occurrence", "floor"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        # Which method shows which field (evaluation/rubric.js hides the others).
        shown = {
            "source_key": "computed",
            "rule": "computed",
            "threshold": "computed",
            "per_occurrence": "computed deduction",
            "floor": "computed deduction",
        }
        for name, methods in shown.items():
            self.fields[name].widget.attrs["data-methods"] = methods

    def clean_points(self):
        points = self.cleaned_data.get("points")
        if points is not None and points <= 0:
            raise ValidationError("分值必须大于0。")
        return points

    def clean(self):
        data = super().clean()
        for name in ("threshold", "per_occurrence", "floor"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, f"{self.fields[name].label}不能为负数。")
        return without_stale_fields(data)

    def _post_clean(self):
        """The service validates the model (full_clean), so its messages are reported once."""


class BandForm(forms.Form):
    label = forms.CharField(label="等次", max_length=20, required=False)
    min_score = forms.DecimalField(
        label="最低分（含）",
        max_digits=POINTS["max_digits"],
        decimal_places=POINTS["decimal_places"],
        required=False,
        error_messages={"invalid": "最低分须为数字。"},
    )


class BaseBandFormSet(forms.BaseFormSet):
    """The rating scale: rows with a label and its lowest score; empty rows are ignored."""

    def __init__(self, *args, total=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.total = total

    def clean(self):
        if any(self.errors):
            return
        rows = []
        for number, form in enumerate(self.forms, start=1):
            label = (form.cleaned_data.get("label") or "").strip()
            score = form.cleaned_data.get("min_score")
            if label or score is not None:
                rows.append((number, label, score))
        self.bands = checked_bands(rows, self.total)


def checked_bands(rows, total=None) -> list[tuple[str, Decimal]]:
    """A rating scale from numbered rows [(row number, label, lowest score)], highest band first; refuses
    a half-filled row, a negative score or one above the rubric's total, a repeated label or score
    (the editor's form and the API)."""
    bands, seen_labels, seen_scores = [], {}, {}
    for number, label, score in rows:
        if not label or score is None:
            raise ValidationError(f"第{number}行：请同时填写等次名称和最低分。")
        if score < 0:
            raise ValidationError(f"第{number}行：“{label}”的最低分不能为负数。")
        if total and score > total:
            raise ValidationError(f"第{number}行：“{label}”的最低分{score}高于细则满分{total}。")
        if label in seen_labels:
            raise ValidationError(f"第{number}行：等次“{label}”与第{seen_labels[label]}行重复。")
        if score in seen_scores:
            raise ValidationError(
                f"第{number}行：“{label}”的最低分与第{seen_scores[score]}行相同，无法区分等次。"
            )
        seen_labels[label], seen_scores[score] = number, number
        bands.append((label, score))
    if not bands:
        raise ValidationError("请至少填写一个评定等次。")
    return sorted(bands, key=lambda band: -band[1])


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=0)
BAND_ROWS = 6
# Ready-made scales (the committee may change names and thresholds before saving).
PRESETS = {
    "five_good": (
        "五好党支部评定",
        [("五好", Decimal("90")), ("先进", Decimal("80")), ("合格", Decimal("60")), ("不合格", Decimal("0"))],
    ),
    "stars": (
        "星级评定",
        [
            ("五星", Decimal("90")),
            ("四星", Decimal("80")),
            ("三星", Decimal("70")),
            ("二星", Decimal("60")),
            ("一星", Decimal("0")),
        ],
    ),
}


def band_initial(bands) -> list[dict]:
    rows = [{"label": label, "min_score": score} for label, score in bands]
    return rows + [{}] * max(0, BAND_ROWS - len(rows))


class ScaleNameForm(forms.Form):
    scale_name = forms.CharField(
        label="评定等次名称", max_length=50, error_messages={"required": "请填写评定等次名称。"}
    )


def assessor_candidates(committee, subtree_root):
    """Users whose current grant covers the whole assessed subtree from a node at or above it, within
    the committee's tree (the service still checks each one's view access to every unit)."""
    ancestors = [
        subtree_root.path[:end] for end in range(len(committee.path), len(subtree_root.path) + 1, STEPLEN)
    ]
    return (
        User.objects.filter(
            is_active=True,
            grants__organization__path__in=ancestors,
            grants__include_descendants=True,
            grants__pk__in=_current_grants(),
        )
        .distinct()
        .order_by("username")
    )


def _current_grants():
    from dangjian.accounts.models import RoleGrant

    return RoleGrant.objects.current().values("pk")


class AssessmentForm(forms.Form):
    """A new assessment: rubric version, the subtree and kinds of organizations assessed, the year,
    assessors and who sees the ranking."""

    version = forms.ModelChoiceField(
        label="考核细则（版本）",
        queryset=RubricVersion.objects.none(),
        error_messages={
            "required": "请选择已发布的考核细则版本。",
            "invalid_choice": "请选择已发布的考核细则版本。",
        },
    )
    name = forms.CharField(label="考核名称", max_length=100, error_messages={"required": "请填写考核名称。"})
    year = forms.IntegerField(
        label="考核年度",
        min_value=2000,
        error_messages={
            "required": "请填写考核年度。",
            "invalid": "考核年度须为四位数年份。",
            "min_value": "考核年度不能早于2000年。",
        },
    )
    subtree = forms.ModelChoiceField(
        label="考核范围",
        queryset=Organization.objects.none(),
        required=False,
        help_text="该组织及其全部下级中符合类别的党组织参加考核；留空为制定细则的党委全部下级",
        error_messages={"invalid_choice": "考核范围须在制定细则的党委之下。"},
    )
    kinds = forms.MultipleChoiceField(
        label="被考核党组织类别",
        choices=[(k, label) for k, label in OrganizationKind.choices if k != OrganizationKind.PARTY_GROUP],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个党组织类别。"},
    )
    assessors = forms.ModelMultipleChoiceField(
        label="评分人",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="须能查看全部被考核单位；可稍后在考核页补充",
        error_messages={"invalid_choice": "所选评分人无权查看被考核单位。"},
    )
    ranking_visibility = forms.ChoiceField(
        label="排名可见范围", choices=RankingVisibility.choices, initial=RankingVisibility.COMMITTEE
    )
    conflict_threshold = forms.DecimalField(
        label="评分分歧阈值",
        max_digits=POINTS["max_digits"],
        decimal_places=POINTS["decimal_places"],
        min_value=0,
        initial=Decimal("2"),
        help_text="同一细则评分人打分相差超过此分值须复核认定",
        error_messages={
            "required": "请填写评分分歧阈值。",
            "invalid": "评分分歧阈值须为数字。",
            "min_value": "评分分歧阈值不能为负数。",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year - 1
        self.fields["kinds"].initial = sorted(BRANCH_KINDS)
        self.fields["version"].queryset = (
            RubricVersion.objects.visible_to(user, "change")
            .filter(published_at__isnull=False)
            .select_related("rubric__organization")
            .order_by("rubric__organization__path", "rubric__name", "-number")
        )
        self.committee = self._chosen_committee()
        if self.committee is not None:
            self.fields["subtree"].queryset = (
                Organization.objects.visible_to(user, "change")
                .filter(subtree_q(self.committee.path), status=OrganizationStatus.ACTIVE)
                .exclude(kind__in=BRANCH_KINDS | {OrganizationKind.PARTY_GROUP})
                .order_by("path")
            )
            root = self._chosen_subtree() or self.committee
            self.fields["assessors"].queryset = assessor_candidates(self.committee, root)

    def clean_year(self):
        year = self.cleaned_data["year"]
        latest = timezone.localdate().year + 1
        if year > latest:
            raise ValidationError(f"考核年度不能晚于{latest}年。")
        return year

    def _chosen_committee(self):
        """The committee of the chosen version (from the submitted or initial data), or None."""
        raw = self.data.get("version") if self.is_bound else self.initial.get("version")
        raw = getattr(raw, "pk", raw)
        if not str(raw or "").isdigit():
            return None
        version = self.fields["version"].queryset.filter(pk=raw).first()
        return version.organization if version else None

    def _chosen_subtree(self):
        raw = self.data.get("subtree") if self.is_bound else self.initial.get("subtree")
        raw = getattr(raw, "pk", raw)
        if not str(raw or "").isdigit():
            return None
        return self.fields["subtree"].queryset.filter(pk=raw).first()

    def create_kwargs(self) -> dict:
        """The arguments of `services.do_create_assessment` from the valid form (the page and the API)."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "name": data["name"],
            "year": data["year"],
            "organizations": self.units(),
            "assessors": data["assessors"],
            "ranking_visibility": data["ranking_visibility"],
            "conflict_threshold": data["conflict_threshold"],
        }

    def units(self):
        """The organizations assessed: active, of the chosen kinds, below the chosen subtree's node."""
        data = self.cleaned_data
        root = data.get("subtree") or data["version"].organization
        return (
            Organization.objects.filter(
                subtree_q(root.path), kind__in=data["kinds"], status=OrganizationStatus.ACTIVE
            )
            .exclude(pk=data["version"].organization.pk)
            .order_by("path")
        )

    def preview(self, limit=30) -> dict | None:
        """The organizations the current choices would assess (count and the first few), or None."""
        if self.committee is None:
            return None
        if self.is_bound:
            if not self.is_valid():
                return None
            found = self.units()
        else:
            root = self._chosen_subtree() or self.committee
            kinds = self.initial.get("kinds") or self.fields["kinds"].initial
            found = (
                Organization.objects.filter(
                    subtree_q(root.path), kind__in=kinds, status=OrganizationStatus.ACTIVE
                )
                .exclude(pk=self.committee.pk)
                .order_by("path")
            )
        return {"count": found.count(), "names": list(found.values_list("name", flat=True)[:limit])}

    def clean(self):
        data = super().clean()
        if self.errors or "version" not in data:
            return data
        if not self.units().exists():
            self.add_error("kinds", "考核范围内没有所选类别的党组织，请调整考核范围或类别。")
        return data


def units_root(assessment: Assessment) -> Organization:
    """The nearest organization above (or at) every unit of the assessment, the committee at most."""
    committee = assessment.organization
    paths = list(assessment.units.values_list("organization__path", flat=True))
    common = os.path.commonprefix(paths) if paths else committee.path
    common = common[: len(common) - len(common) % STEPLEN]
    if not common.startswith(committee.path):
        return committee
    return Organization.objects.get(path=common)


def assessor_choices(assessment: Assessment):
    """Who may be named on an existing assessment: the candidates over its units (as on 新建考核), and
    those named now, so that they can be removed."""
    candidates = assessor_candidates(assessment.organization, units_root(assessment)).values("pk")
    named = assessment.assessors.values("pk")
    return User.objects.filter(Q(pk__in=candidates) | Q(pk__in=named)).order_by("username")


def user_label(user) -> str:
    name = user.get_full_name()
    return f"{name}（{user.username}）" if name else user.username


class AssessorsForm(forms.Form):
    """更改评分人 of an assessment not yet published (the whole list; see `services.do_set_assessors`)."""

    assessors = forms.ModelMultipleChoiceField(
        label="评分人",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="须能查看全部被考核单位。移除的评分人已打的分数保留在记录中，但不再计入考核得分。",
        error_messages={
            "invalid_choice": "所选评分人无权查看被考核单位。",
            "invalid_pk_value": "所选评分人无权查看被考核单位。",
            "invalid_list": "请选择评分人。",
        },
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessors"].queryset = assessor_choices(assessment)
        self.fields["assessors"].label_from_instance = user_label
        if not self.is_bound:
            self.initial["assessors"] = list(assessment.assessors.values_list("pk", flat=True))
