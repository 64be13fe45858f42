import pytest

from .factories import make_target


@pytest.fixture
def town_target(world):
    """A2 and A1's town's issued target with one entered indicator (10 次, 20 points)."""
    return make_target(world, "town_a", by="root")
