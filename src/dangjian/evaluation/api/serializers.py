"""Serializers of the 考核评价 API (results of organizations; individuals are never ranked)."""

from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from dangjian.accounts.models import User
from dangjian.organizations.models import Organization

from ..choices import ComputeRule, RankingVisibility, ScoringMethod
from ..forms import ITEM_FIELDS as EDITED_ITEM_FIELDS
from ..forms import AssessmentForm, assessor_choices, checked_bands, committees, without_stale_fields
from ..models import (
    Appeal,
    Assessment,
    AssessmentUnit,
    ItemScore,
    RatingBand,
    Rubric,
    RubricItem,
    RubricSection,
    RubricVersion,
)

ITEM_FIELDS = ("position", *EDITED_ITEM_FIELDS)


def values_help(choices) -> str:
    return "取值：" + "、".join(f"{value}（{label}）" for value, label in choices)


class ItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title", read_only=True)
    version = serializers.IntegerField(
        source="section.version_id", read_only=True, help_text="细则版本ID（修改已被使用的版本时为新版本）"
    )

    class Meta:
        model = RubricItem
        fields = [
            "id",
            "version",
            "section_id",
            "section",
            *ITEM_FIELDS,
        ]


class BandSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingBand
        fields = ["label", "min_score"]


class VersionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True, read_only=True, source="items_list")
    bands = BandSerializer(many=True, read_only=True)

    class Meta:
        model = RubricVersion
        fields = ["id", "number", "published_at", "scale_name", "bands", "items"]


class RubricSerializer(serializers.ModelSerializer):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = Rubric
        fields = ["id", "organization", "name", "description", "versions"]

    def get_versions(self, rubric) -> list:
        versions = sorted(rubric.versions.all(), key=lambda v: v.number)
        for version in versions:
            version.items_list = list(version.items().select_related("section"))
        return VersionSerializer(versions, many=True).data


class UnitSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    rank_change = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = AssessmentUnit
        fields = [
            "id",
            "assessment",
            "organization",
            "organization_name",
            "self_score",
            "final_score",
            "rating",
            "rank",
            "previous_rank",
            "rank_change",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    assessors = serializers.PrimaryKeyRelatedField(many=True, read_only=True, help_text="评分人（用户ID）")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organization",
            "name",
            "year",
            "version",
            "status",
            "ranking_visibility",
            "conflict_threshold",
            "assessors",
            "previous",
            "published_at",
        ]


class ScoreSerializer(serializers.ModelSerializer):
    counted = serializers.SerializerMethodField(
        help_text="是否计入考核结果：评分人被移出后，其评分保留在案但不再计入"
    )

    class Meta:
        model = ItemScore
        fields = [
            "id",
            "unit",
            "item",
            "source",
            "assessor",
            "value",
            "points",
            "evidence_url",
            "record_ids",
            "comment",
            "counted",
        ]
        read_only_fields = ["source", "assessor", "value", "evidence_url", "record_ids"]

    def get_counted(self, score) -> bool:
        # The listing annotates it (ItemScore.objects.with_counted); a score just made by a named
        # assessor counts.
        return getattr(score, "counted", True)


class ScoreInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField(label="被考核单位")
    item = serializers.IntegerField(label="评分细则")
    points = serializers.DecimalField(label="得分", max_digits=7, decimal_places=2, required=False)
    occurrences = serializers.IntegerField(label="扣分次数", min_value=0, required=False)
    comment = serializers.CharField(label="说明", required=False, allow_blank=True, default="")


class AppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "unit",
            "item",
            "reason",
            "decision",
            "old_points",
            "new_points",
            "decision_note",
            "decided_at",
            "created_at",
        ]
        read_only_fields = [
            "decision",
            "old_points",
            "new_points",
            "decision_note",
            "decided_at",
            "created_at",
        ]


# activities has its own Decision (a meeting's resolution): each keeps its own schema name.
@extend_schema_serializer(component_name="AppealDecision")
class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(label="处理结果", choices=[("upheld", "维持"), ("changed", "改分")])
    new_points = serializers.DecimalField(label="改定得分", max_digits=7, decimal_places=2, required=False)
    note = serializers.CharField(label="处理意见", required=False, allow_blank=True, default="")


# --- writes: requests (each named field answers in Chinese, naming the field) -------------------------


