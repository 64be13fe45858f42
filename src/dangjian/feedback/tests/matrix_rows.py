"""Permission-matrix rows of the feedback app (imported at the end of core/testing/matrix.py).

On first use an observer is appointed by the world key's town (A镇党委 for `a1`, B镇党委 for `b1`) to observe
the branch, a public code is made for the branch and one anonymous item is submitted to it. Observers are
read by the grants over the appointing town (the 支部管理员 of A1 reads none: 404) and managed by a change
grant over it; feedback is read by the grants over the responsible branch and handled by a change grant.
A 党员 reads neither. The own-submission pages (我的意见建议, 提交, 评价) serve any logged-in user with that
user's own rows only. The public form, the follow-up page and the public API take no login by design (a
poster's code, then a follow-up code) and are NOT_SCOPED: they show one organization's name and the item
the follow-up code belongs to, nothing else.
"""

from datetime import date

from dangjian.core.testing.matrix import EDITORS, VIEWERS, Endpoint, Listing, World, statuses

NOT_SCOPED = frozenset(
    {
        "feedback-api:api-root",
        # No login by design: anonymous submission through a poster's code, rate-limited and deduplicated.
        "feedback:public_submit",
        "feedback-api:public-submit",
        # No login by design: the submitter's follow-up code (POSTed) opens that one item only.
        "feedback:public_follow_up",
    }
)
TOWN = {"a1": "town_a", "b1": "town_b"}


def observer_of(world: World, key: str):
    from dangjian.feedback.models import Observer
    from dangjian.feedback.services import do_appoint_observer

    found = Observer.objects.filter(organization=world[TOWN[key]]).first()
    return found or do_appoint_observer(
        acting_user=None,
        organization=world[TOWN[key]],
        name=f"{key}观察员",
        term_starts_on=date(2025, 1, 1),
        term_ends_on=date(2027, 12, 31),
        observed=[world[key]],
    )


def feedback_of(world: World, key: str):
    from dangjian.feedback.models import Feedback
    from dangjian.feedback.services import do_submit_feedback

    found = Feedback.objects.filter(organization=world[key]).first()
    return (
        found
        or do_submit_feedback(
            acting_user=None,
            channel="public",
            organization=world[key],
            category="conduct",
            subject=f"{key}意见",
            content="希望按月公开党务。",
            submitted_on=date(2025, 3, 3),
        )[0]
    )


def link_of(world: World, key: str):
    from dangjian.feedback.models import FeedbackLink
    from dangjian.feedback.services import do_create_feedback_link

    found = FeedbackLink.objects.filter(organization=world[key]).first()
    return found or do_create_feedback_link(acting_user=None, organization=world[key])


def feedback_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        feedback_of(world, key)


OBSERVER = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": observer_of(w, k).pk},
}
FEEDBACK = {
    "target": "a1",
    "outside": "b1",
    "url_kwarg": "",
    "more_kwargs": lambda w, k: {"pk": feedback_of(w, k).pk},
}
VIEW = statuses(404, s200=VIEWERS)
OBSERVER_VIEW = statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin"))
EDIT = statuses(403, s200=EDITORS)
WRITE_302 = statuses(403, s302=EDITORS)
# A change grant elsewhere (the 支部管理员 of A1) meets an observer of the town as a 404.
OBSERVER_WRITE = statuses(403, s302=("county_admin", "town_a_admin"), s404=("branch_a1_admin",))
API_WRITE = statuses(403, s200=EDITORS)
CREATE = {"url_kwarg": "", "target": "a1", "method": "post"}
OWN = statuses(200)
STATS = statuses(403, s200=VIEWERS)
EXPORT = statuses(403, s200=EDITORS)


def new_observer(world: World, key: str) -> dict:
    return {
        "organization": world[key].pk,
        "name": "新观察员",
        "phone": "13912345678",
        "term_starts_on": "2025-01-01",
        "term_ends_on": "2027-12-31",
        "observed": [world[key].pk],
    }


