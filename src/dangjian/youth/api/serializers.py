from rest_framework import serializers

from dangjian.study.models import Course

from ..models import Cohort, CohortMember, PracticeActivity, Recommendation, YouthOrganization


class YouthOrganizationSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="所属党组织")

    class Meta:
        model = YouthOrganization
        fields = ["id", "organization", "name", "active"]
        read_only_fields = ["id", "active"]

    def get_validators(self):
        return []


class RecommendationSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="接收推荐的党支部")
    youth_organization = serializers.IntegerField(source="youth_organization_id", help_text="推荐的团组织")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    development_file = serializers.IntegerField(source="development_file_id", read_only=True, allow_null=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "organization",
            "organization_name",
            "youth_organization",
            "name",
            "sex",
            "birth_date",
            "education",
            "occupation",
            "recommended_on",
            "attendees",
            "votes_for",
            "votes_against",
            "opinion",
            "document",
            "status",
            "status_label",
            "decided_on",
            "rejected_reason",
            "development_file",
        ]
        read_only_fields = ["id", "status", "decided_on", "rejected_reason"]

    def get_validators(self):
        return []  # the model's rules are checked by the service (full_clean), in Chinese


class AcceptSerializer(serializers.Serializer):
    decided_on = serializers.DateField()
    applied_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="递交入党申请书日期"
    )
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    development_file = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="已有的发展党员档案（只关联，不新建）"
    )


class RejectSerializer(serializers.Serializer):
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=500)


class CohortSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="organization_id", help_text="主办党组织")
    courses = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Course.objects.all(), required=False, help_text="须结业的培训班（学习培训）"
    )

    class Meta:
        model = Cohort
        fields = ["id", "organization", "name", "tier", "year", "required_practice_hours", "courses"]


class PracticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = PracticeActivity
        fields = ["id", "title", "date", "hours"]


class TraineeSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", required=False, allow_null=True, default=None)
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    practices = PracticeSerializer(many=True, read_only=True)
    practice_hours = serializers.SerializerMethodField()
    complete = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = CohortMember
        fields = [
            "id",
            "cohort",
            "member",
            "name",
            "mentor",
            "completed_on",
            "practices",
            "practice_hours",
            "complete",
            "problems",
        ]
        read_only_fields = ["id", "cohort", "completed_on"]

    def _progress(self, trainee):
        from ..services import progress

        if not hasattr(trainee, "_progress"):
            trainee._progress = progress(trainee)
        return trainee._progress

    def get_practice_hours(self, trainee) -> str:
        return str(self._progress(trainee).hours)

    def get_complete(self, trainee) -> bool:
        return self._progress(trainee).complete

    def get_problems(self, trainee) -> list[str]:
        return self._progress(trainee).problems


class CompleteSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
