"""Permission-matrix rows of the reports app (imported at the end of core/testing/matrix.py).

On first use a committee template is made by the world key's town (A镇党委 for `a1`, B镇党委 for `b1`) and a
draft of the branch itself is made from it. Drafts are read by the grants over their organization (a 党员
reads none) and written by a change grant over it. Templates are read by the grants over their committee
(built-in ones by every grant holder) and written by a change grant over the committee, so a 支部管理员 of A1
finds A镇党委's template missing (404). Tracing a figure needs a role grant over the organization asked for
(`?org=`, as the editor's links send it); the matrix registers one figure of its own, `matrix.members`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from dangjian.core.testing.matrix import (
    EDITORS,
    TREE_MANAGERS,
    VIEWERS,
    Endpoint,
    Listing,
    World,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"reports-api:api-root"})
TOWN = {"a1": "town_a", "b1": "town_b"}
MATRIX_FIGURE = "matrix.members"


def matrix_figure() -> str:
    """A figure for the trace rows (the capabilities' own figures may not all be registered)."""
    from dangjian.core.figures import figures, register_figure
    from dangjian.members.models import Member

    if MATRIX_FIGURE not in figures:
        register_figure(
            MATRIX_FIGURE,
            "党员数（矩阵测试）",
            "名",
            records=lambda org, period: Member.objects.in_subtree(org),
        )(lambda org, period: Member.objects.in_subtree(org).count())
    return MATRIX_FIGURE


def template_of(world: World, key: str):
    from dangjian.reports.models import ReportTemplate
    from dangjian.reports.services import do_create_template

    town = world[TOWN.get(key, key)]
    found = ReportTemplate.objects.filter(organization=town).first()
    return found or do_create_template(
        acting_user=None,
        organization=town,
        name="矩阵模板",
        kind="other",
        title="{{ org.name }}汇报",
        body="正文",
    )


def draft_of(world: World, key: str):
    from dangjian.core.figures import Period
    from dangjian.reports.models import ReportDraft
    from dangjian.reports.services import do_create_draft

    found = ReportDraft.objects.filter(organization=world[key]).first()
    return found or do_create_draft(
        acting_user=None, organization=world[key], template=template_of(world, key), period=Period.year(2025)
    )


def drafts_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        draft_of(world, key)


def builtin_pk() -> int:
    from dangjian.reports.models import ReportTemplate

    return ReportTemplate.objects.get(code="work-report").pk


def new_draft(world: World, key: str) -> dict:
    return {"template": builtin_pk(), "organization": world[key].pk, "start": "2025-01", "end": "2025-06"}


def new_template(world: World, key: str) -> dict:
    return {
        "organization": world[TOWN.get(key, key)].pk,
        "name": "新模板",
        "kind": "other",
        "title": "{{ org.name }}",
        "body": "{{ period.name }}",
        "is_active": True,
    }


def draft_edit(world: World, key: str) -> dict:
    return {"title": "改后的标题", "body": "一、情况\n正文", "status": "draft", "issuer": "A镇党委"}


@dataclass(frozen=True)
class TraceEndpoint(Endpoint):
    """A figure trace: the organization travels in the query string (`?org=&from=&to=`)."""

    def url(self, world: World, key: str | None) -> str:
        query = urlencode({"org": world[key].pk, "from": "2025-01", "to": "2025-12"})
        return f"{super().url(world, key)}?{query}"


DRAFT = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": draft_of(w, k).pk},
}
TEMPLATE = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": template_of(w, k).pk},
}
TRACE = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"key": matrix_figure()},
}
MEMBER_VIEW = statuses(404, s200=VIEWERS)
EDIT = statuses(403, s200=EDITORS)
# Read by the grants over the town; the 支部管理员 of A1 holds none there.
TEMPLATE_VIEW = statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin"))
TEMPLATE_EDIT = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))

ENDPOINTS = [
    # drafts (UI)
    Endpoint("reports:draft_list", statuses(200)),
    Endpoint("reports:draft_add", EDIT),
    Endpoint(
        "reports:draft_add",
        statuses(403, s302=EDITORS),
        method="post",
        payload=new_draft,
        url_kwarg="",
        target="a1",
    ),
    Endpoint("reports:draft_detail", MEMBER_VIEW, **DRAFT),
    Endpoint("reports:draft_detail", statuses(403, s302=EDITORS), method="post", payload=draft_edit, **DRAFT),
    Endpoint("reports:draft_refresh", statuses(403, s302=EDITORS), method="post", **DRAFT),
    Endpoint("reports:draft_export", MEMBER_VIEW, **DRAFT),
    # templates (UI)
    Endpoint("reports:template_list", statuses(200)),
    Endpoint("reports:template_add", EDIT),
    Endpoint(
        "reports:template_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        payload=new_template,
        url_kwarg="",
        target="a1",
    ),
    Endpoint("reports:template_detail", TEMPLATE_VIEW, **TEMPLATE),
    Endpoint("reports:template_edit", TEMPLATE_EDIT, **TEMPLATE),
    Endpoint(
        "reports:template_edit",
        statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",)),
        method="post",
        payload=new_template,
        **TEMPLATE,
    ),
    # figures (UI)
    Endpoint("reports:figure_list", statuses(200)),
    TraceEndpoint("reports:figure_trace", MEMBER_VIEW, **TRACE),
    # API
    Endpoint("reports-api:template-list", statuses(200), api=True),
    Endpoint(
        "reports-api:template-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=new_template,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint("reports-api:template-detail", TEMPLATE_VIEW, api=True, **TEMPLATE),
    Endpoint(
        "reports-api:template-detail",
        TEMPLATE_EDIT,
        api=True,
        method="patch",
        payload=lambda w, k: {"body": "改后的{{ org.name }}"},
        **TEMPLATE,
    ),
    Endpoint("reports-api:draft-list", statuses(200), api=True),
    Endpoint(
        "reports-api:draft-list",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=new_draft,
        url_kwarg="",
        target="a1",
        outside="b1",
    ),
    Endpoint("reports-api:draft-detail", MEMBER_VIEW, api=True, **DRAFT),
    Endpoint("reports-api:draft-detail", EDIT, api=True, method="patch", payload=draft_edit, **DRAFT),
    Endpoint("reports-api:draft-refresh", EDIT, api=True, method="post", **DRAFT),
    Endpoint("reports-api:draft-export", MEMBER_VIEW, api=True, **DRAFT),
    Endpoint("reports-api:figure-list", statuses(200), api=True),
    TraceEndpoint("reports-api:figure-detail", MEMBER_VIEW, api=True, **TRACE),
]


def _draft_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


LISTINGS = [
    Listing(
        "reports-api:draft-list",
        _draft_orgs,
        by_role(
            county_admin=("a1", "b1"),
            town_a_admin=("a1",),
            branch_a1_admin=("a1",),
            inspector_a=("a1",),
            sysadmin=("a1", "b1"),
        ),
        setup=drafts_everywhere,
    ),
]
