"""FilterSets shared by the pages and the API (status includes the derived 逾期)."""

import django_filters
from django.utils import timezone

from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .choices import TaskKind, TaskStatus
from .models import Assignment, Task
from .querysets import overdue_q

STATUS_CHOICES = [*TaskStatus.choices, ("overdue", "逾期"), ("open", "未办结")]


def in_subtree(queryset, organization_id, path_field="organization__path"):
    org = Organization.objects.filter(pk=organization_id).first()
    return queryset.filter(subtree_q(org.path, path_field)) if org else queryset.none()


class AssignmentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, method="filter_status")
    task = django_filters.NumberFilter(label="交办任务", field_name="task_id")
    organization = django_filters.NumberFilter(label="承办单位（含下级）", method="filter_organization")
    kind = django_filters.ChoiceFilter(label="类别", choices=TaskKind.choices, field_name="task__kind")

    class Meta:
        model = Assignment
        fields = ["status", "task", "organization", "kind"]

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(overdue_q(timezone.localdate()))
        if value == "open":
            return queryset.open()
        return queryset.filter(status=value)

    def filter_organization(self, queryset, name, value):
        return in_subtree(queryset, value)


class TaskFilterSet(django_filters.FilterSet):
    organization = django_filters.NumberFilter(label="交办单位（含下级）", method="filter_organization")
    kind = django_filters.ChoiceFilter(label="类别", choices=TaskKind.choices)
    key_task_list = django_filters.NumberFilter(label="重点任务清单", field_name="key_task_list_id")
    cancelled = django_filters.BooleanFilter(
        label="已撤销", field_name="cancelled_on", lookup_expr="isnull", exclude=True
    )
    issued_after = django_filters.DateFilter(label="交办日期起", field_name="issued_on", lookup_expr="gte")
    issued_before = django_filters.DateFilter(label="交办日期止", field_name="issued_on", lookup_expr="lte")

    class Meta:
        model = Task
        fields = ["organization", "kind", "key_task_list", "cancelled", "issued_after", "issued_before"]

    def filter_organization(self, queryset, name, value):
        return in_subtree(queryset, value)
