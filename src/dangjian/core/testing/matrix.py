"""The permission matrix: every scoped page and API endpoint × every role of the test world.

NetBox-style (security.md B1): anonymous → login (UI) or 401/403 (API); a user without a grant sees
nothing; an in-scope role gets 200; an object outside the user's subtree is a 404; read-only roles
cannot write. A new capability adds one `Endpoint` row per view to `ENDPOINTS` (and one `Listing` row
per list to `LISTINGS`); `test_every_url_is_in_the_matrix` fails until it does.

Rows name objects by their key in the test world (see `fixtures.py`): in-scope objects live under
A镇党委 (`a1`, `zhang`), out-of-scope ones under B镇党委 (`b1`, `zhao`).
"""

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dangjian.core.validators import make_id_number

from .fixtures import ROLES, World

VIEWERS = ("county_admin", "town_a_admin", "branch_a1_admin", "inspector_a", "sysadmin")
EDITORS = ("county_admin", "town_a_admin", "branch_a1_admin")
TREE_MANAGERS = ("county_admin", "town_a_admin")
# Roles whose grant lies inside A镇党委: everything under B镇党委 must be a 404 for them.
A_SCOPED = ("town_a_admin", "branch_a1_admin", "inspector_a", "member_a1")

# URL names that are deliberately not scoped: authentication and the API description.
NOT_SCOPED = frozenset(
    {
        "login",
        "logout",
        "password_change",
        "api-schema",
        "api-docs",
        "organizations-api:api-root",
        "members-api:api-root",
        "activities-api:api-root",
    }
)


def statuses(default: int, **by_status: tuple[str, ...]) -> dict[str, int]:
    """{role: status}: `default` for every role except those listed, e.g. `statuses(404, s200=EDITORS)`."""
    table = dict.fromkeys(ROLES, default)
    for key, roles in by_status.items():
        for role in roles:
            table[role] = int(key.lstrip("s"))
    return table


def new_party_group(world: World, parent: str) -> dict:
    return {"parent_id": world[parent].pk, "code": f"NEW-{parent}", "name": "新党小组", "kind": "party_group"}


def current_position(world: World, member: str) -> dict:
    from dangjian.members.models import Position

    return {"position_pk": Position.objects.get(member=world[member], ended_on__isnull=True).pk}


def new_member(world: World, branch: str) -> dict:
    born = date(1985, 3, 4)
    return {
        "name": "周八",
        "sex": "male",
        "birth_date": born.isoformat(),
        "id_number": make_id_number(born, "male", area_code="130102", seq=579),
        "organization": world[branch].pk,
        "joined_on": "2010-07-01",
        "confirmed_on": "2011-07-01",
        "status": "full",
    }


@dataclass(frozen=True)
class Endpoint:
    """One view or API action, the status each role gets on `target`, and the out-of-scope probe."""

    url_name: str
    expect: dict[str, int]
    target: str | None = None  # world key in the URL (pk / parent_pk)
    outside: str | None = None  # world key under B镇党委: `outside_status` for every A-scoped role
    method: str = "get"
    api: bool = False
    payload: Callable[[World, str], dict] | None = None
    url_kwarg: str = "pk"  # "" when the target travels in the payload, not the URL
    more_kwargs: Callable[[World, str], dict] | None = None  # further URL arguments
    outside_status: int = 404
    xfail: dict[str, str] = field(default_factory=dict)  # role -> reason (known production bug)
    multipart: bool = False  # an API write that uploads files (the payload holds them)

    @property
    def id(self) -> str:
        return f"{self.url_name}:{self.method}"

    def url(self, world: World, key: str | None) -> str:
        kwargs = {self.url_kwarg: world[key].pk} if key and self.url_kwarg else {}
        if self.more_kwargs:
            kwargs.update(self.more_kwargs(world, key))
        return reverse(self.url_name, kwargs=kwargs)

    def call(self, client, world: World, key: str | None = None):
        """Send the request for object `key` (default: the in-scope target)."""
        key = key or self.target
        data = self.payload(world, key) if self.payload else {}
        url = self.url(world, key)
        if self.api and self.method in ("post", "patch", "put") and not self.multipart:
            return getattr(client, self.method)(url, data=json.dumps(data), content_type="application/json")
        if self.method == "get":
            return client.get(url)
        return getattr(client, self.method)(url, data=data)


ORG = {"target": "a1", "outside": "b1"}
MEMBER = {"target": "zhang", "outside": "zhao"}
ORG_VIEW = statuses(404, s200=(*VIEWERS, "member_a1"))
MEMBER_VIEW = statuses(404, s200=VIEWERS)
# No grant for the action anywhere → 403; the grant exists but the object is elsewhere → 404.
EDIT = statuses(403, s200=EDITORS)

ENDPOINTS: list[Endpoint] = [
    # project pages
    Endpoint("home", statuses(200)),
    Endpoint("quality", statuses(403, s200=EDITORS)),
    Endpoint("audit:auditevent_list", statuses(403, s200=("sysadmin",))),
    # organizations (UI)
    Endpoint("organizations:organization_tree", statuses(200)),
    Endpoint("organizations:organization_list", statuses(200)),
    Endpoint("organizations:organization_detail", ORG_VIEW, **ORG),
    Endpoint("organizations:organization_children", ORG_VIEW, **ORG),
    Endpoint("organizations:organization_add", EDIT, url_kwarg="parent_pk", **ORG),
    Endpoint("organizations:organization_add", EDIT, method="post", url_kwarg="parent_pk", **ORG),
    Endpoint("organizations:organization_edit", EDIT, **ORG),
    Endpoint("organizations:organization_edit", EDIT, method="post", **ORG),
    Endpoint("organizations:organization_move", statuses(403, s200=TREE_MANAGERS), **ORG),
    Endpoint("organizations:organization_move", statuses(403, s200=TREE_MANAGERS), method="post", **ORG),
    # members (UI)
    Endpoint("members:member_list", statuses(200)),
    Endpoint("members:member_add", statuses(403, s200=EDITORS)),
    Endpoint("members:member_detail", MEMBER_VIEW, **MEMBER),
    Endpoint("members:member_edit", EDIT, **MEMBER),
    Endpoint("members:member_edit", EDIT, method="post", **MEMBER),
    Endpoint(
        "members:member_reveal",
        statuses(404, s200=EDITORS, s403=("inspector_a", "sysadmin")),
        method="post",
        **MEMBER,
    ),
    Endpoint("members:member_status", EDIT, **MEMBER),
    Endpoint("members:member_status", EDIT, method="post", **MEMBER),
    Endpoint("members:member_transfer", EDIT, **MEMBER),
    Endpoint("members:member_transfer", EDIT, method="post", **MEMBER),
    Endpoint("members:position_add", EDIT, **MEMBER),
    Endpoint("members:position_add", EDIT, method="post", **MEMBER),
    Endpoint(
        "members:position_end",
        statuses(403, s302=EDITORS),
        method="post",
        more_kwargs=current_position,
        **MEMBER,
    ),
    # members: import and export (the job pages exist for their owner only: 404 for a stranger's id)
    Endpoint("members:member_import", statuses(403, s200=EDITORS)),
    Endpoint("members:member_import_template", statuses(403, s200=EDITORS)),
    Endpoint(
        "members:member_import_job",
        statuses(403, s404=EDITORS),
        more_kwargs=lambda world, key: {"job_id": "no-such-job"},
    ),
    Endpoint(
        "members:member_import_errors",
        statuses(403, s404=EDITORS),
        more_kwargs=lambda world, key: {"job_id": "no-such-job"},
    ),
    Endpoint("members:member_export", statuses(403, s200=EDITORS)),
    # accounts: account management belongs to the system administrator; one's own API token to anyone
    Endpoint("api_token", statuses(200)),
    Endpoint("accounts:user_list", statuses(403, s200=("sysadmin",))),
    Endpoint("accounts:user_add", statuses(403, s200=("sysadmin",))),
    Endpoint("accounts:user_detail", statuses(404, s200=("sysadmin",)), target="branch_a1_admin"),
    Endpoint(
        "accounts:user_action",
        statuses(403, s302=("sysadmin",)),
        target="branch_a1_admin",
        method="post",
        more_kwargs=lambda world, key: {"action": "unlock"},
    ),
    # organizations (API)
    Endpoint("organizations-api:organization-list", statuses(200), api=True),
    Endpoint(
        "organizations-api:organization-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_party_group,
        url_kwarg="",
        **ORG,
    ),
    Endpoint("organizations-api:organization-detail", ORG_VIEW, api=True, **ORG),
    Endpoint("organizations-api:organization-detail", EDIT, api=True, method="patch", **ORG),
    Endpoint("organizations-api:organization-counts", ORG_VIEW, api=True, **ORG),
    # members (API)
    Endpoint("members-api:member-list", statuses(200), api=True),
    Endpoint(
        "members-api:member-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_member,
        url_kwarg="",
        target="a1",
        outside="b1",
        outside_status=403,
    ),
    Endpoint("members-api:member-detail", MEMBER_VIEW, api=True, **MEMBER),
    Endpoint("members-api:member-detail", EDIT, api=True, method="patch", **MEMBER),
]


