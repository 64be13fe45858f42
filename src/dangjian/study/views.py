"""Study pages: the 学习 index, my study, an organization's study page (a branch: plans in force, each
member's and each item's progress, courses, notes; a committee: each child's rates and totals), printable
progress, its .xlsx export, plans and items, and recording completions. Courses: views_courses.py;
notes, reviews and points: views_notes.py."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.core.tree import ancestor_paths, subtree_q
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.core.xlsx import add_sheet, append_row, new_workbook, to_bytes, xlsx_response
from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from . import services
from .certificates import enrollment_hours
from .forms import CompletionForm, ItemForm, OwnCompletionForm, PeriodForm, PlanForm, study_sessions_for
from .models import Course, Enrollment, Note, StudyItem, StudyPlan
from .points import member_points, points_enabled
from .progress import assigned_items, branch_progress, members_assigned, subtree_progress
from .totals import per_member, subtree_totals

FIRST_YEAR = 2000


def chosen_year(request) -> int:
    today = timezone.localdate()
    value = request.GET.get("year", "")
    if value.isdigit() and FIRST_YEAR <= int(value) <= today.year + 1:
        return int(value)
    return today.year


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


class GrantRequiredMixin:
    """403 for a user holding `grant_action` nowhere (a 党员 reads only their own study: 我的学习)."""

    grant_action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).allows(self.grant_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrganizationPageMixin(GrantRequiredMixin, ScopedViewMixin):
    model = Organization
    target_kwarg = "pk"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.target, "nav": "study"}


class EditorMixin(GrantRequiredMixin, ScopedViewMixin):
    """A write page on an object that flows down (a plan's item): 403 without any change grant; the object
    itself is looked up among those the user reads (a county item, for a branch secretary), else 404."""

    grant_action = "change"

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user, "view")


class StudyIndexView(LoginRequiredMixin, TemplateView):
    """学习: where the user's study pages are."""

    template_name = "study/index.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = get_scope(user)
        roots = Organization.objects.grant_roots(user, "view") if scope.allows("view") else []
        return {
            **super().get_context_data(**kwargs),
            "nav": "study",
            "roots": roots,
            "linked": bool(scope.member_ids),
        }


class MyStudyView(LoginRequiredMixin, TemplateView):
    """我的学习: my items with due dates and completion, my courses and hours, my notes, my points."""

    template_name = "study/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = get_scope(self.request.user)
        year = chosen_year(self.request)
        context.update(nav="study", year=year, linked=bool(scope.member_ids))
        member = Member.objects.filter(pk__in=scope.member_ids).select_related("organization").first()
        if member is None:
            return context
        first, last = year_bounds(year)
        items = assigned_items(member, year)
        done = dict(member.study_completions.filter(item__in=items).values_list("item_id", "studied_on"))
        enrollments = Enrollment.objects.filter(member=member).select_related("course__organization")
        courses = [enrollment_hours(enrollment) for enrollment in enrollments]  # a member has a few
        study = per_member(member.organization.path, first, last).get(member.pk)
        context.update(
            member=member,
            rows=[(item, done.get(item.pk)) for item in items],
            completed=sum(1 for item in items if item.pk in done),
            courses=courses,
            study=study,
            notes=Note.objects.filter(member=member).prefetch_related("reviews")[:50],
            points=member_points(member, first, last) if points_enabled(member.organization) else None,
            today=timezone.localdate(),
            own_form=OwnCompletionForm(initial={"studied_on": timezone.localdate()}),
        )
        return context


class OrganizationStudyView(OrganizationPageMixin, TemplateView):
    """An organization's study page: a branch's members and items, or a committee's children."""

    template_name = "study/organization.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.target, self.request.user
        year = chosen_year(self.request)
        period_form = PeriodForm(self.request.GET or None)
        first, last = period_form.period()
        scope = get_scope(user)
        children = list(Organization.objects.get_children(org).exclude(kind=OrganizationKind.PARTY_GROUP))
        context.update(
            year=year,
            years=range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1),
            period_form=period_form,
            first=first,
            last=last,
            can_change=scope.covers(org.path, "change"),
            can_export=scope.covers(org.path, "export"),
            plans=StudyPlan.objects.visible_to(user)
            .filter(year=year)
            .filter(subtree_q(org.path, "organization__path") | self._above(org)),
            courses=Course.objects.visible_to(user).filter(
                subtree_q(org.path, "organization__path") | self._above(org)
            )[:30],
            notes=Note.objects.visible_to(user)
            .in_subtree(org)
            .select_related("member")
            .prefetch_related("reviews")[:30],
            points_on=points_enabled(org),
        )
        if org.is_branch:
            context["progress"] = branch_progress(org, year)
        else:
            tallies, total = subtree_progress(org, year, children)
            totals, grand = subtree_totals(org, first, last, children)
            context["children"] = [(c, tallies.get(c.pk), totals.get(c.pk)) for c in children]
            context["tally"], context["grand"] = total, grand
        return context

    @staticmethod
    def _above(org):
        return Q(organization__path__in=ancestor_paths(org.path))


