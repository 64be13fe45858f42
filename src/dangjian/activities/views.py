"""Organizational life pages: record an activity and its attendance, cancel it, print the sign-in
sheet before a meeting, local rules, and spot checks. Compliance and the ledger: views_compliance.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from dangjian.accounts.scope import get_scope
from dangjian.audit.models import AuditEvent
from dangjian.core.views import FilterFormMixin, ScopedViewMixin, ServiceFormMixin
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from . import services
from .choices import AttachmentKind
from .filtersets import ActivityFilterSet
from .forms import (
    ActivityForm,
    AttendanceForm,
    CancelForm,
    RuleForm,
    SampleForm,
    SheetForm,
    SpotCheckForm,
    VoteFormSet,
)
from .member_view import seen_as_member
from .models import Activity, ActivityType
from .querysets import rules_for, rules_owned_by, with_details
from .tables import ActivityTable
from .views_attachments import attachment_context
from .views_checkin import on_check_in_days
from .views_mine import member_activity_page

# How many organizations the list page offers in its filter (deeper ones: from an organization's page).
FILTER_ORGANIZATIONS = 300


class GrantRequiredMixin:
    """403 for a user who holds `scope_action` nowhere. A 党员 sees their own branch's page, but the
    pages of organizational life need a role; a target outside the grants stays a 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).allows(self.scope_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OrganizationPageMixin(GrantRequiredMixin, ScopedViewMixin):
    """A page about the organization in the URL (`self.target`)."""

    model = Organization
    target_kwarg = "pk"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "organization": self.target, "nav": "activities"}


class ActivityListView(ScopedViewMixin, FilterFormMixin, SingleTableMixin, FilterView):
    """组织生活: filter by type, date range and organization subtree."""

    model = Activity
    table_class = ActivityTable
    filterset_class = ActivityFilterSet
    template_name = "activities/activity_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "activity_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scope = get_scope(user)
        orgs = Organization.objects.visible_to(user).exclude(kind=OrganizationKind.PARTY_GROUP)
        context.update(
            nav="activities",
            can_change=scope.allows("change"),
            organizations=orgs.only("pk", "name", "depth")[:FILTER_ORGANIZATIONS],
            activity_types=ActivityType.objects.filter(is_active=True),
            sheet_organization=Organization.objects.grant_roots(user, "change").first(),
        )
        return context


class ActivityDetailView(ScopedViewMixin, DetailView):
    model = Activity
    template_name = "activities/activity_detail.html"

    def get_queryset(self):
        return with_details(super().get_queryset())

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if seen_as_member(get_scope(request.user), self.object):
            return member_activity_page(request, self.object)  # a 党员's read-only view (views_mine.py)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        scope = get_scope(self.request.user)
        can_change = scope.covers(activity.organization.path, "change") and not activity.is_cancelled
        context.update(
            nav="activities",
            can_change=can_change,
            can_open_check_in=can_change and on_check_in_days(activity),
            can_spot_check=services.checks_from_above(self.request.user, activity.organization),
            history=AuditEvent.objects.for_object(activity)[:50],
            spot_check_form=SpotCheckForm(),
            **attachment_context(activity, self.request.user),
        )
        return context


class ActivityCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    """Record an activity (then its attendance, on the next screen)."""

    model = Activity
    scope_action = "change"
    form_class = ActivityForm
    template_name = "activities/activity_form.html"
    votes = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        # The htmx reload after a change of organization or type carries what was typed so far.
        initial = {"held_on": timezone.localdate()}
        fields = ActivityForm.base_fields
        initial.update({name: value for name, value in self.request.GET.items() if name in fields and value})
        if "organization" not in initial:
            initial["organization"] = Organization.objects.grant_roots(self.request.user, "change").first()
        return initial

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.votes = VoteFormSet(request.POST, prefix="vote")
        if form.is_valid() and self.votes.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        votes = self.votes if self.votes is not None else VoteFormSet(prefix="vote")
        return {**super().get_context_data(**kwargs), "votes": votes, "nav": "activities"}

    def perform(self, form):
        voted = [vote.decision() for vote in self.votes.forms if vote.decision()]
        return services.do_record_activity(
            acting_user=self.request.user, decisions=form.decision_lines() + voted, **form.service_fields()
        )

    def redirect_after(self):
        for decision in self.object.decisions.all():
            for problem in decision.vote_problems():
                messages.warning(self.request, f"决议“{decision.text[:30]}”：{problem}")
        messages.success(self.request, "活动已登记。应到人员默认全部出席，请标记缺席人员及事由。")
        return redirect("activities:activity_attendance", pk=self.object.pk)


class ActivityActionMixin(ServiceFormMixin, ScopedViewMixin):
    """A form about one standing activity the user may change."""

    model = Activity
    scope_action = "change"
    target_kwarg = "pk"

    def get(self, request, *args, **kwargs):
        if self.target.is_cancelled:
            messages.error(request, "该活动记录已作废，不能修改。")
            return redirect(self.target.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.target, "nav": "activities"}


