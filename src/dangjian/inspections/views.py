"""Pages of the plans: list, add, detail, edit, start/close, checklist editor, teams and assignment,
samples, the summary and its exports. The unit-level pages are in `views_units.py`."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.core.xlsx import xlsx_response
from dangjian.organizations.models import Organization

from . import exports, services
from .access import administers, may_record
from .forms import AssignForm, ChecklistItemForm, PlanForm, SampleForm, TeamForm
from .models import InspectionPlan, InspectionTeam, Sample, TeamUnit, UnitInspection
from .summary import summarize

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def report(request, error: ValidationError) -> None:
    messages.error(request, "；".join(error.messages))


class PlanMixin(ScopedViewMixin):
    """Pages about one plan (`pk`); `scope_action = "change"` for the committee's pages."""

    model = InspectionPlan
    target_kwarg = "pk"

    @property
    def plan(self):
        return self.target


class PlanListView(ScopedViewMixin, TemplateView):
    """督导检查: the plans of the committees in scope and those the user inspects for."""

    model = InspectionPlan
    template_name = "inspections/plan_list.html"

    def get_context_data(self, **kwargs):
        plans = self.get_queryset().select_related("organization").order_by("-starts_on", "id")
        # Only a committee administrator organizes inspections; inspectors get no 新建 button.
        may_add = get_scope(self.request.user).allows("change")
        return super().get_context_data(plans=plans, may_add=may_add, nav="inspections", **kwargs)


class PlanAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = InspectionPlan
    scope_action = "change"
    form_class = PlanForm
    template_name = "inspections/form.html"
    extra_context = {
        "title": "新建督导检查",
        "intro": "由党委组织，对下级党组织开展督导检查（听、查、看、访或一看二问三座谈）。新建后为草拟状态，"
        "配置检查项目、督导组和督导单位后启动。",
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_plan(acting_user=self.request.user, **form.cleaned_data)


class PlanDetailView(PlanMixin, TemplateView):
    template_name = "inspections/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan, user = self.plan, self.request.user
        visible_units = UnitInspection.objects.visible_to(user).filter(plan=plan)
        assignments = (
            TeamUnit.objects.in_force()
            .filter(plan=plan, unit__in=visible_units.values("unit"))
            .select_related("unit")
        )
        teams = list(plan.teams.select_related("leader").prefetch_related("members").order_by("id"))
        for team in teams:
            team.visible_units = [a.unit for a in assignments if a.team_id == team.pk]
        return super().get_context_data(
            plan=plan,
            checklist=plan.checklist.filter(active=True),
            teams=teams,
            unit_inspections=visible_units.select_related("unit").order_by("unit__path"),
            samples=Sample.objects.visible_to(user).filter(plan=plan).order_by("-drawn_at"),
            may_change=administers(user, plan),
            scope_units=plan.units.order_by("path") if administers(user, plan) else [],
            **kwargs,
        )


class PlanEditView(PlanMixin, ServiceFormMixin, FormView):
    scope_action = "change"
    form_class = PlanForm
    template_name = "inspections/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"修改：{self.plan}", **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "plan": self.plan}

    def get_initial(self):
        plan = self.plan
        return {
            "name": plan.name,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "method": plan.method,
        }

    def perform(self, form):
        return services.do_change_plan(self.plan, acting_user=self.request.user, **form.cleaned_data)


class PlanStatusView(PlanMixin, View):
    """POST `action=start` (草拟 → 实施中) or `action=close` (结束; the team grants are revoked)."""

    scope_action = "change"

    def post(self, request, pk):
        action = request.POST.get("action")
        try:
            if action == "start":
                services.do_start_plan(self.plan, acting_user=request.user)
                messages.success(request, "督导检查已启动。")
            elif action == "close":
                services.do_close_plan(self.plan, acting_user=request.user)
                messages.success(request, "督导检查已结束，督导员的查阅授权已收回。")
        except ValidationError as error:
            report(request, error)
        return redirect(self.plan)


class ChecklistView(PlanMixin, View):
    """The checklist editor: the items by group; POST adds one, or retires/restores `item`."""

    scope_action = "change"

    def get(self, request, pk, form=None):
        return render(
            request,
            "inspections/checklist.html",
            {
                "plan": self.plan,
                "items": self.plan.checklist.order_by("order", "id"),
                "form": form or ChecklistItemForm(),
            },
        )

    def post(self, request, pk):
        if request.POST.get("item"):
            item = get_object_or_404(self.plan.checklist, pk=request.POST["item"])
            services.do_change_checklist_item(item, acting_user=request.user, active=not item.active)
            messages.success(request, "已停用该检查项目。" if item.active is False else "已恢复该检查项目。")
            return redirect("inspections:checklist", pk=pk)
        form = ChecklistItemForm(request.POST)
        if form.is_valid():
            try:
                services.do_add_checklist_item(self.plan, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "已添加检查项目。")
                return redirect("inspections:checklist", pk=pk)
        return self.get(request, pk, form=form)


class TeamAddView(PlanMixin, FormView):
    scope_action = "change"
    form_class = TeamForm
    template_name = "inspections/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"{self.plan}：新建督导组", **kwargs)

    def form_valid(self, form):
        try:
            team = services.do_create_team(self.plan, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        return redirect(team)


class TeamMixin(ScopedViewMixin):
    model = InspectionTeam
    target_kwarg = "pk"

    def get_queryset(self):
        plans = InspectionPlan.objects.visible_to(self.request.user, self.scope_action)
        return InspectionTeam.objects.filter(plan__in=plans).select_related("plan", "leader")


class TeamDetailView(TeamMixin, View):
    """A team: its people, its units (those the reader sees) and, for the committee, assignment."""

    def get(self, request, pk, assign_form=None):
        team = self.target
        units = UnitInspection.objects.visible_to(request.user).filter(plan=team.plan)
        assignments = team.assignments.in_force().filter(unit__in=units.values("unit")).select_related("unit")
        may_change = administers(request.user, team.plan)
        return render(
            request,
            "inspections/team_detail.html",
            {
                "team": team,
                "plan": team.plan,
                "assignments": assignments,
                "unit_inspections": {u.unit_id: u for u in units},
                "may_change": may_change,
                "assign_form": (assign_form or AssignForm(plan=team.plan)) if may_change else None,
            },
        )


class TeamEditView(TeamMixin, FormView):
    scope_action = "change"
    form_class = TeamForm
    template_name = "inspections/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"修改督导组：{self.target.name}", **kwargs)

    def get_initial(self):
        team = self.target
        members = [u.username for u in team.members.all() if u.pk != team.leader_id]
        return {"name": team.name, "leader": team.leader.username, "members": ", ".join(members)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.do_set_team_people(
                self.target, acting_user=self.request.user, leader=data["leader"], members=data["members"]
            )
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "已更新督导组成员，查阅授权随之调整。")
        return redirect(self.target)


class TeamAssignView(TeamDetailView):
    """POST: assign a unit of the plan's scope to the team (its people get the read-only grant)."""

    scope_action = "change"

    def post(self, request, pk):
        form = AssignForm(request.POST, plan=self.target.plan)
        if form.is_valid():
            try:
                services.do_assign_unit(self.target, form.cleaned_data["unit"], acting_user=request.user)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "已分配督导单位，督导组成员在督导期内可查阅该单位。")
                return redirect(self.target)
        return self.get(request, pk, assign_form=form)


class AssignmentEndView(ScopedViewMixin, View):
    """POST: take a unit from its team (kept, ended); the team's grants on it are revoked."""

    model = TeamUnit
    scope_action = "change"
    target_kwarg = "pk"

    def get_queryset(self):
        plans = InspectionPlan.objects.visible_to(self.request.user, "change")
        return TeamUnit.objects.in_force().filter(plan__in=plans).select_related("plan", "team")

    def post(self, request, pk):
        try:
            services.do_unassign_unit(self.target, acting_user=request.user)
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, "已取消分配，相关查阅授权已收回。")
        return redirect(self.target.team)


