from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..choices import CommitmentKind
from ..models import Commitment, Evaluation, Indicator, Score, Target
from ..services import SPLITS
from ..sources import SOURCES


class IndicatorSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id", help_text="目标责任书")
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    reached = serializers.BooleanField(read_only=True, allow_null=True)
    actual_by = serializers.CharField(source="actual_by.username", read_only=True, default=None)
    source_url = serializers.SerializerMethodField(help_text="计算类指标所计记录的页面")

    class Meta:
        model = Indicator
        fields = [
            *("id", "target", "parent", "position", "name", "unit", "comparison", "target_value", "points"),
            *("scoring", "rollup", "source_kind", "source_key", "actual_value", "actual_note", "actual_by"),
            *("actual_at", "reached", "source_url"),
        ]
        read_only_fields = ["actual_value", "actual_note", "actual_at"]
        extra_kwargs = {"position": {"required": False}}

    def get_validators(self):
        return []  # the model's rules are checked by the service (full_clean), in Chinese

    def get_source_url(self, indicator) -> str:
        source = SOURCES.get(indicator.source_key)
        target = indicator.target
        return source.url(target.organization, target.year) if source else ""


class TargetSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="责任党组织")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    issued_by = serializers.IntegerField(
        source="issued_by_id",
        required=False,
        allow_null=True,
        default=None,
        help_text="下达党组织（留空为本身）",
    )
    responsible_member = serializers.IntegerField(
        source="responsible_member_id",
        required=False,
        allow_null=True,
        default=None,
        help_text="责任人（党员）",
    )
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    # Plain text, not an enum: several apps' choice sets are named "status" in the schema.
    status = serializers.CharField(read_only=True, help_text="draft/issued/signed/evaluated/withdrawn")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            *("id", "organization", "organization_name", "year", "title", "content", "parent", "issued_by"),
            *("responsible_member", "status", "status_label", "issued_on", "withdrawn_reason", "indicators"),
        ]
        read_only_fields = ["status", "issued_on", "withdrawn_reason"]

    def get_validators(self):
        return []


class ChildValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="上级指标")
    organization = serializers.IntegerField(required=False, allow_null=True, default=None)
    member = serializers.IntegerField(required=False, allow_null=True, default=None)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class DecomposeSerializer(serializers.Serializer):
    organizations = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="下级党组织（留空为全部直属下级）",
    )
    members = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    split = serializers.DictField(
        child=serializers.ChoiceField(choices=list(SPLITS)),
        required=False,
        default=dict,
        help_text="{指标ID: same|even|members}",
    )
    values = ChildValueSerializer(many=True, required=False, default=list, help_text="个别下级的目标值")

    def service_values(self) -> dict:
        """{(indicator id, organization id or ("member", member id)): value} for the service."""
        found = {}
        for row in self.validated_data["values"]:
            key = ("member", row["member"]) if row["member"] else row["organization"]
            found[(row["indicator"], key)] = row["value"]
        return found


class ActualSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CommitmentSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id")
    kind = serializers.ChoiceField(choices=CommitmentKind.choices)
    file = serializers.FileField(
        write_only=True, required=False, help_text="签字扫描件（PDF/JPG/PNG）；不附文件即为责任人电子确认"
    )
    signed_by = serializers.CharField(source="signed_by.username", read_only=True, default=None)
    method = serializers.CharField(read_only=True, help_text="upload（上传签字扫描件）/ confirm（电子确认）")

    class Meta:
        model = Commitment
        fields = [
            *("id", "target", "kind", "method", "file", "original_name", "content_type", "size", "sha256"),
            *("signed_by", "signed_at", "statement"),
        ]
        read_only_fields = ["method", "original_name", "content_type", "size", "sha256", "signed_at"]

    def get_validators(self):
        return []


# The evaluation app has its own Score (a rubric item's points): each keeps its own schema name.
@extend_schema_serializer(component_name="TargetScore")
class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = [
            *("indicator", "name", "unit", "comparison", "target_value", "actual_value", "points", "reached"),
            *("rule_score", "score", "override_reason"),
        ]


class EvaluateChildrenSerializer(serializers.Serializer):
    evaluated_on = serializers.DateField()
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OverrideSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)
    reason = serializers.CharField(max_length=200)


class EvaluationSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id")
    evaluator = serializers.CharField(source="evaluator.username", read_only=True, default=None)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)
    overrides = OverrideSerializer(many=True, write_only=True, required=False, default=list)
    finalized = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = Evaluation
        fields = [
            *(
                "id",
                "target",
                "evaluator",
                "evaluated_on",
                "total_score",
                "full_score",
                "grade",
                "grade_label",
            ),
            *("comment", "finalized", "scores", "overrides"),
        ]
        read_only_fields = ["total_score", "full_score", "grade"]

    def get_validators(self):
        return []
