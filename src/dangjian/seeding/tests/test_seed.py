"""`dangjian seed` and `dangjian bench foundation` at demo scale."""

import io
import json

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from dangjian.accounts.models import User
from dangjian.audit.models import AuditEvent
from dangjian.core.crypto import crypto_provider
from dangjian.core.registry import run_quality_checks
from dangjian.core.validators import id_number_birth_date, id_number_sex
from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization
from dangjian.seeding import DEMO_PASSWORD
from dangjian.seeding.builders import county_plan
from dangjian.seeding.people import add_years
from dangjian.seeding.plan import path_step


def _seed(*args, **options) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out, **options)
    return out.getvalue()


def _plan_facts(plan):
    orgs = [(node.path, node.code, node.name, node.kind) for node in plan.nodes()]
    people = [(person.name, person.id_number, person.birth_date) for person in plan.people()]
    return orgs, people


def test_path_steps_follow_treebeard():
    assert [path_step(n) for n in (1, 9, 10, 35, 36, 1297)] == [
        "0001",
        "0009",
        "000A",
        "000Z",
        "0010",
        "0101",
    ]


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    today = timezone.localdate()
    first, again = county_plan("demo", 2026, today), county_plan("demo", 2026, today)
    other = county_plan("demo", 7, today)
    assert _plan_facts(first) == _plan_facts(again)
    assert _plan_facts(first)[1] != _plan_facts(other)[1]
    assert {n.name for n in first.nodes()} != {n.name for n in other.nodes()}
    assert 500 <= len(_plan_facts(first)[1]) <= 750


@pytest.mark.django_db
def test_demo_seed_writes_the_plan_as_a_valid_tree():
    output = _seed(scale="demo")

    plan = county_plan("demo", 2026, timezone.localdate())
    orgs, people = _plan_facts(plan)
    assert list(Organization.objects.order_by("path").values_list("path", "code", "name", "kind")) == orgs
    provider = crypto_provider()
    assert sorted(Member.objects.values_list("id_number_index", flat=True)) == sorted(
        provider.blind_index(id_number, "id_number") for _, id_number, _ in people
    )
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    for organization in Organization.objects.all():
        organization.check_parent(Organization.objects.get_parent(organization))
    assert "已生成 demo 规模数据" in output


@pytest.mark.django_db
def test_demo_members_are_consistent():
    _seed(scale="demo")

    members = list(Member.objects.select_related("organization"))
    assert 500 <= len(members) <= 750
    for member in members:
        assert id_number_birth_date(member.id_number) == member.birth_date, member.name
        assert id_number_sex(member.id_number) == member.sex, member.name
        assert member.joined_on >= add_years(member.birth_date, 18), member.name
        assert 18 <= member.age_on() <= 91
        assert member.organization.is_branch
        if member.status == "full":
            assert member.confirmed_on == add_years(member.joined_on, 1)
        if member.phone:
            assert len(member.phone) == 11 and member.phone.startswith("1")
    assert Member.objects.filter(status="probationary").count() >= 5
    assert Member.objects.filter(party_group__isnull=False).exists()
    assert Position.objects.filter(title="secretary").count() >= 50


@pytest.mark.django_db
def test_demo_data_gives_the_quality_page_something_to_show():
    _seed(scale="demo")

    root = Organization.objects.get_first_root_node()
    found = {issue.check.code for issue in run_quality_checks(root)}
    assert {"probation_overdue", "branch_without_secretary", "term_expired", "no_party_group"} <= found
    reminders = {org.term_reminder() for org in Organization.objects.all()}
    assert {"expired", "3_months", "6_months"} <= reminders


@pytest.mark.django_db
def test_demo_users_and_their_grants():
    output = _seed(scale="demo")

    expected = {
        "xianwei_zzb": ("org_admin", "中共丰南县委员会", True),
        "jiaoyu_zzb": ("org_admin", "中共丰南县教育局委员会", True),
        "sysadmin": ("system_admin", "中共丰南县委员会", True),
        "zhibu_shuji": ("branch_admin", None, True),
        "dudao": ("inspector", "中共丰南县稻地镇委员会", True),
        "dangyuan": ("member", None, False),
    }
    for username, (role, organization, descendants) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.must_change_password is False
        # The login's own grant; the inspection demo adds dated grants for its units (starts_on set).
        grant = user.grants.get(starts_on__isnull=True)
        assert (grant.role, grant.include_descendants) == (role, descendants)
        if organization:
            assert grant.organization.name == organization
        assert username in output
    dudao = User.objects.get(username="dudao")
    assert dudao.grants.get(starts_on__isnull=True).expires_on > timezone.localdate()
    plan_grants = dudao.grants.filter(starts_on__isnull=False)
    assert plan_grants.exists() and all(g.role == "inspector" and g.expires_on for g in plan_grants)
    branch = User.objects.get(username="zhibu_shuji").grants.get().organization
    assert branch.kind == "branch" and branch.unit_category == "rural"
    assert Member.objects.get(user__username="zhibu_shuji").positions.filter(title="secretary").exists()
    assert Member.objects.get(user__username="dangyuan").organization == branch
    validate_password(DEMO_PASSWORD, User.objects.get(username="dangyuan"))
    assert "账号" in output and DEMO_PASSWORD in output


@pytest.mark.django_db
def test_seed_writes_one_import_event_and_never_runs_twice():
    _seed(scale="demo")

    imports = AuditEvent.objects.filter(action="import")
    assert imports.count() == 1
    assert "dangjian seed --scale demo --seed 2026" in imports.get().message
    with pytest.raises(CommandError, match="--reuse"):
        _seed(scale="demo")
    with pytest.raises(CommandError, match="不一致"):
        _seed(scale="county", reuse=True)
    assert "沿用" in _seed(scale="demo", reuse=True)
    assert Organization.objects.filter(depth=1).count() == 1


@pytest.mark.django_db
def test_bench_foundation_prints_one_json_line():
    out, err = io.StringIO(), io.StringIO()
    call_command("bench", "foundation", scale="demo", json=True, runs=1, stdout=out, stderr=err)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert set(result) == {"bench", "scale", "database", "figures", "comparisons"}
    expected_database = {"sqlite": "sqlite", "postgresql": "postgresql"}[connection.vendor]
    assert (result["bench"], result["scale"], result["database"]) == ("foundation", "demo", expected_database)
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert {"member_counts_by_child", "member_search_initials_p50", "peak_rss_mb"} <= set(figures)
    for figure in result["figures"]:
        assert set(figure) == {"name", "value", "unit", "target", "better"}
    comparison = next(c for c in result["comparisons"] if c["name"] == "member_counts_by_child")
    assert set(comparison) == {"name", "ours", "theirs", "unit", "baseline", "target_speedup"}
    assert comparison["ours"] > 0 and comparison["theirs"] > 0
    assert "member_counts_by_child" in err.getvalue()
