from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..choices import FeedbackCategory, Satisfaction
from ..models import Feedback, FeedbackReply, FeedbackRoute, Observer


class ObserverSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="聘任党组织")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    member = serializers.IntegerField(source="member_id", required=False, allow_null=True, help_text="党员")
    user = serializers.IntegerField(source="user_id", required=False, allow_null=True, help_text="登录账号")
    phone = serializers.CharField(required=False, allow_blank=True, write_only=True, help_text="联系电话")
    masked_phone = serializers.CharField(read_only=True)
    observed = serializers.ListField(
        child=serializers.IntegerField(), source="observed_ids", help_text="观察的党组织"
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Observer
        fields = [
            "id",
            "organization",
            "organization_name",
            "member",
            "name",
            "phone",
            "masked_phone",
            "affiliation",
            "user",
            "observed",
            "term_starts_on",
            "term_ends_on",
            "status",
            "status_label",
            "ended_on",
            "end_reason",
        ]
        read_only_fields = ["id", "status", "ended_on", "end_reason"]
        extra_kwargs = {"name": {"required": False, "allow_blank": True}}

    def get_validators(self):
        return []  # the service checks the model's rules (full_clean), in Chinese

    def to_representation(self, instance):
        instance.observed_ids = [org.pk for org in instance.observed.all()]
        return super().to_representation(instance)


class EndTermSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RouteSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackRoute
        fields = ["from_organization", "to_organization", "routed_on", "reason"]


class ReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackReply
        fields = ["organization", "text", "measures", "answered_on"]


class FeedbackSerializer(serializers.ModelSerializer):
    """A feedback item as its responsible organization sees it (the contact only masked)."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    contact = serializers.CharField(source="masked_contact", read_only=True)
    overdue = serializers.SerializerMethodField()
    routes = RouteSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "organization",
            "organization_name",
            "received_by",
            "channel",
            "category",
            "subject",
            "content",
            "submitted_on",
            "observer",
            "contact",
            "due_on",
            "due_note",
            "overdue",
            "status",
            "status_label",
            "answered_on",
            "closed_on",
            "close_note",
            "satisfaction",
            "rated_on",
            "routes",
            "replies",
        ]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(self.context["today"])


class RouteActionSerializer(serializers.Serializer):
    to_organization = serializers.IntegerField(help_text="分办至（党组织ID）")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReplyActionSerializer(serializers.Serializer):
    text = serializers.CharField()
    measures = serializers.CharField(required=False, allow_blank=True, default="")
    answered_on = serializers.DateField(required=False, allow_null=True, default=None)


class CloseActionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    closed_on = serializers.DateField(required=False, allow_null=True, default=None)


class PublicSubmitSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=FeedbackCategory.choices)
    subject = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=2000)
    contact = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class PublicReceiptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization_name = serializers.CharField()
    due_on = serializers.DateField()
    follow_up_code = serializers.CharField(help_text="回访码：只返回这一次")


class RateSerializer(serializers.Serializer):
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)


class CountsSerializer(serializers.Serializer):
    label = serializers.CharField()
    received = serializers.IntegerField()
    answered = serializers.IntegerField()
    answered_in_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    closed = serializers.IntegerField()
    in_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    strict_satisfaction_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class StatsSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    first = serializers.DateField()
    last = serializers.DateField()
    total = CountsSerializer()
    by_organization = CountsSerializer(many=True)
    by_channel = CountsSerializer(many=True)
    by_category = CountsSerializer(many=True)


@extend_schema_serializer(component_name="FeedbackInAppSubmit")
class InAppSubmitSerializer(serializers.Serializer):
    """An observer's or a member's own submission (the API twin of 提交意见建议)."""

    source = serializers.CharField(help_text="提交身份：member（党员）或 observer:<观察员ID>")
    organization = serializers.IntegerField(help_text="提交给（党组织ID）")
    category = serializers.ChoiceField(choices=FeedbackCategory.choices)
    subject = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=2000)


class OwnReplySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = FeedbackReply
        fields = ["organization_name", "text", "measures", "answered_on"]


@extend_schema_serializer(component_name="OwnFeedback")
class OwnFeedbackSerializer(serializers.ModelSerializer):
    """An item as its submitter sees it: where it is handled, the answers, and their own rating."""

    organization_name = serializers.CharField(source="organization.name", read_only=True)
    # Plain text: the status choice set is FeedbackSerializer's enum (a second component using it would
    # need an ENUM_NAME_OVERRIDES entry); `status_label` says it in Chinese.
    status = serializers.CharField(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    replies = OwnReplySerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = [
            "id",
            "channel",
            "organization_name",
            "category",
            "subject",
            "content",
            "submitted_on",
            "due_on",
            "due_note",
            "status",
            "status_label",
            "answered_on",
            "replies",
            "satisfaction",
            "rated_on",
        ]
        read_only_fields = fields
