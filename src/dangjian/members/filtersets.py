import django_filters
from django.utils import timezone

from dangjian.core.dates import years_before
from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .choices import AGE_BANDS, MemberCategory, MemberStatus, Sex
from .models import Member

AGE_BAND_CHOICES = [(str(index), label) for index, (label, _, _) in enumerate(AGE_BANDS)]


class MemberFilterSet(django_filters.FilterSet):
    """Shared by the roster page, its export and the API."""

    q = django_filters.CharFilter(
        label="搜索", method="filter_q", help_text="姓名、拼音首字母、身份证号或手机号"
    )
    organization = django_filters.NumberFilter(label="党组织（含下级）", method="filter_organization")
    status = django_filters.MultipleChoiceFilter(label="党员状态", choices=MemberStatus.choices)
    category = django_filters.MultipleChoiceFilter(label="人员类别", choices=MemberCategory.choices)
    sex = django_filters.ChoiceFilter(label="性别", choices=Sex.choices)
    age_band = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BAND_CHOICES, method="filter_age_band")
    is_mobile = django_filters.BooleanFilter(label="流动党员")
    is_unreachable = django_filters.BooleanFilter(label="失联党员")
    ordering = django_filters.OrderingFilter(
        label="排序",
        fields=(
            ("name_pinyin", "name"),
            ("birth_date", "birth_date"),
            ("joined_on", "joined_on"),
            ("organization__path", "organization"),
        ),
        field_labels={
            "name_pinyin": "姓名",
            "birth_date": "出生日期",
            "joined_on": "入党日期",
            "organization__path": "所在组织",
        },
    )

    class Meta:
        model = Member
        fields = ["q", "organization", "status", "category", "sex", "age_band", "is_mobile", "is_unreachable"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_organization(self, queryset, name, value):
        org = Organization.objects.filter(pk=value).first()
        return queryset.filter(subtree_q(org.path, "organization__path")) if org else queryset.none()

    def filter_age_band(self, queryset, name, value):
        _, low, high = AGE_BANDS[int(value)]
        today = timezone.localdate()
        # Age in [low, high] ⇔ born after (today − high − 1 years) and on/before (today − low).
        return queryset.filter(
            birth_date__gt=years_before(today, high + 1), birth_date__lte=years_before(today, low)
        )
