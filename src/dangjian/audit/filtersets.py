import django_filters

from .choices import AuditAction
from .models import AuditEvent


class AuditEventFilterSet(django_filters.FilterSet):
    username = django_filters.CharFilter(label="账号", lookup_expr="exact")
    action = django_filters.MultipleChoiceFilter(label="事件类型", choices=AuditAction.choices)
    object_repr = django_filters.CharFilter(label="对象", lookup_expr="contains")
    ip_address = django_filters.CharFilter(label="IP地址")
    since = django_filters.DateFilter(label="起始日期", field_name="timestamp", lookup_expr="date__gte")
    until = django_filters.DateFilter(label="截止日期", field_name="timestamp", lookup_expr="date__lte")
    success = django_filters.BooleanFilter(label="是否成功")

    class Meta:
        model = AuditEvent
        fields = ["username", "action", "object_repr", "ip_address", "since", "until", "success"]
