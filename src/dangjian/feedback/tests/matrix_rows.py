"""Permission-matrix rows of the feedback app (imported at the end of core/testing/matrix.py)."""

from dangjian.core.testing.matrix import Endpoint, Listing, statuses  # noqa: F401

NOT_SCOPED = frozenset({"feedback-api:api-root"})
ENDPOINTS: list = []
LISTINGS: list = []
