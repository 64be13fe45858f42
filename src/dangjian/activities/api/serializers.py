from collections.abc import Mapping

from rest_framework import serializers

from dangjian.accounts.scope import get_scope
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from ..choices import AbsenceReason
from ..member_view import own_rows, seen_as_member
from ..models import Activity, ActivityType, Attendance, Decision, Rule, SpotCheck
from ..querysets import members_of
from ..services import FIXED_ACTIVITY_FIELDS, FIXED_ACTIVITY_MESSAGE


class AttendanceSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    absence_reason_display = serializers.CharField(source="get_absence_reason_display", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "member",
            "member_name",
            "present",
            "absence_reason",
            "absence_reason_display",
            "absence_note",
            "checked_in_at",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    passed = serializers.SerializerMethodField()
    vote_problems = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "order",
            "text",
            "voted",
            "eligible",
            "present_eligible",
            "votes_for",
            "votes_against",
            "abstentions",
            "written_for",
            "passed",
            "vote_problems",
        ]

    def get_passed(self, obj) -> bool | None:
        return obj.passed

    def get_vote_problems(self, obj) -> list[str]:
        return obj.vote_problems()


class SpotCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpotCheck
        fields = ["result", "comment", "sample_seed", "created_at"]


class ActivitySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)
    host_name = serializers.CharField(source="host.name", read_only=True, default=None)
    recorder_name = serializers.CharField(source="recorder.name", read_only=True, default=None)

    class Meta:
        model = Activity
        fields = [
            "id",
            "organization",
            "organization_name",
            "activity_type",
            "activity_type_name",
            "held_on",
            "start_time",
            "end_time",
            "place",
            "host",
            "host_name",
            "recorder",
            "recorder_name",
            "theme",
            "agenda",
            "minutes",
            "notice",
            "expected_count",
            "present_count",
            "attendance_rate",
            "cancelled_at",
            "cancel_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and seen_as_member(get_scope(request.user), instance):
            return as_member(data, get_scope(request.user), instance)
        return data


def as_member(data: dict, scope, activity) -> dict:
    """A serialized activity as a 党员 reads it (member_view.py): its outline only unless they were
    expected at it; other members' absence reasons and check-in times never; no spot checks."""
    mine = {row.member_id for row in own_rows(scope, activity)}
    if "spot_checks" in data:
        data["spot_checks"] = []
    if not mine:
        data.update(agenda="", minutes="")
        data.update({key: [] for key in ("attendance", "decisions") if key in data})
        return data
    for row in data.get("attendance", []):
        if row["member"] not in mine:
            row.update(absence_reason="", absence_reason_display="", absence_note="", checked_in_at=None)
    return data


class ActivityDetailSerializer(ActivitySerializer):
    """One activity with its attendance, decisions (votes checked) and spot checks."""

    attendance = AttendanceSerializer(many=True, read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)
    spot_checks = SpotCheckSerializer(many=True, read_only=True)

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "attendance", "decisions", "spot_checks"]
        read_only_fields = fields


class AbsenceInputSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    absence_reason = serializers.ChoiceField(choices=AbsenceReason.choices)
    absence_note = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class DecisionInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    voted = serializers.BooleanField(default=False)
    eligible = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    present_eligible = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    written_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class ActivityCreateSerializer(serializers.Serializer):
    """A new activity: everyone expected is present unless listed in `absent`."""

    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all())
    activity_type = serializers.SlugRelatedField(
        slug_field="code", queryset=ActivityType.objects.filter(is_active=True)
    )
    held_on = serializers.DateField()
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    host = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    recorder = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True
    )
    theme = serializers.CharField(max_length=200)
    agenda = serializers.CharField(required=False, allow_blank=True, default="")
    minutes = serializers.CharField(required=False, allow_blank=True, default="")
    notice = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    absent = AbsenceInputSerializer(many=True, required=False, default=list)
    decisions = DecisionInputSerializer(many=True, required=False, default=list)
    attendee_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="谈心谈话等无名册类型的参加人员",
    )

    def validate(self, attrs):
        candidates = None
        for name in ("host", "recorder"):
            member = attrs.get(name)
            if member is None:
                continue
            candidates = candidates or set(members_of(attrs["organization"]).values_list("pk", flat=True))
            if member.pk not in candidates:
                raise serializers.ValidationError({name: "须为该党组织的党员。"})
        return attrs

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data["absent"] = {r["member"]: (r["absence_reason"], r["absence_note"]) for r in data.pop("absent")}
        return data


class DecisionEditSerializer(serializers.Serializer):
    """A line of `decisions` in a PATCH: with `id`, the fields given change that decision; without, a new
    decision (`text` required). Decisions are never deleted."""

    id = serializers.IntegerField(required=False, help_text="已有决议的ID；不填为新增决议")
    text = serializers.CharField(required=False)
    voted = serializers.BooleanField(required=False)
    eligible = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    present_eligible = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    written_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)

    def validate(self, attrs):
        if "id" not in attrs and not attrs.get("text", "").strip():
            raise serializers.ValidationError({"text": "新增决议须填写决议内容。"})
        return attrs


class ActivityUpdateSerializer(serializers.Serializer):
    """修改: the fields given change; `version` (as read) is required, a stale one answers 409. The
    organization, type and date cannot change (作废 and record again)."""

    version = serializers.IntegerField(help_text="读取时的版本号；记录已被他人修改时返回409")
    start_time = serializers.TimeField(required=False, allow_null=True)
    end_time = serializers.TimeField(required=False, allow_null=True)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    host = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False, allow_null=True)
    recorder = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True
    )
    theme = serializers.CharField(max_length=200, required=False)
    agenda = serializers.CharField(required=False, allow_blank=True)
    minutes = serializers.CharField(required=False, allow_blank=True)
    notice = serializers.CharField(max_length=200, required=False, allow_blank=True)
    decisions = DecisionEditSerializer(many=True, required=False)

    def to_internal_value(self, data):
        fixed = [name for name in FIXED_ACTIVITY_FIELDS if isinstance(data, Mapping) and name in data]
        if fixed:
            raise serializers.ValidationError(dict.fromkeys(fixed, [FIXED_ACTIVITY_MESSAGE]))
        return super().to_internal_value(data)

    def service_arguments(self) -> dict:
        return dict(self.validated_data)


class RuleSerializer(serializers.ModelSerializer):
    activity_type_code = serializers.CharField(source="activity_type.code", read_only=True)
    activity_type_name = serializers.CharField(source="activity_type.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True, default=None)
    organization_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    unit_categories = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Rule
        fields = [
            "id",
            "name",
            "activity_type",
            "activity_type_code",
            "activity_type_name",
            "owner",
            "owner_name",
            "organization_kinds",
            "unit_categories",
            "requires_committee",
            "period",
            "min_count",
            "fixed_day",
            "tolerance_days",
            "min_attendance_rate",
            "valid_from",
            "valid_to",
            "source",
            "is_active",
        ]
        read_only_fields = fields


class ComplianceCellSerializer(serializers.Serializer):
    """One verdict of the matrix: organization × rule × period."""

    organization = serializers.CharField(help_text="组织编码")
    organization_id = serializers.IntegerField()
    organization_name = serializers.CharField()
    rule = serializers.CharField(help_text="制度名称")
    rule_id = serializers.IntegerField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    verdict = serializers.ChoiceField(choices=["met", "missed", "open", "not_applicable"])
    counted = serializers.IntegerField()
    held = serializers.IntegerField()
    reason = serializers.CharField()
