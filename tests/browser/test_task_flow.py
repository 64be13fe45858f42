"""A branch secretary finds the town's task in 我的任务, signs for it naming the 首问负责人, files a progress
report with a scanned record as evidence and asks the town to confirm completion."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.organizations.services import do_create_organization
from dangjian.tasks.choices import TaskStatus
from dangjian.tasks.models import Assignment
from dangjian.tasks.services import do_issue_task, do_save_holiday_schedule
from dangjian.tasks.workdays import WorkCalendar

PASSWORD = "Zhibu#Shuji2026"
PDF = b"%PDF-1.4\n% scanned minutes\n"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def assignment():
    today = timezone.localdate()
    deadline = today + timedelta(days=10)
    if not WorkCalendar.load().knows(deadline.year):  # a later year: enter it as a 系统管理员 would
        do_save_holiday_schedule(
            acting_user=None,
            year=deadline.year,
            source_document="测试",
            days=[(deadline.replace(month=1, day=1), "holiday", "元旦")],
        )
    town = do_create_organization(
        parent=None, acting_user=None, code="T01", name="中共任务镇委员会", kind="committee"
    )
    branch = do_create_organization(
        parent=town, acting_user=None, code="T0101", name="东村党支部", kind="branch", unit_category="rural"
    )
    user = do_create_user(username="shuji3", password=PASSWORD, acting_user=None, must_change_password=False)
    do_grant_role(user=user, role="branch_admin", organization=branch, acting_user=None)
    task = do_issue_task(
        acting_user=None,
        organization=town,
        title="报送本季度“三会一课”开展情况",
        content="请于期限前报送开展情况及佐证材料。",
        recipients=[branch],
        issued_on=today - timedelta(days=2),
        deadline=deadline,
    )
    return task.assignments.get()


def test_the_branch_accepts_and_files_a_progress_report(page, assignment, tmp_path):
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("shuji3")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")

    page.get_by_role("link", name="交办督办").click()
    page.get_by_role("link", name="我的任务").click()
    page.get_by_role("link", name="报送本季度“三会一课”开展情况").click()
    assert "未签收" in page.locator("#assignment-status").inner_text()

    page.get_by_label("或填写姓名").fill("王支书")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_role("button", name="签收").click()
    page.wait_for_load_state("networkidle")
    assert "办理中" in page.locator("#assignment-status").inner_text()
    assert "139****5678" in page.content()

    evidence = tmp_path / "会议记录.pdf"
    evidence.write_bytes(PDF)
    form = page.locator("#progress-form")
    form.get_by_label("进度（%）").fill("100")
    form.get_by_label("办理情况").fill("本季度召开支部党员大会1次、支委会3次、党小组会6次，讲党课1次。")
    form.get_by_label("佐证材料（PDF/JPG/PNG，可选）").set_input_files(str(evidence))
    form.get_by_label("已全部完成，申请交办单位确认办结").check()
    form.get_by_role("button", name="提交报告").click()
    page.wait_for_load_state("networkidle")

    assert "待确认" in page.locator("#assignment-status").inner_text()
    assert page.get_by_role("link", name="佐证材料：会议记录.pdf").count() == 1
    fresh = Assignment.objects.get(pk=assignment.pk)
    assert fresh.status == TaskStatus.SUBMITTED and fresh.percent == 100
    report = fresh.progress_reports.get()
    assert report.final and report.file_type == "application/pdf"
    assert problems == []
