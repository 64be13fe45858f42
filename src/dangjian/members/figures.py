"""Figures of the roster (党员): who was on it at the end of a period, and who came and went in it.

Basis (rules.md §8): a member counts where their 组织关系 was (按组织关系所在党组织). The roster stores the
present, so the past is read back from the dated records, as `activities.services.roster_on` does:
- on the roster on a day: joined by then (入党日期), and either 正式/预备 now or left after that day
  (出党、去世、停止党籍、转出 dated later);
- where: a member with a 组织关系转接 after that day was then in the first such transfer's
  `from_organization`; anyone else where they are now. Both are set conditions (no per-row subquery on
  the roster): the members who moved after the day are one `IN` list, and where each of them was is
  read from the transfers alone. When no transfer since the day touches the subtree (one small query),
  the subtree's present members are those of that day.
- 正式党员 on a day: 转正日期 on or before it; 预备党员: the rest of the roster.
Scope is the caller's (see core.figures).
"""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.core.dates import years_before
from dangjian.core.figures import register_figure
from dangjian.core.tree import subtree_q

from .choices import ACTIVE_STATUSES, HAN, LEAVING_STATUSES, Education, MemberStatus, Sex
from .models import Member, Transfer

COLLEGE = (Education.POSTGRADUATE, Education.BACHELOR, Education.COLLEGE)  # 大专及以上
YOUTH_AGE = 35  # 35岁及以下
# 党员减少 other than by transfer: 出党, 去世, 停止党籍 (a 转出 is a transfer, counted apart).
LEFT_STATUSES = (MemberStatus.LEFT, MemberStatus.DECEASED, MemberStatus.SUSPENDED)
BASIS = "按组织关系所在党组织统计，含下级全部党组织"


def _first_transfers_after(on):
    """Each member's first 组织关系转接 dated after `on` (one row per member who moved since)."""
    after = Transfer.objects.filter(transferred_on__gt=on)
    earlier = after.filter(member=OuterRef("member")).filter(
        Q(transferred_on__lt=OuterRef("transferred_on"))
        | Q(transferred_on=OuterRef("transferred_on"), pk__lt=OuterRef("pk"))
    )
    return after.exclude(Exists(earlier))


def placed_in(organization, on):
    """Members (any status) whose 组织关系 was in `organization`'s subtree on the day `on`."""
    subtree = Member.objects.filter(subtree_q(organization.path, "organization__path"))
    touching = Transfer.objects.filter(transferred_on__gt=on).filter(
        subtree_q(organization.path, "from_organization__path")
        | subtree_q(organization.path, "to_organization__path")
    )
    if not touching.exists():
        # No transfer into or out of the subtree since the day: it held then whom it holds now, and the
        # plain indexed range serves (most subtrees, most days). Measured on the county database under
        # load: a branch's members.total 40–120 ms this way, 190–280 ms through the general form.
        return subtree
    moved_since = Transfer.objects.filter(transferred_on__gt=on).values("member_id")
    was_here = _first_transfers_after(on).filter(subtree_q(organization.path, "from_organization__path"))
    stayed = Q(subtree_q(organization.path, "organization__path")) & ~Q(pk__in=moved_since)
    return Member.objects.filter(stayed | Q(pk__in=was_here.values("member_id")))


def on_roster_q(on) -> Q:
    """正式 or 预备 on the day `on` (joined by then, not yet left)."""
    still = Q(status__in=ACTIVE_STATUSES) | Q(status__in=LEAVING_STATUSES, status_changed_on__gt=on)
    return Q(joined_on__lte=on) & still


def roster(organization, on):
    """The members on the roster of `organization`'s subtree on the day `on`."""
    return placed_in(organization, on).filter(on_roster_q(on))


def _list_link(**filters):
    def link(organization, period):
        return reverse("members:member_list") + "?" + urlencode({"organization": organization.pk, **filters})

    return link


def _stock(key, label, description, narrow=None, link_filters=None):
    """Register a roster figure read on period.end; `narrow(period)` -> Q narrows the roster."""

    def records(organization, period):
        members = roster(organization, period.end)
        return members.filter(narrow(period)) if narrow else members

    def compute(organization, period):
        return records(organization, period).count()

    register_figure(
        key,
        label,
        "名",
        records=records,
        description=f"{description}（截止期末，{BASIS}）",
        link=_list_link(**(link_filters or {})),
        stock=True,
    )(compute)


