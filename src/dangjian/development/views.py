"""Pages of 发展党员: the pipeline of the branches in scope, one person's file, opening a file, a step."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import scope_q
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.core.xlsx import add_sheet, append_row, new_workbook, to_bytes, xlsx_response
from dangjian.organizations.models import Organization

from . import engine, services, statistics
from .forms import (
    CloseFileForm,
    DualRequirementForm,
    EndDualRequirementForm,
    OpenFileForm,
    PlanForm,
    StepForm,
)
from .models import DevelopmentFile, DevelopmentPlan, DualRequirement

PAGE_SIZE = 100


class FileListView(ScopedViewMixin, TemplateView):
    """发展工作一览: every open file in scope with its stage, next step, window; overdue first."""

    model = DevelopmentFile
    template_name = "development/file_list.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        files = self.get_queryset().open().select_related("organization")
        organizations = Organization.objects.visible_to(self.request.user).branches().order_by("path")
        org_id = params.get("organization", "")
        if org_id.isdigit():
            organization = organizations.filter(pk=org_id).first()
            files = files.filter(organization=organization) if organization else files.none()
        stage = params.get("stage", "")
        if stage in engine.STAGES:
            files = files.filter(stage=stage)
        today = timezone.localdate()
        overdue_only = params.get("overdue") == "1"
        if overdue_only:
            files = files.filter(next_latest__lt=today)
        counts = dict(files.order_by().values_list("stage").annotate(n=Count("id")))
        overdue = files.filter(next_latest__lt=today).count()
        page = Paginator(
            files.order_by("organization__path", "next_latest", "name", "id"), PAGE_SIZE
        ).get_page(params.get("page"))
        return super().get_context_data(
            page=page,
            organizations=organizations,
            stages=engine.STAGES,
            selected_org=org_id,
            selected_stage=stage,
            overdue_only=overdue_only,
            counts=[(label, counts.get(key, 0)) for key, label in engine.STAGES.items()],
            overdue=overdue,
            today=today,
            stats_org=Organization.objects.filter(scope_q(self.request.user, "view", "path"))
            .order_by("path")
            .first(),
            **kwargs,
        )


class FileAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    """Open a file: a person who handed in an application to a branch in the user's scope."""

    model = DevelopmentFile
    scope_action = "change"
    form_class = OpenFileForm
    template_name = "development/file_add.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_open_file(acting_user=self.request.user, **form.cleaned_data)


def file_context(request, file, form):
    result = services.evaluate(file)
    problems: dict[int, list[str]] = {}
    for violation in result.violations:
        problems.setdefault(violation.index, []).append(violation.message)
    steps = list(file.steps.select_related("entered_by").order_by("date", "no", "id"))
    timeline = [(step, problems.get(i, [])) for i, step in enumerate(steps)]
    return {
        "file": file,
        "result": result,
        "timeline": timeline,
        "form": form,
        "may_change": request.user.is_authenticated
        and DevelopmentFile.objects.visible_to(request.user, "change").filter(pk=file.pk).exists(),
        "may_override": services.may_override(request.user, file.organization),
        "steps": engine.STEPS,
        "today": timezone.localdate(),
    }


class FileDetailView(ScopedViewMixin, View):
    """One person's file as a timeline, the next steps' windows, and the form to record a step."""

    model = DevelopmentFile
    target_kwarg = "pk"

    def get(self, request, pk):
        file = self.target
        form = StepForm(file=file, may_override=services.may_override(request.user, file.organization))
        context = file_context(request, file, form)
        context["close_form"] = CloseFileForm(initial={"closed_on": timezone.localdate()})
        return render(request, "development/file_detail.html", context)


