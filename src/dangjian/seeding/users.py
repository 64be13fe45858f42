"""The demo logins: one per role, each granted where a trainer would show it."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.members.choices import MemberStatus, PositionTitle
from dangjian.members.models import Member

from .plan import Plan

# One shared password for every demo login: 13 characters, all four character classes, not common.
DEMO_PASSWORD = "Dangjian@2026"  # noqa: S105 - published demo credential, demo scale only
INSPECTOR_DAYS = 90


@dataclass(frozen=True)
class Login:
    """A row of the logins table printed at the end of a demo seed."""

    username: str
    password: str
    role: str
    scope: str


def _split(name: str) -> tuple[str, str]:
    """(family name, given name) of a Chinese name."""
    return name[:1], name[1:]


def _secretary(village) -> Member:
    person = next(p for p, title, _ in village.positions if title == PositionTitle.SECRETARY)
    return person.instance


def _ordinary_member(village) -> Member:
    officers = {id(p) for p, _, _ in village.positions}
    person = next(p for p in village.members if p.status == MemberStatus.FULL and id(p) not in officers)
    return person.instance


def _create(username: str, last_name: str, first_name: str):
    from dangjian.accounts.models import User

    validate_password(DEMO_PASSWORD, User(username=username, last_name=last_name, first_name=first_name))
    return do_create_user(
        username=username,
        password=DEMO_PASSWORD,
        last_name=last_name,
        first_name=first_name,
        acting_user=None,
        must_change_password=False,
    )


def create_demo_users(plan: Plan, today: datetime.date) -> list[Login]:
    """Create the six demo logins through the account services (each writes its own audit rows)."""
    root = plan.landmarks["root"].instance
    education = plan.landmarks["education"].instance
    town = plan.landmarks["town"].instance
    village_node = plan.landmarks["village"]
    village = village_node.instance
    secretary = _secretary(village_node)
    member = _ordinary_member(village_node)
    grants = [
        ("xianwei_zzb", ("县委组织部", "管理员"), RoleChoices.ORG_ADMIN, root, {}),
        ("jiaoyu_zzb", ("教育局党委", "管理员"), RoleChoices.ORG_ADMIN, education, {}),
        ("sysadmin", ("系统", "管理员"), RoleChoices.SYSTEM_ADMIN, root, {}),
        ("zhibu_shuji", _split(secretary.name), RoleChoices.BRANCH_ADMIN, village, {}),
        (
            "dudao",
            ("督导组", "督导员"),
            RoleChoices.INSPECTOR,
            town,
            {"expires_on": today + datetime.timedelta(days=INSPECTOR_DAYS)},
        ),
        ("dangyuan", _split(member.name), RoleChoices.MEMBER, village, {"include_descendants": False}),
    ]
    logins = []
    for username, (last_name, first_name), role, organization, options in grants:
        user = _create(username, last_name, first_name)
        do_grant_role(user=user, role=role, organization=organization, acting_user=None, **options)
        scope = organization.name
        if role == RoleChoices.MEMBER:
            scope = f"本人档案及所在党支部（{organization.name}）"
        if "expires_on" in options:
            scope += f"，有效期至{options['expires_on']}"
        logins.append(Login(username, DEMO_PASSWORD, RoleChoices(role).label, scope))
        if username in ("zhibu_shuji", "dangyuan"):
            person = secretary if username == "zhibu_shuji" else member
            Member.objects.filter(pk=person.pk).update(user=user)
    return logins


def existing_demo_logins() -> list[Login]:
    """The logins table again, from the demo users already in the database (for `seed --reuse`)."""
    from dangjian.accounts.models import User

    order = ["xianwei_zzb", "jiaoyu_zzb", "sysadmin", "zhibu_shuji", "dudao", "dangyuan"]
    users = User.objects.filter(username__in=order, is_active=True)
    users = sorted(users, key=lambda user: order.index(user.username))
    logins = []
    for user in users:
        for grant in user.grants.current().select_related("organization"):
            scope = grant.organization.name
            if grant.role == RoleChoices.MEMBER:
                scope = f"本人档案及所在党支部（{scope}）"
            if grant.expires_on:
                scope += f"，有效期至{grant.expires_on}"
            logins.append(Login(user.username, DEMO_PASSWORD, grant.get_role_display(), scope))
    return logins
