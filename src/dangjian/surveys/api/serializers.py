from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ..models import Question, Survey


# exams has its own Question (an exam question): each keeps its own schema name.
@extend_schema_serializer(component_name="SurveyQuestion")
class QuestionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", default="", read_only=True)

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text", "options", "required", "person_name"]


class SurveySerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "organization",
            "title",
            "kind",
            "target_kind",
            "target_organization",
            "audience",
            "intro",
            "opens_on",
            "closes_on",
            "status",
            "questions",
        ]


class PublicSurveySerializer(serializers.ModelSerializer):
    """What a public link shows: the questions, nothing about the owner's other records."""

    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = ["title", "intro", "closes_on", "questions"]


class SubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="{题目id: 答案}；多选题为列表")