class StepAddView(ScopedViewMixin, View):
    """POST: record a step on a file; refused steps show the engine's messages on the file's page."""

    model = DevelopmentFile
    scope_action = "change"
    target_kwarg = "pk"

    def get(self, request, pk):
        return redirect("development:file_detail", pk=pk)

    def post(self, request, pk):
        file = self.target
        may_override = services.may_override(request.user, file.organization)
        form = StepForm(request.POST, file=file, may_override=may_override)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_record_step(
                    file,
                    acting_user=request.user,
                    no=data["no"],
                    date=data["date"],
                    fields=form.step_fields(),
                    people=form.split(data.get("people") or ""),
                    documents=form.split(data.get("documents") or ""),
                    note=data.get("note") or "",
                    override_reason=data.get("override_reason") or "",
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            except PermissionDenied as error:
                form.add_error(None, str(error) or "无权执行此操作。")
            else:
                messages.success(request, f"已记录第{data['no']}步「{engine.STEPS[data['no']]}」。")
                return redirect(file.get_absolute_url())
        file.refresh_from_db()
        return render(request, "development/file_detail.html", file_context(request, file, form), status=200)


class FileCloseView(ScopedViewMixin, View):
    """POST: end a file (本人撤回申请, 取消入党积极分子资格…) with a date and reason; kept, not deleted."""

    model = DevelopmentFile
    scope_action = "change"
    target_kwarg = "pk"

    def get(self, request, pk):
        return redirect("development:file_detail", pk=pk)

    def post(self, request, pk):
        form = CloseFileForm(request.POST)
        if form.is_valid():
            try:
                services.do_close_file(self.target, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, "已终止该发展党员档案（记录保留）。")
        else:
            messages.error(request, "终止须填写日期和原因。")
        return redirect("development:file_detail", pk=pk)


def period_from(params) -> tuple[date, date]:
    """`start`/`end` (YYYY-MM-DD) of the query, else `year`, else the current year; a wrong date is a 400."""
    today = timezone.localdate()
    year = params.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    try:
        start = date.fromisoformat(params["start"]) if params.get("start") else date(year, 1, 1)
        end = date.fromisoformat(params["end"]) if params.get("end") else date(year, 12, 31)
    except ValueError as error:
        raise BadRequest("日期格式应为YYYY-MM-DD。") from error
    if end < start:
        raise BadRequest("结束日期不能早于开始日期。")
    return start, end


class StatisticsView(ScopedViewMixin, TemplateView):
    """发展党员统计 of an organization's subtree in a period (?start=&end= or ?year=); ?format=xlsx.

    Read by the grants over the organization, as the files are (a 党员's own-branch view does not)."""

    model = Organization
    target_kwarg = "pk"
    template_name = "development/statistics.html"

    def get_queryset(self):
        return Organization.objects.filter(scope_q(self.request.user, "view", "path"))

    def get(self, request, *args, **kwargs):
        start, end = period_from(request.GET)
        stats = statistics.statistics(self.target, start, end)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(
                statistics_xlsx(stats), f"发展党员统计_{self.target.name}_{start}_{end}.xlsx"
            )
        organizations = (
            Organization.objects.visible_to(request.user).exclude(kind="party_group").order_by("path")
        )
        return self.render_to_response(
            self.get_context_data(
                stats=stats,
                organization=self.target,
                organizations=organizations,
                tables=[
                    ("性别", stats.by_sex),
                    ("审批时年龄", stats.by_band),
                    ("学历", stats.by_education),
                    ("人员类别", stats.by_category),
                    ("民族", stats.by_ethnicity),
                    ("在培养阶段（未终止档案）", stats.pipeline),
                    (f"逾期的下一步（共{stats.overdue}人）", stats.overdue_by_step),
                ],
            )
        )


def statistics_xlsx(stats) -> bytes:
    workbook = new_workbook()
    sheet = add_sheet(workbook, "发展党员统计", ["项目", "分类", "人数"], {"项目": 16, "分类": 30})
    totals = stats.totals
    for label, key in (("发展党员", "total"), ("其中女性", "women"), ("其中少数民族", "minority")):
        append_row(sheet, ["合计", label, totals[key]])
    append_row(sheet, ["合计", "其中35岁及以下", totals["young"]])
    append_row(sheet, ["合计", "其中大专及以上", totals["college"]])
    for title, rows in (
        ("性别", stats.by_sex),
        ("年龄（审批时）", stats.by_band),
        ("学历", stats.by_education),
        ("人员类别", stats.by_category),
        ("民族", stats.by_ethnicity),
        ("在培养阶段", stats.pipeline),
        ("逾期的下一步", stats.overdue_by_step),
    ):
        for label, n in rows:
            append_row(sheet, [title, label, n])
    plans = add_sheet(
        workbook,
        "计划完成情况",
        ["党组织", "年度", "计划数", "已发展", "计划女性", "女性", "计划35岁及以下", "35岁及以下"],
    )
    for row in stats.plans:
        append_row(
            plans,
            [
                row.plan.organization.name,
                row.plan.year,
                row.plan.total,
                row.actual["total"],
                row.plan.women,
                row.actual["women"],
                row.plan.young,
                row.actual["young"],
            ],
        )
    return to_bytes(workbook)


class PlanListView(ScopedViewMixin, TemplateView):
    """发展计划: the year's plans of the organizations in scope, each against its admissions."""

    model = DevelopmentPlan
    template_name = "development/plan_list.html"

    def get_context_data(self, **kwargs):
        year = self.request.GET.get("year", "")
        year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
        plans = (
            self.get_queryset()
            .filter(year=year)
            .select_related("organization")
            .order_by("organization__path")
        )
        return super().get_context_data(year=year, rows=statistics.plan_progress(plans), **kwargs)


class PlanSetView(ScopedViewMixin, ServiceFormMixin, FormView):
    """Set (create or change) a year's plan of a committee or branch in scope."""

    model = DevelopmentPlan
    scope_action = "change"
    form_class = PlanForm
    template_name = "development/plan_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_set_plan(acting_user=self.request.user, **form.cleaned_data)


class DualRequirementView(ScopedViewMixin, ServiceFormMixin, FormView):
    """双推双考要求: those of the committees in scope, and (with a change grant) the form to set one."""

    model = DualRequirement
    form_class = DualRequirementForm
    template_name = "development/dual_list.html"

    def post(self, request, *args, **kwargs):
        from dangjian.accounts.scope import get_scope

        if not get_scope(request.user).allows("change"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        requirements = (
            self.get_queryset().select_related("organization").order_by("organization__path", "-valid_from")
        )
        return super().get_context_data(
            requirements=requirements, end_form=EndDualRequirementForm(), **kwargs
        )

    def perform(self, form):
        return services.do_set_dual_requirement(acting_user=self.request.user, **form.cleaned_data)

    def redirect_after(self):
        messages.success(self.request, "已设立双推双考要求。")
        return redirect("development:dual_list")


class DualRequirementEndView(ScopedViewMixin, View):
    """Stop a requirement from a date (POST valid_until)."""

    model = DualRequirement
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = EndDualRequirementForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写停止日期。")
            return redirect("development:dual_list")
        try:
            services.do_end_dual_requirement(self.target, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, "已停止该双推双考要求。")
        return redirect("development:dual_list")


class FileDraftView(ScopedViewMixin, View):
    """GET: a .docx draft from the file (公示, 支部大会 resolutions): filled from the recorded steps, for the
    branch to edit and sign. An export (it names a person): audited."""

    model = DevelopmentFile
    scope_action = "export"
    target_kwarg = "pk"

    def get(self, request, pk, kind):
        from django.http import Http404, HttpResponse
        from django.utils.http import content_disposition_header

        from dangjian.activities.ledger import DOCX_CONTENT_TYPE
        from dangjian.audit import services as audit

        from . import drafts

        if kind not in drafts.KINDS:
            raise Http404("没有这种文书。")
        file = self.target
        try:
            name, content = drafts.draft(file, kind)
        except drafts.DraftUnavailable as error:
            messages.warning(request, str(error))
            return redirect("development:file_detail", pk=pk)
        audit.record("export", file, acting_user=request.user, message=f"生成文书：{name}")
        response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        response["Cache-Control"] = "no-store"
        return response
