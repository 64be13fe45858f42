"""A branch secretary records a 支委会 with one absentee in a few clicks, and sees it count."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.activities.models import Activity
from dangjian.core.validators import make_id_number
from dangjian.members.services import do_assign_position, do_create_member
from dangjian.organizations.services import do_create_organization

PASSWORD = "Zhibu#Shuji2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def branch():
    # A transactional test empties every table when it ends, the types and national rules the data
    # migration seeded included: put them back (the seed is idempotent).
    importlib.import_module("dangjian.activities.migrations.0002_default_types_and_rules").seed(apps, None)
    root = do_create_organization(
        parent=None, acting_user=None, code="T01", name="中共测试县委员会", kind="committee"
    )
    branch = do_create_organization(
        parent=root,
        acting_user=None,
        code="T0101",
        name="城关村党支部",
        kind="branch",
        unit_category="rural",
        has_committee=True,
    )
    titles = ["secretary", "organization_member", "propaganda_member"]
    for seq, (name, title) in enumerate(zip(["张三丰", "李四", "王五"], titles, strict=True)):
        birth = date(1975 + seq, 4, 12)
        member = do_create_member(
            acting_user=None,
            organization=branch,
            name=name,
            sex="male",
            birth_date=birth,
            id_number=make_id_number(birth, "male"),
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
        )
        do_assign_position(
            member=member, organization=branch, title=title, started_on=date(2024, 1, 1), acting_user=None
        )
    user = do_create_user(username="shuji", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(user=user, role="branch_admin", organization=branch, acting_user=None)
    return branch


def test_record_a_committee_meeting_with_one_absentee_and_see_it_count(page, branch):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("shuji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="组织生活", exact=True).click()
    page.get_by_role("link", name="登记活动").click()
    # The secretary's branch and today's date are filled in already.
    assert page.get_by_label("党组织").input_value() == str(branch.pk)
    # Choosing the type reloads the form (htmx: a 主题党日 gets its theme from above); wait for it.
    with page.expect_response(lambda response: "/activities/add/?" in response.url):
        page.get_by_label("活动类型").select_option(label="支部委员会")
    page.wait_for_load_state("networkidle")
    page.get_by_label("主题").fill("研究七月主题党日安排")
    page.get_by_label("主持人").select_option(label="张三丰")
    page.get_by_role("button", name="保存，下一步：出席情况").click()
    page.wait_for_url("**/attendance/")

    # Everyone is present by default: one choice marks the absentee.
    page.get_by_label("李四", exact=True).select_option(label="事假")
    page.get_by_label("李四缺席说明").fill("外出务工")
    page.get_by_role("button", name="保存出席情况").click()
    assert page.get_by_text("出席情况已保存：应到3人，实到2人。").is_visible()
    activity = Activity.objects.get(theme="研究七月主题党日安排")
    assert (activity.expected_count, activity.present_count) == (3, 2)

    page.get_by_role("link", name="组织生活", exact=True).click()
    page.get_by_role("link", name="本月待办").click()
    row = page.locator("tr", has_text="支部委员会会议每月至少召开1次")
    assert "达标" in row.inner_text()

    # The other pages of organizational life render under the CSP as well.
    year = activity.held_on.year
    for url in [
        activity.get_absolute_url(),
        f"/activities/org/{branch.pk}/sheet/",
        "/activities/compliance/",
        f"/activities/org/{branch.pk}/compliance/detail/",
        f"/activities/org/{branch.pk}/rules/",
        f"/activities/org/{branch.pk}/ledger/{year}/",
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert problems == []
