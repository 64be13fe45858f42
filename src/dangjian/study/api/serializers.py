from rest_framework import serializers

from ..choices import CompletionMethod, ReviewMark
from ..models import (
    Course,
    CourseSession,
    Enrollment,
    Note,
    NoteReview,
    StudyCompletion,
    StudyItem,
    StudyPlan,
)


class StudyItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudyItem
        fields = [
            "id",
            "plan",
            "order",
            "kind",
            "title",
            "source",
            "link",
            "text",
            "due_on",
            "audience",
            "audience_organization",
        ]
        read_only_fields = ["id", "order"]


class StudyPlanSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    items = StudyItemSerializer(many=True, read_only=True)

    class Meta:
        model = StudyPlan
        fields = [
            "id",
            "organization",
            "organization_name",
            "year",
            "quarter",
            "title",
            "source_document",
            "published",
            "published_at",
            "items",
        ]
        read_only_fields = ["id", "published", "published_at", "items"]


class StudyCompletionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = StudyCompletion
        fields = ["id", "member", "member_name", "item", "studied_on", "method", "activity"]
        read_only_fields = fields


class CompletionCreateSerializer(serializers.Serializer):
    """学完 for one or more members: all recorded or none (those already done are left as they were)."""

    item = serializers.IntegerField()
    members = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    method = serializers.ChoiceField(choices=CompletionMethod.choices, default=CompletionMethod.ALONE)
    studied_on = serializers.DateField(required=False)
    activity = serializers.IntegerField(required=False)


class CourseSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourseSession
        fields = ["id", "held_on", "title", "hours"]
        read_only_fields = ["id"]


class EnrollmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Enrollment
        fields = ["id", "member", "member_name"]
        read_only_fields = fields


class CourseSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    sessions = CourseSessionSerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "organization",
            "organization_name",
            "name",
            "kind",
            "starts_on",
            "ends_on",
            "required_hours",
            "sessions",
        ]
        read_only_fields = ["id", "sessions"]


class EnrollSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class CourseAttendanceSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    absent = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


class CourseAttendanceResultSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    present = serializers.IntegerField()


class NoteReviewSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.StringRelatedField(source="reviewer", read_only=True)

    class Meta:
        model = NoteReview
        fields = ["id", "reviewer_name", "mark", "comment", "created_at"]
        read_only_fields = ["id", "reviewer_name", "created_at"]


class NoteSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    reviews = NoteReviewSerializer(many=True, read_only=True)
    upload = serializers.FileField(write_only=True, required=False, help_text=".docx 或 .txt，正文自动读取")
    text = serializers.CharField(required=False, allow_blank=True)
    written_on = serializers.DateField(required=False)

    class Meta:
        model = Note
        fields = [
            "id",
            "member",
            "member_name",
            "organization",
            "kind",
            "title",
            "text",
            "upload",
            "char_count",
            "written_on",
            "source",
            "original_name",
            "item",
            "course",
            "activity",
            "reviews",
        ]
        read_only_fields = ["id", "organization", "char_count", "source", "original_name", "reviews"]
        extra_kwargs = {"member": {"queryset": Note._meta.get_field("member").related_model.objects.all()}}


class ReviewCreateSerializer(serializers.Serializer):
    mark = serializers.ChoiceField(choices=ReviewMark.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
