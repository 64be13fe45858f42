from rest_framework import serializers

from dangjian.core.validators import normalize_id_number, normalize_phone, validate_id_number, validate_phone

from ..models import Member


class MemberSerializer(serializers.ModelSerializer):
    """身份证号 and phone are always masked on the way out: a full view happens only through the
    audited reveal action of the UI (security.md P3/P4)."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "name_pinyin",
            "name_initials",
            "sex",
            "ethnicity",
            "birth_date",
            "id_number",
            "native_place",
            "education",
            "category",
            "job_title",
            "phone",
            "organization",
            "organization_name",
            "party_group",
            "joined_on",
            "confirmed_on",
            "status",
            "status_display",
            "status_changed_on",
            "status_reason",
            "is_mobile",
            "is_unreachable",
            "remarks",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status_changed_on", "status_reason", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["id_number"] = instance.masked_id_number
        data["phone"] = instance.masked_phone
        return data

    def validate_id_number(self, value):
        value = normalize_id_number(value)
        validate_id_number(value)
        return value

    def validate_phone(self, value):
        value = normalize_phone(value or "")
        if value:
            validate_phone(value)
        return value
