from rest_framework import serializers

from ..choices import InterviewKind, SamplePopulation, Severity, UnitInspectionStatus
from ..models import (
    ChecklistItem,
    ChecklistResult,
    Finding,
    InspectionPlan,
    InspectionTeam,
    Interview,
    Sample,
    SampleItem,
    UnitInspection,
)


class ChecklistItemSerializer(serializers.ModelSerializer):
    group_label = serializers.CharField(source="get_group_display", read_only=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "group", "group_label", "content", "scoring", "max_points", "order", "active"]


class PlanSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="组织单位（党委）")
    units = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        write_only=True,
        help_text="检查范围（被检查单位）",
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    checklist = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "organization",
            "name",
            "units",
            "starts_on",
            "ends_on",
            "method",
            "status",
            "status_label",
            "closed_on",
            "checklist",
        ]
        read_only_fields = ["id", "status", "closed_on"]

    def get_checklist(self, plan) -> list[dict]:
        return ChecklistItemSerializer(plan.checklist.filter(active=True), many=True).data

    def to_representation(self, plan):
        data = super().to_representation(plan)
        data["units"] = sorted(plan.units.values_list("pk", flat=True))
        return data

    def get_validators(self):
        return []  # the model's rules are checked by the service (full_clean), in Chinese


class TeamSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", help_text="督导检查")
    leader = serializers.CharField(help_text="组长登录账号")
    members = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, write_only=True
    )
    units = serializers.SerializerMethodField(help_text="督导单位（读者可见的）")

    class Meta:
        model = InspectionTeam
        fields = ["id", "plan", "name", "leader", "members", "units"]

    def get_units(self, team) -> list[int]:
        visible = self.context.get("visible_units")
        units = team.assignments.in_force().values_list("unit_id", flat=True)
        return [pk for pk in units if visible is None or pk in visible]

    def to_representation(self, team):
        return {
            "id": team.pk,
            "plan": team.plan_id,
            "name": team.name,
            "leader": team.leader.username,
            "members": [u.username for u in team.members.all() if u.pk != team.leader_id],
            "units": self.get_units(team),
        }

    def get_validators(self):
        return []


class AssignSerializer(serializers.Serializer):
    unit = serializers.IntegerField(help_text="被检查单位")


class ResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistResult
        fields = ["id", "item", "score", "remark", "checked_by"]
        read_only_fields = ["id", "checked_by"]

    def get_validators(self):
        return []


class InterviewSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=InterviewKind.choices)

    class Meta:
        model = Interview
        fields = ["id", "kind", "held_on", "participants", "summary", "recorded_by"]
        read_only_fields = ["id", "recorded_by"]


class FindingSerializer(serializers.ModelSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    unit = serializers.IntegerField(source="unit_inspection.unit_id", read_only=True)
    plan = serializers.IntegerField(source="unit_inspection.plan_id", read_only=True)
    has_evidence = serializers.SerializerMethodField()
    evidence = serializers.FileField(
        write_only=True,
        required=False,
        allow_null=True,
        help_text="佐证材料（可选，JPG、PNG、PDF；multipart）",
    )
    rectification_deadline = serializers.DateField(
        source="rectification.deadline", read_only=True, default=None
    )
    rectification_status = serializers.CharField(source="rectification.status", read_only=True, default=None)

    class Meta:
        model = Finding
        fields = [
            "id",
            "unit_inspection",
            "plan",
            "unit",
            "severity",
            "description",
            "found_on",
            "has_evidence",
            "evidence",
            "status",
            "rectification",
            "rectification_deadline",
            "rectification_status",
            "closed_on",
            "close_comment",
        ]
        read_only_fields = ["id", "unit_inspection", "status", "rectification", "closed_on", "close_comment"]

    def get_has_evidence(self, finding) -> bool:
        return bool(finding.evidence)


class UnitInspectionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status = serializers.ChoiceField(choices=UnitInspectionStatus.choices, required=False)
    results = ResultSerializer(many=True, read_only=True)
    interviews = InterviewSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = UnitInspection
        fields = ["id", "plan", "unit", "unit_name", "visited_on", "status", "summary", "results"]
        fields += ["interviews", "findings"]
        read_only_fields = ["id", "plan", "unit"]


class VisitSerializer(serializers.Serializer):
    visited_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=UnitInspectionStatus.choices, required=False, default=None)
    summary = serializers.CharField(required=False, allow_blank=True, default=None)


class SampleItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = SampleItem
        fields = ["unit", "kind", "object_id"]


class SampleSerializer(serializers.ModelSerializer):
    units = serializers.SerializerMethodField()
    items = SampleItemSerializer(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "plan", "units", "population", "spec", "seed", "strata", "description", "digest"]
        fields += ["drawn_at", "drawn_by", "originality_check", "items"]

    def get_units(self, sample) -> list[int]:
        return sorted(sample.units.values_list("pk", flat=True))


class DrawSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    units = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    population = serializers.ChoiceField(choices=SamplePopulation.choices)
    per_unit = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    total = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    notes_from = serializers.DateField(required=False, allow_null=True, default=None)
    notes_to = serializers.DateField(required=False, allow_null=True, default=None)
    activities_per_unit = serializers.IntegerField(min_value=0, required=False, default=0)
    seed = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None, help_text="留空则随机"
    )


class RectifySerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    working_days = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class CloseSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
