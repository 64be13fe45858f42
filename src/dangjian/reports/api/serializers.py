from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..choices import DraftStatus, TemplateKind
from ..models import FigureUse, ReportDraft, ReportTemplate

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


@extend_schema_serializer(component_name="ReportTemplate")
class TemplateSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(
        source="organization_id", allow_null=True, required=False, help_text="所属党委（空：内置模板）"
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")
    kind = serializers.ChoiceField(choices=TemplateKind.choices)

    class Meta:
        model = ReportTemplate
        fields = [
            "id",
            "organization",
            "organization_name",
            "code",
            "name",
            "kind",
            "title",
            "body",
            "description",
            "version",
            "is_active",
        ]
        read_only_fields = ["id", "code", "version"]

    def get_validators(self):
        return []  # the service checks the model's rules (full_clean), in Chinese


@extend_schema_serializer(component_name="ReportFigureUse")
class FigureUseSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    token = serializers.CharField(read_only=True)
    current_value = serializers.SerializerMethodField()
    stale = serializers.SerializerMethodField()

    class Meta:
        model = FigureUse
        fields = [
            "number",
            "token",
            "key",
            "organization",
            "organization_name",
            "period_start",
            "period_end",
            "style",
            "value",
            "text",
            "current_value",
            "stale",
            "refreshed_at",
        ]

    def get_current_value(self, use) -> str | None:
        return self.context.get("stale", {}).get(use.number, use.value)

    def get_stale(self, use) -> bool:
        return use.number in self.context.get("stale", {})


@extend_schema_serializer(component_name="ReportDraft")
class DraftSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    status = serializers.ChoiceField(choices=DraftStatus.choices, required=False)
    figures = FigureUseSerializer(many=True, read_only=True)

    class Meta:
        model = ReportDraft
        fields = [
            "id",
            "organization",
            "organization_name",
            "template",
            "template_name",
            "template_version",
            "period_start",
            "period_end",
            "title",
            "body",
            "issuer",
            "issued_on",
            "status",
            "created_by",
            "created_at",
            "figures",
        ]
        read_only_fields = [
            "id",
            "organization",
            "template",
            "template_version",
            "period_start",
            "period_end",
            "created_by",
            "created_at",
        ]

    def get_validators(self):
        return []


@extend_schema_serializer(component_name="ReportDraftCreate")
class DraftCreateSerializer(serializers.Serializer):
    template = serializers.IntegerField(help_text="模板")
    organization = serializers.IntegerField(help_text="党组织")
    start = serializers.RegexField(
        MONTH, help_text="起始月份 YYYY-MM", error_messages={"invalid": "起始月份格式应为YYYY-MM。"}
    )
    end = serializers.RegexField(
        MONTH, help_text="截止月份 YYYY-MM", error_messages={"invalid": "截止月份格式应为YYYY-MM。"}
    )

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": "截止月份不能早于起始月份。"})
        return attrs


@extend_schema_serializer(component_name="ReportRefresh")
class RefreshSerializer(serializers.Serializer):
    numbers = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="要更新的数字编号；不填则全部更新",
    )


@extend_schema_serializer(component_name="ReportFigureInfo")
class FigureInfoSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()


@extend_schema_serializer(component_name="ReportTracedRecord")
class TracedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()


@extend_schema_serializer(component_name="ReportFigureTrace")
class FigureTraceSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    value = serializers.CharField(help_text="当前的值（空：无可统计）")
    record_count = serializers.IntegerField(allow_null=True, help_text="所统计记录条数（空：不逐条列出）")
    page = serializers.IntegerField()
    records = TracedRecordSerializer(many=True)
