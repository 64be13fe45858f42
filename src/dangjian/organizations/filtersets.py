import django_filters
from django.db.models import Q

from dangjian.core.tree import subtree_q

from .choices import OrganizationKind, OrganizationStatus, UnitCategory
from .models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    """Shared by the organization list page and the API."""

    q = django_filters.CharFilter(label="名称或编码", method="filter_q")
    within = django_filters.CharFilter(label="所属上级组织编码（含下级）", method="filter_within")
    kind = django_filters.MultipleChoiceFilter(label="组织类别", choices=OrganizationKind.choices)
    unit_category = django_filters.MultipleChoiceFilter(label="单位类别", choices=UnitCategory.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=OrganizationStatus.choices)
    parent = django_filters.NumberFilter(label="上级组织ID（仅直接下级）", method="filter_parent")

    class Meta:
        model = Organization
        fields = ["q", "within", "kind", "unit_category", "status", "parent"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value))

    def filter_within(self, queryset, name, value):
        org = Organization.objects.filter(code=value).first()
        return queryset.filter(subtree_q(org.path)) if org else queryset.none()

    def filter_parent(self, queryset, name, value):
        parent = Organization.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(depth=parent.depth + 1).filter(subtree_q(parent.path))