# organizational life: 主题党日 themes, life-meeting preparation, notifications (activities.extensions).
# The objects in the URL are made for the world key: a theme of A镇党委 (in scope) or B镇党委 (outside); a
# preparation of A1村党支部 or B1村党支部; a notification of branch_a1_admin (on A1) or county_admin (on B1).
def theme_notice(world: World, key: str) -> dict:
    from dangjian.activities.extensions import ThemeNotice

    notice = ThemeNotice.objects.filter(organization=world[key]).first()
    if notice is None:
        from dangjian.activities.extensions.services import do_publish_theme_notice

        notice = do_publish_theme_notice(
            acting_user=None, organization=world[key], month=date(2025, 7, 1), title="学习党章"
        )
    return {"pk": notice.pk}


def preparation(world: World, key: str) -> dict:
    from dangjian.activities.extensions import LifeMeetingPreparation

    found = LifeMeetingPreparation.objects.filter(organization=world[key]).first()
    if found is None:
        from dangjian.activities.extensions.services import do_create_preparation
        from dangjian.activities.models import ActivityType

        found = do_create_preparation(
            acting_user=None,
            organization=world[key],
            activity_type=ActivityType.objects.get(code="life_meeting"),
            topic="年度组织生活会",
            started_on=date(2025, 11, 1),
        )
    return {"pk": found.pk}


def rectification_item(world: World, key: str) -> dict:
    from dangjian.activities.extensions import LifeMeetingPreparation
    from dangjian.activities.extensions.services import do_add_rectification_item
    from dangjian.members.models import Member

    kwargs = preparation(world, key)
    item = do_add_rectification_item(
        LifeMeetingPreparation.objects.get(pk=kwargs["pk"]),
        acting_user=None,
        problem="学习不够深入",
        measure="每月集中学习",
        owner=Member.objects.filter(organization=world[key]).first(),
        deadline=date(2026, 6, 30),
    )
    return {**kwargs, "item_pk": item.pk}


def notification(world: World, key: str) -> dict:
    from dangjian.activities.extensions import Notification

    owner = "branch_a1_admin" if key == "a1" else "county_admin"
    found = Notification.objects.create(
        user=world[owner], organization=world[key], kind="due_soon", message="提醒", key=f"test:{key}"
    )
    return {"pk": found.pk}


def life(url_name: str, expect: dict[str, int], maker, target: str, outside: str, **options) -> Endpoint:
    return Endpoint(
        f"life:{url_name}", expect, target=target, outside=outside, url_kwarg="", more_kwargs=maker, **options
    )


THEME = {"maker": theme_notice, "target": "town_a", "outside": "town_b"}
PREPARATION = {"maker": preparation, "target": "a1", "outside": "b1"}
ENDPOINTS += [
    Endpoint("life:themenotice_list", statuses(200)),
    Endpoint("life:themenotice_add", statuses(403, s200=TREE_MANAGERS)),
    Endpoint("life:themenotice_add", statuses(403, s200=TREE_MANAGERS), method="post"),
    # A theme is sent downward: whoever sees a branch of A镇党委 reads A镇党委's themes.
    life("themenotice_detail", ORG_VIEW, **THEME),
    life("themenotice_edit", statuses(403, s200=TREE_MANAGERS), **THEME),
    life("themenotice_edit", statuses(403, s200=TREE_MANAGERS), method="post", **THEME),
    Endpoint("life:preparation_list", statuses(200)),
    Endpoint("life:preparation_add", EDIT),
    Endpoint("life:preparation_add", EDIT, method="post"),
    life("preparation_detail", MEMBER_VIEW, **PREPARATION),
    life("preparation_link", statuses(403, s302=EDITORS), method="post", **PREPARATION),
    life("opinion_add", EDIT, **PREPARATION),
    life("opinion_add", EDIT, method="post", **PREPARATION),
    life("selfexamination_add", EDIT, **PREPARATION),
    life("selfexamination_add", EDIT, method="post", **PREPARATION),
    life("rectificationitem_add", EDIT, **PREPARATION),
    life("rectificationitem_add", EDIT, method="post", **PREPARATION),
    life(
        "rectificationitem_complete",
        statuses(403, s302=EDITORS),
        rectification_item,
        "a1",
        "b1",
        method="post",
    ),
    Endpoint("life:notification_list", statuses(200)),
    # Only the owner may mark a notification read; anyone else's is not found.
    life(
        "notification_read", statuses(404, s302=("branch_a1_admin",)), notification, "a1", "b1", method="post"
    ),
]


# organizational life: activities, compliance, rules, spot checks and the ledger (activities.views*). The
# world holds no activity: one is recorded on first use in the organization of the world key (A1 in
# scope, B1 outside). Compliance, rule and ledger pages need a role: a 党员's view of their own branch
# does not reach them (403).
MATRIX_THEME = "矩阵测试"


def activity_in(world: World, key: str):
    from django.utils import timezone

    from dangjian.activities.models import Activity, ActivityType
    from dangjian.activities.services import do_record_activity

    found = Activity.objects.filter(organization=world[key], theme=MATRIX_THEME).first()
    if found is None:
        found = do_record_activity(
            acting_user=None,
            organization=world[key],
            activity_type=ActivityType.objects.get(code="general_meeting"),
            held_on=timezone.localdate().replace(day=1),
            theme=MATRIX_THEME,
        )
    return found


def record_activities(world: World) -> None:
    for key in ("a1", "a2", "b1"):
        activity_in(world, key)


def new_activity(world: World, key: str, *, api: bool = False) -> dict:
    from django.utils import timezone

    from dangjian.activities.models import ActivityType

    general_meeting = ActivityType.objects.get(code="general_meeting")
    data = {
        "organization": world[key].pk,
        "activity_type": general_meeting.code if api else general_meeting.pk,
        "held_on": timezone.localdate().isoformat(),
        "theme": "学习党章",
    }
    return data if api else {**data, "vote-TOTAL_FORMS": "0", "vote-INITIAL_FORMS": "0"}


def activity_edit(world: World, key: str) -> dict:
    """A correction of the matrix activity (its place), with an empty decisions formset."""
    activity = activity_in(world, key)
    return {
        "version": activity.version,
        "theme": MATRIX_THEME,
        "place": "党群服务中心",
        "decision-TOTAL_FORMS": "0",
        "decision-INITIAL_FORMS": "0",
    }


def new_rule(world: World, key: str) -> dict:
    from dangjian.activities.models import ActivityType

    return {
        "name": "主题党日每月1日前后开展",
        "activity_type": ActivityType.objects.get(code="theme_day").pk,
        "organization_kinds": ["branch"],
        "period": "month",
        "min_count": 1,
        "fixed_day": 1,
        "tolerance_days": 3,
        "valid_from": "2025-01-01",
        "source": "测试文件",
    }


def this_year(world: World, key: str) -> dict:
    from django.utils import timezone

    return {"year": timezone.localdate().year}


ACTIVITY = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": activity_in(w, k).pk},
}


def check_in_link(world: World, key: str) -> dict:
    """The self check-in link of a meeting held today in the organization of the world key."""
    from django.utils import timezone

    from dangjian.activities.models import Activity, ActivityType
    from dangjian.activities.services import do_record_activity
    from dangjian.activities.views_checkin import make_token

    today = timezone.localdate()
    found = Activity.objects.filter(organization=world[key], held_on=today, theme="矩阵签到").first()
    if found is None:
        found = do_record_activity(
            acting_user=None,
            organization=world[key],
            activity_type=ActivityType.objects.get(code="general_meeting"),
            held_on=today,
            theme="矩阵签到",
        )
    return {"token": make_token(found)}


