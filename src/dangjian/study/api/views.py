"""/api/v1/study/: plans and items, completions, courses (sessions, enrollments, attendance), notes (with
upload) and reviews — scoped exactly like the pages; every write goes through the services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dangjian.accounts.scope import get_scope
from dangjian.activities.models import Activity
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import services
from ..models import Course, Note, StudyCompletion, StudyItem, StudyPlan
from .serializers import (
    CompletionCreateSerializer,
    CourseAttendanceResultSerializer,
    CourseAttendanceSerializer,
    CourseSerializer,
    CourseSessionSerializer,
    EnrollmentSerializer,
    EnrollSerializer,
    NoteReviewSerializer,
    NoteSerializer,
    ReviewCreateSerializer,
    StudyCompletionSerializer,
    StudyItemSerializer,
    StudyPlanSerializer,
)


def _organization(request, pk):
    """An organization the user may change (404 otherwise): where a new plan or course is made."""
    return get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=pk)


class MemberWritesMixin:
    """A 党员 holds no change grant but writes their own records (completions, notes): the services
    check each write, so the blanket 403 of ScopedViewSet does not apply to them."""

    def initial(self, request, *args, **kwargs):
        if get_scope(request.user).member_ids:
            return viewsets.GenericViewSet.initial(self, request, *args, **kwargs)
        return super().initial(request, *args, **kwargs)


class StudyPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """学习计划 with their items: those in scope and the published ones above (plans flow down)."""

    model = StudyPlan
    serializer_class = StudyPlanSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = super().get_queryset().select_related("organization").prefetch_related("items")
        year = self.request.query_params.get("year", "")
        return queryset.filter(year=int(year)) if year.isdigit() else queryset

    def create(self, request):
        serializer = StudyPlanSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = _organization(request, data.pop("organization").pk)
        plan = call_service(
            services.do_create_plan, acting_user=request.user, organization=organization, **data
        )
        return Response(StudyPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: StudyPlanSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        plan = get_object_or_404(StudyPlan.objects.visible_to(request.user, "change"), pk=pk)
        call_service(services.do_publish_plan, plan, acting_user=request.user)
        return Response(StudyPlanSerializer(plan).data)


class StudyItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    model = StudyItem
    serializer_class = StudyItemSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("plan")

    def create(self, request):
        serializer = StudyItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = get_object_or_404(StudyPlan.objects.visible_to(request.user, "change"), pk=data.pop("plan").pk)
        item = call_service(services.do_add_item, plan, acting_user=request.user, **data)
        return Response(StudyItemSerializer(item).data, status=status.HTTP_201_CREATED)


class StudyCompletionViewSet(MemberWritesMixin, mixins.ListModelMixin, ScopedViewSet):
    """学完 records: the scope's members', or a 党员's own."""

    model = StudyCompletion
    serializer_class = StudyCompletionSerializer

    def get_queryset(self):
        queryset = StudyCompletion.objects.visible_to(self.request.user).select_related("member")
        item = self.request.query_params.get("item", "")
        return queryset.filter(item_id=int(item)) if item.isdigit() else queryset

    @extend_schema(request=CompletionCreateSerializer, responses={201: StudyCompletionSerializer(many=True)})
    def create(self, request):
        serializer = CompletionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = get_object_or_404(StudyItem.objects.visible_to(request.user), pk=data["item"])
        members = list(Member.objects.visible_to(request.user).filter(pk__in=data["members"]))
        if len(members) != len(set(data["members"])):
            return Response({"members": ["有党员不存在或不在权限范围内。"]}, status=status.HTTP_404_NOT_FOUND)
        activity = None
        if data.get("activity"):
            activity = get_object_or_404(Activity.objects.visible_to(request.user), pk=data["activity"])
        created = call_service(
            services.do_record_completions,
            item,
            members,
            acting_user=request.user,
            studied_on=data.get("studied_on"),
            method=data["method"],
            activity=activity,
        )
        return Response(StudyCompletionSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class CourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """培训班 with sessions; enroll, add sessions and record attendance through the actions."""

    model = Course
    serializer_class = CourseSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("organization").prefetch_related("sessions")

    def create(self, request):
        serializer = CourseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = _organization(request, data.pop("organization").pk)
        course = call_service(
            services.do_create_course, acting_user=request.user, organization=organization, **data
        )
        return Response(CourseSerializer(course).data, status=status.HTTP_201_CREATED)

    def _editable(self, pk):
        return get_object_or_404(Course.objects.visible_to(self.request.user, "change"), pk=pk)

    @extend_schema(request=CourseSessionSerializer, responses={201: CourseSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, pk=None):
        course = self._editable(pk)
        serializer = CourseSessionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = call_service(
            services.do_add_session, course, acting_user=request.user, **serializer.validated_data
        )
        return Response(CourseSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EnrollSerializer, responses={201: EnrollmentSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def enrollments(self, request, pk=None):
        course = self._editable(pk)
        serializer = EnrollSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        members = Member.objects.filter(pk__in=serializer.validated_data["members"])
        created = call_service(services.do_enroll_members, course, list(members), acting_user=request.user)
        return Response(EnrollmentSerializer(created, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CourseAttendanceSerializer, responses={200: CourseAttendanceResultSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """出勤 of one session: every student present unless listed in `absent`."""
        course = self._editable(pk)
        serializer = CourseAttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = get_object_or_404(course.sessions, pk=serializer.validated_data["session"])
        present = call_service(
            services.do_record_session_attendance,
            session,
            acting_user=request.user,
            absent_ids=serializer.validated_data["absent"],
        )
        return Response({"session": session.pk, "present": present})


class NoteViewSet(MemberWritesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """学习笔记、心得体会: write (JSON) or upload a .docx/.txt (multipart); review."""

    model = Note
    serializer_class = NoteSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        """An inspector (read-only otherwise) reviews notes: `do_review_note` decides who may."""
        if self.action == "review":
            return viewsets.GenericViewSet.initial(self, request, *args, **kwargs)
        return super().initial(request, *args, **kwargs)

    def get_queryset(self):
        return Note.objects.visible_to(self.request.user).select_related("member").prefetch_related("reviews")

    def create(self, request):
        serializer = NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = get_object_or_404(Member.objects.visible_to(request.user), pk=data.pop("member").pk)
        note = call_service(services.do_write_note, acting_user=request.user, member=member, **data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewCreateSerializer, responses={201: NoteReviewSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        note = get_object_or_404(Note.objects.visible_to(request.user), pk=pk)
        serializer = ReviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = call_service(
            services.do_review_note, note, acting_user=request.user, **serializer.validated_data
        )
        return Response(NoteReviewSerializer(review).data, status=status.HTTP_201_CREATED)