def zh(label: str, **extra) -> dict:
    """DRF error messages that name the field, as the pages' forms do."""
    return {
        "required": f"请填写{label}。",
        "null": f"请填写{label}。",
        "blank": f"请填写{label}。",
        "invalid": f"{label}格式不正确。",
        "max_length": f"{label}不能超过{{max_length}}个字符。",
        "min_value": f"{label}不能小于{{min_value}}。",
        "max_value": f"{label}不能大于{{max_value}}。",
        "max_digits": f"{label}的位数过多。",
        "max_whole_digits": f"{label}的位数过多。",
        "max_decimal_places": f"{label}最多保留{{max_decimal_places}}位小数。",
        "max_string_length": f"{label}的位数过多。",
        "invalid_choice": f"{label}的取值“{{input}}”无效。",
        "not_a_list": f"{label}须为列表。",
        "empty": f"请至少填写一项{label}。",
        "not_a_dict": f"{label}格式不正确。",
        "incorrect_type": f"{label}须为编号（整数）。",
        "does_not_exist": f"所选{label}不存在或不在您的管理范围内。",
        **extra,
    }


def points_field(label: str, messages=None, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        label=label, max_digits=7, decimal_places=2, error_messages=zh(label, **(messages or {})), **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A choice validated like any other, shown in the schema as a string with its values in the help text
    (the response components already carry these choice sets as enums; see surveys' CodeField)."""

    def __init__(self, choices, **kwargs):
        kwargs["help_text"] = f"{kwargs.get('help_text', '')}{values_help(choices)}"
        kwargs.setdefault("error_messages", zh(kwargs.get("label", "")))
        super().__init__(choices=choices, **kwargs)


def user_of(context):
    request = context.get("request")
    return getattr(request, "user", None)


class RubricWriteSerializer(serializers.Serializer):
    """新建考核细则 (with an empty draft version 1) of a committee the user manages."""

    organization = serializers.PrimaryKeyRelatedField(
        label="制定单位",
        queryset=Organization.objects.none(),
        help_text="党委（党工委、党组）ID",
        error_messages=zh("制定单位", does_not_exist="制定单位须为您管理的党委（党工委、党组）。"),
    )
    name = serializers.CharField(label="细则名称", max_length=100, error_messages=zh("细则名称"))
    description = serializers.CharField(
        label="说明", max_length=2000, required=False, allow_blank=True, default="", error_messages=zh("说明")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = user_of(self.context)
        if user is not None:
            self.fields["organization"].queryset = committees(user)


class VersionChoiceSerializer(serializers.Serializer):
    """复制版本: which version of the rubric to copy (default its latest) into a new draft version."""

    version = serializers.PrimaryKeyRelatedField(
        label="细则版本",
        queryset=RubricVersion.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        error_messages=zh("细则版本", does_not_exist="细则版本须为本考核细则的版本。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "rubric" in self.context:
            self.fields["version"].queryset = self.context["rubric"].versions.all()


@extend_schema_serializer(component_name="RubricSectionWrite")
class SectionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(label="考核项目", max_length=100, error_messages=zh("考核项目名称"))
    position = serializers.IntegerField(
        label="序号", min_value=1, max_value=32767, required=False, error_messages=zh("序号")
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("请填写要修改的内容（考核项目或序号）。")
        return attrs


@extend_schema_serializer(component_name="RubricItemWrite")
class ItemWriteSerializer(serializers.Serializer):
    """One 评分细则. Fields the method does not use are cleared (as in the editor's form); a change
    (PATCH) names only the fields it changes."""

    position = serializers.IntegerField(
        label="序号", min_value=1, max_value=32767, required=False, error_messages=zh("序号")
    )
    text = serializers.CharField(label="考核内容", max_length=300, error_messages=zh("考核内容"))
    points = points_field("分值", {"min_value": "分值必须大于0。"}, min_value=Decimal("0.01"))
    method = CodeField(ScoringMethod.choices, label="评分方式", default=ScoringMethod.ASSESSED)
    source_key = serializers.CharField(
        label="数据来源",
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text="按记录计算时：已登记的数据来源",
        error_messages=zh("数据来源"),
    )
    rule = CodeField(
        ComputeRule.choices,
        label="计分规则",
        required=False,
        allow_blank=True,
        default="",
        help_text="按记录计算时。",
    )
    threshold = serializers.DecimalField(
        label="阈值",
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
        error_messages=zh("阈值", min_value="阈值不能为负数。"),
    )
    per_occurrence = points_field(
        "每次扣分",
        {"min_value": "每次扣分不能为负数。"},
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
    )
    floor = points_field(
        "最低得分",
        {"min_value": "最低得分不能为负数。"},
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        default=None,
    )
    evidence = serializers.CharField(
        label="佐证要求",
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        error_messages=zh("佐证要求"),
    )

    def validate(self, attrs):
        item = self.context.get("item")
        if item is not None and not attrs:
            raise serializers.ValidationError("请填写要修改的内容。")
        values = {name: getattr(item, name) for name in ITEM_FIELDS} if item is not None else {}
        values.update(attrs)
        return without_stale_fields(values)


@extend_schema_serializer(component_name="RatingBandWrite")
class BandWriteSerializer(serializers.Serializer):
    label = serializers.CharField(label="等次", max_length=20, error_messages=zh("等次名称"))
    min_score = points_field("最低分")


@extend_schema_serializer(component_name="RatingScaleWrite")
class BandsWriteSerializer(serializers.Serializer):
    """The whole rating scale of the rubric's latest version (a used version's in a new version)."""

    scale_name = serializers.CharField(
        label="评定等次名称", max_length=50, required=False, error_messages=zh("评定等次名称")
    )
    bands = BandWriteSerializer(many=True, label="评定等次", help_text="每个等次及其最低分（含）")

    def validate_bands(self, rows):
        numbered = [(n, row["label"].strip(), row["min_score"]) for n, row in enumerate(rows, start=1)]
        try:
            return checked_bands(numbered, self.context.get("total"))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error


@extend_schema_serializer(component_name="AssessmentWrite")
class AssessmentWriteSerializer(serializers.Serializer):
    """新建考核, checked exactly as the page's form (`forms.AssessmentForm`): a published version of a
    committee the user manages, a subtree below it, the kinds assessed, the year, assessors who see every
    unit, who sees the ranking."""

    version = serializers.IntegerField(
        label="考核细则（版本）", help_text="已发布的细则版本ID", error_messages=zh("考核细则版本")
    )
    name = serializers.CharField(label="考核名称", max_length=100, error_messages=zh("考核名称"))
    year = serializers.IntegerField(
        label="考核年度",
        min_value=2000,
        error_messages=zh(
            "考核年度", invalid="考核年度须为四位数年份。", min_value="考核年度不能早于2000年。"
        ),
    )
    subtree = serializers.IntegerField(
        label="考核范围",
        required=False,
        allow_null=True,
        default=None,
        help_text="党组织ID：其下符合类别的党组织参加考核；留空为制定细则的党委全部下级",
        error_messages=zh("考核范围"),
    )
    kinds = serializers.ListField(
        label="被考核党组织类别",
        child=serializers.CharField(max_length=20),
        allow_empty=False,
        help_text="党组织类别，如 branch（党支部）",
        error_messages=zh("被考核党组织类别", empty="请至少选择一个党组织类别。"),
    )
    assessors = serializers.ListField(
        label="评分人",
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="用户ID；须能查看全部被考核单位",
        error_messages=zh("评分人"),
    )
    ranking_visibility = CodeField(
        RankingVisibility.choices, label="排名可见范围", default=RankingVisibility.COMMITTEE
    )
    conflict_threshold = points_field(
        "评分分歧阈值",
        {"min_value": "评分分歧阈值不能为负数。"},
        min_value=Decimal("0"),
        default=Decimal("2"),
        help_text="同一细则评分人打分相差超过此分值须复核认定",
    )

    def validate(self, attrs):
        data = {**attrs, "subtree": attrs["subtree"] or ""}
        self.form = AssessmentForm(data, user=user_of(self.context))
        if not self.form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): list(texts)
                    for name, texts in self.form.errors.items()
                }
            )
        return attrs


@extend_schema_serializer(component_name="AssessorsWrite")
class AssessorsWriteSerializer(serializers.Serializer):
    """更改评分人: the whole list (empty: none); see `services.do_set_assessors`."""

    assessors = serializers.PrimaryKeyRelatedField(
        label="评分人",
        many=True,
        queryset=User.objects.none(),
        help_text="用户ID；须能查看全部被考核单位。移除的评分人已打的分数保留，但不再计入",
        error_messages=zh("评分人", does_not_exist="所选评分人无权查看被考核单位：{pk_value}。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assessment" in self.context:
            self.fields["assessors"].child_relation.queryset = assessor_choices(self.context["assessment"])


@extend_schema_serializer(component_name="SelfAssessment")
class SelfAssessSerializer(serializers.Serializer):
    """单位自评 of one item (0 to the item's points)."""

    item = serializers.IntegerField(label="评分细则", error_messages=zh("评分细则"))
    points = points_field("自评得分", {"min_value": "自评得分不能为负数。"}, min_value=Decimal("0"))
    comment = serializers.CharField(
        label="说明", max_length=500, required=False, allow_blank=True, default="", error_messages=zh("说明")
    )


# --- writes: responses ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="RubricSection")
class SectionSerializer(serializers.ModelSerializer):
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    items = ItemSerializer(many=True, read_only=True)

    class Meta:
        model = RubricSection
        fields = ["id", "version", "version_number", "position", "title", "items"]


class AssessmentStageSerializer(serializers.Serializer):
    """The assessment after a stage action, with the computed rows (re)written from the records."""

    assessment = AssessmentSerializer(read_only=True)
    computed_rows = serializers.IntegerField(read_only=True, help_text="本次按记录计算写入的得分行数")