# Off the list (B1's meeting for a member of A1), or no member linked to the account: 403.
CHECK_IN = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": check_in_link,
    "outside_status": 403,
}
GRANT_VIEW = statuses(403, s200=VIEWERS)
EXPORT = statuses(403, s200=EDITORS)
ENDPOINTS += [
    Endpoint("activities:activity_list", statuses(200)),
    Endpoint("activities:activity_add", EDIT),
    # A form naming an organization outside the user's scope is refused as a form error, nothing saved.
    Endpoint(
        "activities:activity_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=new_activity,
        url_kwarg="",
        outside_status=200,
        **ORG,
    ),
    # A 党员 reads the activities of their own branch (and those they were expected at), read-only.
    Endpoint("activities:activity_detail", ORG_VIEW, **ACTIVITY),
    Endpoint("activities:activity_attendance", EDIT, **ACTIVITY),
    Endpoint("activities:activity_attendance", statuses(403, s302=EDITORS), method="post", **ACTIVITY),
    Endpoint("activities:activity_cancel", EDIT, **ACTIVITY),
    Endpoint(
        "activities:activity_cancel",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {"reason": "重复登记"},
        **ACTIVITY,
    ),
    # 修改: the write-up and the decisions, for whoever may change the activity.
    Endpoint("activities:activity_edit", EDIT, **ACTIVITY),
    Endpoint(
        "activities:activity_edit",
        statuses(403, s302=EDITORS),
        method="post",
        payload=activity_edit,
        **ACTIVITY,
    ),
    Endpoint(
        "activities:spotcheck_add",
        statuses(403, s302=TREE_MANAGERS),
        method="post",
        payload=lambda world, key: {"result": "passed"},
        **ACTIVITY,
    ),
    Endpoint("activities:activity_sheet", EDIT, **ORG),
    Endpoint("activities:rule_list", GRANT_VIEW, **ORG),
    Endpoint("activities:rule_add", statuses(403, s200=TREE_MANAGERS), **ORG),
    Endpoint(
        "activities:rule_add", statuses(403, s302=TREE_MANAGERS), method="post", payload=new_rule, **ORG
    ),
    Endpoint("activities:spotcheck_draw", statuses(403, s200=TREE_MANAGERS), **ORG),
    Endpoint("activities:compliance_due", GRANT_VIEW),
    Endpoint("activities:compliance_index", statuses(403, s302=VIEWERS)),
    Endpoint("activities:compliance_matrix", GRANT_VIEW, **ORG),
    Endpoint("activities:compliance_detail", GRANT_VIEW, **ORG),
    Endpoint("activities:compliance_export", EXPORT, **ORG),
    Endpoint("activities:ledger_detail", GRANT_VIEW, more_kwargs=this_year, **ORG),
    Endpoint("activities:ledger_docx", EXPORT, more_kwargs=this_year, **ORG),
    Endpoint("activities:ledger_xlsx", EXPORT, more_kwargs=this_year, **ORG),
    # 自助签到: the host's page (and its live count) for whoever may change the activity; the link itself
    # for a member on the list (held today: the link works only on and just after the activity's day).
    Endpoint("activities:activity_check_in_open", EDIT, **ACTIVITY),
    Endpoint("activities:activity_check_in_status", EDIT, **ACTIVITY),
    Endpoint("activities:self_check_in", statuses(403, s200=("member_a1",)), **CHECK_IN),
    Endpoint("activities:self_check_in", statuses(403, s302=("member_a1",)), method="post", **CHECK_IN),
    Endpoint("activities:my_activities", statuses(200)),
    # API
    Endpoint("activities-api:activity-list", statuses(200), api=True),
    Endpoint(
        "activities-api:activity-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: new_activity(world, key, api=True),
        url_kwarg="",
        outside_status=403,
        **ORG,
    ),
    Endpoint("activities-api:activity-detail", ORG_VIEW, api=True, **ACTIVITY),
    Endpoint(
        "activities-api:activity-detail",
        EDIT,
        api=True,
        method="patch",
        payload=lambda world, key: {"version": activity_in(world, key).version, "place": "党群服务中心"},
        **ACTIVITY,
    ),
    Endpoint("activities-api:rule-list", statuses(200), api=True),
    Endpoint("activities-api:compliance-list", GRANT_VIEW, api=True),
]


@dataclass(frozen=True)
class Listing:
    """A page or endpoint listing rows: which world keys each role finds in it (an int: that status)."""

    url_name: str
    rows: Callable  # response -> iterable of model instances or primary keys
    expect: dict[str, tuple[str, ...] | int]
    target: str | None = None
    setup: Callable[[World], None] | None = None  # records what the list shows (the world has no activity)

    def url(self, world: World) -> str:
        if self.setup:
            self.setup(world)
        return reverse(self.url_name, args=[world[self.target].pk] if self.target else [])


ALL_ORGS = ("root", "town_a", "town_b", "a1", "a1_group", "a2", "b1")
A_ORGS = ("town_a", "a1", "a1_group", "a2")
ALL_MEMBERS = ("zhang", "li", "wang", "zhao")
A_MEMBERS = ("zhang", "li", "wang")


def by_role(default=(), **sets) -> dict[str, tuple[str, ...] | int]:
    """Roles not named get `default`: an empty list, or a status code."""
    return {role: sets.get(role, default) for role in ROLES}


ORG_SETS = by_role(
    county_admin=ALL_ORGS,
    town_a_admin=A_ORGS,
    branch_a1_admin=("a1", "a1_group"),
    inspector_a=A_ORGS,
    sysadmin=ALL_ORGS,
    member_a1=("a1",),
)
MEMBER_SETS = by_role(
    county_admin=ALL_MEMBERS,
    town_a_admin=A_MEMBERS,
    branch_a1_admin=("zhang", "li"),
    inspector_a=A_MEMBERS,
    sysadmin=ALL_MEMBERS,
    member_a1=("li",),
)


def _context_rows(name):
    def rows(response):
        return [row[0] if isinstance(row, tuple) else row for row in response.context[name]]

    return rows


def _api_rows(response):
    return [row["id"] for row in response.json()["results"]]


def _api_children(response):
    return [row["id"] for row in response.json()["children"]]


