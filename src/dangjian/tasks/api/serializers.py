from rest_framework import serializers

from ..choices import RecipientChoice, Satisfaction, ScheduleDayKind, TaskKind
from ..models import (
    Assignment,
    Bulletin,
    Escalation,
    FollowUp,
    HolidaySchedule,
    KeyTaskList,
    ProgressReport,
    Task,
)


class TaskSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "title",
            "content",
            "source_document",
            "document_number",
            "key_task_list",
            "issued_on",
            "deadline",
            "deadline_working_days",
            "reminder_working_days",
            "bulletin_working_days",
            "cancelled_on",
            "cancel_reason",
            "progress",
        ]

    def get_progress(self, task) -> dict:
        """Copies in all, 已签收, 待确认, 已办结 and 逾期 today (from the tally)."""
        return self.context.get("progress", {}).get(task.pk, {})


class TaskIssueSerializer(serializers.Serializer):
    organization = serializers.IntegerField(help_text="交办单位")
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=TaskKind.choices, default=TaskKind.ORDINARY)
    source_document = serializers.CharField(required=False, allow_blank=True, default="")
    document_number = serializers.CharField(required=False, allow_blank=True, default="")
    key_task_list = serializers.IntegerField(required=False, allow_null=True, default=None)
    issued_on = serializers.DateField(required=False, default=None)
    deadline = serializers.DateField(
        required=False, default=None, help_text="期限日期（与 working_days 二选一）"
    )
    working_days = serializers.IntegerField(
        required=False, default=None, min_value=1, help_text="交办后第N个工作日"
    )
    recipient_choice = serializers.ChoiceField(choices=RecipientChoice.choices, default=RecipientChoice.LIST)
    kinds = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    recipients = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="承办单位ID（recipient_choice=list）",
    )
    reminder_working_days = serializers.IntegerField(required=False, default=None, min_value=0, max_value=60)
    bulletin_working_days = serializers.IntegerField(required=False, default=None, min_value=0, max_value=60)


class TaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AssignmentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    owner = serializers.CharField(source="owner_label", read_only=True)
    owner_phone = serializers.CharField(source="masked_owner_phone", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "task_title",
            "organization",
            "organization_name",
            "owner",
            "owner_phone",
            "deadline",
            "status",
            "status_label",
            "is_overdue",
            "percent",
            "accepted_at",
            "last_reported_on",
            "submitted_on",
            "confirmed_on",
            "reopened_count",
        ]


class EscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Escalation
        fields = ["step", "round", "date", "message"]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "visited_on", "satisfaction", "notes", "reopened", "new_deadline"]


class ProgressReportSerializer(serializers.ModelSerializer):
    has_evidence = serializers.BooleanField(source="has_file", read_only=True)

    class Meta:
        model = ProgressReport
        fields = ["id", "reported_on", "percent", "text", "final", "file_name", "has_evidence"]


class AssignmentDetailSerializer(AssignmentSerializer):
    progress_reports = ProgressReportSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "progress_reports", "escalations", "follow_ups"]


class AssignmentAcceptSerializer(serializers.Serializer):
    owner_member = serializers.IntegerField(required=False, allow_null=True, default=None)
    owner_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    owner_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class ProgressReportCreateSerializer(serializers.Serializer):
    text = serializers.CharField()
    percent = serializers.IntegerField(min_value=0, max_value=100)
    final = serializers.BooleanField(default=False)
    reported_on = serializers.DateField(required=False, default=None)
    evidence = serializers.FileField(required=False, default=None)


class AssignmentConfirmSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AssignmentReturnSerializer(serializers.Serializer):
    comment = serializers.CharField()


class FollowUpCreateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    visited_on = serializers.DateField(required=False, default=None)
    reopen = serializers.BooleanField(default=False)
    new_deadline = serializers.DateField(required=False, default=None)
    working_days = serializers.IntegerField(required=False, default=None, min_value=1)


class KeyTaskListSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id")

    class Meta:
        model = KeyTaskList
        fields = ["id", "organization", "year", "name", "description"]

    def get_validators(self):
        return []


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bulletin
        fields = ["id", "task", "drafted_on", "published_on", "text"]


class ScheduleDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=ScheduleDayKind.choices)
    name = serializers.CharField(max_length=20, allow_blank=True, default="")


class HolidayScheduleSerializer(serializers.ModelSerializer):
    days = ScheduleDaySerializer(many=True)

    class Meta:
        model = HolidaySchedule
        fields = ["id", "year", "source_document", "document_number", "published_on", "days"]

    def get_validators(self):
        return []
