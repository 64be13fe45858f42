"""Drafts from templates: figures placed and marked, typed tokens, stale flags and refresh, templates."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.members.services import do_change_member_status
from dangjian.reports import services
from dangjian.reports.models import FigureUse, ReportTemplate
from dangjian.reports.rendering import blocks

from .factories import make_draft, make_template

pytestmark = pytest.mark.django_db


def test_draft_places_each_figure_with_its_value_and_token(world, test_figures):
    draft = make_draft(world)
    assert draft.title == "A镇党委2025年测试汇报"
    uses = {(u.key, u.organization.code): u for u in draft.figures.all()}
    assert uses[("test.members", "XW-A")].value == "3"  # 张三丰, 李四, 王五
    assert uses[("test.branches", "XW-A")].text == "2个"
    assert uses[("test.members", "XW-A-01")].value == "2"
    assert uses[("test.members", "XW-A-02")].value == "1"
    for use in uses.values():
        assert use.token in draft.body
    assert [b.kind for b in blocks(draft.body)] == ["p", "h1", "p", "p"]


def test_a_change_in_the_records_flags_the_figure_and_refresh_follows_it(world, test_figures):
    draft = make_draft(world)
    assert services.stale_figures(draft) == []
    do_change_member_status(
        world["wang"], acting_user=None, status="deceased", changed_on=date(2025, 3, 1), reason="病故"
    )
    stale = {(use.key, use.organization.code): now for use, now in services.stale_figures(draft)}
    assert stale == {("test.members", "XW-A"): "2", ("test.members", "XW-A-02"): "0"}
    town = draft.figures.get(key="test.members", organization=world["town_a"])
    services.do_refresh_figures(draft, acting_user=None, numbers=[town.number])
    town.refresh_from_db()
    assert (town.value, town.text) == ("2", "2名")
    assert [u.organization.code for u, _ in services.stale_figures(draft)] == ["XW-A-02"]
    services.do_refresh_figures(draft, acting_user=None)
    assert services.stale_figures(draft) == []


def test_typed_tokens_become_marked_figures_and_unknown_ones_are_refused(world, test_figures):
    draft = make_draft(world)
    count = draft.figures.count()
    services.do_update_draft(draft, acting_user=None, body=draft.body + "\n新增〔数:test.joined|exact〕。")
    added = FigureUse.objects.get(draft=draft, key="test.joined")
    assert added.number == count + 1 and f"新增{added.token}。" in draft.body
    with pytest.raises(ValidationError, match="未登记的数字：no.such"):
        services.do_update_draft(draft, acting_user=None, body="〔数:no.such〕")
    with pytest.raises(ValidationError, match="不是本草稿的数字"):
        services.do_update_draft(draft, acting_user=None, body="〔数:999〕")


def test_writes_need_a_change_grant_over_the_organization(world, test_figures):
    template = make_template(world)
    with pytest.raises(PermissionDenied):
        make_draft(world, org="town_b", template=template, acting_user=world["town_a_admin"])
    with pytest.raises(PermissionDenied):
        make_draft(world, org="a1", template=template, acting_user=world["inspector_a"])
    draft = make_draft(world, org="a1", template=template, acting_user=world["branch_a1_admin"])
    assert draft.created_by == world["branch_a1_admin"]


def test_templates_belong_to_committees_and_are_versioned(world):
    with pytest.raises(ValidationError, match="模板只能由党委"):
        make_template(world, org="a1")
    template = make_template(world)
    services.do_update_template(template, acting_user=world["town_a_admin"], body="改后{{ org.name }}")
    assert template.version == 2
    with pytest.raises(ValidationError, match="正文模板第1行有误"):
        services.do_update_template(template, acting_user=None, body="{% if %}")
    builtin = ReportTemplate.objects.get(code="basic-info")
    with pytest.raises(PermissionDenied, match="内置模板不能修改"):
        services.do_update_template(builtin, acting_user=None, body="x")


def test_builtin_templates_exist_after_migrate():
    codes = set(ReportTemplate.objects.filter(organization__isnull=True).values_list("code", flat=True))
    assert codes == {"work-report", "key-tasks", "supervision", "basic-info"}