def _xlsx_members(response):
    from io import BytesIO

    from openpyxl import load_workbook

    from dangjian.members.models import Member

    sheet = load_workbook(BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("姓名")
    return list(Member.objects.filter(name__in=[row[column] for row in rows[1:] if row[column]]))


LISTINGS: list[Listing] = [
    Listing("organizations:organization_list", _context_rows("object_list"), ORG_SETS),
    Listing(
        "organizations:organization_tree",
        _context_rows("rows"),
        by_role(
            county_admin=("root",),
            town_a_admin=("town_a",),
            branch_a1_admin=("a1",),
            inspector_a=("town_a",),
            sysadmin=("root",),
            member_a1=("a1",),
        ),
    ),
    Listing(
        "organizations:organization_children",
        _context_rows("rows"),
        {
            **dict.fromkeys(ROLES, 404),
            **dict.fromkeys(("county_admin", "town_a_admin", "inspector_a", "sysadmin"), ("a1", "a2")),
        },
        target="town_a",
    ),
    Listing(
        "organizations:organization_children",
        _context_rows("rows"),
        {**dict.fromkeys(ROLES, 404), **dict.fromkeys(("county_admin", "sysadmin"), ("town_a", "town_b"))},
        target="root",
    ),
    Listing(
        "organizations:organization_children",
        _context_rows("rows"),
        {
            **dict.fromkeys(ROLES, 404),
            **dict.fromkeys(VIEWERS, ("a1_group",)),
            "member_a1": (),
        },
        target="a1",
    ),
    Listing("members:member_list", _context_rows("object_list"), MEMBER_SETS),
    Listing("organizations-api:organization-list", _api_rows, ORG_SETS),
    Listing(
        "organizations-api:organization-counts",
        _api_children,
        {
            **dict.fromkeys(ROLES, 404),
            **dict.fromkeys(("county_admin", "town_a_admin", "inspector_a", "sysadmin"), ("a1", "a2")),
        },
        target="town_a",
    ),
    Listing("members-api:member-list", _api_rows, MEMBER_SETS),
    Listing(
        "members:member_export",
        _xlsx_members,
        by_role(
            403,
            county_admin=ALL_MEMBERS,
            town_a_admin=A_MEMBERS,
            branch_a1_admin=("zhang", "li"),
        ),
    ),
    Listing(
        "accounts:user_list",
        _context_rows("object_list"),
        by_role(
            403,
            sysadmin=(
                "county_admin",
                "town_a_admin",
                "branch_a1_admin",
                "inspector_a",
                "expired_inspector",
                "member_a1",
            ),
        ),
    ),
]


def url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL of the project, qualified with its namespace ("members:member_detail")."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def covered_url_names() -> set[str]:
    return {e.url_name for e in ENDPOINTS} | {listing.url_name for listing in LISTINGS} | NOT_SCOPED


def _activity_orgs(response):
    return [activity.organization_id for activity in response.context["object_list"]]


def _api_activity_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


ACTIVITY_SETS = by_role(
    county_admin=("a1", "a2", "b1"),
    town_a_admin=("a1", "a2"),
    branch_a1_admin=("a1",),
    inspector_a=("a1", "a2"),
    sysadmin=("a1", "a2", "b1"),
    member_a1=("a1",),
)


def _my_activity_orgs(response):
    return [row.activity.organization_id for row in response.context["rows"]]


LISTINGS += [
    Listing("activities:activity_list", _activity_orgs, ACTIVITY_SETS, setup=record_activities),
    Listing("activities-api:activity-list", _api_activity_orgs, ACTIVITY_SETS, setup=record_activities),
    # 我的组织生活: one's own attendance only; empty for an account not linked to a member.
    Listing(
        "activities:my_activities", _my_activity_orgs, by_role(member_a1=("a1",)), setup=record_activities
    ),
]


# organizational life: attachments of an activity (activities.views_attachments, activities.api.attachments).
# One attachment is made on first use on the matrix activity of the world key (A1 in scope, B1 outside);
# the files go to the tests' temporary MEDIA_ROOT. A 党员 reads no attachment: they need a grant.
def attachment_in(world: World, key: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.activities.attachments import ActivityAttachment
    from dangjian.activities.services import do_add_attachments

    activity = activity_in(world, key)
    found = ActivityAttachment.objects.current().filter(activity=activity).first()
    if found is None:
        sheet = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n% matrix sign-in sheet\n%%EOF\n")
        (found,) = do_add_attachments(activity, [sheet], kind="sign_in_sheet", acting_user=None)
    return found


def new_attachment(world: World, key: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n matrix photo", content_type="image/png")
    return {"kind": "photo", "files": [photo]}


ATTACHMENT = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": attachment_in(w, k).pk},
}
ATTACHMENT_API = {
    **ATTACHMENT,
    "more_kwargs": lambda w, k: {"activity_pk": activity_in(w, k).pk, "pk": attachment_in(w, k).pk},
}
ACTIVITY_API = {**ACTIVITY, "more_kwargs": lambda w, k: {"activity_pk": activity_in(w, k).pk}}
REMOVAL = {"method": "post", "payload": lambda world, key: {"reason": "误传的文件"}}
ENDPOINTS += [
    Endpoint(
        "activities:attachment_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=new_attachment,
        **ACTIVITY,
    ),
    Endpoint("activities:attachment_download", MEMBER_VIEW, **ATTACHMENT),
    Endpoint("activities:attachment_remove", statuses(403, s302=EDITORS), **REMOVAL, **ATTACHMENT),
    Endpoint("activities-api:attachment-list", MEMBER_VIEW, api=True, **ACTIVITY_API),
    Endpoint(
        "activities-api:attachment-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_attachment,
        multipart=True,
        **ACTIVITY_API,
    ),
    Endpoint("activities-api:attachment-download", MEMBER_VIEW, api=True, **ATTACHMENT_API),
    Endpoint(
        "activities-api:attachment-remove", statuses(403, s200=EDITORS), api=True, **REMOVAL, **ATTACHMENT_API
    ),
]


# exams (考试): banks, papers, exams, answer sheets (exams.views*, exams.api). One bank, paper and open exam
# are made on first use in the organization of the world key (A1 in scope, B1 outside); a 党员 reads no
# bank or paper (they hold the answers) but sees the exams of their organization and sits them.
def exam_bank(world: World, key: str):
    from dangjian.exams.models import QuestionBank
    from dangjian.exams.services import do_create_bank, do_create_question

    found = QuestionBank.objects.filter(organization=world[key], name="矩阵题库").first()
    if found is None:
        found = do_create_bank(acting_user=None, organization=world[key], name="矩阵题库")
        for n in range(2):
            do_create_question(found, acting_user=None, kind="true_false", stem=f"矩阵判断题{n}", answer="对")
    return found


def exam_paper(world: World, key: str):
    from decimal import Decimal

    from dangjian.exams.models import Paper
    from dangjian.exams.services import do_create_paper

    found = Paper.objects.filter(organization=world[key], title="矩阵试卷").first()
    if found is None:
        rule = {"bank": exam_bank(world, key), "kind": "true_false", "count": 2, "points_each": Decimal(50)}
        found = do_create_paper(
            acting_user=None, organization=world[key], title="矩阵试卷", rules=[rule], seed=1
        )
    return found


def open_exam_in(world: World, key: str):
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.exams.models import Exam
    from dangjian.exams.services import do_create_exam

    found = Exam.objects.filter(organization=world[key], title="矩阵考试").first()
    if found is None:
        now = timezone.now()
        found = do_create_exam(
            acting_user=None,
            organization=world[key],
            title="矩阵考试",
            paper=exam_paper(world, key),
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=7),
            time_limit_minutes=60,
            pass_mark=60,
        )
    return found


def exam_attempt(world: World, key: str):
    """The open answer sheet of the member of A1 (李四, login member_a1) or of B1 (赵六)."""
    from dangjian.exams.models import Attempt
    from dangjian.exams.services import do_start_attempt

    member = world["li" if key == "a1" else "zhao"]
    exam = open_exam_in(world, key)
    return Attempt.objects.filter(exam=exam, member=member).first() or do_start_attempt(
        exam, member=member, acting_user=None
    )


def question_import_file(world: World, key: str) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dangjian.exams.importing import template_bytes

    return {"file": SimpleUploadedFile("试题.xlsx", template_bytes())}


def _exam_kwargs(maker):
    return {
        "url_kwarg": "",
        "more_kwargs": lambda w, k: {"pk": maker(w, k).pk},
        "target": "a1",
        "outside": "b1",
    }


BANK = _exam_kwargs(exam_bank)
QUESTION = _exam_kwargs(lambda w, k: exam_bank(w, k).questions.first())
PAPER = _exam_kwargs(exam_paper)
EXAM = _exam_kwargs(open_exam_in)
SHEET = _exam_kwargs(exam_attempt)
SITTER = ("member_a1",)
EXAM_VIEW = statuses(403, s200=VIEWERS)
ENDPOINTS += [
    Endpoint("exams:exam_list", statuses(200)),
    Endpoint("exams:exam_add", EDIT),
    Endpoint("exams:exam_detail", ORG_VIEW, **EXAM),
    Endpoint(
        "exams:exam_cancel",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda w, k: {"reason": "试题有误"},
        **EXAM,
    ),
    # Only a member registered in the exam's subtree starts it; a role holder is no examinee (403).
    Endpoint("exams:exam_start", statuses(404, s403=VIEWERS, s302=SITTER), method="post", **EXAM),
    Endpoint("exams:exam_results", EXAM_VIEW, **EXAM),
    Endpoint("exams:exam_export", EXPORT, **EXAM),
    Endpoint("exams:attempt_detail", ORG_VIEW, **SHEET),
    # The sheet itself belongs to its member alone.
    Endpoint("exams:attempt_take", statuses(404, s200=SITTER), **SHEET),
    Endpoint(
        "exams:attempt_take",
        statuses(404, s302=SITTER),
        method="post",
        payload=lambda w, k: {"action": "save"},
        **SHEET,
    ),
    Endpoint("exams:questionbank_list", EXAM_VIEW),
    Endpoint("exams:questionbank_add", EDIT),
    Endpoint("exams:questionbank_detail", EXAM_VIEW, **BANK),
    Endpoint("exams:question_add", EDIT, **BANK),
    Endpoint("exams:question_import", EDIT, **BANK),
    Endpoint("exams:question_import_template", EDIT),
    Endpoint("exams:question_edit", EDIT, **QUESTION),
    Endpoint("exams:question_retire", statuses(403, s302=EDITORS), method="post", **QUESTION),
    Endpoint("exams:paper_list", EXAM_VIEW),
    Endpoint("exams:paper_add", EDIT),
    Endpoint("exams:paper_detail", EXAM_VIEW, **PAPER),
    Endpoint("exams:paper_print", EXAM_VIEW, **PAPER),
    # API
    Endpoint("exams-api:questionbank-list", EXAM_VIEW, api=True),
    Endpoint("exams-api:questionbank-detail", EXAM_VIEW, api=True, **BANK),
    Endpoint(
        "exams-api:questionbank-import-questions",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=question_import_file,
        multipart=True,
        **BANK,
    ),
    Endpoint("exams-api:question-list", EXAM_VIEW, api=True),
    Endpoint("exams-api:question-detail", EXAM_VIEW, api=True, **QUESTION),
    Endpoint("exams-api:exam-list", statuses(200), api=True),
    Endpoint("exams-api:exam-detail", ORG_VIEW, api=True, **EXAM),
    Endpoint(
        "exams-api:exam-start", statuses(404, s403=VIEWERS, s201=SITTER), api=True, method="post", **EXAM
    ),
    Endpoint("exams-api:exam-statistics", EXAM_VIEW, api=True, **EXAM),
    Endpoint("exams-api:attempt-list", statuses(200), api=True),
    Endpoint("exams-api:attempt-detail", ORG_VIEW, api=True, **SHEET),
    Endpoint(
        "exams-api:attempt-answer",
        statuses(404, s200=SITTER),
        api=True,
        method="post",
        payload=lambda w, k: {"responses": {}},
        **SHEET,
    ),
    Endpoint(
        "exams-api:attempt-submit",
        statuses(404, s200=SITTER),
        api=True,
        method="post",
        payload=lambda w, k: {"responses": {}},
        **SHEET,
    ),
]
NOT_SCOPED = NOT_SCOPED | {"exams-api:api-root"}


def sit_county_exam(world: World) -> None:
    """Sheets of 李四 (A1), 王五 (A2) and 赵六 (B1) for an exam set by the county."""
    from dangjian.exams.models import Attempt
    from dangjian.exams.services import do_start_attempt

    exam = open_exam_in(world, "root")
    for key in ("li", "wang", "zhao"):
        if not Attempt.objects.filter(exam=exam, member=world[key]).exists():
            do_start_attempt(exam, member=world[key], acting_user=None)


def _api_sheet_members(response):
    return [row["member"] for row in response.json()["results"]]


SHEET_SETS = by_role(
    county_admin=("li", "wang", "zhao"),
    town_a_admin=("li", "wang"),
    branch_a1_admin=("li",),
    inspector_a=("li", "wang"),
    sysadmin=("li", "wang", "zhao"),
    member_a1=("li",),
)
LISTINGS += [Listing("exams-api:attempt-list", _api_sheet_members, SHEET_SETS, setup=sit_county_exam)]


# originality check (雷同检测, issue #4: originality.views, originality.api). A check of the world key's
# organization is run on first use (A1 in scope, B1 outside); for a pair, two copies of one reflection
# are written there first. Checks read notes for review: committees, branch admins and inspectors; a
# 系统管理员 keeps the reference corpus but reads no notes; a 党员 sees no check.
NOT_SCOPED = NOT_SCOPED | {"originality-api:api-root"}
CHECKERS = ("county_admin", "town_a_admin", "branch_a1_admin", "inspector_a")
CHECKER_VIEW = statuses(403, s200=CHECKERS)
ORIGINALITY_TEXT = (
    "通过这次集中学习，我深刻认识到加强理论武装的重要性，要把学习成果转化为推动工作的实际行动，"
    "严格执行三会一课制度，认真开展主题党日活动，切实发挥党员先锋模范作用，为群众办实事解难题。"
)


def originality_check(world: World, key: str):
    from dangjian.originality.models import OriginalityCheck
    from dangjian.originality.services import do_run_check

    found = OriginalityCheck.objects.filter(organization=world[key]).first()
    if found is None:
        found = do_run_check(
            acting_user=None, organization=world[key], start=date(2025, 1, 1), end=date(2025, 12, 31)
        )
    return found


def originality_pair(world: World, key: str) -> dict:
    from dangjian.originality.models import SimilarPair
    from dangjian.originality.services import do_run_check
    from dangjian.study.services import do_write_note

    found = SimilarPair.objects.filter(check_run__organization=world[key]).first()
    if found is None:
        member = world[{"a1": "li", "b1": "zhao"}[key]]
        for title in ("学习体会", "学习体会（二）"):
            do_write_note(
                acting_user=None,
                member=member,
                kind="reflection",
                title=title,
                text=ORIGINALITY_TEXT,
                written_on=date(2025, 6, 1),
            )
        check = do_run_check(
            acting_user=None, organization=world[key], start=date(2025, 1, 1), end=date(2025, 12, 31)
        )
        found = check.pairs.get()
    return {"pk": found.pk}


def reference_text(world: World, key: str) -> dict:
    from dangjian.originality.models import ReferenceText
    from dangjian.originality.services import do_add_reference_text

    found = ReferenceText.objects.filter(organization=world[key]).first()
    if found is None:
        found = do_add_reference_text(
            acting_user=None, organization=world[key], title="心得体会范文", text=ORIGINALITY_TEXT
        )
    return {"pk": found.pk}


def new_originality_check(world: World, key: str) -> dict:
    return {"organization": world[key].pk, "start": "2025-01-01", "end": "2025-12-31", "kind": ""}


ORIGINALITY_CHECK = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": originality_check(w, k).pk},
}
ORIGINALITY_PAIR = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": originality_pair}
REFERENCE = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": reference_text}
ENDPOINTS += [
    Endpoint("originality:check_list", CHECKER_VIEW),
    Endpoint("originality:check_run", statuses(403, s302=CHECKERS)),
    Endpoint(
        "originality:check_run",
        statuses(403, s302=CHECKERS),
        method="post",
        payload=new_originality_check,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint("originality:check_detail", CHECKER_VIEW, **ORIGINALITY_CHECK),
    Endpoint("originality:pair_detail", CHECKER_VIEW, **ORIGINALITY_PAIR),
    Endpoint("originality:referencetext_list", statuses(403, s200=(*CHECKERS, "sysadmin"))),
    Endpoint("originality:referencetext_import", statuses(403, s200=("sysadmin",))),
    Endpoint("originality:referencetext_detail", statuses(403, s200=(*CHECKERS, "sysadmin")), **REFERENCE),
    Endpoint(
        "originality:referencetext_withdraw",
        statuses(403, s302=("sysadmin",)),
        method="post",
        payload=lambda world, key: {"reason": "内容过时"},
        **REFERENCE,
    ),
    Endpoint("originality-api:check-list", CHECKER_VIEW, api=True),
    Endpoint(
        "originality-api:check-list",
        statuses(403, s201=CHECKERS),
        api=True,
        method="post",
        payload=new_originality_check,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint("originality-api:check-detail", CHECKER_VIEW, api=True, **ORIGINALITY_CHECK),
    Endpoint("originality-api:check-pairs", CHECKER_VIEW, api=True, **ORIGINALITY_CHECK),
]


# study (issue #4): plans and items, completions, courses, notes and reviews (study.views*, study.api). One
# published plan (with one item), one course (a session of 8 学时, the key's branch member enrolled and
# present: a certificate to download) and one note are made on first use for the world key: A1 (李四, the
# login of member_a1) in scope, B1 (赵六) outside. A 党员 reads their own branch's plans, items, notes and
# certificate, and writes their own completions and notes; the study pages of an organization need a grant.
NOT_SCOPED = NOT_SCOPED | {"study-api:api-root"}
STUDY_MEMBER = {"a1": "li", "b1": "zhao"}


def study_plan(world: World, key: str):
    from dangjian.study import services
    from dangjian.study.models import StudyPlan

    found = StudyPlan.objects.filter(organization=world[key], title="矩阵学习计划").first()
    if found is None:
        found = services.do_create_plan(
            acting_user=None, organization=world[key], year=2025, title="矩阵学习计划"
        )
        services.do_add_item(found, acting_user=None, title="学习党章", due_on=date(2025, 6, 30))
        services.do_publish_plan(found, acting_user=None)
    return found


def study_course(world: World, key: str):
    from decimal import Decimal

    from dangjian.study import services
    from dangjian.study.models import Course

    found = Course.objects.filter(organization=world[key]).first()
    if found is None:
        found = services.do_create_course(
            acting_user=None,
            organization=world[key],
            name="矩阵冬训",
            kind="winter_training",
            starts_on=date(2025, 1, 6),
            ends_on=date(2025, 1, 10),
            required_hours=Decimal("8"),
        )
        session = services.do_add_session(
            found, acting_user=None, held_on=date(2025, 1, 6), title="第一讲", hours=Decimal("8")
        )
        services.do_enroll_members(found, [world[STUDY_MEMBER[key]]], acting_user=None)
        services.do_record_session_attendance(session, acting_user=None)
    return found


def study_note(world: World, key: str):
    from dangjian.study import services
    from dangjian.study.models import Note

    member = world[STUDY_MEMBER[key]]
    found = Note.objects.filter(member=member).first()
    if found is None:
        found = services.do_write_note(
            acting_user=None, member=member, kind="reflection", title="心得", text="学习体会"
        )
    return found


def study_notes(world: World) -> None:
    for key in ("a1", "b1"):
        study_note(world, key)
    study_note_of(world, "wang")


def study_note_of(world: World, member: str):
    from dangjian.study import services

    return services.do_write_note(
        acting_user=None, member=world[member], kind="study_note", title="笔记", text="笔记"
    )


def _study(maker):
    return lambda world, key: {"pk": maker(world, key).pk}


def _study_session(world, key):
    return {"pk": study_course(world, key).sessions.get().pk}


def _study_enrollment(world, key):
    return {"pk": study_course(world, key).enrollments.get().pk}


def _today(world, key) -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


STUDY_PLAN = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": _study(study_plan)}
STUDY_ITEM = {**STUDY_PLAN, "more_kwargs": lambda w, k: {"pk": study_plan(w, k).items.get().pk}}
STUDY_COURSE = {**STUDY_PLAN, "more_kwargs": _study(study_course)}
STUDY_NOTE = {**STUDY_PLAN, "more_kwargs": _study(study_note)}
STUDY_BY_PAYLOAD = {"target": "a1", "outside": "b1", "url_kwarg": ""}
STUDY_WRITERS = (*EDITORS, "member_a1")
REVIEWERS = (*EDITORS, "inspector_a")


def study_course_payload(world, key):
    return {
        "name": "新培训班",
        "kind": "other",
        "starts_on": "2025-03-01",
        "ends_on": "2025-03-02",
        "required_hours": "8",
    }


def study_note_payload(world, key):
    member = world[STUDY_MEMBER[key]]
    return {
        "member": member.pk,
        "kind": "reflection",
        "title": "心得",
        "text": "学习体会",
        "written_on": _today(world, key),
    }


def study_item_payload(world, key):
    return {
        "plan": study_plan(world, key).pk,
        "title": "新篇目",
        "kind": "article",
        "due_on": "2025-09-30",
        "audience": "everyone",
    }


def study_completion_payload(world, key):
    member = world[STUDY_MEMBER[key]]
    return {"members": [member.pk], "method": "alone", "studied_on": _today(world, key)}


ENDPOINTS += [
    Endpoint("study:index", statuses(200)),
    Endpoint("study:mine", statuses(200)),
    Endpoint("study:organization", GRANT_VIEW, **ORG),
    Endpoint("study:progress_print", GRANT_VIEW, **ORG),
    Endpoint("study:progress_export", EXPORT, **ORG),
    Endpoint("study:plan_add", EDIT, **ORG),
    Endpoint(
        "study:plan_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {"year": 2025, "title": "新学习计划"},
        **ORG,
    ),
    Endpoint("study:course_add", EDIT, **ORG),
    Endpoint(
        "study:course_add", statuses(403, s302=EDITORS), method="post", payload=study_course_payload, **ORG
    ),
    Endpoint(
        "study:points_setting",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {"enabled": "on"},
        **ORG,
    ),
    Endpoint("study:plan_detail", ORG_VIEW, **STUDY_PLAN),
    Endpoint("study:plan_publish", statuses(403, s302=EDITORS), method="post", **STUDY_PLAN),
    Endpoint("study:item_add", EDIT, **STUDY_PLAN),
    Endpoint(
        "study:item_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {
            "title": "新篇目",
            "kind": "article",
            "due_on": "2025-09-30",
            "audience": "everyone",
        },
        **STUDY_PLAN,
    ),
    Endpoint("study:item_detail", ORG_VIEW, **STUDY_ITEM),
    Endpoint("study:completion_add", EDIT, **STUDY_ITEM),
    Endpoint(
        "study:completion_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=study_completion_payload,
        **STUDY_ITEM,
    ),
    # A 党员 marks their own item done; an account without a member record has nothing to mark.
    Endpoint(
        "study:completion_mine",
        statuses(404, s403=VIEWERS, s302=("member_a1",)),
        method="post",
        payload=lambda world, key: {"studied_on": _today(world, key)},
        **STUDY_ITEM,
    ),
    Endpoint("study:course_detail", GRANT_VIEW, **STUDY_COURSE),
    Endpoint("study:session_add", EDIT, **STUDY_COURSE),
    Endpoint(
        "study:session_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {"held_on": "2025-01-07", "title": "第二讲", "hours": "4"},
        **STUDY_COURSE,
    ),
    Endpoint("study:enrollment_add", EDIT, **STUDY_COURSE),
    Endpoint(
        "study:enrollment_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda world, key: {"members": [world["zhang"].pk]},
        **STUDY_COURSE,
    ),
    Endpoint("study:session_attendance", EDIT, **{**STUDY_COURSE, "more_kwargs": _study_session}),
    Endpoint(
        "study:session_attendance",
        statuses(403, s302=EDITORS),
        method="post",
        **{**STUDY_COURSE, "more_kwargs": _study_session},
    ),
    Endpoint("study:certificate", ORG_VIEW, **{**STUDY_COURSE, "more_kwargs": _study_enrollment}),
    Endpoint("study:note_add", statuses(403, s200=STUDY_WRITERS)),
    Endpoint(
        "study:note_add",
        statuses(403, s302=STUDY_WRITERS),
        method="post",
        payload=study_note_payload,
        target="a1",
        url_kwarg="",
    ),
    Endpoint("study:note_detail", ORG_VIEW, **STUDY_NOTE),
    Endpoint(
        "study:note_review",
        statuses(404, s302=REVIEWERS, s403=("sysadmin", "member_a1")),
        method="post",
        payload=lambda world, key: {"mark": "pass", "comment": "联系实际"},
        **STUDY_NOTE,
    ),
    # API
    Endpoint("study-api:plan-list", statuses(200), api=True),
    Endpoint(
        "study-api:plan-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: {"organization": world[key].pk, "year": 2025, "title": "新学习计划"},
        **STUDY_BY_PAYLOAD,
    ),
    Endpoint("study-api:plan-detail", ORG_VIEW, api=True, **STUDY_PLAN),
    Endpoint("study-api:plan-publish", statuses(403, s200=EDITORS), api=True, method="post", **STUDY_PLAN),
    Endpoint("study-api:item-list", statuses(200), api=True),
    Endpoint(
        "study-api:item-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=study_item_payload,
        **STUDY_BY_PAYLOAD,
    ),
    Endpoint("study-api:item-detail", ORG_VIEW, api=True, **STUDY_ITEM),
    Endpoint("study-api:completion-list", statuses(200), api=True),
    Endpoint(
        "study-api:completion-list",
        statuses(403, s201=STUDY_WRITERS),
        api=True,
        method="post",
        payload=lambda world, key: {
            "item": study_plan(world, key).items.get().pk,
            **study_completion_payload(world, key),
        },
        **STUDY_BY_PAYLOAD,
    ),
    Endpoint("study-api:course-list", statuses(200), api=True),
    Endpoint(
        "study-api:course-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: {"organization": world[key].pk, **study_course_payload(world, key)},
        **STUDY_BY_PAYLOAD,
    ),
    Endpoint("study-api:course-detail", ORG_VIEW, api=True, **STUDY_COURSE),
    Endpoint(
        "study-api:course-sessions",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: {"held_on": "2025-01-07", "title": "第二讲", "hours": "4"},
        **STUDY_COURSE,
    ),
    Endpoint(
        "study-api:course-enrollments",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: {"members": [world["zhang"].pk]},
        **STUDY_COURSE,
    ),
    Endpoint(
        "study-api:course-attendance",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda world, key: {"session": study_course(world, key).sessions.get().pk, "absent": []},
        **STUDY_COURSE,
    ),
    Endpoint("study-api:note-list", statuses(200), api=True),
    Endpoint(
        "study-api:note-list",
        statuses(403, s201=STUDY_WRITERS),
        api=True,
        method="post",
        payload=study_note_payload,
        **STUDY_BY_PAYLOAD,
    ),
    Endpoint("study-api:note-detail", ORG_VIEW, api=True, **STUDY_NOTE),
    Endpoint(
        "study-api:note-review",
        statuses(404, s201=REVIEWERS, s403=("sysadmin", "member_a1")),
        api=True,
        method="post",
        payload=lambda world, key: {"mark": "excellent"},
        **STUDY_NOTE,
    ),
]


def _api_note_members(response):
    return [row["member"] for row in response.json()["results"]]


LISTINGS += [
    # A 党员 reads their own notes only; a grant, those of its subtree.
    Listing(
        "study-api:note-list",
        _api_note_members,
        by_role(
            county_admin=("li", "wang", "zhao"),
            town_a_admin=("li", "wang"),
            branch_a1_admin=("li",),
            inspector_a=("li", "wang"),
            sysadmin=("li", "wang", "zhao"),
            member_a1=("li",),
        ),
        setup=study_notes,
    ),
]


# member development (发展党员, issue #5: development.views, development.api). One file is opened on first
# use in the world key's branch (A1 in scope, B1 outside) with its application (step 1) recorded; the
# writes record step 2 (the talk, within the month). A file is read by the grants over its branch; a 党员
# reads no development file; writing needs a change grant (an inspector or a 系统管理员 gets 403).
NOT_SCOPED = NOT_SCOPED | {"development-api:api-root"}


def development_file(world: World, key: str):
    from dangjian.development.models import DevelopmentFile
    from dangjian.development.services import do_open_file

    found = DevelopmentFile.objects.filter(organization=world[key]).first()
    if found is None:
        born = date(2000, 5, 6)
        found = do_open_file(
            acting_user=None,
            organization=world[key],
            name=f"{key}申请人",
            sex="female",
            birth_date=born,
            id_number=make_id_number(born, "female", area_code="130102", seq={"a1": 612, "b1": 614}[key]),
            applied_on=date(2025, 3, 1),
        )
    return found


def new_development_file(world: World, key: str) -> dict:
    born = date(2001, 7, 8)
    return {
        "organization": world[key].pk,
        "name": "新申请人",
        "sex": "male",
        "birth_date": born.isoformat(),
        "id_number": make_id_number(born, "male", area_code="130102", seq=615),
        "applied_on": "2025-04-01",
    }


def development_talk(world: World, key: str) -> dict:
    return {"no": 2, "date": "2025-03-10"}


def development_close(world: World, key: str) -> dict:
    return {"closed_on": "2025-05-01", "reason": "本人撤回申请"}


DEVELOPMENT_FILE = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": development_file(w, k).pk},
}
ENDPOINTS += [
    Endpoint("development:file_list", statuses(200)),
    Endpoint("development:file_add", EDIT),
    Endpoint(
        "development:file_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=new_development_file,
        url_kwarg="",
        target="a1",
    ),
    Endpoint("development:file_detail", MEMBER_VIEW, **DEVELOPMENT_FILE),
    # A draft of a file at the 申请人 stage: no 公示 is due, so the exporters are sent back to the file.
    Endpoint(
        "development:file_draft",
        statuses(403, s302=EDITORS),
        more_kwargs=lambda w, k: {"pk": development_file(w, k).pk, "kind": "publicity"},
        target="a1",
        outside="b1",
        url_kwarg="",
    ),
    Endpoint(
        "development:step_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=development_talk,
        **DEVELOPMENT_FILE,
    ),
    Endpoint(
        "development:file_close",
        statuses(403, s302=EDITORS),
        method="post",
        payload=development_close,
        **DEVELOPMENT_FILE,
    ),
    Endpoint("development-api:file-list", statuses(200), api=True),
    Endpoint(
        "development-api:file-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_development_file,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint("development-api:file-detail", MEMBER_VIEW, api=True, **DEVELOPMENT_FILE),
    Endpoint(
        "development-api:file-close",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=development_close,
        **DEVELOPMENT_FILE,
    ),
    Endpoint("development-api:file-steps", MEMBER_VIEW, api=True, **DEVELOPMENT_FILE),
    Endpoint(
        "development-api:file-steps",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=development_talk,
        **DEVELOPMENT_FILE,
    ),
    Endpoint(
        "development-api:check",
        statuses(200),
        api=True,
        method="post",
        payload=lambda world, key: {"birth_date": "2000-01-01", "steps": [{"no": 1, "date": "2025-03-01"}]},
    ),
]


# 发展计划 and 发展统计 (issue #5): a plan of the world key's branch is set on first use (A1 in scope, B1
# outside); the statistics page and API read the subtree of the organization in the URL. Read by the grants
# over it (a 党员 reads neither); setting a plan needs a change grant (an inspector or a 系统管理员 gets 403).
def development_plan(world: World, key: str):
    from dangjian.development.models import DevelopmentPlan
    from dangjian.development.services import do_set_plan

    found = DevelopmentPlan.objects.filter(organization=world[key]).first()
    return found or do_set_plan(acting_user=None, organization=world[key], year=2025, total=2)


def new_development_plan(world: World, key: str) -> dict:
    return {"organization": world[key].pk, "year": 2026, "total": 3, "women": 1}


ENDPOINTS += [
    Endpoint("development:plan_list", statuses(200)),
    Endpoint("development:plan_set", EDIT),
    Endpoint(
        "development:plan_set",
        statuses(403, s302=EDITORS),
        method="post",
        payload=new_development_plan,
        url_kwarg="",
        target="a1",
    ),
    Endpoint("development:statistics", MEMBER_VIEW, **ORG),
    Endpoint("development-api:plan-list", statuses(200), api=True),
    Endpoint(
        "development-api:plan-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_development_plan,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint(
        "development-api:plan-detail",
        MEMBER_VIEW,
        api=True,
        target="a1",
        outside="b1",
        url_kwarg="",
        more_kwargs=lambda w, k: {"pk": development_plan(w, k).pk},
    ),
    Endpoint("development-api:statistics", MEMBER_VIEW, api=True, **ORG),
]


# 双推双考要求 (issue #5): set by a committee for its subtree, so the target is A镇党委 (B镇党委
# outside); one is set on first use. Read by the grants over the committee (a 支部管理员 of A1 reads none:
# 404); set and stopped by a change grant over it (an inspector or a 系统管理员 gets 403).
def development_dual(world: World, key: str):
    from dangjian.development.models import DualRequirement
    from dangjian.development.services import do_set_dual_requirement

    found = DualRequirement.objects.filter(organization=world[key]).first()
    return found or do_set_dual_requirement(
        acting_user=None, organization=world[key], valid_from=date(2025, 1, 1), for_activists=True
    )


def new_development_dual(world: World, key: str) -> dict:
    return {"organization": world[key].pk, "for_activists": True, "valid_from": "2025-01-01"}


DEVELOPMENT_DUAL = {
    "target": "town_a",
    "outside": "town_b",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": development_dual(w, k).pk},
}
ENDPOINTS += [
    Endpoint("development:dual_list", statuses(200)),
    Endpoint(
        "development:dual_list",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        payload=new_development_dual,
        url_kwarg="",
        target="town_a",
    ),
    Endpoint(
        "development:dual_end",
        statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",)),
        method="post",
        payload=lambda world, key: {"valid_until": "2025-06-30"},
        **DEVELOPMENT_DUAL,
    ),
    Endpoint("development-api:dual-list", statuses(200), api=True),
    Endpoint(
        "development-api:dual-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=new_development_dual,
        url_kwarg="",
        target="town_a",
        outside="town_b",
    ),
    Endpoint(
        "development-api:dual-detail",
        statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin")),
        api=True,
        **DEVELOPMENT_DUAL,
    ),
    Endpoint(
        "development-api:dual-end",
        statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=lambda world, key: {"valid_until": "2025-06-30"},
        **DEVELOPMENT_DUAL,
    ),
]


# 推优 and youth cohorts (issue #5, youth part: youth.views, youth.api). A 团支部, a recommendation to the
# world key's branch and a cohort organized by it (with one trainee) are made on first use (A1 in scope, B1
# outside). They are read by the grants over that organization (a 党员 reads none) and written by a change
# grant (an inspector or a 系统管理员 gets 403).
NOT_SCOPED = NOT_SCOPED | {"youth-api:api-root"}


def youth_organization(world: World, key: str):
    from dangjian.youth.models import YouthOrganization

    return YouthOrganization.objects.get_or_create(organization=world[key], name=f"{key}团支部")[0]


def youth_recommendation(world: World, key: str):
    from dangjian.youth.models import Recommendation
    from dangjian.youth.services import do_create_recommendation

    found = Recommendation.objects.filter(organization=world[key]).first()
    return found or do_create_recommendation(
        acting_user=None,
        organization=world[key],
        youth_organization=youth_organization(world, key),
        **new_recommendation_fields(),
    )


def new_recommendation_fields() -> dict:
    return {
        "name": "推优青年",
        "sex": "female",
        "birth_date": date(2001, 4, 5),
        "recommended_on": date(2025, 3, 1),
        "attendees": 20,
        "votes_for": 18,
        "votes_against": 0,
        "opinion": "同意推荐。",
    }


def new_recommendation(world: World, key: str) -> dict:
    fields = {
        k: (v.isoformat() if isinstance(v, date) else v) for k, v in new_recommendation_fields().items()
    }
    return {
        **fields,
        "organization": world[key].pk,
        "youth_organization": youth_organization(world, key).pk,
        "education": "",
        "occupation": "",
        "document": "",
    }


def youth_trainee(world: World, key: str):
    from dangjian.youth.models import Cohort, CohortMember

    cohort = Cohort.objects.get_or_create(
        organization=world[key], name=f"{key}青马班", tier="other", year=2025
    )[0]
    return CohortMember.objects.get_or_create(cohort=cohort, name=f"{key}青年")[0]


RECOMMENDATION = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": youth_recommendation(w, k).pk},
}
COHORT = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": youth_trainee(w, k).cohort_id},
}
TRAINEE = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": youth_trainee(w, k).pk},
}
WRITE_302 = statuses(403, s302=EDITORS)
YOUTH_CREATE = {"url_kwarg": "", "target": "a1", "method": "post"}
ENDPOINTS += [
    Endpoint("youth:recommendation_list", statuses(200)),
    Endpoint("youth:youth_organization_add", EDIT),
    Endpoint(
        "youth:youth_organization_add",
        WRITE_302,
        payload=lambda w, k: {"organization": w[k].pk, "name": "新团支部"},
        **YOUTH_CREATE,
    ),
    Endpoint("youth:recommendation_add", EDIT),
    Endpoint("youth:recommendation_add", WRITE_302, payload=new_recommendation, **YOUTH_CREATE),
    Endpoint("youth:recommendation_detail", MEMBER_VIEW, **RECOMMENDATION),
    Endpoint(
        "youth:recommendation_accept",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"decided_on": "2025-03-10", "applied_on": "2025-03-05"},
        **RECOMMENDATION,
    ),
    Endpoint(
        "youth:recommendation_reject",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"decided_on": "2025-03-10", "reason": "本人暂不申请"},
        **RECOMMENDATION,
    ),
    Endpoint("youth:cohort_list", statuses(200)),
    Endpoint("youth:cohort_add", EDIT),
    Endpoint(
        "youth:cohort_add",
        WRITE_302,
        payload=lambda w, k: {
            "organization": w[k].pk,
            "name": "青马班",
            "tier": "school",
            "year": 2025,
            "required_practice_hours": "10",
        },
        **YOUTH_CREATE,
    ),
    Endpoint("youth:cohort_detail", MEMBER_VIEW, **COHORT),
    Endpoint(
        "youth:trainee_add", WRITE_302, method="post", payload=lambda w, k: {"name": "新学员"}, **COHORT
    ),
    Endpoint(
        "youth:practice_add",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"title": "志愿服务", "date": "2025-04-01", "hours": "4"},
        **TRAINEE,
    ),
    Endpoint(
        "youth:trainee_complete",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"completed_on": "2025-05-01"},
        **TRAINEE,
    ),
    Endpoint("youth-api:youth-organization-list", statuses(200), api=True),
    Endpoint(
        "youth-api:youth-organization-list",
        statuses(403, s201=EDITORS),
        api=True,
        outside="b1",
        payload=lambda w, k: {"organization": w[k].pk, "name": "新团支部"},
        **YOUTH_CREATE,
    ),
    Endpoint("youth-api:recommendation-list", statuses(200), api=True),
    Endpoint(
        "youth-api:recommendation-list",
        statuses(403, s201=EDITORS),
        api=True,
        outside="b1",
        payload=new_recommendation,
        **YOUTH_CREATE,
    ),
    Endpoint("youth-api:recommendation-detail", MEMBER_VIEW, api=True, **RECOMMENDATION),
    Endpoint(
        "youth-api:recommendation-accept",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"decided_on": "2025-03-10", "applied_on": "2025-03-05"},
        **RECOMMENDATION,
    ),
    Endpoint(
        "youth-api:recommendation-reject",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"decided_on": "2025-03-10", "reason": "本人暂不申请"},
        **RECOMMENDATION,
    ),
    Endpoint("youth-api:cohort-list", statuses(200), api=True),
    Endpoint(
        "youth-api:cohort-list",
        statuses(403, s201=EDITORS),
        api=True,
        outside="b1",
        payload=lambda w, k: {"organization": w[k].pk, "name": "青马班", "tier": "school", "year": 2025},
        **YOUTH_CREATE,
    ),
    Endpoint("youth-api:cohort-detail", MEMBER_VIEW, api=True, **COHORT),
    Endpoint("youth-api:cohort-trainees", MEMBER_VIEW, api=True, **COHORT),
    Endpoint(
        "youth-api:cohort-trainees",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"name": "新学员", "mentor": "导师"},
        **COHORT,
    ),
    Endpoint("youth-api:trainee-detail", MEMBER_VIEW, api=True, **TRAINEE),
    Endpoint(
        "youth-api:trainee-practices",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"title": "志愿服务", "date": "2025-04-01", "hours": "4"},
        **TRAINEE,
    ),
    Endpoint(
        "youth-api:trainee-complete",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"completed_on": "2025-05-01"},
        **TRAINEE,
    ),
]


