"""Organization counts: by kind (党委/党总支/党支部/党小组), the organization itself included, the subtree,
and organizations founded or dissolved around period.end."""

from datetime import date

import pytest

from dangjian.core.figures import Period, figure_keys, get_figure
from dangjian.organizations.services import do_create_organization, do_dissolve_organization

pytestmark = pytest.mark.django_db

Y2025 = Period.year(2025)


def codes(key, org, period=Y2025) -> set[str]:
    return set(get_figure(key).records(org, period).values_list("code", flat=True))


def test_counts_by_kind_in_the_world(world):
    assert codes("organizations.committees.count", world["root"]) == {"XW", "XW-A", "XW-B"}
    assert codes("organizations.committees.count", world["town_a"]) == {"XW-A"}  # itself included
    assert codes("organizations.branches.count", world["town_a"]) == {"XW-A-01", "XW-A-02"}
    assert codes("organizations.branches.count", world["b1"]) == {"XW-B-01"}
    assert codes("organizations.party_groups.count", world["root"]) == {"XW-A-01-G1"}
    assert get_figure("organizations.general_branches.count").value(world["root"], Y2025) == 0


def test_founded_and_dissolved_around_the_end(world):
    def branch(code, **fields):
        return do_create_organization(
            parent=world["town_b"], acting_user=None, code=code, name=code, kind="branch", **fields
        )

    branch("XW-B-02", founded_on=date(2025, 12, 31))
    branch("XW-B-03", founded_on=date(2026, 1, 1))
    gone = branch("XW-B-04", founded_on=date(2020, 1, 1))
    later = branch("XW-B-05", founded_on=date(2020, 1, 1))
    do_dissolve_organization(gone, dissolved_on=date(2025, 12, 31), reason="合并", acting_user=None)
    do_dissolve_organization(later, dissolved_on=date(2026, 1, 1), reason="合并", acting_user=None)
    general = do_create_organization(
        parent=world["town_b"], acting_user=None, code="XW-B-Z", name="总支", kind="general_branch"
    )
    assert codes("organizations.branches.count", world["town_b"]) == {"XW-B-01", "XW-B-02", "XW-B-05"}
    assert codes("organizations.branches.count", world["town_a"]) == {"XW-A-01", "XW-A-02"}
    assert codes("organizations.general_branches.count", world["root"]) == {general.code}
    assert codes("organizations.branches.count", world["town_b"], Period.year(2026)) >= {"XW-B-03"}


@pytest.mark.parametrize("org", ["root", "town_a", "a1", "b1"])
def test_values_are_what_the_records_list(world, org, django_assert_max_num_queries):
    for key in figure_keys("organizations."):
        figure = get_figure(key)
        with django_assert_max_num_queries(1):
            found = figure.value(world[org], Y2025)
        assert found == figure.recount(world[org], Y2025), key
        assert figure.url(world[org], Y2025).startswith("/")
