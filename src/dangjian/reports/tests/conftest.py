"""Figures registered for these tests only (the real ones belong to their capabilities), removed after."""

import pytest

from dangjian.core import figures as registry
from dangjian.core.figures import register_figure

TEST_KEYS = ("test.members", "test.branches", "test.joined")


def members(org, period):
    from dangjian.members.models import Member

    return Member.objects.in_subtree(org).active()


def branches(org, period):
    from dangjian.organizations.models import Organization

    return Organization.objects.in_subtree(org).filter(kind="branch")


def joined(org, period):
    return members(org, period).filter(joined_on__range=(period.start, period.end))


@pytest.fixture
def test_figures():
    """Registers test.members (名), test.branches (个) and test.joined (名) and forgets them afterwards."""
    register_figure("test.members", "党员数（测试）", "名", records=members, description="测试：在册党员")(
        lambda org, period: members(org, period).count()
    )
    register_figure("test.branches", "党支部数（测试）", "个", records=branches)(
        lambda org, period: branches(org, period).count()
    )
    register_figure("test.joined", "期内入党（测试）", "名", records=joined)(
        lambda org, period: joined(org, period).count()
    )
    yield TEST_KEYS
    for key in TEST_KEYS:
        registry.figures.pop(key, None)
