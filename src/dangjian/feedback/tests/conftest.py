import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """The public form's rate limit and duplicate guard live in the cache: each test starts afresh."""
    cache.clear()
    yield
    cache.clear()
