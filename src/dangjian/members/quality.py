"""Data-quality checks (体检) on the roster, registered into core.registry."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from dangjian.core.dates import years_before
from dangjian.core.registry import QualityIssue, quality_checks, register_quality_check
from dangjian.core.validators import id_number_birth_date, id_number_sex, validate_id_number
from dangjian.organizations.models import Organization

from .choices import MemberStatus, PositionTitle
from .models import Member, Position


def _issue(code, obj, message):
    url = (
        reverse("members:member_edit", args=[obj.pk])
        if isinstance(obj, Member)
        else reverse("organizations:organization_edit", args=[obj.pk])
    )
    return QualityIssue(quality_checks[code], obj, message, url)


def _members(organization):
    return Member.objects.in_subtree(organization).active().select_related("organization")


@register_quality_check(
    "id_mismatch",
    "出生日期或性别与身份证号不一致",
    "身份证号第7-14位为出生日期，第17位奇数为男、偶数为女（GB 11643）",
)
def id_mismatch(organization):
    for member in _members(organization).only("id", "name", "id_number", "birth_date", "sex", "organization"):
        try:
            validate_id_number(member.id_number)
        except ValidationError as error:  # legacy data or a direct database write
            yield _issue("id_mismatch", member, f"{member.name}：身份证号无效（{error.messages[0]}）")
            continue
        if id_number_birth_date(member.id_number) != member.birth_date:
            yield _issue("id_mismatch", member, f"{member.name}：出生日期与身份证号不一致")
        elif id_number_sex(member.id_number) != member.sex:
            yield _issue("id_mismatch", member, f"{member.name}：性别与身份证号不一致")


@register_quality_check(
    "confirmed_before_joined", "转正日期不晚于入党日期", "转正日期应在入党日期之后（预备期一年）"
)
def confirmed_before_joined(organization):
    for member in _members(organization).filter(confirmed_on__lte=F("joined_on")):
        yield _issue(
            "confirmed_before_joined", member, f"{member.name}：转正日期{member.confirmed_on}不晚于入党日期"
        )


@register_quality_check(
    "probation_overdue", "预备期已满仍为预备党员", "预备期为一年，自支部大会通过之日算起（党章第七条）"
)
def probation_overdue(organization):
    # Same rule as Member.probation_overdue: still 预备 one calendar year after the 支部大会.
    cutoff = years_before(timezone.localdate(), 1)
    for member in _members(organization).filter(status=MemberStatus.PROBATIONARY, joined_on__lt=cutoff):
        yield _issue(
            "probation_overdue", member, f"{member.name}：{member.joined_on}入党，预备期已满，尚未办理转正"
        )


@register_quality_check(
    "no_party_group", "支部设有党小组但党员未编入党小组", "支部设党小组的，每名党员都应编入党小组"
)
def no_party_group(organization):
    groups = Organization.objects.filter(kind="party_group", path__startswith=OuterRef("organization__path"))
    members = _members(organization).filter(party_group__isnull=True).filter(Exists(groups.active()))
    for member in members:
        yield _issue(
            "no_party_group", member, f"{member.name}：所在{member.organization}设有党小组，但未编入党小组"
        )


@register_quality_check("branch_without_secretary", "党支部没有书记", "党支部应设书记（支部工作条例第六章）")
def branch_without_secretary(organization):
    secretaries = Position.objects.current().filter(
        organization=OuterRef("pk"), title=PositionTitle.SECRETARY
    )
    branches = Organization.objects.descendants_of(organization, include_self=True).branches().active()
    for branch in branches.exclude(Exists(secretaries)):
        yield _issue("branch_without_secretary", branch, f"{branch.name}：未登记现任书记")


@register_quality_check(
    "term_expired", "委员会任期已届满", "任期届满应按期换届（党章第三十一条；选举条例第三条）"
)
def term_expired(organization):
    orgs = Organization.objects.descendants_of(organization, include_self=True).active()
    for org in orgs.filter(term_ends_on__lt=timezone.localdate()):
        yield _issue("term_expired", org, f"{org.name}：任期已于{org.term_ends_on}届满，尚未换届")
