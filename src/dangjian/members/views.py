"""Roster pages: list and search, one member, add/edit, status, transfer, positions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.html import format_html
from django.views import View
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.audit.models import AuditEvent
from dangjian.core.views import FilterFormMixin, ScopedViewMixin, ServiceFormMixin
from dangjian.organizations.models import Organization

from . import services
from .filtersets import MemberFilterSet
from .forms import MemberCreateForm, MemberForm, MemberStatusForm, MemberTransferForm, PositionForm
from .models import Member
from .tables import MemberTable


class MemberListView(ScopedViewMixin, FilterFormMixin, SingleTableMixin, FilterView):
    """花名册: search, filter by subtree/status/category/age band, sort, paginate."""

    model = Member
    table_class = MemberTable
    filterset_class = MemberFilterSet
    template_name = "members/member_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "party_group")

    def get_template_names(self):
        # Embedded in an organization's page via htmx: the table alone.
        if getattr(self.request, "htmx", False):
            return ["members/_member_table.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = get_scope(self.request.user)
        context["can_change"] = scope.allows("change")
        org_id = self.request.GET.get("organization", "")
        if org_id.isdigit():
            context["scope_organization"] = (
                Organization.objects.visible_to(self.request.user).filter(pk=org_id).first()
            )
        context["can_export"] = scope.allows("export")
        return context


class MemberDetailView(ScopedViewMixin, DetailView):
    model = Member
    template_name = "members/member_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "party_group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.object
        scope = get_scope(self.request.user)
        context.update(
            can_change=scope.covers(member.organization.path, "change"),
            can_view_pi=scope.covers(member.organization.path, "view_pi") or member.pk in scope.member_ids,
            positions=member.positions.select_related("organization"),
            transfers=member.transfers.select_related("from_organization", "to_organization"),
            history=AuditEvent.objects.for_object(member)[:50],
        )
        return context


class MemberRevealView(ScopedViewMixin, View):
    """POST only: show the full 身份证号 and phone to a role allowed to see them; each view is audited."""

    model = Member

    def post(self, request, pk):
        member = get_object_or_404(self.get_queryset(), pk=pk)
        scope = get_scope(request.user)
        if not (scope.covers(member.organization.path, "view_pi") or member.pk in scope.member_ids):
            raise PermissionDenied
        audit.record("view_pi", member, acting_user=request.user, message="查看完整身份证号和联系电话")
        response = HttpResponse(
            format_html(
                '<span class="font-monospace">{}</span> · <span class="font-monospace">{}</span>',
                member.id_number,
                member.phone or "—",
            )
        )
        response["Cache-Control"] = "no-store"
        return response


class MemberFormMixin(ServiceFormMixin):
    form_class = MemberForm
    template_name = "members/member_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class MemberCreateView(MemberFormMixin, ScopedViewMixin, FormView):
    model = Member
    scope_action = "change"
    form_class = MemberCreateForm

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("organization"):
            initial["organization"] = self.request.GET["organization"]
        return initial

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": "新增党员"}

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.do_create_member(acting_user=self.request.user, **data)


class MemberEditView(MemberFormMixin, ScopedViewMixin, FormView):
    model = Member
    scope_action = "change"
    target_kwarg = "pk"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.target, "title": f"编辑：{self.target}"}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        return services.do_update_member(
            self.target,
            acting_user=self.request.user,
            expected_version=form.cleaned_data.get("version"),
            **fields,
        )

    def redirect_after(self):
        messages.success(self.request, "党员信息已保存。")
        return super().redirect_after()


class MemberActionView(ServiceFormMixin, ScopedViewMixin, FormView):
    """A form about one member the user may change."""

    model = Member
    scope_action = "change"
    target_kwarg = "pk"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.target, "title": self.title}

    def redirect_after(self):
        return redirect(self.target.get_absolute_url())


class MemberStatusView(MemberActionView):
    form_class = MemberStatusForm
    template_name = "members/member_action.html"
    title = "变更党员状态（出党、停止党籍、去世等）"

    def perform(self, form):
        return services.do_change_member_status(
            self.target, acting_user=self.request.user, **form.cleaned_data
        )


class MemberTransferView(MemberActionView):
    form_class = MemberTransferForm
    template_name = "members/member_action.html"
    title = "组织关系转接"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.TransferMember(
            member=self.target, acting_user=self.request.user, **form.cleaned_data
        ).execute()

    def redirect_after(self):
        # After a transfer out of the user's scope the member's page is a 404 for them.
        if Member.objects.visible_to(self.request.user).filter(pk=self.target.pk).exists():
            return super().redirect_after()
        messages.success(self.request, f"{self.target.name}的组织关系已转出。")
        return redirect("members:member_list")


class PositionCreateView(MemberActionView):
    form_class = PositionForm
    template_name = "members/member_action.html"
    title = "任命职务"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_assign_position(
            member=self.target, acting_user=self.request.user, **form.cleaned_data
        )


class PositionEndView(ScopedViewMixin, View):
    """POST: end a post today (离任); the post stays in the member's record."""

    model = Member
    scope_action = "change"

    def post(self, request, pk, position_pk):
        member = get_object_or_404(self.get_queryset(), pk=pk)
        position = get_object_or_404(member.positions.filter(ended_on__isnull=True), pk=position_pk)
        try:
            services.do_end_position(position, ended_on=timezone.localdate(), acting_user=request.user)
            messages.success(request, f"已免去{position.organization}{position.get_title_display()}职务。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect(member.get_absolute_url())
