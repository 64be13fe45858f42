"""Pages of key-task lists (重点任务清单: the units × tasks matrix, .xlsx) and of the working-day calendar
(节假日安排, a 系统管理员's configuration: outside the organization tree, so scoped by role)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core import xlsx
from dangjian.core.views import ScopedViewMixin

from . import keylist, services
from .choices import ScheduleDayKind
from .forms import KeyTaskListForm, ScheduleForm, days_as_text
from .models import HolidaySchedule, KeyTaskList
from .views import add_errors, may_change
from .workdays import LIBRARY_YEARS, WorkCalendar, known_years


class KeyListListView(ScopedViewMixin, TemplateView):
    model = KeyTaskList
    template_name = "tasks/keylist_list.html"

    def get_context_data(self, **kwargs):
        rows = (
            self.get_queryset().select_related("organization").order_by("-year", "organization__path", "name")
        )
        return super().get_context_data(
            rows=rows, may_add=get_scope(self.request.user).allows("change"), nav="tasks", **kwargs
        )


class KeyListAddView(ScopedViewMixin, FormView):
    model = KeyTaskList
    scope_action = "change"
    form_class = KeyTaskListForm
    template_name = "tasks/form.html"
    extra_context = {"title": "新建重点任务清单", "nav": "tasks"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def form_valid(self, form):
        try:
            key_list = services.do_create_key_task_list(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "已建立重点任务清单；交办任务时可列入此清单。")
        return redirect(key_list)


class KeyListDetailView(ScopedViewMixin, TemplateView):
    """逐项盘点: the list's units (rows, a page at a time) × its tasks, overdue cells marked, and the counts
    of the whole matrix."""

    model = KeyTaskList
    target_kwarg = "pk"
    template_name = "tasks/keylist_detail.html"

    def get_context_data(self, **kwargs):
        only_overdue = self.request.GET.get("overdue") == "1"
        try:
            page = int(self.request.GET.get("page", 1))
        except ValueError:
            page = 1
        matrix = keylist.build(self.target, timezone.localdate(), page=page, only_overdue=only_overdue)
        prefix = keylist.assignment_link_prefix()
        return super().get_context_data(
            key_list=self.target,
            matrix=matrix,
            columns=[(task, matrix.columns[task.pk]) for task in matrix.tasks],
            rows=[(row, row.cells_html(prefix)) for row in matrix.rows],
            may_issue=may_change(KeyTaskList.objects, self.request.user, self.target.pk),
            page_size=keylist.PAGE_SIZE,
            nav="tasks",
            **kwargs,
        )


class KeyListExportView(ScopedViewMixin, View):
    model = KeyTaskList
    scope_action = "export"
    target_kwarg = "pk"

    def get(self, request, pk):
        key_list = self.target
        content = keylist.export(key_list, timezone.localdate())
        audit.record("export", key_list, acting_user=request.user, message="导出重点任务清单（逐项盘点）")
        return xlsx.xlsx_response(content, f"{key_list}.xlsx")


# The working-day calendar ---------------------------------------------------------------------------------
class ScheduleAdminMixin(LoginRequiredMixin):
    """系统管理员 only (holidays are system configuration, not data of an organization)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not get_scope(request.user).allows("manage_users"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ScheduleListView(ScheduleAdminMixin, FormView):
    """节假日安排: the years known (from the package or entered) and the form to enter a year."""

    form_class = ScheduleForm
    template_name = "tasks/schedule_list.html"

    def get_initial(self):
        return {"year": max(known_years()) + 1}

    def get_context_data(self, **kwargs):
        calendar = WorkCalendar.load()
        entered = HolidaySchedule.objects.annotate(
            holiday_count=Count("days", filter=Q(days__kind=ScheduleDayKind.HOLIDAY)),
            working_count=Count("days", filter=Q(days__kind=ScheduleDayKind.WORKING)),
        ).select_related("entered_by")
        return super().get_context_data(
            entered=entered,
            library_years=(LIBRARY_YEARS.start, LIBRARY_YEARS.stop - 1),
            known=known_years(calendar),
            nav="calendar",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            schedule = services.do_save_holiday_schedule(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"已录入{schedule.year}年节假日安排（{schedule.days.count()}天）。")
        return redirect(schedule)


class ScheduleDetailView(ScheduleAdminMixin, View):
    """One entered year: its days, and the same form to correct it (replaces the year's days)."""

    def get(self, request, pk, form=None):
        schedule = get_object_or_404(HolidaySchedule, pk=pk)
        form = form or ScheduleForm(
            initial={
                "year": schedule.year,
                "source_document": schedule.source_document,
                "document_number": schedule.document_number,
                "published_on": schedule.published_on,
                "days": days_as_text(schedule.days.all()),
            }
        )
        return render(
            request, "tasks/schedule_detail.html", {"schedule": schedule, "form": form, "nav": "calendar"}
        )

    def post(self, request, pk):
        schedule = get_object_or_404(HolidaySchedule, pk=pk)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            data = {**form.cleaned_data, "year": schedule.year}
            try:
                services.do_save_holiday_schedule(acting_user=request.user, **data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"已更新{schedule.year}年节假日安排。")
                return redirect(schedule)
        return self.get(request, pk, form=form)
