from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dangjian.accounts.scope import get_scope, root_paths
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import public, services
from ..choices import FeedbackChannel
from ..forms import InAppFeedbackForm
from ..models import Feedback, FeedbackLink, Observer
from ..stats import feedback_stats
from ..views import serving_observers
from .serializers import (
    CloseActionSerializer,
    EndTermSerializer,
    FeedbackSerializer,
    InAppSubmitSerializer,
    ObserverSerializer,
    OwnFeedbackSerializer,
    PublicReceiptSerializer,
    PublicSubmitSerializer,
    RateSerializer,
    ReplyActionSerializer,
    RouteActionSerializer,
    StatsSerializer,
)


def organization_for(request, pk, action="change"):
    return get_object_or_404(Organization.objects.visible_to(request.user, action), pk=pk)


class ObserverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """组织工作观察员 appointed by organizations in scope; POST appoints; `end` ends a term (kept)."""

    model = Observer
    serializer_class = ObserverSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("organization").prefetch_related("observed")

    def create(self, request):
        serializer = ObserverSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = organization_for(request, data.pop("organization_id"))
        observed = [organization_for(request, pk) for pk in data.pop("observed_ids")]
        member_id = data.pop("member_id", None)
        member = (
            get_object_or_404(Member.objects.visible_to(request.user), pk=member_id) if member_id else None
        )
        user_id = data.pop("user_id", None)
        user = None
        if user_id:
            from dangjian.accounts.models import User

            user = get_object_or_404(User.objects.filter(is_active=True), pk=user_id)
        observer = call_service(
            services.do_appoint_observer,
            acting_user=request.user,
            organization=organization,
            observed=observed,
            member=member,
            user=user,
            **data,
        )
        return Response(ObserverSerializer(observer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EndTermSerializer, responses={200: ObserverSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """终止任期 (解聘 or 任期届满); the observer and their feedback stay."""
        observer = self.get_object()
        serializer = EndTermSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        observer = call_service(
            services.do_end_observer_term, observer, acting_user=request.user, **serializer.validated_data
        )
        return Response(ObserverSerializer(observer).data)


class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """意见建议 answered in scope (filters `status`, `overdue=1`); actions `route`, `reply`, `close`."""

    model = Feedback
    serializer_class = FeedbackSerializer
    lookup_value_regex = r"\d+"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="状态"),
            OpenApiParameter("overdue", bool, description="仅逾期未答复"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        rows = (
            super()
            .get_queryset()
            .select_related("organization")
            .prefetch_related("routes", "replies")
            .order_by("-submitted_on", "-id")
        )
        params = self.request.query_params
        if params.get("status"):
            rows = rows.filter(status=params["status"])
        if params.get("overdue") in ("1", "true"):
            rows = rows.overdue_on(timezone.localdate())
        return rows

    def _done(self, feedback):
        feedback = Feedback.objects.prefetch_related("routes", "replies").get(pk=feedback.pk)
        return Response(FeedbackSerializer(feedback, context=self.get_serializer_context()).data)

    @extend_schema(request=RouteActionSerializer, responses={200: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        """分办/转办 to an organization in the user's change scope (history kept)."""
        feedback = self.get_object()
        serializer = RouteActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = organization_for(request, data["to_organization"])
        feedback = call_service(
            services.do_route_feedback,
            feedback,
            acting_user=request.user,
            to_organization=target,
            reason=data["reason"],
        )
        return self._done(feedback)

    @extend_schema(request=ReplyActionSerializer, responses={200: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """答复 with the measures taken."""
        feedback = self.get_object()
        serializer = ReplyActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_reply_feedback, feedback, acting_user=request.user, **serializer.validated_data
        )
        return self._done(feedback)

    @extend_schema(request=CloseActionSerializer, responses={200: FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结 an answered item."""
        feedback = self.get_object()
        serializer = CloseActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_close_feedback, feedback, acting_user=request.user, **serializer.validated_data
        )
        return self._done(feedback)


class OwnFeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """我的意见建议: the user's own submissions (read through `submitted_by`, not through grants: an
    observer usually holds no role). POST submits as a serving observer or as a member, to the
    organizations the page offers; `rate` evaluates the answer (the submitter only; others 404)."""

    serializer_class = OwnFeedbackSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Feedback.objects.none()
        return (
            Feedback.objects.filter(submitted_by=self.request.user)
            .select_related("organization")
            .prefetch_related("replies__organization")
            .order_by("-submitted_on", "-id")
        )

    def _done(self, feedback, code=status.HTTP_200_OK):
        return Response(OwnFeedbackSerializer(self.get_queryset().get(pk=feedback.pk)).data, status=code)

    @extend_schema(request=InAppSubmitSerializer, responses={201: OwnFeedbackSerializer})
    def create(self, request):
        """提交: the same choices and checks as the page (observer while serving, member upwards)."""
        serializer = InAppSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        observers = list(serving_observers(request.user))
        form = InAppFeedbackForm(
            data=serializer.validated_data, observers=observers, member=getattr(request.user, "member", None)
        )
        if not form.is_valid():
            raise exceptions.ValidationError(form.errors)
        data = dict(form.cleaned_data)
        source = data.pop("source")
        observer = next((o for o in observers if source == f"observer:{o.pk}"), None)
        feedback, _code = call_service(
            services.do_submit_feedback,
            acting_user=request.user,
            channel=FeedbackChannel.OBSERVER if observer else FeedbackChannel.MEMBER,
            observer=observer,
            **data,
        )
        return self._done(feedback, status.HTTP_201_CREATED)

    @extend_schema(request=RateSerializer, responses={200: OwnFeedbackSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        """评价答复: 满意/基本满意/不满意, once answered (a later rating replaces the earlier one)."""
        feedback = self.get_object()
        serializer = RateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_rate_reply,
            feedback,
            acting_user=request.user,
            satisfaction=serializer.validated_data["satisfaction"],
        )
        return self._done(feedback)


class StatsViewSet(viewsets.ViewSet):
    """Counts for a subtree (`organization`, default the user's highest) and period (`first`, `last`)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", int, description="党组织ID"),
            OpenApiParameter("first", str, description="提交日期自 (YYYY-MM-DD)"),
            OpenApiParameter("last", str, description="至 (YYYY-MM-DD)"),
        ],
        responses={200: StatsSerializer},
    )
    def list(self, request):
        if not get_scope(request.user).allows("view"):
            raise exceptions.PermissionDenied("无权查看统计。")
        params = request.query_params
        if params.get("organization"):
            organization = organization_for(request, params["organization"], "view")
        else:
            organization = (
                Organization.objects.filter(path__in=root_paths(request.user)).order_by("path").first()
            )
        today = timezone.localdate()
        try:
            first = _date(params.get("first")) or today.replace(month=1, day=1)
            last = _date(params.get("last")) or today
        except ValueError as error:
            raise exceptions.ValidationError({"first": ["日期格式应为YYYY-MM-DD。"]}) from error
        return Response(StatsSerializer(feedback_stats(organization, first, last, today=today)).data)


def _date(value):
    from datetime import date

    return date.fromisoformat(value) if value else None


class PublicSubmitView(APIView):
    """Anonymous submission through a poster's public code: no login, rate-limited per client, the same
    content from the same client within the window refused (429 both). The follow-up code is returned once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=PublicSubmitSerializer, responses={201: PublicReceiptSerializer})
    def post(self, request, code):
        link = get_object_or_404(
            FeedbackLink.objects.select_related("organization"), code=code.upper(), active=True
        )
        serializer = PublicSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        refusal = public.refusal(request, link.organization_id, data["content"])
        if refusal:
            return Response({"detail": refusal}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        feedback, follow_up = call_service(
            services.do_submit_feedback,
            acting_user=None,
            channel=FeedbackChannel.PUBLIC,
            organization=link.organization,
            **data,
        )
        public.remember(request, link.organization_id, data["content"])
        receipt = {
            "id": feedback.pk,
            "organization_name": link.organization.name,
            "due_on": feedback.due_on,
            "follow_up_code": follow_up,
        }
        response = Response(PublicReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response
