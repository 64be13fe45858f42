from rest_framework import serializers

from ..models import OriginalityCheck, SimilarPair


class CheckRunSerializer(serializers.Serializer):
    """Run a check: the subtree's root, the period of writing, optionally one kind of note."""

    organization = serializers.IntegerField(help_text="党组织编号（检测该组织及其下级）")
    start = serializers.DateField(help_text="撰写日期自")
    end = serializers.DateField(help_text="撰写日期至")
    notes = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=20_000,
        help_text="抽查样本：只检测这些笔记（编号）；不填则检测范围和时段内的全部笔记",
    )
    kind = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="study_note / reflection"
    )

    def validate(self, data):
        if data["start"] > data["end"]:
            raise serializers.ValidationError({"end": "截止日期不能早于起始日期。"})
        return data


class OriginalityCheckSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default="")

    class Meta:
        model = OriginalityCheck
        fields = [
            "id",
            "organization",
            "organization_name",
            "period_start",
            "period_end",
            "kind",
            "sample",
            "requested_by",
            "texts_checked",
            "references_checked",
            "pairs_found",
            "seconds",
            "created_at",
        ]
        read_only_fields = fields


class SimilarPairSerializer(serializers.ModelSerializer):
    score = serializers.FloatField(read_only=True, help_text="相似度：较大的一个（重合比例）")

    class Meta:
        model = SimilarPair
        fields = ["id", "first_id", "second_source", "second_id", "score", "jaccard", "containment", "shared"]
        read_only_fields = fields
