from rest_framework import serializers

from ..choices import SCORE_BANDS, QuestionKind
from ..models import Attempt, Exam, Question, QuestionBank


class QuestionBankSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = QuestionBank
        fields = ["id", "organization", "organization_name", "name", "description", "is_active"]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = [
            "id",
            "bank",
            "kind",
            "stem",
            "options",
            "answer",
            "explanation",
            "points",
            "category",
            "is_active",
        ]


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="试题 .xlsx（表头：题型、题干、选项A…选项F、答案、解析、分值、分类）"
    )
    dry_run = serializers.BooleanField(required=False, default=False, help_text="仅校验，不写入")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel 行号；0 表示整份文件")
    column = serializers.CharField()
    message = serializers.CharField()
    text = serializers.CharField(help_text="如：第5行“答案”：单选题只能有一个答案")


class ImportResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    dry_run = serializers.BooleanField()
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    summary = serializers.CharField()
    errors = serializers.SerializerMethodField()

    def get_errors(self, result) -> RowErrorSerializer(many=True):
        return [
            {"row": e.row, "column": e.column, "message": e.message, "text": str(e)} for e in result.errors
        ]


class ExamSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    paper_title = serializers.CharField(source="paper.title", read_only=True)
    total_points = serializers.DecimalField(
        source="paper.total_points", max_digits=7, decimal_places=1, read_only=True
    )
    question_count = serializers.IntegerField(source="paper.question_count", read_only=True)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Exam
        fields = [
            "id",
            "organization",
            "organization_name",
            "title",
            "paper",
            "paper_title",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "pass_mark",
            "attempts_allowed",
            "instructions",
            "total_points",
            "question_count",
            "state",
            "cancelled_at",
        ]

    def get_state(self, exam) -> str:
        return exam.state()


class OptionSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="显示给本人的字母")
    value = serializers.CharField(help_text="作答时提交的字母")
    text = serializers.CharField()


class SheetQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    stem = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=1)
    options = OptionSerializer(many=True)
    response = serializers.CharField()
    answer = serializers.CharField(allow_null=True, help_text="考试结束后才提供")
    explanation = serializers.CharField(allow_null=True, help_text="考试结束后才提供")
    mark = serializers.DecimalField(max_digits=6, decimal_places=1, allow_null=True)


class AttemptSerializer(serializers.ModelSerializer):
    exam_title = serializers.CharField(source="exam.title", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    remaining_seconds = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "exam",
            "exam_title",
            "member",
            "member_name",
            "number",
            "started_at",
            "deadline",
            "ended_at",
            "ended_how",
            "score",
            "passed",
            "saved_at",
            "remaining_seconds",
        ]

    def get_remaining_seconds(self, attempt) -> int | None:
        now = self.context.get("now")
        if not attempt.is_open or now is None:
            return None
        return max(int((attempt.deadline - now).total_seconds()), 0)


class AttemptSheetSerializer(AttemptSerializer):
    questions = serializers.SerializerMethodField()

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "questions"]

    def get_questions(self, attempt) -> SheetQuestionSerializer(many=True):
        from ..views_exams import sheet_rows

        reveal = self.context.get("reveal", False)
        rows = []
        for number, question, points, options, response, mark in sheet_rows(attempt, reveal=reveal):
            rows.append(
                {
                    "id": question.pk,
                    "number": number,
                    "kind": question.kind,
                    "stem": question.stem,
                    "points": points,
                    "options": [
                        {"label": shown, "value": letter, "text": text} for shown, letter, text, *_ in options
                    ],
                    "response": response,
                    "answer": question.answer if reveal else None,
                    "explanation": question.explanation if reveal else None,
                    "mark": mark,
                }
            )
        return rows


class ResponsesSerializer(serializers.Serializer):
    responses = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="{试题ID: 作答}；选择题为选项字母（value），判断题为对/错，填空题为文字",
    )


class FiguresSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    expected = serializers.IntegerField(help_text="应考人数（现有正式、预备党员）")
    sat = serializers.IntegerField(help_text="参考人数")
    not_sat = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    passed = serializers.IntegerField()
    pass_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True, help_text="%")
    bands = serializers.SerializerMethodField()

    def get_bands(self, figures) -> dict[str, int]:
        return {label: count for (_, _, label), count in zip(SCORE_BANDS, figures.bands, strict=True)}


class StatisticsSerializer(serializers.Serializer):
    total = FiguresSerializer()
    children = FiguresSerializer(many=True)
