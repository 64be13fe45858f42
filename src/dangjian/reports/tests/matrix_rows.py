"""Permission-matrix rows of the reports app (imported at the end of core/testing/matrix.py)."""

ENDPOINTS = []
LISTINGS = []
NOT_SCOPED = frozenset({"reports-api:api-root"})
