"""Attachments of an activity: typed by their first bytes, limited in size and number, stored all or
none under random names, removed softly with an audit trail, served only through scoped downloads, and
never read by compliance (rules.md §10).

Who may open which attachment URL is the permission matrix (core/testing/matrix.py); here, what they do.
"""

import hashlib
import importlib
import json
import re
from datetime import date
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.static import serve

from dangjian.activities.attachments import ActivityAttachment, clean_name
from dangjian.activities.models import Activity, ActivityType
from dangjian.activities.services import (
    do_add_attachments,
    do_cancel_activity,
    do_record_activity,
    do_remove_attachment,
)
from dangjian.audit.models import AuditEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 32 + b"\xff\xd9"
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
REFUSED_TYPE = "附件“{}”的类型不受支持，仅支持 JPG、PNG、PDF。"
DAY = date(2025, 3, 5)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every file of these tests goes to a fresh temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def meeting(world, org: str = "a1", **extra) -> Activity:
    extra.setdefault("theme", "学习党章")
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code="general_meeting"),
        held_on=DAY,
        **extra,
    )


def attach(world, activity, *files, kind="photo", user="branch_a1_admin"):
    return do_add_attachments(activity, list(files), kind=kind, acting_user=world[user])


def refusal(error: ValidationError) -> list[str]:
    return error.value.message_dict["files"]


# --- what is accepted -------------------------------------------------------------------------------


