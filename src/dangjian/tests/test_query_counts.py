"""Query counts of the list pages: constant in the number of rows, and within a committed baseline.

A page whose query count grows with its rows has an N+1 loop; a page whose count rises above
`query_counts.json` needs a look (raise the baseline in the same commit only with a reason).
"""

import json
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.core.testing.fixtures import member_fields
from dangjian.members.services import do_create_member
from dangjian.organizations.services import do_create_organization

BASELINE = json.loads((Path(__file__).with_name("query_counts.json")).read_text())

PAGES = {
    "member_list": lambda w: "/members/",
    "member_list_search": lambda w: "/members/?q=z",
    "organization_tree": lambda w: "/organizations/",
    "organization_children": lambda w: f"/organizations/{w['town_a'].pk}/children/",
    "organization_detail": lambda w: f"/organizations/{w['a1'].pk}/",
    "organization_list": lambda w: "/organizations/list/",
    "home": lambda w: "/",
    "api_members": lambda w: "/api/v1/members/",
    "api_organizations": lambda w: "/api/v1/organizations/",
    "api_counts": lambda w: f"/api/v1/organizations/{w['town_a'].pk}/counts/",
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def grow(world, how_many: int, start: int) -> None:
    """More branches (each with a 党小组, so rows have many different parents) and members in them."""
    for index in range(start, start + how_many):
        branch = do_create_organization(
            parent=world["town_a"],
            acting_user=None,
            code=f"XW-A-9{index:02d}",
            name=f"新建{index}村党支部",
            kind="branch",
            unit_category="rural",
        )
        do_create_organization(
            parent=branch,
            acting_user=None,
            code=f"XW-A-9{index:02d}-G",
            name=f"新建{index}村第一党小组",
            kind="party_group",
            unit_category="rural",
        )
        born = date(1970 + index % 30, 1 + index % 12, 1 + index % 28)
        do_create_member(
            acting_user=None,
            **member_fields(f"张新{index}", "male", born, seq=101 + 2 * index),
            organization=branch,
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_pages_do_not_query_per_row(page, world, client_as):
    client = client_as("county_admin")
    url = PAGES[page](world)
    count_queries(client, url)  # warm the session and caches
    grow(world, 3, start=0)
    small = count_queries(client, url)
    grow(world, 12, start=3)
    large = count_queries(client, url)
    assert large == small, f"{page}: {small} queries with few rows, {large} with more"
    assert large <= BASELINE[page], f"{page}: {large} queries, baseline {BASELINE[page]}"
