"""Permission-matrix rows of the surveys app (imported at the end of core/testing/matrix.py).

A draft public survey of the world key's organization (A1 in scope, B1 outside) with one satisfaction
question is made on first use, and an open member survey for the answer page; a 民主评议党员 round of the
branch for this year. Owners' pages are scoped by the survey's organization; results never reach a 党员.
Not scoped, on purpose: the public one-use-link form and its API twin (`surveys:public_form`,
`surveys-api:public-submit`): the unguessable token is the only key, opens one survey's questions and
accepts one response, with no login (the public has none); unknown tokens are 404, rate-limited per IP.
"""

from django.utils import timezone

from dangjian.core.testing.matrix import (  # noqa: F401
    EDIT,
    EDITORS,
    MEMBER_VIEW,
    VIEWERS,
    Endpoint,
    Listing,
    World,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"surveys-api:api-root", "surveys:public_form", "surveys-api:public-submit"})
TITLE = "矩阵满意度测评"
MEMBER_TITLE = "矩阵党员测评"


def _today():
    return timezone.localdate()


def matrix_survey(world: World, key: str):
    from dangjian.surveys import services
    from dangjian.surveys.models import Survey

    found = Survey.objects.filter(organization=world[key], title=TITLE).first()
    if found is not None:
        return found
    survey = services.do_create_survey(
        acting_user=None,
        organization=world[key],
        title=TITLE,
        kind="satisfaction",
        audience="public",
        opens_on=_today(),
        closes_on=_today(),
    )
    services.do_add_question(survey, acting_user=None, kind="satisfaction", text="您是否满意？")
    return survey


def matrix_member_survey(world: World, key: str):
    from dangjian.surveys import services
    from dangjian.surveys.models import Survey

    found = Survey.objects.filter(organization=world[key], title=MEMBER_TITLE).first()
    if found is not None:
        return found
    survey = services.do_create_survey(
        acting_user=None,
        organization=world[key],
        title=MEMBER_TITLE,
        kind="mass_review",
        audience="members",
        opens_on=_today(),
        closes_on=_today(),
    )
    services.do_add_question(survey, acting_user=None, kind="rating", text="评分")
    services.do_open_survey(survey, acting_user=None)
    return survey


def matrix_round(world: World, key: str):
    from dangjian.surveys import services
    from dangjian.surveys.models import ReviewRound

    return ReviewRound.objects.filter(organization=world[key]).first() or services.do_open_review_round(
        acting_user=None, organization=world[key], year=_today().year, opens_on=_today(), closes_on=_today()
    )


def _on(maker):
    return {
        "target": "a1",
        "outside": "b1",
        "url_kwarg": "",
        "more_kwargs": lambda w, k: {"pk": maker(w, k).pk},
    }


SURVEY, MEMBER_SURVEY, ROUND = _on(matrix_survey), _on(matrix_member_survey), _on(matrix_round)
WRITE_302 = statuses(403, s302=EDITORS)
CREATE = {"url_kwarg": "", "target": "a1", "method": "post"}


def new_survey(world: World, key: str) -> dict:
    today = _today().isoformat()
    return {
        "organization": world[key].pk,
        "title": "新测评",
        "kind": "satisfaction",
        "target_kind": "organization",
        "audience": "public",
        "opens_on": today,
        "closes_on": today,
    }


def new_api_survey(world: World, key: str) -> dict:
    return {
        **new_survey(world, key),
        "questions": [
            {"kind": "satisfaction", "text": "您对党组织的工作是否满意？"},
            {"kind": "single", "text": "最关心的事项", "options": ["作风", "服务"]},
        ],
    }


API_EDIT = statuses(403, s200=EDITORS)

