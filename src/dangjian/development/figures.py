"""发展党员 figures: the admissions of a period (step 17, 上级党委审批, as `statistics.admissions` counts
them, 35岁及以下 by the age at admission) and the pipeline standing at period.end, read back from the
steps' dates:

- 入党申请人: step 1 done by then, step 3 not yet; 入党积极分子: step 3, not 7; 发展对象: step 7, not 17;
- 预备党员 (of the files): step 17 done, not yet confirmed: confirmed by then means the file is 正式党员
  now and its last 上级党委审批（转正）(step 24) is dated on or before the day;
- a file closed (终止) on or before the day, or whose probation was cancelled by then, is out.

Counted by the organization holding the file (rules.md §8: 发展 is counted by the organization that
handled it), the whole subtree. Scope is the caller's (see core.figures).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.core.figures import register_figure

from . import statistics
from .models import DevelopmentFile, Step

BASIS = "按发展党员档案所在党组织统计，含下级全部党组织"
PIPELINE = {  # key: (label, step reached, next step not reached, 阶段)
    "applicants": ("入党申请人", 1, 3),
    "activists": ("入党积极分子", 3, 7),
    "candidates": ("发展对象", 7, 17),
}


def _done(no, on):
    return Exists(Step.objects.filter(file=OuterRef("pk"), no=no, date__lte=on))


def _open_on(organization, on):
    """Files of the subtree not closed and not cancelled by the day `on`."""
    files = DevelopmentFile.objects.in_subtree(organization)
    cancelled = Step.objects.filter(file=OuterRef("pk"), no=23, date__lte=on, fields__outcome="cancel")
    return files.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on)).exclude(Exists(cancelled))


def at_stage(organization, on, reached, not_reached):
    return _open_on(organization, on).filter(_done(reached, on)).exclude(_done(not_reached, on))


def probationary(organization, on):
    later_approval = Step.objects.filter(file=OuterRef("pk"), no=24, date__gt=on)
    confirmed = Q(stage="full") & _done(24, on) & ~Exists(later_approval)
    return _open_on(organization, on).filter(_done(17, on)).exclude(confirmed)


def _link(organization, period):
    """The list of open files (filtered to a branch; a committee's list shows its whole scope)."""
    query = "?" + urlencode({"organization": organization.pk}) if organization.is_branch else ""
    return reverse("development:file_list") + query


def _stats_link(organization, period):
    return reverse("development:statistics", args=[organization.pk]) + f"?year={period.end.year}"


def _register_stage(name, label, reached, not_reached):
    def records(organization, period):
        return at_stage(organization, period.end, reached, not_reached)

    register_figure(
        f"development.{name}",
        f"{label}人数",
        "名",
        records=records,
        description=f"期末处于{label}阶段的人数（按各步骤日期推算至期末，已终止的档案不计；{BASIS}）",
        link=_link,
        stock=True,
    )(lambda organization, period: records(organization, period).count())


for _name, (_label, _reached, _not_reached) in PIPELINE.items():
    _register_stage(_name, _label, _reached, _not_reached)


@register_figure(
    "development.probationary",
    "预备党员人数（发展档案）",
    "名",
    records=lambda org, period: probationary(org, period.end),
    description=f"期末已经上级党委审批接收、尚未批准转正的预备党员人数（发展党员档案中的；{BASIS}）",
    link=_link,
    stock=True,
)
def probationary_count(organization, period):
    return probationary(organization, period.end).count()


def admissions(organization, period):
    return statistics.admissions(organization, period.start, period.end)


def _admitted(key, label, description, narrow=None):
    def records(organization, period):
        found = admissions(organization, period)
        return found.filter(narrow) if narrow is not None else found

    register_figure(
        key,
        label,
        "名",
        records=records,
        description=f"{description}（上级党委审批接收为预备党员的日期在统计期内；{BASIS}）",
        link=_stats_link,
    )(lambda organization, period: records(organization, period).count())


_admitted("development.admitted", "发展党员数", "统计期内发展的党员人数")
_admitted("development.admitted.female", "发展女党员数", "统计期内发展的女党员人数", Q(sex="female"))
_admitted(
    "development.admitted.age_35_under",
    "发展35岁及以下党员数",
    "统计期内发展的党员中，接收时35岁及以下的人数",
    Q(age__lte=35),
)
_admitted(
    "development.admitted.college",
    "发展大专及以上学历党员数",
    "统计期内发展的党员中，大专及以上学历的人数",
    Q(education__in=statistics.COLLEGE),
)