def youth_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        youth_recommendation(world, key)
        youth_trainee(world, key)


YOUTH_SETS = by_role(
    county_admin=("a1", "b1"),
    town_a_admin=("a1",),
    branch_a1_admin=("a1",),
    inspector_a=("a1",),
    sysadmin=("a1", "b1"),
)
LISTINGS += [
    # A 党员 reads no recommendation or cohort; a grant, those of its subtree.
    Listing("youth-api:recommendation-list", _api_activity_orgs, YOUTH_SETS, setup=youth_everywhere),
    Listing("youth-api:cohort-list", _api_activity_orgs, YOUTH_SETS, setup=youth_everywhere),
]


# Later capabilities keep their rows in `<app>/tests/matrix_rows.py` (ENDPOINTS, LISTINGS, NOT_SCOPED),
# built from the names above; they are imported last so this module stays one list for the tests.
ROW_MODULES = (
    "dangjian.tasks",
    "dangjian.targets",
    "dangjian.inspections",
    "dangjian.evaluation",
    "dangjian.surveys",
    "dangjian.feedback",
    "dangjian.statistics",
    "dangjian.reports",
    "dangjian.dashboards",
)
for _app in ROW_MODULES:
    _rows = importlib.import_module(f"{_app}.tests.matrix_rows")
    ENDPOINTS += _rows.ENDPOINTS
    LISTINGS += getattr(_rows, "LISTINGS", [])
    NOT_SCOPED = NOT_SCOPED | getattr(_rows, "NOT_SCOPED", frozenset())
