"""Organization pages: the tree browser, one organization, and its create/edit/move forms."""

from django.core.exceptions import PermissionDenied
from django.views.generic import DetailView, FormView, ListView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.audit.models import AuditEvent
from dangjian.core.registry import organization_warnings
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin, clean_query

from . import services
from .counting import counts_for
from .filtersets import OrganizationFilterSet
from .forms import OrganizationForm, OrganizationMoveForm
from .models import Organization

TERM_REMINDER_TEXT = {
    "expired": "本届委员会任期已届满，应按期换届。",
    "3_months": "本届委员会任期将在3个月内届满，请做好换届准备。",
    "6_months": "本届委员会任期将在6个月内届满，请提前谋划换届工作。",
}


def tree_rows(organizations, user):
    """(organization, counts) rows for a list of organizations."""
    organizations = list(organizations)
    counts = counts_for(organizations) if organizations else {}
    return [(org, counts.get(org.path, {})) for org in organizations]


class OrganizationTreeView(ScopedViewMixin, TemplateView):
    """The tree from the user's highest organizations; children load on demand (htmx)."""

    model = Organization
    template_name = "organizations/organization_tree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = tree_rows(Organization.objects.grant_roots(self.request.user), self.request.user)
        return context


class OrganizationChildrenView(ScopedViewMixin, DetailView):
    """htmx fragment: the direct children of one organization with their counts."""

    model = Organization
    template_name = "organizations/_tree_children.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        children = Organization.objects.children_of(self.object).visible_to(self.request.user)
        context["rows"] = tree_rows(children, self.request.user)
        context["level"] = int(self.request.GET.get("level", 1))
        return context


class OrganizationListView(ScopedViewMixin, ListView):
    model = Organization
    template_name = "organizations/organization_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = OrganizationFilterSet(clean_query(self.request.GET), queryset=super().get_queryset())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filterset"] = self.filterset
        return context


class OrganizationDetailView(ScopedViewMixin, DetailView):
    model = Organization
    template_name = "organizations/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org = self.object
        user = self.request.user
        scope = get_scope(user)
        children = Organization.objects.children_of(org).visible_to(user)
        context.update(
            ancestors=[a for a in Organization.objects.ancestors_of(org) if scope.covers(a.path)],
            children_rows=tree_rows(children, user),
            counts=counts_for([org]).get(org.path, {}),
            positions=org.positions.current().in_display_order().select_related("member"),
            warnings=[message for check in organization_warnings for message in check(org)],
            term_reminder=TERM_REMINDER_TEXT.get(org.term_reminder()),
            moves=org.moves.select_related("old_parent", "new_parent", "moved_by"),
            history=AuditEvent.objects.for_object(org)[:50],
            can_change=scope.covers(org.path, "change"),
            can_manage_tree=scope.covers(org.path, "manage_tree"),
        )
        return context


class OrganizationCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    """Add a child organization under the one in the URL."""

    model = Organization
    scope_action = "change"
    form_class = OrganizationForm
    template_name = "organizations/organization_form.html"
    target_kwarg = "parent_pk"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "parent": self.target}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "parent": self.target,
            "title": f"在{self.target}下新增组织",
        }

    def perform(self, form):
        return services.do_create_organization(
            parent=self.target, acting_user=self.request.user, **form.cleaned_data
        )


class OrganizationEditView(ServiceFormMixin, ScopedViewMixin, FormView):
    model = Organization
    scope_action = "change"
    form_class = OrganizationForm
    template_name = "organizations/organization_form.html"
    target_kwarg = "pk"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.target,
            "parent": Organization.objects.parent_of(self.target),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "object": self.target, "title": f"编辑{self.target}"}

    def perform(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.do_update_organization(self.target, acting_user=self.request.user, **fields)


class OrganizationMoveView(ServiceFormMixin, ScopedViewMixin, FormView):
    """隶属关系调整."""

    model = Organization
    scope_action = "manage_tree"
    target_kwarg = "pk"
    form_class = OrganizationMoveForm
    template_name = "organizations/organization_move.html"

    def get_form(self, form_class=None):
        if self.target.depth == 1:
            raise PermissionDenied("顶级组织不能调整隶属关系。")
        return super().get_form(form_class)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "organization": self.target}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "object": self.target}

    def perform(self, form):
        services.MoveOrganization(
            organization=self.target, acting_user=self.request.user, **form.cleaned_data
        ).execute()
        return self.target
