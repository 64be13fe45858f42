"""Permission-matrix rows of the statistics app (imported at the end of core/testing/matrix.py).

The tables, export, comparison and cell pages read the subtree of the organization in the URL (A1 in
scope, B1 outside): read by the grants over it; a 党员's view of their own branch does not reach them
(404), and neither does anything outside the grant. The index needs a view grant somewhere (403 without).
"""

from dangjian.core.testing.matrix import MEMBER_VIEW, ORG, VIEWERS, Endpoint, statuses

NOT_SCOPED = frozenset({"statistics-api:api-root"})
ENDPOINTS = [
    Endpoint("statistics:index", statuses(403, s200=VIEWERS)),
    Endpoint("statistics:tables", MEMBER_VIEW, **ORG),
    Endpoint("statistics:export", MEMBER_VIEW, **ORG),
    Endpoint("statistics:compare", MEMBER_VIEW, **ORG),
    Endpoint("statistics:cell", MEMBER_VIEW, **ORG),
    Endpoint("statistics-api:tables", MEMBER_VIEW, api=True, **ORG),
    Endpoint("statistics-api:compare", MEMBER_VIEW, api=True, **ORG),
]
LISTINGS = []
