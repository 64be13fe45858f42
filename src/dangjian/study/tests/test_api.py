"""/api/v1/study/: what the endpoints do (who may call which: the permission matrix)."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dangjian.study import services
from dangjian.study.models import Note, SessionAttendance, StudyCompletion
from dangjian.study.texts import docx_bytes

from .factories import course_with_sessions, plan_with_items


def test_plans_flow_down_in_the_list(world, client_as):
    plan_with_items(world, "root", "县委篇目")
    plan_with_items(world, "b1", "B1篇目")
    plan_with_items(world, "root", "草稿", publish=False)
    rows = client_as("branch_a1_admin").get(reverse("study-api:plan-list")).json()["results"]
    assert [[item["title"] for item in row["items"]] for row in rows] == [["县委篇目"]]


def test_a_member_records_their_completion_and_reads_only_their_own(world, client_as):
    item = plan_with_items(world, "a1", "篇目").items.get()
    services.do_record_completions(item, [world["zhang"]], acting_user=None, studied_on=date(2025, 3, 1))
    client = client_as("member_a1")
    response = client.post(
        reverse("study-api:completion-list"),
        {"item": item.pk, "members": [world["li"].pk], "studied_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert StudyCompletion.objects.filter(item=item).count() == 2
    rows = client.get(reverse("study-api:completion-list")).json()["results"]
    assert [row["member_name"] for row in rows] == ["李四"]


def test_a_note_uploaded_as_docx(world, client_as):
    upload = SimpleUploadedFile("心得.docx", docx_bytes(["学习党章的体会。"]))
    response = client_as("member_a1").post(
        reverse("study-api:note-list"),
        {"member": world["li"].pk, "kind": "reflection", "title": "心得", "upload": upload},
    )
    assert response.status_code == 201, response.content
    assert response.json()["char_count"] == 8
    assert Note.objects.get().source == "docx"


def test_a_refused_upload_is_a_400_naming_the_file(world, client_as):
    upload = SimpleUploadedFile("表格.xlsx", b"PK\x03\x04 not a note")
    response = client_as("branch_a1_admin").post(
        reverse("study-api:note-list"),
        {"member": world["li"].pk, "kind": "study_note", "title": "笔记", "upload": upload},
    )
    assert response.status_code == 400
    assert response.json()["upload"] == ["表格.xlsx：只能上传 Word 文档（.docx）或文本文件（.txt）。"]


def test_course_enrollment_and_attendance(world, client_as):
    course, (session, _) = course_with_sessions(world, "town_a", required=Decimal("4"))
    client = client_as("town_a_admin")
    response = client.post(
        reverse("study-api:course-enrollments", args=[course.pk]),
        {"members": [world["zhang"].pk, world["wang"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = client.post(
        reverse("study-api:course-attendance", args=[course.pk]),
        {"session": session.pk, "absent": [world["wang"].pk]},
        content_type="application/json",
    )
    assert response.json() == {"session": session.pk, "present": 1}
    assert SessionAttendance.objects.filter(present=True).get().member == world["zhang"]


def test_an_out_of_scope_course_is_not_found(world, client_as):
    course, _ = course_with_sessions(world, "town_b")
    client = client_as("town_a_admin")
    assert client.get(reverse("study-api:course-detail", args=[course.pk])).status_code == 404
    response = client.post(
        reverse("study-api:course-enrollments", args=[course.pk]),
        {"members": [world["zhao"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
