"""Import and export pages: permissions, the background job and its progress page, downloads."""

import io
import os
import re
import tempfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.members import views_io
from dangjian.members.models import Member

from .test_importing import make_tree, make_user, make_xlsx, person

FULL_ID = re.compile(r"\d{17}[\dXx]")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def org(db, settings):
    settings.IMPORT_RUN_INLINE = True
    return make_tree()


@pytest.fixture
def admin_client(org, client):
    client.force_login(make_user("admin", "org_admin", org["committee"]))
    return client


def upload(content: bytes, name="roster.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX)


def post_import(client, content, **data):
    return client.post(reverse("members:member_import"), {"file": upload(content), **data}, follow=True)


def test_anonymous_is_sent_to_login(org, client):
    for name in ("member_import", "member_import_template", "member_export"):
        response = client.get(reverse(f"members:{name}"))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_user_without_change_scope_gets_403(org, client):
    from datetime import timedelta

    from django.utils import timezone

    from dangjian.accounts.services import do_grant_role

    user = make_user("inspector")
    do_grant_role(
        user=user,
        role="inspector",
        organization=org["committee"],
        acting_user=None,
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(user)

    assert client.get(reverse("members:member_import")).status_code == 403
    assert (
        client.post(reverse("members:member_import"), {"file": upload(make_xlsx([person(1)]))}).status_code
        == 403
    )
    assert client.get(reverse("members:member_export")).status_code == 403
    assert Member.objects.count() == 0


def test_org_admin_imports_a_file(admin_client, org):
    page = admin_client.get(reverse("members:member_import"))
    assert page.status_code == 200 and "仅校验，不写入" in page.content.decode()

    response = post_import(admin_client, make_xlsx([person(i) for i in range(3)]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "导入完成：新增 3 人，更新 0 人，未变 0 人" in html
    assert 'hx-trigger="every 1s"' not in html  # finished: polling stops
    assert Member.objects.count() == 3
    assert (
        AuditEvent.objects.filter(action="create", object_type="members.member", username="admin").count()
        == 3
    )


def test_dry_run_from_the_page_writes_nothing(admin_client, org):
    response = post_import(admin_client, make_xlsx([person(1)]), dry_run="on")

    assert "校验通过（仅校验，未写入）" in response.content.decode()
    assert Member.objects.count() == 0


def test_bad_file_shows_the_error_table(admin_client, org):
    response = post_import(admin_client, make_xlsx([person(1), person(2, 姓名="", 联系电话="x")]))

    html = response.content.decode()
    assert "发现 2 处错误" in html
    assert '<td class="text-nowrap">第3行</td><td class="text-nowrap">姓名</td>' in html
    assert "联系电话格式不正确" in html
    assert Member.objects.count() == 0
    job_id = response.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    errors = admin_client.get(reverse("members:member_import_errors", args=[job_id]))
    sheet = openpyxl.load_workbook(io.BytesIO(errors.content)).active
    assert [cell.value for cell in sheet[1]] == ["行号", "列", "问题"] and sheet.max_row == 3


def test_running_job_page_polls_with_htmx(admin_client, org):
    job_id = "queuedjob"
    owner = admin_client.session["_auth_user_id"]
    views_io._save_job(
        job_id,
        {
            "owner": int(owner),
            "status": "running",
            "stage": "validate",
            "done": 500,
            "total": 2000,
            "filename": "a.xlsx",
        },
    )

    page = admin_client.get(reverse("members:member_import_job", args=[job_id]))
    fragment = admin_client.get(reverse("members:member_import_job", args=[job_id]), HTTP_HX_REQUEST="true")

    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "已校验 500/2000（25%）" in html
    assert "<progress" in html and "style=" not in html.split("<main", 1)[1]
    assert fragment.content.decode().lstrip().startswith('<section id="import-job"')
    assert page["Cache-Control"] == "no-store"


def test_another_users_job_is_404(admin_client, org, client):
    response = post_import(admin_client, make_xlsx([person(1)]))
    job_url = response.redirect_chain[-1][0]
    other = make_user("other", "org_admin", org["committee"])
    client.force_login(other)

    assert client.get(job_url).status_code == 404


def test_temporary_upload_file_is_deleted(admin_client, org, monkeypatch):
    created = []
    real_mkstemp = tempfile.mkstemp

    def spy(*args, **kwargs):
        handle, path = real_mkstemp(*args, **kwargs)
        created.append(path)
        return handle, path

    monkeypatch.setattr(views_io.tempfile, "mkstemp", spy)

    post_import(admin_client, make_xlsx([person(1)]))
    post_import(admin_client, b"not a zip")

    assert len(created) == 2 and not any(os.path.exists(path) for path in created)


def test_upload_with_wrong_extension_is_refused(admin_client, org):
    response = admin_client.post(
        reverse("members:member_import"), {"file": upload(make_xlsx([person(1)]), name="roster.xls")}
    )
    assert "请上传 Excel 工作簿（.xlsx）文件" in response.content.decode()


def test_template_download(admin_client):
    response = admin_client.get(reverse("members:member_import_template"))

    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == "党员名册"


def test_export_downloads_the_filtered_list_masked(admin_client, org):
    post_import(admin_client, make_xlsx([person(1), person(2), person(3, 所在党支部="C01-02")]))

    response = admin_client.get(reverse("members:member_export"), {"organization": org["branch"].pk})

    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 3  # header + the two of 第一党支部
    assert not any(FULL_ID.search(str(cell)) for row in rows for cell in row if cell)


def test_export_leaves_out_rows_outside_the_users_scope(org, client):
    from dangjian.members.importing import import_members

    import_members(make_xlsx([person(1), person(2, 所在党支部="C02-01")]), acting_user=None)
    client.force_login(make_user("b_admin", "branch_admin", org["branch"]))

    response = client.get(reverse("members:member_export"))

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [person(1)["姓名"]]
    assert AuditEvent.objects.get(action="export").changes == {"rows": 1, "include_pi": False}


def test_full_pi_export_by_post(admin_client, org):
    post_import(admin_client, make_xlsx([person(1)]))

    response = admin_client.post(reverse("members:member_export"), {"include_pi": "1"})

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][4] == person(1)["身份证号"]


def test_refused_pi_export_returns_to_the_list_with_a_message(admin_client, org, settings):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "export_rows_without_approval": 1}
    post_import(admin_client, make_xlsx([person(1), person(2)]))

    response = admin_client.post(reverse("members:member_export"), {"include_pi": "1"}, follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("members:member_list"))
    assert "不能超过 1 条" in response.content.decode()


def test_roster_list_shows_the_buttons_to_those_allowed(admin_client, org):
    html = admin_client.get(reverse("members:member_list")).content.decode()

    assert reverse("members:member_import") in html
    assert reverse("members:member_import_template") in html
    assert reverse("members:member_export") in html


def test_one_running_import_per_user(admin_client, org):
    owner = int(admin_client.session["_auth_user_id"])
    views_io.cache.set(views_io.RUNNING_KEY.format(owner), "other-job")

    response = admin_client.post(reverse("members:member_import"), {"file": upload(make_xlsx([person(1)]))})

    assert "您有一个导入任务正在进行" in response.content.decode()
    views_io.cache.delete(views_io.RUNNING_KEY.format(owner))
    post_import(admin_client, make_xlsx([person(1)]))
    assert views_io.cache.get(views_io.RUNNING_KEY.format(owner)) is None  # released when done
