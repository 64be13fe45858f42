import django_filters
from django.utils import timezone

from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .models import Activity, ActivityType, Rule
from .querysets import rules_for


class ActivityFilterSet(django_filters.FilterSet):
    """Shared by the activity list page and the API."""

    organization = django_filters.NumberFilter(label="党组织（含下级）", method="filter_organization")
    activity_type = django_filters.ModelChoiceFilter(
        label="活动类型", queryset=ActivityType.objects.filter(is_active=True)
    )
    held_after = django_filters.DateFilter(label="开始日期", field_name="held_on", lookup_expr="gte")
    held_before = django_filters.DateFilter(label="结束日期", field_name="held_on", lookup_expr="lte")
    cancelled = django_filters.BooleanFilter(
        label="已作废", field_name="cancelled_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Activity
        fields = ["organization", "activity_type", "held_after", "held_before", "cancelled"]

    def filter_organization(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).first()
        return queryset.filter(subtree_q(org.path, "organization__path")) if org else queryset.none()


class RuleFilterSet(django_filters.FilterSet):
    """The API's rule list: `organization` keeps the rules in force today that apply to it."""

    organization = django_filters.NumberFilter(label="适用于党组织（ID）", method="filter_organization")
    activity_type = django_filters.CharFilter(label="活动类型标识", field_name="activity_type__code")

    class Meta:
        model = Rule
        fields = ["organization", "activity_type"]

    def filter_organization(self, queryset, name, value):
        org = Organization.objects.visible_to(self.request.user).filter(pk=value).first()
        if org is None:
            return queryset.none()
        return queryset.filter(pk__in=[rule.pk for rule in rules_for(org, timezone.localdate())])
