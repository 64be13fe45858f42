from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django_filters.views import FilterView

from dangjian.accounts.scope import get_scope, paths_q
from dangjian.core.views import FilterFormMixin

from .filtersets import AuditEventFilterSet
from .models import AuditEvent


class AuditEventListView(LoginRequiredMixin, FilterFormMixin, FilterView):
    """The searchable audit log, for system administrators, limited to their subtree's records."""

    model = AuditEvent
    filterset_class = AuditEventFilterSet
    template_name = "audit/auditevent_list.html"
    paginate_by = 100

    def get_queryset(self):
        scope = get_scope(self.request.user)
        if not scope.allows("audit"):
            raise PermissionDenied
        granted = scope.paths["audit"]
        # Security events (no organization) are visible to an administrator of a whole tree only.
        whole_tree = any(len(path) == 4 and descendants for path, descendants in granted)
        condition = paths_q(granted, "organization_path")
        if whole_tree:
            condition |= Q(organization_path="")
        return AuditEvent.objects.filter(condition).select_related("user")
