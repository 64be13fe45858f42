"""Pages and API: issue, inbox, report with evidence, confirm, the key-list matrix and its export, the
working-day calendar; out-of-scope objects are 404."""

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.tasks import keylist, services
from dangjian.tasks.choices import TaskStatus
from dangjian.tasks.models import Assignment, HolidaySchedule, Task

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 evidence"


def test_the_county_issues_to_every_branch_from_the_form(world, client_as):
    client = client_as("county_admin")
    response = client.post(
        reverse("tasks:task_add"),
        {
            "organization": world["root"].pk,
            "title": "学习贯彻全会精神",
            "kind": "ordinary",
            "source_document": "县委组织部通知",
            "document_number": "县组通〔2026〕12号",
            "issued_on": "2026-09-29",
            "deadline_mode": "working_days",
            "working_days": "5",
            "recipient_choice": "all_branches",
            "attachment": SimpleUploadedFile("通知.pdf", PDF),
        },
    )
    task = Task.objects.get(title="学习贯彻全会精神")
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert task.deadline == date(2026, 10, 12)
    assert set(task.assignments.values_list("organization", flat=True)) == {
        world[k].pk for k in ("a1", "a2", "b1")
    }
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200 and "承办单位 3" in page.content.decode()
    # the branch downloads the attachment through its copy
    download = client_as("branch_a1_admin").get(reverse("tasks:task_attachment", args=[task.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_listed_recipient_outside_the_issuer_is_refused_on_the_form(world, client_as):
    response = client_as("county_admin").post(
        reverse("tasks:task_add"),
        {
            "organization": world["town_a"].pk,
            "title": "x",
            "kind": "ordinary",
            "issued_on": "2026-09-01",
            "deadline_mode": "date",
            "deadline": "2026-09-30",
            "recipient_choice": "list",
            "recipients": "XW-A-01\nB1村党支部",
        },
    )
    assert response.status_code == 200
    assert "B1村党支部不在其中" in response.content.decode()
    assert not Task.objects.filter(title="x").exists()


def test_an_unknown_year_is_explained_on_the_form(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("tasks:task_add"),
        {
            "organization": world["town_a"].pk,
            "title": "跨年任务",
            "kind": "ordinary",
            "issued_on": "2026-12-20",
            "deadline_mode": "working_days",
            "working_days": "20",
            "recipient_choice": "all_branches",
        },
    )
    assert "2027年的法定节假日安排尚未录入" in response.content.decode()


def test_the_branch_accepts_reports_and_the_town_confirms(world, client_as, issue):
    copy = issue().assignments.get(organization=world["a1"])
    branch = client_as("branch_a1_admin")
    inbox = branch.get(reverse("tasks:inbox"))
    assert [row.pk for row in inbox.context["page"]] == [copy.pk]
    url = reverse("tasks:assignment_accept", args=[copy.pk])
    assert (
        branch.post(url, {"owner_member": world["zhang"].pk, "owner_phone": "13812345678"}).status_code == 302
    )
    response = branch.post(
        reverse("tasks:assignment_report", args=[copy.pk]),
        {
            "reported_on": "2026-09-20",
            "percent": "100",
            "text": "已全部完成",
            "final": "on",
            "evidence": SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n...."),
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == TaskStatus.SUBMITTED
    page = branch.get(copy.get_absolute_url()).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "佐证材料：照片.png" in page
    town = client_as("town_a_admin")
    assert (
        town.post(reverse("tasks:assignment_confirm", args=[copy.pk]), {"comment": "同意"}).status_code == 302
    )
    copy.refresh_from_db()
    assert copy.status == TaskStatus.DONE


def test_bad_evidence_is_refused_on_the_page(world, client_as, issue):
    copy = issue().assignments.get(organization=world["a1"])
    response = client_as("branch_a1_admin").post(
        reverse("tasks:assignment_report", args=[copy.pk]),
        {
            "reported_on": "2026-09-20",
            "percent": "50",
            "text": "进展",
            "evidence": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert "类型不受支持" in response.content.decode()


def test_the_key_list_matrix_counts_the_whole_matrix(world, client_as):
    key_list = services.do_create_key_task_list(
        acting_user=None, organization=world["root"], year=2026, name="年度重点任务"
    )
    recipients = [world[k] for k in ("a1", "a2", "b1")]
    tasks = [
        services.do_issue_task(
            acting_user=None,
            organization=world["root"],
            title=f"重点任务{n}",
            recipients=recipients,
            key_task_list=key_list,
            issued_on=date(2026, 3, 1),
            deadline=deadline,
        )
        for n, deadline in enumerate([date(2026, 4, 30), date(2026, 6, 30), date(2026, 12, 31)], 1)
    ]
    done = tasks[0].assignments.get(organization=world["a1"])
    services.do_confirm_assignment(done, acting_user=None, authorized=True, confirmed_on=date(2026, 4, 20))
    today = date(2026, 11, 29)
    matrix = keylist.build(key_list, today, size=2)
    naive = keylist.naive_overdue_counts(key_list, today)
    assert (
        {pk: column["overdue"] for pk, column in matrix.columns.items()}
        == naive
        == {tasks[0].pk: 2, tasks[1].pk: 3, tasks[2].pk: 0}
    )
    assert matrix.totals["overdue"] == 5 and matrix.totals["total"] == 9 and matrix.has_next
    assert [row.organization for row in matrix.rows] == [world["a1"], world["a2"]]
    assert [cell.label for cell in matrix.rows[0].cells] == ["已办结", "逾期", "未签收"]
    assert matrix.rows[0].overdue == 1 and matrix.rows[1].overdue == 2
    only = keylist.build(key_list, today, only_overdue=True)
    assert len(only.rows) == 3 and not only.has_next
    assert not keylist.build(key_list, today, page=2, size=2).has_next
    page = client_as("county_admin").get(key_list.get_absolute_url())
    assert page.status_code == 200 and "cell-overdue" in page.content.decode()
    export = client_as("county_admin").get(reverse("tasks:keylist_export", args=[key_list.pk]))
    sheet = load_workbook(io.BytesIO(export.content))["逐项盘点"]
    assert sheet["A2"].value == "A1村党支部" and sheet["C2"].value.startswith("已办结")


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_api_issue_list_filter_and_report(world, client_as, issue):
    client = client_as("town_a_admin")
    response = post_json(
        client,
        reverse("tasks-api:task-list"),
        {
            "organization": world["town_a"].pk,
            "title": "API交办",
            "deadline": "2026-09-30",
            "issued_on": "2026-09-01",
            "recipients": [world["a1"].pk, world["b1"].pk],
        },
    )
    assert response.status_code == 400 and "不在其中" in str(response.json())
    response = post_json(
        client,
        reverse("tasks-api:task-list"),
        {
            "organization": world["town_a"].pk,
            "title": "API交办",
            "deadline": "2026-09-30",
            "issued_on": "2026-09-01",
            "recipient_choice": "all_branches",
        },
    )
    assert response.status_code == 201 and response.json()["progress"]["total"] == 2
    task_id = response.json()["id"]
    rows = client.get(reverse("tasks-api:assignment-list"), {"task": task_id, "status": "overdue"}).json()
    assert rows["count"] == 2  # 30 September 2026 has passed by the machine's today
    copy = Assignment.objects.get(task_id=task_id, organization=world["a1"])
    branch = client_as("branch_a1_admin")
    url = reverse("tasks-api:assignment-progress", args=[copy.pk])
    response = branch.post(
        url,
        {
            "text": "已完成",
            "percent": 100,
            "final": "true",
            "reported_on": "2026-09-20",
            "evidence": SimpleUploadedFile("e.pdf", PDF),
        },
    )
    assert response.status_code == 201 and response.json()["has_evidence"] is True
    assert branch.get(reverse("tasks-api:assignment-detail", args=[copy.pk])).json()["status"] == "submitted"
    outside = issue(issuer="town_b", recipients=("b1",)).assignments.get()
    assert branch.get(reverse("tasks-api:assignment-detail", args=[outside.pk])).status_code == 404
    assert post_json(client, reverse("tasks-api:assignment-confirm", args=[copy.pk]), {}).status_code == 200


def test_the_system_administrator_enters_a_year_and_then_it_counts(world, client_as, issue):
    response = client_as("sysadmin").post(
        reverse("tasks:schedule_list"),
        {
            "year": "2027",
            "source_document": "国务院办公厅关于2027年部分节假日安排的通知",
            "days": "2027-01-01~2027-01-03 放假 元旦\n2027-01-09 上班 元旦",
        },
    )
    schedule = HolidaySchedule.objects.get(year=2027)
    assert response.status_code == 302 and schedule.days.count() == 4
    task = issue(issued_on=date(2026, 12, 30), working_days=3)
    assert task.deadline == date(2027, 1, 5)  # 31 Dec, 4 Jan, 5 Jan
    bad = client_as("sysadmin").post(
        reverse("tasks:schedule_list"), {"year": "2028", "source_document": "x", "days": "2028-13-01 放假"}
    )
    assert "第1行格式应为" in bad.content.decode()