class MyUnitsView(LoginRequiredMixin, TemplateView):
    """我的督导单位: the units assigned to the teams the user is on, with their plans and periods."""

    template_name = "inspections/my_units.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assignments = (
            TeamUnit.objects.in_force()
            .filter(Q(team__leader=user) | Q(team__members=user))
            .select_related("plan", "team", "unit")
            .distinct()
            .order_by("-plan__starts_on", "team__name", "unit__path")
        )
        inspections = {
            (u.plan_id, u.unit_id): u
            for u in UnitInspection.objects.visible_to(user).filter(plan__in={a.plan_id for a in assignments})
        }
        rows = [(a, inspections.get((a.plan_id, a.unit_id))) for a in assignments]
        return super().get_context_data(rows=rows, nav="inspections", **kwargs)


# --- samples --------------------------------------------------------------------------------------------


def recordable_units(user, plan):
    """The plan's assigned units where `user` may record (and draw samples)."""
    units = Organization.objects.filter(pk__in=plan.assignments.in_force().values("unit_id")).order_by("path")
    return [unit for unit in units if may_record(user, plan, unit)]


class SampleAddView(PlanMixin, View):
    """随机抽查: draw a stratified sample in the units the user may record at (the seed is recorded)."""

    def units(self):
        units = recordable_units(self.request.user, self.plan)
        if not units:
            raise PermissionDenied("只有督导组成员或组织单位可以抽样。")
        return Organization.objects.filter(pk__in=[u.pk for u in units]).order_by("path")

    def get(self, request, pk, form=None):
        if form is None:
            units = self.units()
            chosen = request.GET.get("unit", "")
            initial = {
                "units": [int(chosen)] if chosen.isdigit() else list(units.values_list("pk", flat=True)),
                "population": "leading_cadres",
                "per_unit": 6,
                "notes_from": datetime.date(self.plan.starts_on.year, 1, 1),
                "notes_to": min(timezone.localdate(), self.plan.ends_on),
            }
            form = SampleForm(units=units, initial=initial)
        return render(request, "inspections/sample_form.html", {"plan": self.plan, "form": form})

    def post(self, request, pk):
        form = SampleForm(request.POST, units=self.units())
        if form.is_valid():
            try:
                sample = services.do_draw_sample(
                    self.plan,
                    acting_user=request.user,
                    units=list(form.cleaned_data["units"]),
                    spec=form.spec(),
                    seed=form.cleaned_data.get("seed"),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, f"已抽样：{sample.description}（随机种子{sample.seed}）。")
                return redirect(sample)
        return self.get(request, pk, form=form)


def sampled_objects(sample, user) -> dict:
    """Labels of the drawn objects the user may open, by kind: {kind: {object id: dict}} — read as values
    (no member instance is built, so no protected field is decrypted for a list of names)."""
    from dangjian.activities.models import Activity
    from dangjian.members.models import Member
    from dangjian.study.models import Note

    ids: dict[str, list[int]] = {}
    for kind, object_id in sample.items.values_list("kind", "object_id"):
        ids.setdefault(kind, []).append(object_id)
    notes = ids.get("study_note", []) + ids.get("reflection", [])

    def by_pk(queryset, *fields):
        return {row["pk"]: row for row in queryset.values("pk", *fields)}

    return {
        "person": by_pk(Member.objects.visible_to(user).filter(pk__in=ids.get("person", [])), "name"),
        "note": by_pk(
            Note.objects.visible_to(user).filter(pk__in=notes),
            "title",
            "member__name",
            "written_on",
            "char_count",
        ),
        "activity": by_pk(
            Activity.objects.visible_to(user).filter(pk__in=ids.get("activity", [])),
            "held_on",
            "theme",
            "activity_type__name",
        ),
    }


