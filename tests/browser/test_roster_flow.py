"""A branch secretary's everyday path through the roster, in a real browser."""

from datetime import date

import pytest

from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.core.validators import make_id_number
from dangjian.members.models import Member
from dangjian.members.services import do_create_member
from dangjian.organizations.models import Organization
from dangjian.organizations.services import do_create_organization

PASSWORD = "Zhibu#Shuji2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def roster():
    root = do_create_organization(
        parent=None, acting_user=None, code="T01", name="中共测试县委员会", kind="committee"
    )
    branch = do_create_organization(
        parent=root, acting_user=None, code="T0101", name="城关村党支部", kind="branch", unit_category="rural"
    )
    for name, birth in [("张三丰", date(1975, 4, 12)), ("李四", date(1988, 9, 1))]:
        do_create_member(
            acting_user=None,
            organization=branch,
            name=name,
            sex="male",
            birth_date=birth,
            id_number=make_id_number(birth, "male"),
            joined_on=date(2010, 7, 1),
            confirmed_on=date(2011, 7, 1),
            phone="13812345678",
        )
    user = do_create_user(username="shuji", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(user=user, role="branch_admin", organization=branch, acting_user=None)
    return branch


def test_login_search_and_edit_a_member(page, roster):
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("shuji")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    assert page.get_by_text("我管理的党组织").is_visible()

    page.get_by_role("link", name="党员名册").click()
    page.get_by_label("搜索党员").fill("zsf")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "张三丰" in rows.first.inner_text()
    # The 身份证号 is masked on the list.
    assert "***********" in rows.first.inner_text()

    rows.first.get_by_role("link", name="张三丰").click()
    page.get_by_role("link", name="编辑").click()
    page.get_by_label("工作岗位").fill("村委会主任")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("党员信息已保存。").is_visible()
    assert page.get_by_text("村委会主任").first.is_visible()
    # The change is in the record's history, attributed to the secretary.
    history = page.locator("table").last.inner_text()
    assert "shuji" in history and "村委会主任" in history
    assert Member.objects.get(name="张三丰").job_title == "村委会主任"


def test_tree_expands_and_full_id_reveal_works_under_the_csp(page, roster, live_server):
    from dangjian.accounts.services import do_create_user, do_grant_role

    admin = do_create_user(username="zzb", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(
        user=admin, role="org_admin", organization=Organization.objects.parent_of(roster), acting_user=None
    )
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("zzb")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    page.goto("/organizations/")
    page.get_by_role("button", name="展开").first.click()
    page.get_by_role("link", name="城关村党支部").wait_for()
    assert page.get_by_role("button", name="展开").count() == 0  # removed once the children arrived
    assert page.locator("tr", has_text="城关村党支部").inner_text().count("正式党员 2") == 1

    member = Member.objects.get(name="李四")
    page.goto(f"/members/{member.pk}/")
    page.get_by_role("button", name="显示完整信息（将记录审计日志）").click()
    page.locator("#pi", has_text=member.id_number).wait_for()
    assert page.get_by_role("button", name="显示完整信息（将记录审计日志）").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_main_pages_and_api_docs_render_without_csp_violations(page, roster):
    """Every asset is local and nothing inline is blocked: a page that breaks the CSP shows up here."""
    from dangjian.accounts.services import do_create_user, do_grant_role

    admin = do_create_user(username="zzb", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(
        user=admin, role="org_admin", organization=Organization.objects.parent_of(roster), acting_user=None
    )
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    # A request cut short by the next navigation (net::ERR_ABORTED) is not a failure of the page.
    page.on(
        "requestfailed",
        lambda request: (
            problems.append(f"failed: {request.url} {request.failure}")
            if "ERR_ABORTED" not in (request.failure or "")
            else None
        ),
    )
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("zzb")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    member = Member.objects.get(name="张三丰")
    for url in [
        "/",
        "/organizations/",
        f"/organizations/{roster.pk}/",
        "/members/",
        f"/members/{member.pk}/",
        f"/members/{member.pk}/edit/",
        "/members/import/",
        "/quality/",
        "/accounts/token/",
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    page.goto("/api/docs/")
    # The docs open with each app's operations folded (there are many): unfold 党员 (members).
    page.locator("#operations-tag-members").click()
    page.get_by_text("/api/v1/members/", exact=True).first.wait_for()
    assert problems == []
