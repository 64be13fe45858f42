"""Figures of organizational life (三会一课, 主题党日 …) held in a period in a subtree.

An activity counts as `Activity.objects.counted()` says, the same as for the compliance rules and the
targets' 主题党日 source: not cancelled (作废), and not failed by its latest spot check. It is counted by
the organization that held it (a 党小组's meeting under its branch). The compliance rate is the
compliance engine's (`compliance.compute`), never recounted here. Scope is the caller's (see
core.figures).
"""

from django.db.models import Sum
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.core.figures import rate, register_figure

from . import compliance
from .models import Activity, ActivityType

# The activity types seeded by migration 0002 (code: name); a type added later has no figure of its own
# but counts in activities.count.
TYPES = {
    "general_meeting": "支部党员大会",
    "committee_meeting": "支部委员会",
    "group_meeting": "党小组会",
    "party_lesson": "党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
    "member_review": "民主评议党员",
    "leadership_life_meeting": "民主生活会",
    "central_group_study": "党委（党组）理论学习中心组学习",
    "heart_talk": "谈心谈话",
    "study_session": "集中学习",
}
THREE_MEETINGS_ONE_LESSON = ("general_meeting", "committee_meeting", "group_meeting", "party_lesson")
COUNTED = "不含已作废和抽查不合格的活动"
BASIS = "按开展活动的党组织统计，含下级全部党组织"


def held(organization, period, codes=None):
    """Counted activities held in the period in the subtree, of the types `codes` (None: every type)."""
    activities = Activity.objects.counted().in_subtree(organization)
    activities = activities.filter(held_on__range=(period.start, period.end))
    return activities.filter(activity_type__code__in=codes) if codes else activities


def _list_link(codes=None):
    def link(organization, period):
        query = {
            "organization": organization.pk,
            "held_after": period.start.isoformat(),
            "held_before": period.end.isoformat(),
        }
        if codes and len(codes) == 1:
            type_id = ActivityType.objects.filter(code=codes[0]).values_list("pk", flat=True).first()
            query["activity_type"] = type_id or ""
        return reverse("activities:activity_list") + "?" + urlencode(query)

    return link


def _register_count(key, label, what, codes=None):
    def records(organization, period):
        return held(organization, period, codes)

    def compute(organization, period):
        return records(organization, period).count()

    register_figure(
        key,
        label,
        "次",
        records=records,
        description=f"统计期内开展的{what}次数（{COUNTED}；{BASIS}）",
        link=_list_link(codes),
    )(compute)


_register_count("activities.count", "组织生活开展次数", "各类组织生活（三会一课、主题党日等全部类型）")
_register_count(
    "activities.three_meetings_one_lesson.count",
    "三会一课开展次数",
    "三会一课（支部党员大会、支部委员会、党小组会和党课）",
    THREE_MEETINGS_ONE_LESSON,
)
for _code, _name in TYPES.items():
    _register_count(f"activities.{_code}.count", f"{_name}开展次数", _name, (_code,))


@register_figure(
    "activities.attendance.person_times",
    "参加组织生活人次",
    "人次",
    records=held,
    description=(
        f"统计期内各类组织生活的实到人数之和（一人参加一次计1人次，实到人数由出席登记生成；{COUNTED}；{BASIS}）"
    ),
    link=_list_link(),
    measure="sum",
    sum_of="present_count",
)
def attendance_person_times(organization, period):
    # The stored 实到 of each activity (kept from its attendance rows by every attendance service):
    # one row per activity instead of one per person (measured on the county: 0.3 s against 1.4 s).
    return held(organization, period).aggregate(total=Sum("present_count"))["total"] or 0


def _compliance_link(organization, period):
    return reverse("activities:compliance_matrix", args=[organization.pk]) + f"?year={period.end.year}"


@register_figure(
    "activities.compliance_rate",
    "组织生活制度落实率",
    "%",
    description=(
        "组织生活制度落实情况（合规检查）中统计期内已结束周期的达标数÷（达标数＋未达标数），"
        "含下级全部组织；进行中和不适用的周期不计。由合规检查引擎计算，逐项见落实情况表。"
    ),
    link=_compliance_link,
    measure="rate",
)
def compliance_rate(organization, period):
    totals = compliance.compute(organization, period.start, period.end).totals()
    return rate(totals["met"], totals["met"] + totals["missed"])
