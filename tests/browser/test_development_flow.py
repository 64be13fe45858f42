"""A branch secretary moves a person one step in the development pipeline (发展党员) from the file's page,
and the rules engine refuses a step out of order on the same page."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.core.validators import make_id_number
from dangjian.development.models import DevelopmentFile
from dangjian.development.services import do_open_file
from dangjian.organizations.services import do_create_organization

PASSWORD = "Zhibu#Shuji2026"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def applicant():
    root = do_create_organization(
        parent=None, acting_user=None, code="F01", name="中共发展县委员会", kind="committee"
    )
    branch = do_create_organization(
        parent=root, acting_user=None, code="F0101", name="新村党支部", kind="branch", unit_category="rural"
    )
    user = do_create_user(username="shuji2", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(user=user, role="branch_admin", organization=branch, acting_user=None)
    born = date(2000, 3, 8)
    applied = timezone.localdate() - timedelta(days=10)
    return do_open_file(
        acting_user=None,
        organization=branch,
        name="孙晓青",
        sex="female",
        birth_date=born,
        id_number=make_id_number(born, "female", area_code="130102", seq=702),
        applied_on=applied,
    )


def test_record_the_talk_and_see_an_out_of_order_step_refused(page, applicant):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("shuji2")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    page.goto(applicant.get_absolute_url())
    # Out of order: naming an activist (step 3) before the talk (step 2) is refused with the rule it breaks.
    page.get_by_label("步骤").select_option(value="3")
    page.get_by_label("日期", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="记录").click()
    page.wait_for_load_state("networkidle")
    refusal = page.locator(".alert-danger, .invalid-feedback").filter(has_text="顺序错误")
    assert "须先完成第2步「派人谈话」" in refusal.first.inner_text()
    assert DevelopmentFile.objects.get(pk=applicant.pk).steps.count() == 1

    # The next step in order: the talk within a month of the application.
    page.get_by_label("步骤").select_option(value="2")
    page.get_by_label("日期", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_label("有关人员").fill("张三丰")
    page.get_by_role("button", name="记录").click()
    page.wait_for_load_state("networkidle")
    assert sorted(DevelopmentFile.objects.get(pk=applicant.pk).steps.values_list("no", flat=True)) == [1, 2]
    assert page.locator("table", has_text="张三丰").count() >= 1
    assert problems == []
