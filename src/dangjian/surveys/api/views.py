"""Surveys API: surveys with their questions and aggregated results only (never an individual
anonymous response), scoped like the pages; and the public submit endpoint of a one-use link."""

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.core.api import ScopedViewSet

from .. import ratelimit, results, services
from ..models import Survey, SurveyToken
from ..views import managed
from .serializers import PublicSurveySerializer, SubmitSerializer, SurveySerializer


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Surveys in scope (filter `kind`, `status`) with their questions; `results` (owners and those
    above them): rates with their definitions, per-question counts, suppressed below 5 respondents."""

    model = Survey
    serializer_class = SurveySerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        rows = super().get_queryset().prefetch_related("questions__person").order_by("-opens_on", "id")
        for name in ("kind", "status"):
            if self.request.query_params.get(name):
                rows = rows.filter(**{name: self.request.query_params[name]})
        return rows

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
