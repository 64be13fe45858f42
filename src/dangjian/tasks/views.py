"""Pages of 交办督办: the issuer's task list and detail, the issue form, 我的任务 (a unit's inbox), an
assignment's page with its history and the forms of both sides. Logic lives in services and querysets."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope, root_paths
from dangjian.audit import services as audit
from dangjian.core.views import ScopedViewMixin

from . import services, tallies
from .choices import EscalationStep, RecipientChoice, TaskStatus
from .escalation import escalation_counts
from .filtersets import AssignmentFilterSet
from .forms import (
    AcceptForm,
    BulletinForm,
    CancelForm,
    ConfirmForm,
    FollowUpForm,
    IssueForm,
    ProgressForm,
    ReturnForm,
)
from .models import Assignment, Bulletin, ProgressReport, Task

PAGE_SIZE = 50


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def may_change(queryset, user, pk) -> bool:
    return queryset.model.objects.visible_to(user, "change").filter(pk=pk).exists()


def status_filter(rows, status: str, today=None):
    """`status` is a TaskStatus value, "overdue" (逾期, derived) or "open"; anything else: all rows."""
    form = AssignmentFilterSet({"status": status}, queryset=rows)
    return form.qs if status and form.is_valid() else rows


class TaskListView(ScopedViewMixin, TemplateView):
    """交办任务: the tasks issued by the organizations in scope, each with its progress counted."""

    model = Task
    template_name = "tasks/task_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = self.get_queryset().select_related("organization", "key_task_list")
        query = self.request.GET.get("q", "").strip()
        if query:
            rows = rows.filter(Q(title__contains=query) | Q(document_number__contains=query))
        if self.request.GET.get("state") == "cancelled":
            rows = rows.filter(cancelled_on__isnull=False)
        else:
            rows = rows.live()
        page = Paginator(rows.order_by("-issued_on", "-id"), PAGE_SIZE).get_page(self.request.GET.get("page"))
        progress = tallies.counts([task.pk for task in page], today)
        for task in page:
            task.progress = progress[task.pk]
        return super().get_context_data(
            page=page,
            query=query,
            today=today,
            nav="tasks",
            may_issue=get_scope(self.request.user).allows("change"),
            **kwargs,
        )


class TaskIssueView(ScopedViewMixin, FormView):
    """交办任务 form: recipients (all branches below / kinds / a list), a date or N working days."""

    model = Task
    scope_action = "change"
    form_class = IssueForm
    template_name = "tasks/task_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "today": timezone.localdate()}

    def get_initial(self):
        return {"key_task_list": self.request.GET.get("key_task_list")}

    def form_valid(self, form):
        data = form.cleaned_data
        issuer = data["organization"]
        if data["recipient_choice"] == RecipientChoice.LIST:
            recipients = data["recipients"]  # the service refuses any outside the issuer's subtree
        else:
            recipients = services.select_recipients(
                issuer, choice=data["recipient_choice"], kinds=data["kinds"]
            )
        try:
            task = services.do_issue_task(
                acting_user=self.request.user,
                organization=issuer,
                recipients=recipients,
                attachment=data.get("attachment"),
                **{k: data.get(k) for k in ISSUE_FIELDS},
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, f"已交办给{task.assignments.count()}个单位。")
        return redirect(task)


ISSUE_FIELDS = (
    "title",
    "content",
    "kind",
    "source_document",
    "document_number",
    "key_task_list",
    "issued_on",
    "deadline",
    "working_days",
    "reminder_working_days",
    "bulletin_working_days",
)


class TaskDetailView(ScopedViewMixin, TemplateView):
    """A task: its copies a page at a time (filter by status or 逾期), the ladder's counts, 通报 drafts."""

    model = Task
    target_kwarg = "pk"
    template_name = "tasks/task_detail.html"

    def get_context_data(self, **kwargs):
        task, today = self.target, timezone.localdate()
        copies = task.assignments.all()
        status = self.request.GET.get("status", "")
        rows = (
            status_filter(copies, status, today).select_related("organization").order_by("organization__path")
        )
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for row in page:
            row.overdue_now = row.is_overdue_on(today) if not task.is_cancelled else False
        return super().get_context_data(
            task=task,
            page=page,
            counts=tallies.counts([task.pk], today)[task.pk],
            escalations=escalation_counts(copies),
            steps=EscalationStep.choices,
            bulletins=task.bulletins.all(),
            statuses=[*TaskStatus.choices, ("overdue", "逾期")],
            selected_status=status,
            may_change=may_change(Task.objects, self.request.user, task.pk),
            cancel_form=CancelForm(),
            nav="tasks",
            **kwargs,
        )


class TaskCancelView(ScopedViewMixin, View):
    model = Task
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = CancelForm(request.POST)
        if not form.is_valid():
            messages.error(request, "撤销任务须填写原因。")
            return redirect(self.target)
        try:
            services.do_cancel_task(self.target, acting_user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "任务已撤销；各单位的承办记录保留。")
        return redirect(self.target)


class TaskAttachmentView(ScopedViewMixin, View):
    """The task's attachment, for the issuer's scope and for every unit that received the task."""

    model = Task

    def get(self, request, pk):
        task = get_object_or_404(Task, pk=pk)
        seen = Task.objects.visible_to(request.user).filter(pk=pk).exists() or (
            Assignment.objects.visible_to(request.user).filter(task_id=pk).exists()
        )
        if not seen or not task.has_file:
            raise Http404
        return file_response(task, request.user)


