from rest_framework import serializers

from ..models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_category_display = serializers.CharField(source="get_unit_category_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "unit_category",
            "unit_category_display",
            "parent",
            "depth",
            "founded_on",
            "term_started_on",
            "term_ends_on",
            "has_committee",
            "status",
            "dissolved_on",
            "address",
            "remarks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["depth", "status", "dissolved_on", "created_at", "updated_at"]

    def get_parent(self, obj) -> int | None:
        # Annotated by the viewset in the same query (OrganizationQuerySet.with_parent_id).
        if hasattr(obj, "parent_id"):
            return obj.parent_id
        parent = Organization.objects.parent_of(obj)
        return parent.pk if parent else None


class OrganizationCreateSerializer(OrganizationSerializer):
    parent_id = serializers.IntegerField(write_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "parent_id"]
