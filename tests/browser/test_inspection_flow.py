"""An inspector of a 督导组 opens 我的督导单位, scores a checklist item at the assigned unit, records an
interview and lists a finding; the unit's page shows them (issue #6, inspections)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dangjian.accounts.services import do_create_user
from dangjian.inspections import services
from dangjian.inspections.models import ChecklistResult, Finding, Interview
from dangjian.organizations.services import do_create_organization

PASSWORD = "Dudao#Zu-2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan():
    today = timezone.localdate()
    county = do_create_organization(
        parent=None, acting_user=None, code="D01", name="中共督导县委员会", kind="committee"
    )
    branch = do_create_organization(
        parent=county, acting_user=None, code="D0101", name="西村党支部", kind="branch", unit_category="rural"
    )
    do_create_user(username="dudao9", password=PASSWORD, acting_user=None, must_change_password=False)
    from dangjian.accounts.models import User

    plan = services.do_create_plan(
        acting_user=None,
        organization=county,
        name="基层党建督导检查",
        units=[branch],
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=10),
    )
    services.do_add_checklist_item(
        plan, acting_user=None, group="review", content="查阅三会一课记录", max_points=Decimal("10")
    )
    team = services.do_create_team(plan, acting_user=None, name="第一督导组", leader=User.objects.get())
    services.do_assign_unit(team, branch, acting_user=None)
    return services.do_start_plan(plan, acting_user=None)


def test_an_inspector_records_at_the_assigned_unit(page, plan, tmp_path):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("dudao9")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    page.goto("/inspections/mine/")
    page.get_by_role("link", name="西村党支部").click()
    page.get_by_label("得分").fill("8")
    page.get_by_label("情况说明").fill("缺少2次支委会记录")
    page.get_by_role("button", name="保存检查结果").click()
    page.wait_for_load_state("networkidle")
    assert "已保存检查结果" in page.content()

    form = page.locator("form", has=page.get_by_role("button", name="记录座谈访谈"))
    form.get_by_label("方式").select_option(label="个别访谈")
    form.get_by_label("日期").fill(timezone.localdate().isoformat())
    form.get_by_label("参加人数").fill("3")
    form.get_by_role("button", name="记录座谈访谈").click()
    page.wait_for_load_state("networkidle")

    form = page.locator("form", has=page.get_by_role("button", name="列入问题清单"))
    form.get_by_label("问题程度").select_option(label="较重")
    form.get_by_label("问题描述").fill("组织生活会未按期召开")
    form.get_by_label("发现日期").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="列入问题清单").click()
    page.wait_for_load_state("networkidle")
    assert "组织生活会未按期召开" in page.content()
    page.screenshot(path=str(tmp_path / "unit.png"), full_page=True)

    assert ChecklistResult.objects.get().score == Decimal("8")
    assert Interview.objects.get().participants == 3
    assert Finding.objects.get().severity == "serious"
    assert problems == []
