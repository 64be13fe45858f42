"""The tree's shape, committee terms and the subtree range (rules.md §1, §3; style.md convention 3)."""

import random
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dangjian.core.tree import ancestor_paths, subtree_bounds, subtree_q
from dangjian.organizations.models import Organization
from dangjian.organizations.services import default_term_end, do_create_organization


def create(parent, code, kind, **fields):
    return do_create_organization(
        parent=parent, acting_user=None, code=code, name=fields.pop("name", code), kind=kind, **fields
    )


def refused(parent, kind) -> dict:
    with pytest.raises(ValidationError) as caught:
        create(parent, "NEW", kind, name="新组织")
    assert Organization.objects.filter(code="NEW").exists() is False
    return caught.value.message_dict


# --- tree shapes ---------------------------------------------------------------------------------


def test_party_group_only_under_a_branch(world):
    assert refused(world["town_a"], "party_group") == {"parent": ["党小组不能设在党委（A镇党委）之下。"]}


def test_nothing_under_a_party_group(world):
    for kind in ("party_group", "branch", "committee"):
        assert refused(world["a1_group"], kind) == {"parent": ["党小组下不能再设立下级组织。"]}


def test_general_branch_under_a_branch_is_refused(world):
    assert refused(world["a1"], "general_branch") == {"parent": ["党总支不能设在党支部（A1村党支部）之下。"]}


def test_branch_under_a_branch_is_refused(world):
    assert refused(world["a1"], "branch") == {"parent": ["党支部不能设在党支部（A1村党支部）之下。"]}


@pytest.mark.parametrize("kind", ["branch", "general_branch", "party_group", "joint_branch"])
def test_root_must_be_a_committee(db, kind):
    label = dict(Organization._meta.get_field("kind").choices)[kind]
    assert refused(None, kind) == {"kind": [f"{label}不能作为顶级组织，顶级组织须为党委、党工委或党组。"]}


@pytest.mark.parametrize("kind", ["committee", "working_committee", "leading_group"])
def test_committee_kinds_may_be_roots(db, kind):
    assert create(None, "R", kind).depth == 1


def test_branch_directly_under_the_root_committee_is_allowed(world):
    branch = create(world["root"], "XW-09", "branch")
    assert branch.path.startswith(world["root"].path) is True
    assert branch.depth == 2


def test_allowed_chain_committee_general_branch_branch_party_group(world):
    general = create(world["town_a"], "XW-A-Z", "general_branch")
    branch = create(general, "XW-A-Z-1", "temporary_branch")
    group = create(branch, "XW-A-Z-1-G", "party_group")
    assert group.depth == 5


def test_term_end_must_follow_term_start(world):
    with pytest.raises(ValidationError) as caught:
        create(
            world["town_a"],
            "XW-A-03",
            "branch",
            term_started_on=date(2024, 5, 1),
            term_ends_on=date(2024, 5, 1),
        )
    assert caught.value.messages == ["任期届满日期必须晚于任期开始日期。"]


# --- committee terms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "start", "end"),
    [
        ("other", date(2024, 3, 15), date(2027, 3, 15)),
        ("government", date(2024, 3, 15), date(2027, 3, 15)),
        ("rural", date(2024, 3, 15), date(2029, 3, 15)),
        ("community", date(2024, 3, 15), date(2029, 3, 15)),
        ("other", date(2024, 2, 29), date(2027, 2, 28)),
    ],
)
def test_default_term_end(category, start, end):
    org = Organization(kind="branch", unit_category=category, term_started_on=start)
    assert default_term_end(org) == end


def test_create_fills_the_term_end(world):
    org = create(
        world["town_a"], "XW-A-03", "branch", unit_category="rural", term_started_on=date(2024, 1, 10)
    )
    assert org.term_ends_on == date(2029, 1, 10)


def test_an_explicit_term_end_is_kept(world):
    org = create(
        world["town_a"],
        "XW-A-03",
        "branch",
        term_started_on=date(2024, 1, 10),
        term_ends_on=date(2026, 1, 10),
    )
    assert org.term_ends_on == date(2026, 1, 10)


TODAY = date(2025, 1, 15)


@pytest.mark.parametrize(
    ("ends", "reminder"),
    [
        (date(2025, 1, 14), "expired"),
        (date(2020, 1, 1), "expired"),
        (date(2025, 1, 15), "3_months"),
        (date(2025, 4, 14), "3_months"),
        (date(2025, 4, 15), "6_months"),
        (date(2025, 7, 14), "6_months"),
        (date(2025, 7, 15), None),
        (date(2027, 1, 1), None),
        (None, None),
    ],
)
def test_term_reminder(ends, reminder):
    org = Organization(kind="branch", term_ends_on=ends, status="active")
    assert org.term_reminder(TODAY) == reminder


def test_no_term_reminder_for_a_dissolved_organization():
    org = Organization(kind="branch", term_ends_on=date(2020, 1, 1), status="dissolved")
    assert org.term_reminder(TODAY) is None


# --- subtree range -------------------------------------------------------------------------------


def test_subtree_range_equals_treebeard_descendants(db):
    """On a generated tree, the one-range subtree filter selects exactly node + get_descendants()."""
    rng = random.Random(20240701)
    nodes = [Organization.objects.add_root({"code": "T", "name": "T", "kind": "committee"})]
    for index in range(80):
        parent = Organization.objects.get(pk=rng.choice(nodes).pk)
        nodes.append(
            Organization.objects.add_child(
                parent, {"code": f"T{index}", "name": f"T{index}", "kind": "committee"}
            )
        )
    assert max(node.depth for node in Organization.objects.all()) >= 4
    for node in Organization.objects.all():
        by_range = set(Organization.objects.filter(subtree_q(node.path)).values_list("pk", flat=True))
        expected = {node.pk} | set(Organization.objects.get_descendants(node).values_list("pk", flat=True))
        assert by_range == expected


def test_subtree_bounds_and_ancestor_paths():
    low, high = subtree_bounds("00010002")
    assert low == "00010002"
    assert ("0001000200ZZ" >= low and "0001000200ZZ" <= high) is True
    assert ("00010003" >= low and "00010003" <= high) is False
    assert ("0001" >= low and "0001" <= high) is False
    assert ancestor_paths("000100020003") == ["0001", "00010002"]
    assert ancestor_paths("0001") == []