class AttendanceView(ActivityActionMixin, FormView):
    """出席情况: one screen, everyone present by default; a reason marks a member absent."""

    form_class = AttendanceForm
    template_name = "activities/activity_attendance.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.target}

    @transaction.atomic  # the attendance and the scanned sheets: both saved, or neither
    def perform(self, form):
        activity = services.do_update_attendance(
            self.target, absent=form.absent(), add_member_ids=form.added(), acting_user=self.request.user
        )
        if form.cleaned_data["files"]:
            services.do_add_attachments(
                activity,
                form.cleaned_data["files"],
                kind=AttachmentKind.SIGN_IN_SHEET,
                acting_user=self.request.user,
            )
        return activity

    def redirect_after(self):
        a = self.object
        messages.success(self.request, f"出席情况已保存：应到{a.expected_count}人，实到{a.present_count}人。")
        return redirect(a.get_absolute_url())


class ActivityCancelView(ActivityActionMixin, FormView):
    """作废: the record stays with its reason and stops counting."""

    form_class = CancelForm
    template_name = "activities/activity_cancel.html"

    def perform(self, form):
        return services.do_cancel_activity(
            self.target, reason=form.cleaned_data["reason"], acting_user=self.request.user
        )

    def redirect_after(self):
        messages.success(self.request, "活动记录已作废，不再计入制度落实情况。")
        return redirect(self.object.get_absolute_url())


class SignInSheetView(OrganizationPageMixin, TemplateView):
    """Before a meeting: the 签到表 of the expected attendees and a blank minutes template, to print."""

    scope_action = "change"
    template_name = "activities/sign_in_sheet.html"
    blank_rows = 5  # for 列席 and late additions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SheetForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        activity_type = data.get("activity_type") or self._default_type()
        held_on = data.get("held_on") or timezone.localdate()
        expected = list(
            services.expected_members(self.target, activity_type, held_on).order_by("name_pinyin")
        )
        context.update(
            form=SheetForm(initial={"activity_type": activity_type, "held_on": held_on}),
            activity_type=activity_type,
            held_on=held_on,
            expected=expected,
            blank=range(len(expected) + 1, len(expected) + 1 + self.blank_rows),
        )
        return context

    def _default_type(self):
        code = "group_meeting" if self.target.kind == OrganizationKind.PARTY_GROUP else "general_meeting"
        return ActivityType.objects.filter(code=code).first() or ActivityType.objects.first()


class RuleListView(OrganizationPageMixin, TemplateView):
    """制度 in force for an organization (national and local, with their sources) and those it set."""

    template_name = "activities/rule_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.target
        context.update(
            rules=rules_for(org, timezone.localdate()),
            own_rules=rules_owned_by(org),
            can_add=get_scope(self.request.user).covers(org.path, "manage_tree"),
        )
        return context


class RuleCreateView(ServiceFormMixin, OrganizationPageMixin, FormView):
    """A local rule for the organization's subtree; the service refuses one looser than above."""

    scope_action = "manage_tree"
    form_class = RuleForm
    template_name = "activities/rule_form.html"

    def get_initial(self):
        return {"valid_from": timezone.localdate()}

    def perform(self, form):
        return services.do_create_rule(
            acting_user=self.request.user, owner=self.target, **form.service_fields()
        )

    def redirect_after(self):
        messages.success(self.request, f"已制定“{self.object.name}”，适用于{self.target.name}及其下级组织。")
        return redirect("activities:rule_list", pk=self.target.pk)


class SpotCheckDrawView(OrganizationPageMixin, TemplateView):
    """包片领导随机抽查: draw a reproducible sample (the seed is shown and stored with each check)."""

    scope_action = "manage_tree"
    template_name = "activities/spotcheck_draw.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = SampleForm(self.request.GET or None, user=user, organization=self.target)
        sample = []
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            scope = get_scope(user)
            drawn = services.draw_sample(
                data["organization"],
                first=data["first"],
                last=data["last"],
                seed=data["seed"],
                **form.sample_size(),
            )
            ids = [a.pk for a in drawn if scope.covers(a.organization.path, "manage_tree")]
            by_id = with_details(Activity.objects.filter(pk__in=ids)).in_bulk()
            sample = [by_id[pk] for pk in ids]
        context.update(
            form=form, sample=sample, check_form=SpotCheckForm(), next=self.request.get_full_path()
        )
        return context


class SpotCheckCreateView(ScopedViewMixin, View):
    """POST: 合格/不合格 with a comment for one activity of the sample."""

    model = Activity
    scope_action = "manage_tree"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = SpotCheckForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择抽查结论。")
        else:
            try:
                services.do_record_spot_check(self.target, acting_user=request.user, **form.cleaned_data)
                messages.success(request, f"已记录抽查结论：{self.target}。")
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect(self.target.get_absolute_url())
