"""Permission-matrix rows of the dashboards app (imported at the end of core/testing/matrix.py)."""

ENDPOINTS = []
LISTINGS = []
NOT_SCOPED = frozenset({"dashboards-api:api-root"})
