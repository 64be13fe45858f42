"""The permission matrix (security.md B1): every scoped view and API endpoint × every role.

The rows live in `dangjian.core.testing.matrix`; a new view adds its row there.
"""

import pytest
from django.test import Client

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.models import RoleGrant
from dangjian.accounts.scope import get_scope, root_paths
from dangjian.accounts.services import do_grant_role, do_revoke_role
from dangjian.core.testing import ROLES
from dangjian.core.testing.matrix import (
    A_SCOPED,
    ENDPOINTS,
    LISTINGS,
    NOT_SCOPED,
    covered_url_names,
    url_names,
)
from dangjian.members.models import Member
from dangjian.organizations.models import Organization


def _role_cases():
    for endpoint in ENDPOINTS:
        for role in ROLES:
            marks = []
            if role in endpoint.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=endpoint.xfail[role]))
            yield pytest.param(endpoint, role, marks=marks, id=f"{endpoint.id}-{role}")


def _outside_cases():
    for endpoint in ENDPOINTS:
        if endpoint.outside:
            for role in A_SCOPED:
                # A role refused outright (403: no grant for the action anywhere) has nothing to probe.
                if endpoint.expect[role] != 403:
                    yield pytest.param(endpoint, role, id=f"{endpoint.id}-{role}")


def _listing_cases():
    for listing in LISTINGS:
        for role in ROLES:
            yield pytest.param(listing, role, id=f"{listing.url_name}[{listing.target or ''}]-{role}")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_anonymous_is_sent_to_login(endpoint, world):
    response = endpoint.call(Client(), world)
    if endpoint.api:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(("endpoint", "role"), _role_cases())
def test_role_on_in_scope_object(endpoint, role, world, client_as):
    response = endpoint.call(client_as(role), world)
    assert response.status_code == endpoint.expect[role]


@pytest.mark.parametrize(("endpoint", "role"), _outside_cases())
def test_out_of_scope_object_is_not_found(endpoint, role, world, client_as):
    """Objects under B镇党委 do not exist for roles granted inside A镇党委."""
    response = endpoint.call(client_as(role), world, endpoint.outside)
    assert response.status_code == endpoint.outside_status


@pytest.mark.parametrize(("listing", "role"), _listing_cases())
def test_lists_hold_only_rows_in_scope(listing, role, world, client_as):
    response = client_as(role).get(listing.url(world))
    expected = listing.expect[role]
    if isinstance(expected, int):
        assert response.status_code == expected
        return
    assert response.status_code == 200
    found = {row if isinstance(row, int) else row.pk for row in listing.rows(response)}
    assert found == {world[key].pk for key in expected}


def test_every_url_is_in_the_matrix():
    """A new view must get a matrix row (or a reasoned place in NOT_SCOPED)."""
    missing = url_names() - covered_url_names()
    assert missing == set(), f"add these URL names to core/testing/matrix.py: {sorted(missing)}"


def test_matrix_names_real_urls():
    stale = covered_url_names() - url_names()
    assert stale == set()
    assert NOT_SCOPED <= url_names()


# --- the scope policy itself ---------------------------------------------------------------------


def test_member_role_sees_own_record_and_branch_only(world):
    user = world.users["member_a1"]
    members = set(Member.objects.visible_to(user).values_list("name", flat=True))
    assert members == {"李四"}
    orgs = set(Organization.objects.visible_to(user).values_list("code", flat=True))
    assert orgs == {"XW-A-01"}
    assert Member.objects.visible_to(user, "change").exists() is False


def test_expired_grant_gives_nothing(world):
    user = world.users["expired_inspector"]
    assert get_scope(user).allows("view") is False
    assert Organization.objects.visible_to(user).count() == 0


def test_revoked_grant_gives_nothing(world):
    user = world.users["town_a_admin"]
    grant = RoleGrant.objects.get(user=user)
    do_revoke_role(grant, acting_user=None)
    user.refresh_from_db()
    assert Organization.objects.visible_to(user).count() == 0


def test_inspector_grant_without_expiry_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        do_grant_role(
            user=world.users["nobody"],
            role=RoleChoices.INSPECTOR,
            organization=world["a1"],
            acting_user=None,
        )
    assert caught.value.message_dict == {"expires_on": ["督导员授权必须设置有效期。"]}


def test_root_paths_keep_only_the_highest_grants(world):
    user = world.users["nobody"]
    do_grant_role(user=user, role=RoleChoices.ORG_ADMIN, organization=world["a1"], acting_user=None)
    do_grant_role(user=user, role=RoleChoices.ORG_ADMIN, organization=world["town_a"], acting_user=None)
    do_grant_role(user=user, role=RoleChoices.BRANCH_ADMIN, organization=world["b1"], acting_user=None)
    assert root_paths(user, "change") == [world["town_a"].path, world["b1"].path]


def test_grant_without_descendants_covers_the_node_only(world):
    user = world.users["nobody"]
    do_grant_role(
        user=user,
        role=RoleChoices.BRANCH_ADMIN,
        organization=world["a1"],
        acting_user=None,
        include_descendants=False,
    )
    scope = get_scope(user)
    assert scope.covers(world["a1"].path, "change") is True
    assert scope.covers(world["a1_group"].path, "change") is False


def test_sibling_with_common_prefix_is_not_covered(world):
    """A path is covered only by its own ancestors, never by a sibling whose path is a prefix string."""
    scope = get_scope(world.users["branch_a1_admin"])
    assert scope.covers(world["a2"].path) is False
    assert scope.covers(world["town_a"].path) is False