def _flow(key, label, description, during, link_filters=None):
    """Register a figure of members placed in the subtree at period.end with `during(period)` -> Q."""

    def records(organization, period):
        return placed_in(organization, period.end).filter(during(period))

    def compute(organization, period):
        return records(organization, period).count()

    register_figure(
        key,
        label,
        "名",
        records=records,
        description=f"{description}（统计期内，{BASIS}）",
        link=_list_link(**(link_filters or {})),
    )(compute)


def _full(period) -> Q:
    return Q(confirmed_on__lte=period.end)


def _youth(period) -> Q:
    # Age ≤ 35 on period.end ⇔ the 36th birthday falls after it.
    return Q(birth_date__gt=years_before(period.end, YOUTH_AGE + 1))


_stock("members.total", "党员总数", "期末在册的正式党员和预备党员")
_stock("members.full", "正式党员数", "期末在册且转正日期不晚于期末的正式党员", _full)
_stock("members.probationary", "预备党员数", "期末在册、期末尚未转正的预备党员", lambda p: ~_full(p))
_stock(
    "members.female", "女党员数", "期末在册党员中的女党员", lambda p: Q(sex=Sex.FEMALE), {"sex": Sex.FEMALE}
)
_stock("members.minority", "少数民族党员数", "期末在册党员中民族不是汉族的党员", lambda p: ~Q(ethnicity=HAN))
_stock("members.age_35_under", "35岁及以下党员数", "期末在册党员中期末年龄不满36周岁的党员", _youth)
_stock(
    "members.college",
    "大专及以上学历党员数",
    "期末在册党员中学历为大学专科、大学本科或研究生的党员",
    lambda p: Q(education__in=COLLEGE),
)
_flow(
    "members.admitted",
    "新入党党员数",
    "入党日期（接收为预备党员之日）在统计期内的党员",
    lambda p: Q(joined_on__range=(p.start, p.end)),
)
_flow(
    "members.confirmed",
    "预备党员转正数",
    "转正日期在统计期内的党员",
    lambda p: Q(confirmed_on__range=(p.start, p.end)),
)
_flow(
    "members.left",
    "党员减少数（出党、去世、停止党籍）",
    "统计期内出党、去世或停止党籍的党员（组织关系转出另计）",
    lambda p: Q(status__in=LEFT_STATUSES, status_changed_on__range=(p.start, p.end)),
)
_flow(
    "members.deceased",
    "去世党员数",
    "统计期内去世的党员",
    lambda p: Q(status=MemberStatus.DECEASED, status_changed_on__range=(p.start, p.end)),
    {"status": MemberStatus.DECEASED},
)


# 组织关系转接 across the subtree's border -----------------------------------------------------------


def _transfers(organization, period):
    return Transfer.objects.filter(transferred_on__range=(period.start, period.end))


def transfers_in(organization, period):
    """Transfers in the period into the subtree from outside it (or from outside the system)."""
    inside_to = subtree_q(organization.path, "to_organization__path")
    inside_from = subtree_q(organization.path, "from_organization__path")
    return _transfers(organization, period).filter(inside_to).exclude(inside_from)


def transfers_out(organization, period):
    """Transfers in the period out of the subtree (to another organization or out of the system)."""
    inside_to = subtree_q(organization.path, "to_organization__path")
    inside_from = subtree_q(organization.path, "from_organization__path")
    return _transfers(organization, period).filter(inside_from).exclude(inside_to)


@register_figure(
    "members.transferred_in",
    "组织关系转入人次",
    "人次",
    records=transfers_in,
    description="统计期内从本组织（含下级）以外转入的组织关系转接次数（内部调整不计）",
)
def members_transferred_in(organization, period):
    return transfers_in(organization, period).count()


@register_figure(
    "members.transferred_out",
    "组织关系转出人次",
    "人次",
    records=transfers_out,
    description="统计期内转往本组织（含下级）以外的组织关系转接次数（含转出系统外，内部调整不计）",
)
def members_transferred_out(organization, period):
    return transfers_out(organization, period).count()
