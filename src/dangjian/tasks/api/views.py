"""API of 交办督办 under /api/v1/tasks/: the same scoping, filtersets and services as the pages."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, parsers, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dangjian.accounts.scope import get_scope
from dangjian.core.api import ScopedViewSet, call_service
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .. import keylist, services, tallies
from ..choices import RecipientChoice
from ..filtersets import AssignmentFilterSet, TaskFilterSet
from ..models import Assignment, HolidaySchedule, KeyTaskList, Task
from .serializers import (
    AssignmentAcceptSerializer,
    AssignmentConfirmSerializer,
    AssignmentDetailSerializer,
    AssignmentReturnSerializer,
    AssignmentSerializer,
    FollowUpCreateSerializer,
    FollowUpSerializer,
    HolidayScheduleSerializer,
    KeyTaskListSerializer,
    ProgressReportCreateSerializer,
    ProgressReportSerializer,
    TaskCancelSerializer,
    TaskIssueSerializer,
    TaskSerializer,
)


def organization_for(request, pk):
    return get_object_or_404(Organization.objects.visible_to(request.user, "change"), pk=pk)


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """交办任务 issued by the organizations in scope, with their progress; POST issues one (recipients: a
    list of ids, or `recipient_choice` all_branches / kinds); `cancel` 撤销."""

    model = Task
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().select_related("organization").order_by("-issued_on", "-id")

    def get_serializer(self, *args, **kwargs):
        """Each task's progress from the tally (a few rows per task, however many copies)."""
        if args and self.action in ("list", "retrieve"):
            tasks = args[0] if isinstance(args[0], list | tuple) else [args[0]]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["progress"] = tallies.counts([t.pk for t in tasks], timezone.localdate())
        return super().get_serializer(*args, **kwargs)

    @extend_schema(request=TaskIssueSerializer, responses={201: TaskSerializer})
    def create(self, request):
        serializer = TaskIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        issuer = organization_for(request, data.pop("organization"))
        choice, kinds, listed = data.pop("recipient_choice"), data.pop("kinds"), data.pop("recipients")
        recipients = (
            listed
            if choice == RecipientChoice.LIST
            else services.select_recipients(issuer, choice=choice, kinds=kinds)
        )
        key_list_id = data.pop("key_task_list")
        if key_list_id is not None:
            data["key_task_list"] = get_object_or_404(
                KeyTaskList.objects.visible_to(request.user), pk=key_list_id
            )
        task = call_service(
            services.do_issue_task,
            acting_user=request.user,
            organization=issuer,
            recipients=recipients,
            **data,
        )
        progress = tallies.counts([task.pk], timezone.localdate())
        return Response(
            TaskSerializer(task, context={"progress": progress}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=TaskCancelSerializer, responses={200: TaskSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        task = self.get_object()
        serializer = TaskCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = call_service(
            services.do_cancel_task, task, acting_user=request.user, **serializer.validated_data
        )
        progress = tallies.counts([task.pk], timezone.localdate())
        return Response(TaskSerializer(task, context={"progress": progress}).data)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """承办事项 of the units in scope (filter `status` incl. overdue/open, `task`, `organization`, `kind`).
    The unit: `accept`, `progress` (GET the reports; POST one, multipart for evidence). The issuer:
    `confirm`, `return`, `follow_up`. The service checks who may."""

    model = Assignment
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet
    lookup_value_regex = r"\d+"
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]

    def get_queryset(self):
        # Writes are checked by the services (the unit's scope, or the issuer's): reading the copy is enough.
        rows = Assignment.objects.visible_to(self.request.user).select_related(
            "organization", "task", "owner_member"
        )
        if self.action == "retrieve":
            rows = rows.prefetch_related("progress_reports", "escalations", "follow_ups")
        return rows.order_by("deadline", "id")

    def get_serializer_class(self):
        return AssignmentDetailSerializer if self.action == "retrieve" else AssignmentSerializer

    def _done(self, assignment):
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentSerializer(fresh).data)

    @extend_schema(request=AssignmentAcceptSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        assignment = self.get_object()
        serializer = AssignmentAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member_id = data.pop("owner_member")
        member = (
            get_object_or_404(Member.objects.visible_to(request.user), pk=member_id) if member_id else None
        )
        call_service(
            services.do_accept_assignment, assignment, acting_user=request.user, owner_member=member, **data
        )
        return self._done(assignment)

    @extend_schema(
        methods=["post"], request=ProgressReportCreateSerializer, responses={201: ProgressReportSerializer}
    )
    @extend_schema(methods=["get"], responses={200: ProgressReportSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def progress(self, request, pk=None):
        assignment = self.get_object()
        if request.method == "GET":
            return Response(ProgressReportSerializer(assignment.progress_reports.all(), many=True).data)
        serializer = ProgressReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = call_service(
            services.do_report_progress, assignment, acting_user=request.user, **serializer.validated_data
        )
        return Response(ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignmentConfirmSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        assignment = self.get_object()
        serializer = AssignmentConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_confirm_assignment, assignment, acting_user=request.user, **serializer.validated_data
        )
        return self._done(assignment)

    @extend_schema(request=AssignmentReturnSerializer, responses={200: AssignmentSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        assignment = self.get_object()
        serializer = AssignmentReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        call_service(
            services.do_return_assignment, assignment, acting_user=request.user, **serializer.validated_data
        )
        return self._done(assignment)

    @extend_schema(request=FollowUpCreateSerializer, responses={201: FollowUpSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request, pk=None):
        assignment = self.get_object()
        serializer = FollowUpCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = call_service(
            services.do_record_follow_up, assignment, acting_user=request.user, **serializer.validated_data
        )
        return Response(FollowUpSerializer(made).data, status=status.HTTP_201_CREATED)


class KeyTaskListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """重点任务清单 in scope; POST creates one; `matrix` is the page's units × tasks (`page`, `overdue=1`)
    with the counts of the whole matrix."""

    model = KeyTaskList
    serializer_class = KeyTaskListSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return super().get_queryset().order_by("-year", "organization__path", "name", "id")

    def create(self, request):
        serializer = KeyTaskListSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = organization_for(request, data.pop("organization_id"))
        made = call_service(
            services.do_create_key_task_list, acting_user=request.user, organization=organization, **data
        )
        return Response(KeyTaskListSerializer(made).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def matrix(self, request, pk=None):
        key_list = self.get_object()
        try:
            page = int(request.query_params.get("page", 1))
        except ValueError as error:
            raise exceptions.ValidationError({"page": "页码应为整数。"}) from error
        matrix = keylist.build(
            key_list, timezone.localdate(), page=page, only_overdue=request.query_params.get("overdue") == "1"
        )
        return Response(
            {
                "page": matrix.page,
                "has_next": matrix.has_next,
                "totals": matrix.totals,
                "tasks": [
                    {"id": task.pk, "title": task.title, "deadline": task.deadline, **matrix.columns[task.pk]}
                    for task in matrix.tasks
                ],
                "rows": [
                    {
                        "organization": row.organization.pk,
                        "organization_name": row.organization.name,
                        "overdue": row.overdue,
                        "cells": [
                            cell
                            and {
                                "assignment": cell.assignment_id,
                                "status": cell.status,
                                "percent": cell.percent,
                                "overdue": cell.overdue,
                            }
                            for cell in row.cells
                        ],
                    }
                    for row in matrix.rows
                ],
            }
        )


class IsScheduleAdmin(permissions.BasePermission):
    """系统管理员 only: holidays are system configuration."""

    def has_permission(self, request, view):
        return bool(
            request.user and request.user.is_authenticated and get_scope(request.user).allows("manage_users")
        )


class HolidayScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """节假日安排 entered by a 系统管理员 (years past the built-in calendar); POST enters or replaces one."""

    serializer_class = HolidayScheduleSerializer
    permission_classes = [permissions.IsAuthenticated, IsScheduleAdmin]
    queryset = HolidaySchedule.objects.prefetch_related("days").order_by("-year")
    lookup_value_regex = r"\d+"

    def create(self, request):
        serializer = HolidayScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        days = [(d["date"], d["kind"], d["name"]) for d in data.pop("days")]
        schedule = call_service(
            services.do_save_holiday_schedule, acting_user=request.user, days=days, **data
        )
        return Response(HolidayScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)