class SampleDetailView(ScopedViewMixin, TemplateView):
    """A sample: the description sentence, the count drawn per stratum, and the drawn people, notes and
    activities (linked to their pages where the reader may open them)."""

    model = Sample
    target_kwarg = "pk"
    template_name = "inspections/sample_detail.html"

    def get_context_data(self, **kwargs):
        sample, user = self.target, self.request.user
        found = sampled_objects(sample, user)
        by_unit: dict[int, list] = {}
        for item in sample.items.order_by("unit_id", "kind", "object_id"):
            table = "note" if item.kind in ("study_note", "reflection") else item.kind
            by_unit.setdefault(item.unit_id, []).append((item, found[table].get(item.object_id)))
        strata = [(row, by_unit.get(row["unit_id"], [])) for row in sample.strata]
        units = list(sample.units.all())
        return super().get_context_data(
            sample=sample,
            plan=sample.plan,
            strata=strata,
            may_check=all(may_record(user, sample.plan, unit) for unit in units),
            **kwargs,
        )


class SampleOriginalityView(SampleDetailView):
    """POST 送雷同检测: the sampled notes and reflections go to the originality check."""

    def post(self, request, pk):
        sample = self.target
        if not all(may_record(request.user, sample.plan, unit) for unit in sample.units.all()):
            raise PermissionDenied("只有负责抽查单位的督导组成员或组织单位可以送雷同检测。")
        try:
            check = services.do_check_sample_originality(sample, acting_user=request.user)
        except ValidationError as error:
            report(request, error)
            return redirect(sample)
        messages.success(
            request, f"已送雷同检测：检测{check.texts_checked}篇，发现雷同{check.pairs_found}对。"
        )
        return redirect("originality:check_detail", pk=check.pk)


class FindingListView(PlanMixin, TemplateView):
    """问题清单 of a plan (the units the reader sees), filtered by unit, severity and status, with each
    finding's rectification deadline and progress."""

    template_name = "inspections/finding_list.html"

    def get_context_data(self, **kwargs):
        from dangjian.core.views import clean_query

        from .filtersets import FindingFilterSet
        from .models import Finding

        rows = (
            Finding.objects.visible_to(self.request.user)
            .filter(unit_inspection__plan=self.plan)
            .select_related("unit_inspection__unit", "rectification__task")
            .order_by("unit_inspection__unit__path", "found_on", "id")
        )
        filterset = FindingFilterSet(clean_query(self.request.GET), queryset=rows)
        return super().get_context_data(plan=self.plan, filterset=filterset, findings=filterset.qs, **kwargs)


# --- summary and exports -----------------------------------------------------------------------------------


class SummaryMixin(PlanMixin):
    def summary(self):
        return summarize(self.plan, UnitInspection.objects.visible_to(self.request.user))

    def findings(self):
        from .models import Finding

        return (
            Finding.objects.visible_to(self.request.user)
            .filter(unit_inspection__plan=self.plan)
            .select_related("unit_inspection__unit")
            .order_by("unit_inspection__unit__path", "-severity", "found_on", "id")
        )

    def samples(self):
        return Sample.objects.visible_to(self.request.user).filter(plan=self.plan).order_by("drawn_at", "id")


class SummaryView(SummaryMixin, TemplateView):
    """汇总: per unit and per team — items checked, scores, interviews, samples, findings by severity and
    rectification progress; every figure counts records."""

    template_name = "inspections/summary.html"

    def get_context_data(self, **kwargs):
        summary = self.summary()
        return super().get_context_data(
            plan=self.plan,
            summary=summary,
            overview=exports.overview(summary, self.samples()),
            **kwargs,
        )


class SummaryDocxView(SummaryMixin, View):
    def get(self, request, pk):
        content = exports.summary_docx(self.summary(), self.samples(), self.findings())
        name = f"{self.plan.name}督导工作纪实（草稿）.docx"
        audit.record("export", self.plan, acting_user=request.user, message=f"导出：{name}")
        response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        response["Cache-Control"] = "no-store"
        return response


class SummaryXlsxView(SummaryMixin, View):
    def get(self, request, pk):
        content = exports.summary_xlsx(self.summary(), self.findings())
        name = f"{self.plan.name}汇总.xlsx"
        audit.record("export", self.plan, acting_user=request.user, message=f"导出：{name}")
        return xlsx_response(content, name)
