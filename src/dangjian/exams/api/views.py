from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from dangjian.accounts.scope import get_scope
from dangjian.core.api import ScopedViewSet, call_service

from .. import results, services
from ..importing import import_questions
from ..models import Attempt, Exam, Question, QuestionBank
from ..views_exams import answers_released
from .serializers import (
    AttemptSerializer,
    AttemptSheetSerializer,
    ExamSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    QuestionBankSerializer,
    QuestionSerializer,
    ResponsesSerializer,
    StatisticsSerializer,
)


class GrantRequired:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not get_scope(request.user).allows("view"):
            raise exceptions.PermissionDenied("无权查看题库。")


class QuestionBankViewSet(GrantRequired, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """题库: those of the user's organizations and those shared from above; `import` uploads questions."""

    model = QuestionBank
    serializer_class = QuestionBankSerializer
    filterset_fields = ["organization", "is_active"]

    def get_queryset(self):
        return QuestionBank.objects.visible_to(self.request.user).select_related("organization")

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: ImportResultSerializer, 400: ImportResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_questions(self, request, pk=None):
        """导入试题 (.xlsx): all rows or none; every error with its row and column."""
        bank = get_object_or_404(QuestionBank.objects.visible_to(request.user, "change"), pk=pk)
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        result = call_service(
            import_questions,
            upload.validated_data["file"],
            bank,
            acting_user=request.user,
            dry_run=upload.validated_data["dry_run"],
        )
        data = ImportResultSerializer(result).data | {"summary": result.summary(), "ok": result.ok}
        return Response(data, status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)


class QuestionViewSet(GrantRequired, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """试题 of the visible banks (with their answers: banks are for those who hold a role)."""

    model = Question
    serializer_class = QuestionSerializer
    filterset_fields = ["bank", "kind", "category", "is_active"]

    def get_queryset(self):
        return Question.objects.visible_to(self.request.user)


class MemberWritesMixin:
    """A sitter's own writes (start, answer, submit) need no role: the service checks the member."""

    member_actions = ()

    def initial(self, request, *args, **kwargs):
        if self.action in self.member_actions:
            return viewsets.GenericViewSet.initial(self, request, *args, **kwargs)
        return super().initial(request, *args, **kwargs)


class ExamViewSet(MemberWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """考试: those the user follows or may sit; `start` begins (or resumes) one's own sheet; `statistics`
    for those who hold a role."""

    model = Exam
    serializer_class = ExamSerializer
    filterset_fields = ["organization"]
    member_actions = ("start",)

    def get_queryset(self):
        return Exam.objects.visible_to(self.request.user).select_related("organization", "paper")

    @extend_schema(request=None, responses={201: AttemptSheetSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        exam = self.get_object()
        member = services.member_of(request.user)
        if not services.may_sit(exam, member):
            raise exceptions.PermissionDenied("您不在本次考试的参考范围内。")
        attempt = call_service(services.do_start_attempt, exam, member=member, acting_user=request.user)
        context = {"now": timezone.now(), "reveal": False}
        return Response(AttemptSheetSerializer(attempt, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "organization", OpenApiTypes.INT, description="党组织ID（默认为考试的参考党组织）"
            )
        ],
        responses=StatisticsSerializer,
    )
    @action(detail=True, methods=["get"])
    def statistics(self, request, pk=None):
        """应考、参考、未参考、平均分、及格率、分数段 by child organization (no ranking of persons)."""
        if not get_scope(request.user).allows("view"):
            raise exceptions.PermissionDenied("无权查看考试统计。")
        exam = self.get_object()
        services.close_expired(exam)
        from dangjian.organizations.models import Organization

        visible = Organization.objects.visible_to(request.user).filter(
            path__startswith=exam.organization.path
        )
        value = request.query_params.get("organization", "")
        if value:
            if not value.isdigit():
                raise exceptions.ValidationError({"organization": "请提供党组织ID。"})
            root = get_object_or_404(visible, pk=value)
        elif get_scope(request.user).covers(exam.organization.path):
            root = exam.organization
        else:
            root = visible.order_by("depth", "path").first()
            if root is None:
                raise exceptions.NotFound()
        total, children = results.statistics(exam, root)
        return Response(StatisticsSerializer({"total": total, "children": children}).data)


class AttemptViewSet(MemberWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """答卷: a 党员's own (my results); an admin's, those of the members in scope. `answer` saves answers
    while in time; `submit` hands the sheet in. Correct answers appear once the exam has closed."""

    model = Attempt
    serializer_class = AttemptSerializer
    filterset_fields = ["exam"]
    member_actions = ("answer", "submit")

    def get_queryset(self):
        queryset = Attempt.objects.visible_to(self.request.user)
        return queryset.select_related("exam", "exam__paper", "member").order_by(
            "exam", "member__organization__path", "member__name_pinyin", "number"
        )

    def get_serializer_class(self):
        return AttemptSheetSerializer if self.action == "retrieve" else AttemptSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def retrieve(self, request, pk=None):
        attempt = self.get_object()
        services.close_expired(attempt.exam)
        attempt.refresh_from_db()
        reveal = answers_released(attempt.exam) and not attempt.is_open
        context = {"now": timezone.now(), "reveal": reveal}
        return Response(AttemptSheetSerializer(attempt, context=context).data)

    def _own(self, pk):
        attempt = get_object_or_404(Attempt.objects.visible_to(self.request.user), pk=pk)
        if attempt.member.user_id != self.request.user.pk:
            raise exceptions.NotFound()
        return attempt

    @extend_schema(request=ResponsesSerializer, responses={200: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Save answers (merged with those saved before); 400 once the deadline has passed."""
        attempt = self._own(pk)
        data = ResponsesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = call_service(
            services.do_save_answers, attempt, data.validated_data["responses"], acting_user=request.user
        )
        return Response(AttemptSerializer(attempt, context={"now": timezone.now()}).data)

    @extend_schema(request=ResponsesSerializer, responses={200: AttemptSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """交卷 (with last answers, if still in time); graded at once."""
        attempt = self._own(pk)
        data = ResponsesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = call_service(
            services.do_submit_attempt, attempt, data.validated_data["responses"], acting_user=request.user
        )
        return Response(AttemptSerializer(attempt, context={"now": timezone.now()}).data)