ENDPOINTS: list = [
    Endpoint("surveys:survey_list", statuses(200)),
    Endpoint("surveys:survey_add", EDIT),
    Endpoint("surveys:survey_add", WRITE_302, payload=new_survey, **CREATE),
    Endpoint("surveys:survey_detail", MEMBER_VIEW, **SURVEY),
    Endpoint("surveys:survey_edit", EDIT, **SURVEY),
    Endpoint(
        "surveys:survey_edit",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"title": "改名", "opens_on": _today(), "closes_on": _today()},
        **SURVEY,
    ),
    Endpoint(
        "surveys:question_add",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"kind": "text", "text": "意见建议"},
        **SURVEY,
    ),
    Endpoint("surveys:survey_open", WRITE_302, method="post", **SURVEY),
    Endpoint("surveys:survey_close", WRITE_302, method="post", **SURVEY),  # a draft: refused, redirected
    Endpoint(
        "surveys:token_issue",
        statuses(403, s200=EDITORS),
        method="post",
        payload=lambda w, k: {"count": 2},
        **SURVEY,
    ),
    Endpoint("surveys:survey_results", MEMBER_VIEW, **SURVEY),
    Endpoint("surveys:results_export", MEMBER_VIEW, **SURVEY),
    # Only a member of the target's subtree answers (the other roles hold no member record).
    Endpoint("surveys:survey_answer", statuses(404, s200=("member_a1",)), **MEMBER_SURVEY),
    Endpoint("surveys:round_list", statuses(200)),
    Endpoint("surveys:round_add", EDIT),
    Endpoint(
        "surveys:round_add",
        WRITE_302,
        payload=lambda w, k: {
            "organization": w[k].pk,
            "year": _today().year,
            "opens_on": _today(),
            "closes_on": _today(),
        },
        **CREATE,
    ),
    Endpoint("surveys:round_detail", MEMBER_VIEW, **ROUND),
    Endpoint(
        "surveys:decision_add",
        WRITE_302,
        method="post",
        payload=lambda w, k: {
            "member": w["zhang" if k == "a1" else "zhao"].pk,
            "grade": "qualified",
            "decided_on": _today(),
        },
        **ROUND,
    ),
    Endpoint("surveys:round_conclude", WRITE_302, method="post", **ROUND),
    Endpoint("surveys-api:survey-list", statuses(200), api=True),
    Endpoint("surveys-api:survey-detail", MEMBER_VIEW, api=True, **SURVEY),
    Endpoint("surveys-api:survey-results", MEMBER_VIEW, api=True, **SURVEY),
    # Owners' writes through the API: a change grant over the survey's organization (others 403/404).
    Endpoint(
        "surveys-api:survey-list",
        statuses(403, s201=EDITORS),
        api=True,
        outside="b1",
        payload=new_api_survey,
        **CREATE,
    ),
    Endpoint(
        "surveys-api:survey-detail",
        API_EDIT,
        api=True,
        method="patch",
        payload=lambda w, k: {"title": "改名"},
        **SURVEY,
    ),
    Endpoint(
        "surveys-api:survey-questions",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"kind": "text", "text": "意见建议", "required": False},
        **SURVEY,
    ),
    Endpoint("surveys-api:survey-open", API_EDIT, api=True, method="post", **SURVEY),
    # The matrix survey is a draft: closing it is refused by the service (400) for whoever may.
    Endpoint("surveys-api:survey-close", statuses(403, s400=EDITORS), api=True, method="post", **SURVEY),
    Endpoint(
        "surveys-api:survey-tokens",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"count": 2},
        **SURVEY,
    ),
]


def surveys_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        matrix_survey(world, key)


def _page_orgs(response):
    return [survey.organization_id for survey in response.context["surveys"]]


def _api_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


SURVEY_SETS = by_role(
    county_admin=("a1", "b1"),
    town_a_admin=("a1",),
    branch_a1_admin=("a1",),
    inspector_a=("a1",),
    sysadmin=("a1", "b1"),
)
LISTINGS: list = [
    Listing("surveys:survey_list", _page_orgs, SURVEY_SETS, setup=surveys_everywhere),
    Listing("surveys-api:survey-list", _api_orgs, SURVEY_SETS, setup=surveys_everywhere),
]
