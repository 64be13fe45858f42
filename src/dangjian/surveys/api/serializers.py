from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from ..choices import Audience, QuestionKind, SurveyKind, TargetKind
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


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A choice validated like any other, shown in the schema as a string (its values in the help text):
    the response components already carry these choice sets as enums, and drf-spectacular can name a set
    used by two components only through ENUM_NAME_OVERRIDES in the settings."""

    def __init__(self, choices, **kwargs):
        values = "、".join(f"{value}（{label}）" for value, label in choices)
        kwargs["help_text"] = f"{kwargs.get('help_text', '')}取值：{values}"
        super().__init__(choices=choices, **kwargs)


@extend_schema_serializer(component_name="SurveyQuestionWrite")
class QuestionWriteSerializer(serializers.Serializer):
    """A question to add: a 评议 question about a named cadre or member gives `person` (党员ID)."""

    kind = CodeField(QuestionKind.choices, help_text="题型。")
    text = serializers.CharField(max_length=300)
    options = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        help_text="单选、多选题的选项",
    )
    person = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="评议对象（党员ID）"
    )
    required = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="SurveyWrite")
class SurveyWriteSerializer(serializers.Serializer):
    """A new survey (a draft) with its questions: who runs it, about whom, who answers, until when."""

    organization = serializers.IntegerField(help_text="组织单位（党组织ID）")
    title = serializers.CharField(max_length=200)
    kind = CodeField(SurveyKind.choices, help_text="测评类型。")
    target_kind = CodeField(TargetKind.choices, default=TargetKind.ORGANIZATION, help_text="测评对象类型。")
    target_organization = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="被测评党组织（本级或下级，默认组织单位）"
    )
    audience = CodeField(Audience.choices, default=Audience.PUBLIC, help_text="参评人员。")
    intro = serializers.CharField(required=False, allow_blank=True, default="")
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    questions = QuestionWriteSerializer(many=True, required=False, default=list)


@extend_schema_serializer(component_name="SurveyEdit")
class SurveyEditSerializer(serializers.Serializer):
    """What may change before the survey ends: the title, the introduction and the dates."""

    title = serializers.CharField(max_length=200, required=False)
    intro = serializers.CharField(required=False, allow_blank=True)
    opens_on = serializers.DateField(required=False)
    closes_on = serializers.DateField(required=False)


class TokenRequestSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, help_text="生成数量（1–50000）")


class IssuedLinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField(help_text="填写页面")
    api_url = serializers.CharField(help_text="提交接口")


class IssuedLinksSerializer(serializers.Serializer):
    """The one-use links in clear: returned by this response only (the server keeps their hashes)."""

    batch = serializers.IntegerField()
    count = serializers.IntegerField()
    links = IssuedLinkSerializer(many=True)
