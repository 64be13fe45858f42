"""One FilterSet per listed model, shared by the target list page and the API."""

import django_filters

from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .choices import SourceKind, TargetStatus
from .models import Commitment, Evaluation, Indicator, Target


def _in_subtree(queryset, path_field: str, value):
    org = Organization.objects.filter(pk=value).first()
    return queryset.filter(subtree_q(org.path, path_field)) if org else queryset.none()


class TargetFilterSet(django_filters.FilterSet):
    year = django_filters.NumberFilter(label="年度")
    organization = django_filters.NumberFilter(label="责任党组织（含下级）", method="filter_organization")
    status = django_filters.ChoiceFilter(label="状态", choices=TargetStatus.choices)
    parent = django_filters.NumberFilter(label="上级目标", field_name="parent_id")
    top = django_filters.BooleanFilter(label="仅最上级目标", field_name="parent", lookup_expr="isnull")

    class Meta:
        model = Target
        fields = ["year", "organization", "status", "parent", "top"]

    def filter_organization(self, queryset, name, value):
        return _in_subtree(queryset, "organization__path", value)


class IndicatorFilterSet(django_filters.FilterSet):
    target = django_filters.NumberFilter(label="目标", field_name="target_id")
    year = django_filters.NumberFilter(label="年度", field_name="target__year")
    organization = django_filters.NumberFilter(label="责任党组织（含下级）", method="filter_organization")
    source_kind = django_filters.ChoiceFilter(label="数据来源", choices=SourceKind.choices)
    parent = django_filters.NumberFilter(label="上级指标", field_name="parent_id")

    class Meta:
        model = Indicator
        fields = ["target", "year", "organization", "source_kind", "parent"]

    def filter_organization(self, queryset, name, value):
        return _in_subtree(queryset, "target__organization__path", value)


class CommitmentFilterSet(django_filters.FilterSet):
    target = django_filters.NumberFilter(label="目标", field_name="target_id")
    year = django_filters.NumberFilter(label="年度", field_name="target__year")

    class Meta:
        model = Commitment
        fields = ["target", "year"]


class EvaluationFilterSet(django_filters.FilterSet):
    target = django_filters.NumberFilter(label="目标", field_name="target_id")
    year = django_filters.NumberFilter(label="年度", field_name="target__year")
    finalized = django_filters.BooleanFilter(label="已定稿")

    class Meta:
        model = Evaluation
        fields = ["target", "year", "finalized"]