ENDPOINTS = [
    Endpoint("feedback:feedback_list", statuses(200)),
    Endpoint("feedback:feedback_detail", VIEW, **FEEDBACK),
    Endpoint(
        "feedback:feedback_route",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"to_organization": w[k].pk, "reason": "交本支部办理"},
        **FEEDBACK,
    ),
    Endpoint(
        "feedback:feedback_reply",
        WRITE_302,
        method="post",
        payload=lambda w, k: {"text": "已办理。"},
        **FEEDBACK,
    ),
    Endpoint(
        "feedback:feedback_close", WRITE_302, method="post", payload=lambda w, k: {"note": "办结"}, **FEEDBACK
    ),
    # Only the submitting user rates: the public item has none, so everyone meets a 404.
    Endpoint(
        "feedback:feedback_rate",
        statuses(404),
        method="post",
        payload=lambda w, k: {"satisfaction": "satisfied"},
        **FEEDBACK,
    ),
    Endpoint("feedback:mine", OWN),
    Endpoint("feedback:feedback_submit", OWN),
    Endpoint("feedback:observer_list", statuses(200)),
    Endpoint("feedback:observer_add", EDIT),
    Endpoint("feedback:observer_add", WRITE_302, payload=new_observer, **CREATE),
    Endpoint("feedback:observer_detail", OBSERVER_VIEW, **OBSERVER),
    Endpoint(
        "feedback:observer_end",
        OBSERVER_WRITE,
        method="post",
        payload=lambda w, k: {"ended_on": "2025-06-30"},
        **OBSERVER,
    ),
    Endpoint("feedback:link_list", statuses(200)),
    Endpoint("feedback:link_add", EDIT),
    Endpoint(
        "feedback:link_add",
        WRITE_302,
        payload=lambda w, k: {"organization": w[k].pk, "title": "公开栏"},
        **CREATE,
    ),
    Endpoint(
        "feedback:link_deactivate",
        WRITE_302,
        method="post",
        target="a1",
        outside="b1",
        url_kwarg="",
        more_kwargs=lambda w, k: {"pk": link_of(w, k).pk},
    ),
    Endpoint("feedback:stats", STATS),
    Endpoint("feedback:stats_export", EXPORT),
    # API
    Endpoint("feedback-api:observer-list", statuses(200), api=True),
    Endpoint(
        "feedback-api:observer-list",
        statuses(403, s201=EDITORS),
        api=True,
        outside="b1",
        payload=new_observer,
        **CREATE,
    ),
    Endpoint("feedback-api:observer-detail", OBSERVER_VIEW, api=True, **OBSERVER),
    Endpoint(
        "feedback-api:observer-end",
        statuses(403, s200=("county_admin", "town_a_admin"), s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=lambda w, k: {"ended_on": "2025-06-30"},
        **OBSERVER,
    ),
    Endpoint("feedback-api:feedback-list", statuses(200), api=True),
    Endpoint("feedback-api:feedback-detail", VIEW, api=True, **FEEDBACK),
    Endpoint(
        "feedback-api:feedback-route",
        API_WRITE,
        api=True,
        method="post",
        payload=lambda w, k: {"to_organization": w[k].pk},
        **FEEDBACK,
    ),
    Endpoint(
        "feedback-api:feedback-reply",
        API_WRITE,
        api=True,
        method="post",
        payload=lambda w, k: {"text": "已办理。"},
        **FEEDBACK,
    ),
    # Closing an item not yet answered is refused by the service: 400 for whoever may handle it.
    Endpoint(
        "feedback-api:feedback-close",
        statuses(403, s400=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {},
        **FEEDBACK,
    ),
    Endpoint("feedback-api:stats-list", STATS, api=True),
    # The submitter's own items (read through `submitted_by`, any logged-in user; none in the world).
    Endpoint("feedback-api:mine-list", OWN, api=True),
    # Only 李四 (member_a1) holds a member record: a member may submit to A1; the others are refused (400).
    Endpoint(
        "feedback-api:mine-list",
        statuses(400, s201=("member_a1",)),
        api=True,
        method="post",
        url_kwarg="",
        payload=lambda w, k: {
            "source": "member",
            "organization": w["a1"].pk,
            "category": "conduct",
            "subject": "建议",
            "content": "希望按月公开党务。",
        },
    ),
    # A public item has no submitting user: reading or rating it as one's own is a 404 for everyone.
    Endpoint("feedback-api:mine-detail", statuses(404), api=True, **FEEDBACK),
    Endpoint(
        "feedback-api:mine-rate",
        statuses(404),
        api=True,
        method="post",
        payload=lambda w, k: {"satisfaction": "satisfied"},
        **FEEDBACK,
    ),
]

FEEDBACK_SETS = {
    "county_admin": ("a1", "b1"),
    "town_a_admin": ("a1",),
    "branch_a1_admin": ("a1",),
    "inspector_a": ("a1",),
    "expired_inspector": (),
    "sysadmin": ("a1", "b1"),
    "member_a1": (),
    "nobody": (),
}


def _page_orgs(response):
    return [feedback.organization_id for feedback in response.context["page"]]


def _api_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


LISTINGS = [
    Listing("feedback:feedback_list", _page_orgs, FEEDBACK_SETS, setup=feedback_everywhere),
    Listing("feedback-api:feedback-list", _api_orgs, FEEDBACK_SETS, setup=feedback_everywhere),
]
