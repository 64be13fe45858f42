"""Serializers of the 考核评价 API (results of organizations; individuals are never ranked)."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..models import (
    Appeal,
    Assessment,
    AssessmentUnit,
    ItemScore,
    RatingBand,
    Rubric,
    RubricItem,
    RubricVersion,
)


class ItemSerializer(serializers.ModelSerializer):
    section = serializers.CharField(source="section.title", read_only=True)

    class Meta:
        model = RubricItem
        fields = [
            "id",
            "section",
            "position",
            "text",
            "points",
            "method",
            "source_key",
            "rule",
            "threshold",
            "per_occurrence",
            "floor",
            "evidence",
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
            version.items_list = list(version.items())
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
            "previous",
            "published_at",
        ]


class ScoreSerializer(serializers.ModelSerializer):
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
        ]
        read_only_fields = ["source", "assessor", "value", "evidence_url", "record_ids"]


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
