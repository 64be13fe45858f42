"""Reads of organizational life shared by the pages, the API, the ledger and the command."""

from datetime import date

from django.db.models import F, Prefetch

from dangjian.core.tree import subtree_q
from dangjian.members.models import Member, Position
from dangjian.organizations.choices import OrganizationKind

from .extensions import theme_for
from .models import Activity, Attendance, Rule


def members_of(organization):
    """Who may host or record an activity of `organization`: a 党小组's members, a committee's office
    holders, or the members of a branch (and of anything below it)."""
    members = Member.objects.active().order_by("name_pinyin")
    if organization.kind == OrganizationKind.PARTY_GROUP:
        return members.filter(party_group=organization)
    if organization.is_committee:
        posts = Position.objects.current().filter(organization=organization)
        return members.filter(pk__in=posts.values("member_id"))
    return members.filter(subtree_q(organization.path, "organization__path"))


def with_details(activities):
    """Activities with what a page or an export shows of them, in a fixed number of queries."""
    return activities.select_related("organization", "activity_type", "host", "recorder").prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("member")),
        "decisions",
        "spot_checks",
    )


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def ledger_activities(organization, year: int):
    """The 台账 of a year: every standing activity of the organization and the groups under it."""
    first, last = year_bounds(year)
    activities = Activity.objects.current().in_subtree(organization).filter(held_on__range=(first, last))
    return with_details(activities.order_by("held_on", F("start_time").asc(nulls_first=True), "id"))


def rules_for(organization, day: date) -> list[Rule]:
    """Rules in force on `day` that apply to `organization` (national and set above or at it)."""
    rules = Rule.objects.in_force(day).select_related("activity_type", "owner")
    return [rule for rule in rules if rule.applies_to(organization)]


def rules_owned_by(organization):
    """Local rules an organization set for its subtree."""
    return Rule.objects.filter(owner=organization).select_related("activity_type").order_by("-valid_from")


def theme_prefill(organization, activity_type, day: date) -> dict:
    """The theme (and its notice) a committee above published for this month's 主题党日, to prefill."""
    if organization is None or activity_type is None or activity_type.code != "theme_day":
        return {}
    notice = theme_for(organization, day)
    if notice is None:
        return {}
    source = f"{notice.organization.name}{notice.document_number or f'{day.month}月主题党日主题'}"
    return {"theme": notice.title, "notice": source[:200]}