class ProgressPrintView(OrganizationPageMixin, TemplateView):
    """A printable list of a branch's (or subtree's) members and their "学完规定篇目"."""

    template_name = "study/progress_print.html"

    def get_context_data(self, **kwargs):
        year = chosen_year(self.request)
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "progress": branch_progress(self.target, year),
        }


class ProgressExportView(OrganizationPageMixin, View):
    """学习进度 .xlsx: one row per member of the subtree (each assigned item's completion day)."""

    grant_action = "export"
    scope_action = "export"

    def get(self, request, pk):
        year = chosen_year(request)
        progress = branch_progress(self.target, year)
        workbook = new_workbook()
        headers = ["姓名", "所在党支部", "书记/委员", "规定篇目", "已学完", "学完率"]
        sheet = add_sheet(workbook, "学习进度", headers, {"所在党支部": 30})
        for row in progress.members:
            rate = f"{row.rate:.0%}" if row.rate is not None else "—"
            append_row(
                sheet,
                [
                    row.member.name,
                    row.member.organization.name,
                    "是" if row.cadre else "",
                    len(row.assigned),
                    row.completed,
                    rate,
                ],
            )
        items = add_sheet(
            workbook, "篇目", ["篇目", "完成时限", "应学人数", "已学完", "学完率"], {"篇目": 40}
        )
        for row in progress.items:
            rate = f"{row.rate:.0%}" if row.rate is not None else "—"
            append_row(items, [row.item.title, row.item.due_on, row.assigned, row.completed, rate])
        return xlsx_response(to_bytes(workbook), f"{self.target.name}{year}年学习进度.xlsx")


# Plans and items -----------------------------------------------------------------------------------
class PlanCreateView(ServiceFormMixin, OrganizationPageMixin, FormView):
    scope_action = "change"
    grant_action = "change"
    form_class = PlanForm
    template_name = "study/form.html"

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": f"{self.target.name}：制定学习计划"}

    def perform(self, form):
        return services.do_create_plan(
            acting_user=self.request.user, organization=self.target, **form.cleaned_data
        )


class PlanDetailView(ScopedViewMixin, DetailView):
    """A plan and its items; readable by everyone below a published plan's owner."""

    model = StudyPlan
    template_name = "study/plan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        plan = self.object
        scope = get_scope(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "nav": "study",
            "items": plan.items.select_related("audience_organization"),
            "can_change": scope.covers(plan.organization.path, "change"),
            "can_record": scope.allows("change") and plan.published,
        }


class PlanPublishView(ScopedViewMixin, View):
    model = StudyPlan
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        try:
            services.do_publish_plan(self.target, acting_user=request.user)
            messages.success(request, "学习计划已发布，篇目已下达到下级党组织的党员。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect(self.target.get_absolute_url())


class ItemCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    model = StudyPlan
    scope_action = "change"
    target_kwarg = "pk"
    form_class = ItemForm
    template_name = "study/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.target}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "nav": "study", "title": f"{self.target}：添加篇目"}

    def perform(self, form):
        services.do_add_item(self.target, acting_user=self.request.user, **form.cleaned_data)
        return self.target


class ItemDetailView(ScopedViewMixin, DetailView):
    model = StudyItem
    template_name = "study/item_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("plan__organization", "audience_organization")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "nav": "study", "own_form": OwnCompletionForm()}


class CompletionView(ServiceFormMixin, EditorMixin, FormView):
    """登记学完 in bulk: tick the members (those the user may change who must study the item)."""

    model = StudyItem
    target_kwarg = "pk"
    form_class = CompletionForm
    template_name = "study/completion_form.html"

    def candidates(self):
        item = self.target
        members = Member.objects.visible_to(self.request.user, "change").active()
        members = members.filter(subtree_q(item.plan.organization.path, "organization__path"))
        done = item.completions.values("member_id")
        return (
            members.exclude(pk__in=done)
            .select_related("organization")
            .order_by("organization__path", "name_pinyin")
        )

    def get_form_kwargs(self):
        assigned = members_assigned(self.target, self.candidates())
        return {
            **super().get_form_kwargs(),
            "members": Member.objects.filter(pk__in=assigned).order_by("organization__path", "name_pinyin"),
            "activities": study_sessions_for(self.request.user),
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "nav": "study", "item": self.target}

    def perform(self, form):
        data = form.cleaned_data
        created = services.do_record_completions(
            self.target,
            data["members"],
            acting_user=self.request.user,
            studied_on=data["studied_on"],
            method=data["method"],
            activity=data["activity"],
        )
        messages.success(self.request, f"已登记{len(created)}名党员学完《{self.target.title}》。")
        return self.target


class OwnCompletionView(ScopedViewMixin, View):
    """A 党员 records that they studied an item of theirs."""

    model = StudyItem
    target_kwarg = "pk"

    def post(self, request, pk):
        scope = get_scope(request.user)
        member = Member.objects.filter(pk__in=scope.member_ids).first()
        if member is None:
            raise PermissionDenied
        form = OwnCompletionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("请填写学习日期。")
            services.do_record_completions(
                self.target, [member], acting_user=request.user, studied_on=form.cleaned_data["studied_on"]
            )
            messages.success(request, f"已登记学完《{self.target.title}》。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect("study:mine")