def file_response(record, user):
    audit.record("export", record, acting_user=user, message=f"下载附件：{record.file_name}")
    response = FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)
    response["Content-Type"] = record.file_type
    response["Cache-Control"] = "no-store"
    return response


class InboxView(ScopedViewMixin, TemplateView):
    """我的任务: the copies received by the organizations the user administers (their grants' own nodes)."""

    model = Assignment
    template_name = "tasks/inbox.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        units = root_paths(self.request.user, "change")
        rows = Assignment.objects.visible_to(self.request.user, "change").filter(
            organization__path__in=units, task__cancelled_on__isnull=True
        )
        status = self.request.GET.get("status", "open")
        shown = status_filter(rows, status)
        shown = shown.select_related("task", "task__organization", "organization").order_by("deadline", "id")
        page = Paginator(shown, PAGE_SIZE).get_page(self.request.GET.get("page"))
        for row in page:
            row.overdue_now = row.is_overdue_on(today)
        return super().get_context_data(
            page=page,
            counts=rows.counts(today),
            statuses=[("open", "未办结"), *TaskStatus.choices, ("overdue", "逾期")],
            selected_status=status,
            nav="inbox",
            **kwargs,
        )


class AssignmentDetailView(ScopedViewMixin, View):
    """One unit's copy: the task, its history (progress, escalations, reviews, follow-ups) and the forms
    each side may use."""

    model = Assignment
    target_kwarg = "pk"

    def get(self, request, pk, **forms):
        assignment = self.target
        user = request.user
        is_unit = may_change(Assignment.objects, user, assignment.pk)
        is_issuer = Task.objects.visible_to(user, "change").filter(pk=assignment.task_id).exists()
        today = timezone.localdate()
        context = {
            "assignment": assignment,
            "task": assignment.task,
            "overdue": assignment.is_overdue_on(today),
            "reports": assignment.progress_reports.select_related("reported_by"),
            "escalations": assignment.escalations.all(),
            "reviews": assignment.reviews.select_related("decided_by"),
            "follow_ups": assignment.follow_ups.select_related("visited_by"),
            "is_unit": is_unit and not assignment.task.is_cancelled,
            "is_issuer": is_issuer and not assignment.task.is_cancelled,
            "accept_form": forms.get("accept_form") or AcceptForm(assignment=assignment),
            "progress_form": forms.get("progress_form")
            or ProgressForm(initial={"reported_on": today, "percent": assignment.percent}),
            "confirm_form": forms.get("confirm_form") or ConfirmForm(),
            "return_form": forms.get("return_form") or ReturnForm(),
            "follow_up_form": forms.get("follow_up_form") or FollowUpForm(initial={"visited_on": today}),
            "nav": "inbox" if is_unit and not is_issuer else "tasks",
        }
        return render(request, "tasks/assignment_detail.html", context)


class AssignmentActionView(AssignmentDetailView):
    """POST of one form on an assignment's page: the service decides; errors show on the page."""

    http_method_names = ["post"]
    scope_action = "change"  # the unit's forms need it over the copy; the issuer's cover it from above
    form_class = None
    form_name = ""
    done_message = ""

    def form(self):
        return self.form_class(self.request.POST, self.request.FILES)

    def post(self, request, pk):
        form = self.form()
        if form.is_valid():
            try:
                self.perform(form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, self.done_message)
                return redirect("tasks:assignment_detail", pk=pk)
        return self.get(request, pk, **{self.form_name: form})


class AcceptView(AssignmentActionView):
    form_name, done_message = "accept_form", "已签收。"

    def form(self):
        return AcceptForm(self.request.POST, assignment=self.target)

    def perform(self, data):
        services.do_accept_assignment(self.target, acting_user=self.request.user, **data)


class ReportView(AssignmentActionView):
    form_class, form_name, done_message = ProgressForm, "progress_form", "已报告进展。"

    def perform(self, data):
        services.do_report_progress(self.target, acting_user=self.request.user, **data)


class ConfirmView(AssignmentActionView):
    form_class, form_name, done_message = ConfirmForm, "confirm_form", "已确认办结。"

    def perform(self, data):
        services.do_confirm_assignment(self.target, acting_user=self.request.user, **data)


class ReturnView(AssignmentActionView):
    form_class, form_name, done_message = ReturnForm, "return_form", "已退回承办单位重新办理。"

    def perform(self, data):
        services.do_return_assignment(self.target, acting_user=self.request.user, **data)


class FollowUpView(AssignmentActionView):
    form_class, form_name, done_message = FollowUpForm, "follow_up_form", "已记录回访。"

    def perform(self, data):
        reopen = data.pop("reopen")
        services.do_record_follow_up(self.target, acting_user=self.request.user, reopen=reopen, **data)


class EvidenceView(ScopedViewMixin, View):
    """A progress report's evidence, for whoever reads the assignment."""

    model = ProgressReport
    target_kwarg = "pk"

    def get(self, request, pk):
        if not self.target.has_file:
            raise Http404
        return file_response(self.target, request.user)


class BulletinPublishView(ScopedViewMixin, View):
    """The issuer publishes a 通报 draft, possibly edited."""

    model = Bulletin
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = BulletinForm(request.POST)
        text = form.cleaned_data["text"] if form.is_valid() else ""
        try:
            services.do_publish_bulletin(self.target, acting_user=request.user, text=text)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "通报已发布。")
        return redirect(self.target.task)
