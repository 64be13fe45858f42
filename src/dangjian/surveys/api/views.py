"""Surveys API: surveys with their questions and aggregated results only (never an individual
anonymous response), scoped like the pages; the owners' writes (create with questions, edit, add a
question, open, close, issue one-use links) through the services; and the public submit endpoint of a
one-use link."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import ratelimit, results, services
from ..models import Survey, SurveyToken
from ..views import managed
from .serializers import (
    IssuedLinksSerializer,
    PublicSurveySerializer,
    QuestionSerializer,
    QuestionWriteSerializer,
    SubmitSerializer,
    SurveyEditSerializer,
    SurveySerializer,
    SurveyWriteSerializer,
    TokenRequestSerializer,
)


def _organization(request, pk):
    """An organization in the user's change scope (anything else is a 404, as in the pages)."""
    return get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=pk)


def _questions(request, rows) -> list[dict]:
    """The questions' values for the services, with `person` (a member id) read in the user's scope."""
    found = []
    for row in rows:
        row = dict(row)
        if row.get("person"):
            row["person"] = get_object_or_404(
                Member.objects.visible_to(request.user).select_related("organization"), pk=row["person"]
            )
        found.append(row)
    return found


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Surveys in scope (filter `kind`, `status`) with their questions; `results` (owners and those
    above them): rates with their definitions, per-question counts, suppressed below 5 respondents.
    Owners (a change grant over the survey's organization) create a draft with its questions, edit it,
    add questions while it is a draft, open and close it, and issue one-use public links."""

    model = Survey
    serializer_class = SurveySerializer
    lookup_value_regex = r"\d+"

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, description="测评类型"),
            OpenApiParameter("status", str, description="状态"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        rows = super().get_queryset().prefetch_related("questions__person").order_by("-opens_on", "id")
        for name in ("kind", "status"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{name: self.request.query_params[name]})
        return rows

    def _done(self, survey, code=status.HTTP_200_OK):
        survey = Survey.objects.prefetch_related("questions__person").get(pk=survey.pk)
        return Response(SurveySerializer(survey).data, status=code)

    @extend_schema(request=SurveyWriteSerializer, responses={201: SurveySerializer})
    def create(self, request):
        """新建测评 (a draft) with its questions; `target_organization` lies in the organization's subtree."""
        serializer = SurveyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = _organization(request, data.pop("organization"))
        target = data.pop("target_organization")
        questions = _questions(request, data.pop("questions"))
        survey = call_service(
            services.do_create_survey,
            acting_user=request.user,
            organization=organization,
            target_organization=_organization(request, target) if target else None,
            questions=questions,
            **data,
        )
        return self._done(survey, status.HTTP_201_CREATED)

    @extend_schema(request=SurveyEditSerializer, responses={200: SurveySerializer})
    def partial_update(self, request, pk=None):
        """修改 the title, introduction or dates (refused once the survey is closed or cancelled)."""
        survey = self.get_object()
        serializer = SurveyEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(services.do_update_survey, survey, acting_user=request.user, **serializer.validated_data)
        return self._done(survey)

    @extend_schema(request=QuestionWriteSerializer, responses={201: QuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        """增加题目 to a draft (questions are fixed once it is published)."""
        survey = self.get_object()
        serializer = QuestionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        [values] = _questions(request, [serializer.validated_data])
        question = call_service(services.do_add_question, survey, acting_user=request.user, **values)
        return Response(QuestionSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"], url_path="open", url_name="open")
    def open_survey(self, request, pk=None):
        """发布: a draft with questions starts taking answers within its dates."""
        survey = call_service(services.do_open_survey, self.get_object(), acting_user=request.user)
        return self._done(survey)

    @extend_schema(request=None, responses={200: SurveySerializer})
    @action(detail=True, methods=["post"], url_path="close", url_name="close")
    def close_survey(self, request, pk=None):
        """结束: no more answers, whatever the closing date."""
        survey = call_service(services.do_close_survey, self.get_object(), acting_user=request.user)
        return self._done(survey)

    @extend_schema(request=TokenRequestSerializer, responses={201: IssuedLinksSerializer})
    @action(detail=True, methods=["post"])
    def tokens(self, request, pk=None):
        """生成匿名链接: the links are in this response only (the server keeps a hash of each)."""
        survey = self.get_object()
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = call_service(
            services.do_issue_tokens, survey, acting_user=request.user, **serializer.validated_data
        )
        batch = SurveyToken.objects.get(token_hash=services.hash_token(tokens[0])).batch
        links = [
            {
                "token": token,
                "url": request.build_absolute_uri(reverse("surveys:public_form", args=[token])),
                "api_url": request.build_absolute_uri(reverse("surveys-api:public-submit", args=[token])),
            }
            for token in tokens
        ]
        data = IssuedLinksSerializer({"batch": batch, "count": len(links), "links": links}).data
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(responses={200: OpenApiResponse(description="测评结果（汇总，不含单份答卷）")})
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        survey = self.get_object()
        if not managed(request.user).filter(pk=survey.pk).exists():
            raise Http404
        return Response(results.survey_results(survey).as_dict())


class PublicSubmitView(APIView):
    """GET: the questions of a one-use public link; POST {"answers": {...}}: submit once (201), a used
    link 409, closed 409, too many requests from one IP 429. No login and no session (hence no CSRF)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = SubmitSerializer

    def _token(self, token):
        found = (
            SurveyToken.objects.select_related("survey").filter(token_hash=services.hash_token(token)).first()
        )
        if found is None:
            raise Http404
        return found

    @extend_schema(responses=PublicSurveySerializer)
    def get(self, request, token):
        found = self._token(token)
        return Response({**PublicSurveySerializer(found.survey).data, "used": found.used})

    @extend_schema(request=SubmitSerializer, responses={201: OpenApiResponse(description="已提交")})
    def post(self, request, token):
        if not ratelimit.allow(request):
            return Response(
                {"detail": "提交过于频繁，请稍后再试。"}, status=status.HTTP_429_TOO_MANY_REQUESTS
            )
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.do_submit_public(token, serializer.validated_data["answers"])
        except ValidationError as error:
            messages = error.messages
            if messages and messages[0] == services.UNKNOWN_MESSAGE:
                raise Http404 from error
            if messages and messages[0] in (services.USED_MESSAGE, services.CLOSED_MESSAGE):
                return Response({"detail": messages[0]}, status=status.HTTP_409_CONFLICT)
            detail = error.message_dict if hasattr(error, "error_dict") else messages
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": "提交成功，感谢您的参与！"}, status=status.HTTP_201_CREATED)
