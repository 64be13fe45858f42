"""数据体检: each check finds its seeded bad record, nothing on a clean world, only in the user's scope."""

from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dangjian.core.registry import quality_checks, run_quality_checks
from dangjian.core.testing import member_fields
from dangjian.members.models import Member, Position
from dangjian.members.services import do_create_member, do_end_position
from dangjian.organizations.services import do_create_organization, do_update_organization


def found(world, root="root") -> dict[str, set[str]]:
    """{check code: {names of the objects it lists}} under `root`."""
    result = {}
    for issue in run_quality_checks(world[root]):
        result.setdefault(issue.check.code, set()).add(issue.object.name)
    return result


@contextmanager
def check_constraints_off():
    """Let a row break a CHECK constraint, as legacy data might (undone by the test's rollback)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = 1")
            try:
                yield
            finally:
                cursor.execute("PRAGMA ignore_check_constraints = 0")
        else:
            table = connection.ops.quote_name(Member._meta.db_table)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending FK checks
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT members_member_confirmed_after_joined")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield


def test_a_clean_world_has_no_issue(world):
    assert found(world) == {}


def test_every_check_is_covered_here():
    assert set(quality_checks) == {
        "id_mismatch",
        "confirmed_before_joined",
        "probation_overdue",
        "no_party_group",
        "branch_without_secretary",
        "term_expired",
    }


def test_birth_date_not_matching_the_id_number(world):
    Member.objects.filter(pk=world["wang"].pk).update(birth_date=date(1965, 10, 11))
    [issue] = run_quality_checks(world["root"], ["id_mismatch"])
    assert issue.message == "王五：出生日期与身份证号不一致"
    assert issue.fix_url == reverse("members:member_edit", args=[world["wang"].pk])


def test_sex_not_matching_the_id_number(world):
    Member.objects.filter(pk=world["wang"].pk).update(sex="female")
    assert [i.message for i in run_quality_checks(world["root"])] == ["王五：性别与身份证号不一致"]


def test_confirmed_not_after_joined(world):
    with check_constraints_off():
        Member.objects.filter(pk=world["wang"].pk).update(confirmed_on=date(1990, 7, 1))
    assert [i.message for i in run_quality_checks(world["root"])] == [
        "王五：转正日期1990-07-01不晚于入党日期"
    ]


def test_probation_overdue(world):
    joined = timezone.localdate() - timedelta(days=400)
    fields = member_fields(
        "孙七",
        "male",
        date(1990, 1, 1),
        seq=11,
        organization=world["a2"],
        joined_on=joined,
        status="probationary",
    )
    do_create_member(acting_user=None, **fields)
    assert found(world) == {"probation_overdue": {"孙七"}}


def test_probation_check_agrees_with_the_model(world):
    today = date(2024, 1, 11)  # the year before holds no 29 February
    joined = date(2023, 1, 10)
    fields = member_fields(
        "孙七",
        "male",
        date(1990, 1, 1),
        seq=11,
        organization=world["a2"],
        joined_on=joined,
        status="probationary",
    )
    member = do_create_member(acting_user=None, **fields)
    assert member.probation_overdue(today) is True
    with mock.patch("dangjian.members.quality.timezone", SimpleNamespace(localdate=lambda: today)):
        flagged = {i.object.pk for i in run_quality_checks(world["root"], ["probation_overdue"])}
    assert flagged == {member.pk}


def test_member_outside_the_party_groups(world):
    fields = member_fields(
        "孙七",
        "male",
        date(1990, 1, 1),
        seq=11,
        organization=world["a1"],
        joined_on=date(2015, 1, 1),
        confirmed_on=date(2016, 1, 1),
    )
    do_create_member(acting_user=None, **fields)
    [issue] = run_quality_checks(world["root"])
    assert issue.message == "孙七：所在A1村党支部设有党小组，但未编入党小组"


def test_branch_without_secretary(world):
    do_create_organization(
        parent=world["town_b"], acting_user=None, code="XW-B-02", name="B2村党支部", kind="branch"
    )
    do_end_position(
        Position.objects.get(organization=world["a2"]), ended_on=date(2024, 1, 1), acting_user=None
    )
    assert found(world) == {"branch_without_secretary": {"B2村党支部", "A2社区党支部"}}


def test_term_expired(world):
    do_update_organization(
        world["town_b"], acting_user=None, term_started_on=date(2019, 1, 1), term_ends_on=date(2024, 1, 1)
    )
    [issue] = run_quality_checks(world["root"])
    assert issue.message == "B镇党委：任期已于2024-01-01届满，尚未换届"
    assert issue.fix_url == reverse("organizations:organization_edit", args=[world["town_b"].pk])


def test_checks_look_only_under_the_given_organization(world):
    Member.objects.filter(pk=world["zhao"].pk).update(sex="male")
    assert found(world, "town_a") == {}
    assert found(world, "town_b") == {"id_mismatch": {"赵六"}}


def test_quality_page_lists_only_issues_in_scope(world, client_as):
    Member.objects.filter(pk=world["zhao"].pk).update(sex="male")
    Member.objects.filter(pk=world["wang"].pk).update(sex="female")
    town = client_as("town_a_admin").get(reverse("quality"))
    county = client_as("county_admin").get(reverse("quality"))
    assert town.context["total"] == 1
    assert county.context["total"] == 2
    assert "王五：性别与身份证号不一致" in town.content.decode()
    assert "赵六" not in town.content.decode()


def test_quality_page_for_an_out_of_scope_organization_is_404(world, client_as):
    assert client_as("town_a_admin").get(reverse("quality"), {"org": "XW-B"}).status_code == 404
    assert client_as("town_a_admin").get(reverse("quality"), {"org": "XW-A-01"}).status_code == 200


def test_quality_command(world, capsys):
    Member.objects.filter(pk=world["zhao"].pk).update(sex="male")
    with pytest.raises(SystemExit) as exit_code:
        call_command("quality", "--org", "XW-B")
    assert exit_code.value.code == 1
    assert "[出生日期或性别与身份证号不一致] 赵六：性别与身份证号不一致" in capsys.readouterr().out
