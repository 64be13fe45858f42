"""A small world for tests, built with the real services (acting_user=None: the command line).

```
示范县委 (root, committee)               county_admin: org_admin · sysadmin: system_admin
├── A镇党委 (town_a, committee)          town_a_admin: org_admin · inspector_a / expired_inspector
│   ├── A1村党支部 (a1, branch)           branch_a1_admin: branch_admin · member_a1: member (this node only)
│   │   └── A1第一党小组 (a1_group)
│   └── A2社区党支部 (a2, branch)
└── B镇党委 (town_b, committee)
    └── B1村党支部 (b1, branch)
```
Members: 张三丰 `zhang` (A1, secretary), 李四 `li` (A1, probationary, the login of `member_a1`),
王五 `wang` (A2, secretary), 赵六 `zhao` (B1, secretary). The world is clean: every data-quality check
finds nothing in it, and no soft-rule warning fires.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.models import User
from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.core.validators import make_id_number
from dangjian.members.choices import MemberStatus, PositionTitle
from dangjian.members.models import Member
from dangjian.members.services import do_assign_position, do_create_member
from dangjian.organizations.models import Organization
from dangjian.organizations.services import do_create_organization

# Meets every password rule: 12+ characters, four classes, not common, unlike any username.
PASSWORD = "Hongqi-Canal-1960!"

ROLES = (
    "county_admin",
    "town_a_admin",
    "branch_a1_admin",
    "inspector_a",
    "expired_inspector",
    "sysadmin",
    "member_a1",
    "nobody",
)

# key: (parent key, code, name, kind, unit category)
ORGANIZATIONS = {
    "root": (None, "XW", "示范县委", "committee", "government"),
    "town_a": ("root", "XW-A", "A镇党委", "committee", "rural"),
    "town_b": ("root", "XW-B", "B镇党委", "committee", "rural"),
    "a1": ("town_a", "XW-A-01", "A1村党支部", "branch", "rural"),
    "a1_group": ("a1", "XW-A-01-G1", "A1第一党小组", "party_group", "rural"),
    "a2": ("town_a", "XW-A-02", "A2社区党支部", "branch", "community"),
    "b1": ("town_b", "XW-B-01", "B1村党支部", "branch", "rural"),
}


def member_fields(name, sex, born, *, seq, phone="", **extra) -> dict:
    """Keyword arguments for do_create_member, with a valid 身份证号 matching birth date and sex."""
    return {
        "name": name,
        "sex": sex,
        "birth_date": born,
        "id_number": make_id_number(born, sex, area_code="130102", seq=seq),
        "phone": phone,
        **extra,
    }


def _members(orgs, today):
    return {
        "zhang": member_fields(
            "张三丰",
            "male",
            date(1980, 5, 6),
            seq=123,
            phone="13812345678",
            organization=orgs["a1"],
            party_group=orgs["a1_group"],
            joined_on=date(2005, 7, 1),
            confirmed_on=date(2006, 7, 1),
            category="worker",
        ),
        "li": member_fields(
            "李四",
            "female",
            date(1990, 2, 3),
            seq=246,
            phone="13900001111",
            organization=orgs["a1"],
            party_group=orgs["a1_group"],
            joined_on=today - timedelta(days=200),
            status=MemberStatus.PROBATIONARY,
            category="professional",
        ),
        "wang": member_fields(
            "王五",
            "male",
            date(1965, 10, 10),
            seq=357,
            phone="13700002222",
            organization=orgs["a2"],
            joined_on=date(1990, 7, 1),
            confirmed_on=date(1991, 7, 1),
            category="retired",
        ),
        "zhao": member_fields(
            "赵六",
            "female",
            date(1999, 9, 9),
            seq=468,
            phone="13600003333",
            organization=orgs["b1"],
            joined_on=date(2021, 6, 1),
            confirmed_on=date(2022, 6, 1),
            category="student",
        ),
    }


@dataclass
class World:
    """Organizations, members and users by key: `world["a1"]`, `world["zhang"]`, `world["sysadmin"]`."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, key):
        for table in (self.orgs, self.members, self.users):
            if key in table:
                return table[key]
        raise KeyError(key)

    def key_of(self, obj) -> str:
        """The world key of an organization or member (by primary key)."""
        table = self.orgs if isinstance(obj, Organization) else self.members
        return next(key for key, value in table.items() if value.pk == obj.pk)

    def reloaded(self) -> "World":
        """A copy with every object fetched afresh (paths change when the tree moves; scopes are cached
        on user objects)."""
        orgs = Organization.objects.in_bulk([org.pk for org in self.orgs.values()])
        members = Member.objects.in_bulk([member.pk for member in self.members.values()])
        users = User.objects.in_bulk([user.pk for user in self.users.values()])
        return World(
            orgs={key: orgs[org.pk] for key, org in self.orgs.items()},
            members={key: members[member.pk] for key, member in self.members.items()},
            users={key: users[user.pk] for key, user in self.users.items()},
        )


def build_world() -> World:
    """Create the world above in the current database and return it."""
    world = World()
    today = timezone.localdate()
    for key, (parent, code, name, kind, category) in ORGANIZATIONS.items():
        world.orgs[key] = do_create_organization(
            parent=world.orgs.get(parent),
            acting_user=None,
            code=code,
            name=name,
            kind=kind,
            unit_category=category,
        )
    for key, fields in _members(world.orgs, today).items():
        world.members[key] = do_create_member(acting_user=None, **fields)
    for member, branch in (("zhang", "a1"), ("wang", "a2"), ("zhao", "b1")):
        do_assign_position(
            member=world.members[member],
            organization=world.orgs[branch],
            title=PositionTitle.SECRETARY,
            started_on=date(2023, 1, 1),
            acting_user=None,
        )
    _create_users(world, today)
    return world


def _create_users(world: World, today: date) -> None:
    grants = {
        "county_admin": (RoleChoices.ORG_ADMIN, "root", {}),
        "town_a_admin": (RoleChoices.ORG_ADMIN, "town_a", {}),
        "branch_a1_admin": (RoleChoices.BRANCH_ADMIN, "a1", {}),
        "inspector_a": (RoleChoices.INSPECTOR, "town_a", {"expires_on": today + timedelta(days=30)}),
        "expired_inspector": (RoleChoices.INSPECTOR, "town_a", {"expires_on": today - timedelta(days=1)}),
        "sysadmin": (RoleChoices.SYSTEM_ADMIN, "root", {}),
        "member_a1": (RoleChoices.MEMBER, "a1", {"include_descendants": False}),
    }
    for username in ROLES:
        user = do_create_user(
            username=username,
            password=PASSWORD,
            last_name="测",
            first_name=username,
            acting_user=None,
            must_change_password=False,
        )
        world.users[username] = user
        if username in grants:
            role, org, options = grants[username]
            do_grant_role(user=user, role=role, organization=world.orgs[org], acting_user=None, **options)
    member = world.members["li"]
    member.user = world.users["member_a1"]
    member.save(update_fields=["user"])


def login_as(client, name: str):
    """Log `client` in as the user `name` (no password round trip) and return the user."""
    user = User.objects.get(username=name)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user
