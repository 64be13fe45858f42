"""Permission-matrix rows of the statistics app (imported at the end of core/testing/matrix.py)."""

ENDPOINTS = []
LISTINGS = []
NOT_SCOPED = frozenset({"statistics-api:api-root"})
