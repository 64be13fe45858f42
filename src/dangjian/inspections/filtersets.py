"""Filters shared by the pages and the API (the rows are scoped before they are filtered)."""

import django_filters

from .choices import FindingStatus, PlanStatus, Severity, UnitInspectionStatus
from .models import Finding, InspectionPlan, Sample, UnitInspection


class PlanFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=PlanStatus.choices)
    year = django_filters.NumberFilter(label="年度", field_name="starts_on", lookup_expr="year")

    class Meta:
        model = InspectionPlan
        fields = ["status", "year"]


class UnitInspectionFilterSet(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label="督导检查", field_name="plan_id")
    status = django_filters.ChoiceFilter(label="状态", choices=UnitInspectionStatus.choices)

    class Meta:
        model = UnitInspection
        fields = ["plan", "status"]


class SampleFilterSet(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label="督导检查", field_name="plan_id")

    class Meta:
        model = Sample
        fields = ["plan"]


class FindingFilterSet(django_filters.FilterSet):
    plan = django_filters.NumberFilter(label="督导检查", field_name="unit_inspection__plan_id")
    unit = django_filters.NumberFilter(label="被检查单位", field_name="unit_inspection__unit_id")
    severity = django_filters.ChoiceFilter(label="问题程度", choices=Severity.choices)
    status = django_filters.ChoiceFilter(label="状态", choices=FindingStatus.choices)

    class Meta:
        model = Finding
        fields = ["plan", "unit", "severity", "status"]
