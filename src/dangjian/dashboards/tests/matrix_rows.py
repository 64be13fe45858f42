"""Permission-matrix rows of the dashboards app (imported at the end of core/testing/matrix.py).

A dashboard sums up an organization's whole subtree: it opens for the grants that cover that subtree
(a grant extending to the descendants), so the A-scoped roles read A1村党支部's and get 404 for B1村党支部;
a 党员, whose grant is their own branch only, and a user without a grant get 404 (the index: 403, there is
no organization to send them to). The .xlsx export and the API read the same subtree with the same rule.
"""

from dangjian.core.testing.matrix import MEMBER_VIEW, VIEWERS, Endpoint, statuses

NOT_SCOPED = frozenset({"dashboards-api:api-root"})


def chart_of(key: str):
    return {
        "target": "a1",
        "outside": "b1",
        "url_kwarg": "",
        "more_kwargs": lambda world, org: {"pk": world[org].pk, "chart": key},
    }


ORG = {"target": "a1", "outside": "b1"}
ENDPOINTS = [
    Endpoint("dashboards:index", statuses(403, s302=VIEWERS)),
    Endpoint("dashboards:dashboard", MEMBER_VIEW, **ORG),
    Endpoint("dashboards:chart_export", MEMBER_VIEW, **chart_of("members_age")),
    Endpoint("dashboards:chart_export", MEMBER_VIEW, **chart_of("compliance")),
    Endpoint("dashboards-api:dashboard", MEMBER_VIEW, api=True, **ORG),
    Endpoint("dashboards-api:chart", MEMBER_VIEW, api=True, **chart_of("tasks")),
]
LISTINGS = []