def test_files_are_typed_by_their_first_bytes_and_stored_under_a_random_name(world, media):
    activity = meeting(world)
    sheet, photo = attach(
        world,
        activity,
        upload("签到表.pdf", PDF, "text/html"),  # the browser's word is not taken
        upload("../../etc/现场.JPG", JPEG, "application/pdf"),
        kind="sign_in_sheet",
    )
    assert (sheet.content_type, photo.content_type) == ("application/pdf", "image/jpeg")
    assert (sheet.original_name, photo.original_name) == ("签到表.pdf", "现场.JPG")
    assert (sheet.size, sheet.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert re.fullmatch(r"activities/2025/[0-9a-f]{32}\.pdf", sheet.file.name)
    assert re.fullmatch(r"activities/2025/[0-9a-f]{32}\.jpg", photo.file.name)
    on_disk = {path.relative_to(media).as_posix(): path.read_bytes() for path in stored_files(media)}
    assert on_disk == {sheet.file.name: PDF, photo.file.name: JPEG}
    assert (sheet.uploaded_by, sheet.kind) == (world["branch_a1_admin"], "sign_in_sheet")


@pytest.mark.parametrize(
    ("name", "content"),
    [("报名表.jpg", EXE), ("setup.exe", EXE), ("照片.png", HTML), ("会议.pdf", b"%PD"), ("x.html", HTML)],
)
def test_a_renamed_program_or_page_is_refused_by_its_content(world, media, name, content):
    with pytest.raises(ValidationError) as error:
        attach(world, meeting(world), upload(name, content, "image/jpeg"))
    assert refusal(error) == [REFUSED_TYPE.format(name)]
    assert stored_files(media) == []


def test_size_limit_is_a_setting_and_empty_files_are_refused(world, settings, media):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "attachment_max_bytes": 1024 * 1024}
    big = upload("扫描件.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as error:
        attach(world, meeting(world), big, upload("空.png", b""))
    assert refusal(error) == ["附件“扫描件.pdf”过大（1 MB），单个文件上限为 1 MB。", "附件“空.png”是空文件。"]
    assert stored_files(media) == []


def test_the_default_size_limit_is_ten_megabytes(world):
    too_big = upload("扫描件.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        attach(world, meeting(world), too_big)
    assert refusal(error) == ["附件“扫描件.pdf”过大（10 MB），单个文件上限为 10 MB。"]


def test_an_activity_holds_a_limited_number_of_attachments(world, settings):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "attachment_max_per_activity": 3}
    activity = meeting(world)
    attach(world, activity, upload("1.png", PNG + b"1"), upload("2.png", PNG + b"2"))
    with pytest.raises(ValidationError) as error:
        attach(world, activity, upload("3.png", PNG + b"3"), upload("4.png", PNG + b"4"))
    assert refusal(error) == ["每次活动最多保留 3 个附件：已有 2 个，本次选择了 2 个。"]
    # A removed attachment no longer counts.
    do_remove_attachment(activity.attachments.first(), reason="拍错了", acting_user=world["branch_a1_admin"])
    assert len(attach(world, activity, upload("3.png", PNG + b"3"), upload("4.png", PNG + b"4"))) == 2


def test_one_bad_file_stores_none_of_the_batch(world, media):
    activity = meeting(world)
    with pytest.raises(ValidationError) as error:
        attach(
            world,
            activity,
            upload("现场1.jpg", JPEG),
            upload("病毒.jpg", EXE),
            upload("签到表.pdf", PDF),
            upload("页面.png", HTML),
        )
    assert refusal(error) == [REFUSED_TYPE.format("病毒.jpg"), REFUSED_TYPE.format("页面.png")]
    assert ActivityAttachment.objects.filter(activity=activity).count() == 0
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(object_type="activities.activityattachment").exists()


def test_a_failure_after_storing_leaves_no_file_behind(world, media, monkeypatch):
    from dangjian.audit import services as audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record_create", broken)
    with pytest.raises(RuntimeError):
        attach(world, meeting(world), upload("现场.png", PNG), upload("签到表.pdf", PDF))
    assert stored_files(media) == []
    assert not ActivityAttachment.objects.exists()


def test_the_same_content_is_not_attached_twice(world):
    activity = meeting(world)
    attach(world, activity, upload("签到表.pdf", PDF))
    with pytest.raises(ValidationError) as error:
        attach(world, activity, upload("签到表（重传）.pdf", PDF))
    assert refusal(error) == ["附件“签到表（重传）.pdf”与已有的附件“签到表.pdf”内容相同。"]
    with pytest.raises(ValidationError) as error:
        attach(world, activity, upload("a.png", PNG), upload("b.png", PNG))
    assert refusal(error) == ["附件“b.png”与已有的附件“a.png”内容相同。"]
    assert len(attach(world, meeting(world, theme="另一次"), upload("签到表.pdf", PDF))) == 1


def test_kind_files_and_a_standing_activity_are_required(world):
    activity = meeting(world)
    with pytest.raises(ValidationError) as error:
        attach(world, activity, upload("a.png", PNG), kind="selfie")
    assert error.value.message_dict == {"kind": ["请选择附件类别。"]}
    with pytest.raises(ValidationError) as error:
        attach(world, activity)
    assert refusal(error) == ["请选择要上传的文件。"]
    do_cancel_activity(activity, reason="重复登记", acting_user=None)
    with pytest.raises(ValidationError, match="该活动已作废，不能上传附件。"):
        attach(world, activity, upload("a.png", PNG))


def test_only_who_may_change_the_activity_attaches(world):
    for user in ("member_a1", "inspector_a", "sysadmin", "nobody"):
        with pytest.raises(PermissionDenied):
            attach(world, meeting(world), upload("a.png", PNG), user=user)
    with pytest.raises(PermissionDenied):
        attach(world, meeting(world, "b1"), upload("a.png", PNG), user="town_a_admin")


def test_names_are_kept_as_data_only():
    assert clean_name("C:\\Users\\书记\\签到表.pdf") == "签到表.pdf"
    assert clean_name("a\r\nb\x00.png") == "ab.png"
    assert clean_name("  ") == "附件"
    long = clean_name("长" * 300 + ".jpeg")
    assert len(long) == 255 and long.endswith(".jpeg")


def test_the_download_name_carries_the_extension_of_the_content(world):
    (page,) = attach(world, meeting(world), upload("照片.html", JPEG))
    assert page.download_name == "照片.html.jpg"
    (scan,) = attach(world, meeting(world, theme="另一次"), upload("扫描.JPEG", JPEG))
    assert scan.download_name == "扫描.JPEG"


# --- the audit trail and removal --------------------------------------------------------------------


def test_adding_and_removing_are_audited_and_nothing_is_deleted(world, media):
    activity = meeting(world)
    (photo,) = attach(world, activity, upload("现场.png", PNG))
    created = AuditEvent.objects.for_object(photo).get()
    assert (created.action, created.username, created.organization_path) == (
        "create",
        "branch_a1_admin",
        world["a1"].path,
    )
    assert created.changes["original_name"] == [None, "现场.png"]

    with pytest.raises(ValidationError) as error:
        do_remove_attachment(photo, reason=" ", acting_user=world["branch_a1_admin"])
    assert error.value.message_dict == {"reason": ["请填写移除原因。"]}
    with pytest.raises(PermissionDenied):
        do_remove_attachment(photo, reason="不需要", acting_user=world["inspector_a"])

    do_remove_attachment(photo, reason="照片拍错了", acting_user=world["town_a_admin"])
    photo.refresh_from_db()
    assert photo.is_removed and (photo.removed_by, photo.remove_reason) == (
        world["town_a_admin"],
        "照片拍错了",
    )
    removal = AuditEvent.objects.for_object(photo).get(action="deactivate")
    assert (removal.username, removal.message) == ("town_a_admin", "照片拍错了")
    assert "removed_at" in removal.changes
    assert [p.read_bytes() for p in stored_files(media)] == [PNG]  # the file stays
    assert list(activity.attachments.current()) == []
    with pytest.raises(ValidationError, match="该附件已移除。"):
        do_remove_attachment(photo, reason="再次", acting_user=world["town_a_admin"])


# --- pages ------------------------------------------------------------------------------------------


def test_the_activity_page_lists_attachments_and_says_they_are_optional(world, client_as):
    activity = meeting(world)
    attach(world, activity, upload("签到表.pdf", PDF), kind="sign_in_sheet")
    (gone,) = attach(world, activity, upload("误传.png", PNG))
    do_remove_attachment(gone, reason="与本次活动无关", acting_user=world["branch_a1_admin"])

    page = client_as("branch_a1_admin").get(activity.get_absolute_url()).content.decode()
    assert "附件均为可选，仅作留存备查；制度落实情况、考核评价和任何排名都不依据附件" in page
    assert "签到表扫描件" in page and "签到表.pdf" in page
    assert reverse("activities:attachment_add", args=[activity.pk]) in page
    assert "确认移除" in page
    assert "与本次活动无关" in page  # removed ones stay visible, with the reason
    assert reverse("activities:attachment_download", args=[gone.pk]) not in page

    read_only = client_as("inspector_a").get(activity.get_absolute_url()).content.decode()
    assert "签到表.pdf" in read_only
    assert reverse("activities:attachment_add", args=[activity.pk]) not in read_only
    assert "确认移除" not in read_only


def test_uploading_several_files_from_the_page(world, client_as):
    activity = meeting(world)
    client = client_as("branch_a1_admin")
    url = reverse("activities:attachment_add", args=[activity.pk])
    files = [upload("现场1.jpg", JPEG, "image/jpeg"), upload("现场2.png", PNG, "image/png")]
    response = client.post(url, {"kind": "photo", "files": files}, follow=True)
    assert "已上传 2 个附件。" in response.content.decode()
    assert [a.original_name for a in activity.attachments.current()] == ["现场1.jpg", "现场2.png"]

    response = client.post(
        url, {"kind": "photo", "files": [upload("a.png", PNG + b"a"), upload("b.jpg", EXE)]}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "未上传任何文件：" + REFUSED_TYPE.format("b.jpg") in page
    assert activity.attachments.count() == 2


def test_removing_from_the_page(world, client_as):
    activity = meeting(world)
    (photo,) = attach(world, activity, upload("现场.png", PNG))
    client = client_as("branch_a1_admin")
    url = reverse("activities:attachment_remove", args=[photo.pk])
    client.post(url, {"reason": ""})
    assert ActivityAttachment.objects.get(pk=photo.pk).is_removed is False
    response = client.post(url, {"reason": "重复上传"})
    assert response["Location"].endswith(f"{activity.get_absolute_url()}#attachments")
    assert ActivityAttachment.objects.get(pk=photo.pk).remove_reason == "重复上传"
    assert client.post(url, {"reason": "再次"}).status_code == 404  # a removed one is gone from the pages


def test_the_member_role_cannot_upload(world, client_as):
    activity = meeting(world)
    url = reverse("activities:attachment_add", args=[activity.pk])
    response = client_as("member_a1").post(url, {"kind": "photo", "files": [upload("a.png", PNG)]})
    assert response.status_code == 403
    assert not activity.attachments.exists()


def test_the_sign_in_sheet_can_be_attached_on_the_attendance_screen(world, client_as):
    activity = meeting(world)
    client = client_as("branch_a1_admin")
    url = reverse("activities:activity_attendance", args=[activity.pk])
    page = client.get(url).content.decode()
    assert "上传签到表扫描件（可选）" in page and 'enctype="multipart/form-data"' in page
    assert "不上传不影响任何结果" in page

    zhang = world["zhang"].pk  # the one member expected on that day
    response = client.post(url, {f"absent_{zhang}": "sick", "files": [upload("bad.pdf", HTML)]})
    assert response.status_code == 200  # the form again, nothing saved: the attendance waits for a good file
    assert REFUSED_TYPE.format("bad.pdf") in response.content.decode()
    activity.refresh_from_db()
    assert activity.present_count == 1 and not activity.attachments.exists()

    response = client.post(url, {f"absent_{zhang}": "sick", "files": [upload("签到表.pdf", PDF)]})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.present_count == 0
    assert [(a.kind, a.original_name) for a in activity.attachments.all()] == [
        ("sign_in_sheet", "签到表.pdf")
    ]
    # Without a file the attendance is saved as before.
    assert client.post(url, {}).status_code == 302
    activity.refresh_from_db()
    assert activity.present_count == 1


# --- downloads ----------------------------------------------------------------------------------------


def test_the_download_is_a_file_under_its_original_name_never_rendered(world, client_as):
    (sheet,) = attach(world, meeting(world), upload("三月签到表.pdf", PDF, "text/html"), kind="sign_in_sheet")
    response = client_as("inspector_a").get(reverse("activities:attachment_download", args=[sheet.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('三月签到表.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.for_object(sheet).get(action="export")
    assert (event.username, event.message) == ("inspector_a", "下载附件")


def test_downloads_are_scoped(world, client_as):
    (outside,) = do_add_attachments(
        meeting(world, "b1"), [upload("签到表.pdf", PDF)], kind="sign_in_sheet", acting_user=None
    )
    url = reverse("activities:attachment_download", args=[outside.pk])
    for role in ("town_a_admin", "branch_a1_admin", "inspector_a", "member_a1", "nobody"):
        assert client_as(role).get(url).status_code == 404, role
    assert client_as("county_admin").get(url).status_code == 200


def test_a_member_reads_no_attachment_even_of_their_own_branch(world):
    (sheet,) = attach(world, meeting(world), upload("签到表.pdf", PDF))
    assert not ActivityAttachment.objects.visible_to(world["member_a1"]).exists()
    assert list(ActivityAttachment.objects.visible_to(world["branch_a1_admin"])) == [sheet]


def test_media_is_under_the_var_dir_and_no_url_serves_it():
    production = importlib.import_module("dangjian.settings")
    assert production.MEDIA_ROOT == production.VAR_DIR / "media"

    def views(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern)
            elif isinstance(pattern, URLPattern):
                yield pattern.callback

    assert serve not in set(views(get_resolver()))


# --- API ----------------------------------------------------------------------------------------------


def api_list(activity) -> str:
    return reverse("activities-api:attachment-list", args=[activity.pk])


def test_api_uploads_lists_downloads_and_removes(world, client_as):
    activity = meeting(world)
    client = client_as("branch_a1_admin")
    response = client.post(
        api_list(activity),
        {"kind": "sign_in_sheet", "files": [upload("签到表.pdf", PDF), upload("现场.png", PNG)]},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert [(r["original_name"], r["content_type"], r["kind_display"]) for r in created] == [
        ("签到表.pdf", "application/pdf", "签到表扫描件"),
        ("现场.png", "image/png", "签到表扫描件"),
    ]
    assert created[0]["uploaded_by_name"] == str(world["branch_a1_admin"])

    listed = client_as("inspector_a").get(api_list(activity)).json()
    assert [row["id"] for row in listed] == [row["id"] for row in created]
    download = client_as("inspector_a").get(listed[0]["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    remove = reverse("activities-api:attachment-remove", args=[activity.pk, created[1]["id"]])
    response = client.post(remove, data=json.dumps({"reason": "非签到表"}), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["remove_reason"] == "非签到表" and response.json()["download_url"] is None
    assert [row["id"] for row in client.get(api_list(activity)).json()] == [created[0]["id"]]
    everything = client.get(api_list(activity), {"include_removed": "true"}).json()
    assert len(everything) == 2
    assert client.get(created[1]["download_url"]).status_code == 404


def test_api_refuses_bad_files_with_the_messages_and_stores_none(world, client_as, media):
    activity = meeting(world)
    response = client_as("county_admin").post(
        api_list(activity), {"kind": "photo", "files": [upload("ok.png", PNG), upload("virus.jpg", EXE)]}
    )
    assert response.status_code == 400
    assert response.json() == {"files": [REFUSED_TYPE.format("virus.jpg")]}
    assert stored_files(media) == [] and not activity.attachments.exists()
    response = client_as("county_admin").post(api_list(activity), {"kind": "photo"})
    assert response.status_code == 400 and "files" in response.json()


def test_api_is_scoped_like_the_activity_endpoints(world, client_as):
    outside = meeting(world, "b1")
    (sheet,) = do_add_attachments(
        outside, [upload("签到表.pdf", PDF)], kind="sign_in_sheet", acting_user=None
    )
    town_a = client_as("town_a_admin")
    assert town_a.get(api_list(outside)).status_code == 404
    assert (
        town_a.post(api_list(outside), {"kind": "photo", "files": [upload("a.png", PNG)]}).status_code == 404
    )
    download = reverse("activities-api:attachment-download", args=[outside.pk, sheet.pk])
    assert town_a.get(download).status_code == 404
    # The attachment must belong to the activity in the URL.
    mine = meeting(world)
    assert (
        client_as("county_admin")
        .get(reverse("activities-api:attachment-download", args=[mine.pk, sheet.pk]))
        .status_code
        == 404
    )
    member = client_as("member_a1")
    assert member.post(api_list(mine), {"kind": "photo", "files": [upload("a.png", PNG)]}).status_code == 403
    assert member.get(api_list(mine)).status_code == 404


def test_the_api_is_in_the_openapi_schema(world, client_as):
    schema = client_as("county_admin").get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/activities/{activity_pk}/attachments/"])
    assert "post" in paths["/api/v1/activities/{activity_pk}/attachments/{id}/remove/"]
    assert "get" in paths["/api/v1/activities/{activity_pk}/attachments/{id}/download/"]
    upload_body = paths["/api/v1/activities/{activity_pk}/attachments/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body


# --- rules.md §10: nothing counts attachments ----------------------------------------------------


def test_compliance_does_not_change_when_attachments_are_added(world, client_as):
    meeting(world)
    other = meeting(world, theme="第二次")
    client = client_as("branch_a1_admin")
    params = {"organization": world["a1"].pk, "from": "2025-01", "to": "2025-12"}

    def verdicts():
        response = client.get(reverse("activities-api:compliance-list"), params)
        assert response.status_code == 200
        return response.json()["results"]

    before = verdicts()
    attach(world, other, upload("签到表.pdf", PDF), kind="sign_in_sheet")
    attach(world, other, upload("现场.jpg", JPEG), upload("现场.png", PNG), kind="photo")
    assert verdicts() == before
