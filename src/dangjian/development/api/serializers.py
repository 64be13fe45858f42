from rest_framework import serializers

from dangjian.members.choices import Sex

from .. import engine
from ..models import DevelopmentFile, DevelopmentPlan, DualRequirement, Step


class StepSerializer(serializers.ModelSerializer):
    no = serializers.IntegerField(read_only=True, help_text="步骤编号1–25")
    name = serializers.CharField(read_only=True)
    entered_by = serializers.SerializerMethodField()

    class Meta:
        model = Step
        fields = [
            "id",
            "no",
            "name",
            "date",
            "fields",
            "people",
            "documents",
            "note",
            "entered_by",
            "override_reason",
            "overridden",
            "created_at",
        ]

    def get_entered_by(self, step) -> str:
        user = step.entered_by
        return (user.get_full_name() or user.username) if user else "命令行"


class StepCreateSerializer(serializers.Serializer):
    no = serializers.IntegerField(min_value=1, max_value=25)
    date = serializers.DateField()
    fields = serializers.DictField(
        required=False, default=dict, help_text="步骤内容，见 docs/development-check.md"
    )
    people = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    documents = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    override_reason = serializers.CharField(
        required=False, default="", allow_blank=True, help_text="例外放行理由（仅上级党委组织管理员）"
    )


class DevelopmentFileSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    next_step = serializers.IntegerField(read_only=True, allow_null=True, help_text="下一步的编号1–25")
    next_step_name = serializers.SerializerMethodField()
    id_number = serializers.CharField(source="masked_id_number", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = DevelopmentFile
        fields = [
            "id",
            "organization",
            "organization_name",
            "member",
            "name",
            "sex",
            "birth_date",
            "id_number",
            "stage",
            "stage_label",
            "next_step",
            "next_step_name",
            "next_earliest",
            "next_latest",
            "overdue",
            "closed_on",
            "closed_reason",
        ]
        read_only_fields = fields

    def get_next_step_name(self, file) -> str:
        return engine.STEPS.get(file.next_step, "") if file.next_step else ""


class OpenFileSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    member = serializers.IntegerField(required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=50, required=False)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    applied_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, data):
        if data.get("member") is None:
            missing = [f for f in ("name", "sex", "birth_date") if not data.get(f)]
            if missing:
                raise serializers.ValidationError(dict.fromkeys(missing, "非党员须填写此项。"))
        return data


class TimelineSerializer(serializers.Serializer):
    """The body of `check/`: the same JSON as `dangjian development check FILE.json`."""

    birth_date = serializers.DateField(required=False, allow_null=True)
    today = serializers.DateField(required=False, allow_null=True)
    steps = serializers.ListField(child=serializers.DictField())


class CloseFileSerializer(serializers.Serializer):
    closed_on = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class DevelopmentPlanSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    actual = serializers.SerializerMethodField(help_text="该年度本组织及下级已发展（第17步审批）人数")

    class Meta:
        model = DevelopmentPlan
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "total",
            "women",
            "young",
            "college",
            "by_category",
            "note",
            "actual",
        ]
        read_only_fields = fields

    def get_actual(self, plan) -> dict:
        from ..statistics import plan_progress

        return plan_progress([plan])[0].actual


class SetPlanSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    total = serializers.IntegerField(min_value=0)
    women = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    young = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    college = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    by_category = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class DualRequirementSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    steps = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="适用的步骤（3、7）"
    )

    class Meta:
        model = DualRequirement
        fields = [
            "id",
            "organization",
            "organization_name",
            "for_activists",
            "for_candidates",
            "steps",
            "valid_from",
            "valid_until",
            "note",
        ]
        read_only_fields = fields


class SetDualRequirementSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    for_activists = serializers.BooleanField(default=False)
    for_candidates = serializers.BooleanField(default=False)
    valid_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EndDualRequirementSerializer(serializers.Serializer):
    valid_until = serializers.DateField()
