"""Courses (hours, completion, certificates), notes (typed, .docx/.txt uploads), reviews and points."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.audit.models import AuditEvent
from dangjian.study import services
from dangjian.study.certificates import certificate_pdf, course_hours, enrollment_hours
from dangjian.study.models import Note, SessionAttendance
from dangjian.study.points import member_points, points_enabled
from dangjian.study.texts import docx_bytes

from .factories import course_with_sessions, plan_with_items

# --- courses ----------------------------------------------------------------------------------------


def test_completion_needs_the_required_hours(world):
    course, (half_day, full_day) = course_with_sessions(world, "town_a", required=Decimal("10"))
    services.do_enroll_members(course, [world["zhang"], world["li"], world["wang"]], acting_user=None)
    services.do_record_session_attendance(half_day, acting_user=None)
    attended = services.do_record_session_attendance(full_day, acting_user=None, absent_ids=[world["li"].pk])
    assert attended == 2
    hours = {row.enrollment.member.name: (row.hours, row.completed) for row in course_hours(course)}
    assert hours == {"张三丰": (12, True), "李四": (4, False), "王五": (12, True)}


def test_attendance_can_be_corrected_and_is_audited(world):
    course, (session, _) = course_with_sessions(world, "town_a")
    services.do_enroll_members(course, [world["zhang"], world["li"]], acting_user=None)
    services.do_record_session_attendance(session, acting_user=None, absent_ids=[world["li"].pk])
    services.do_record_session_attendance(session, acting_user=None)
    assert SessionAttendance.objects.filter(session=session, present=True).count() == 2
    row = SessionAttendance.objects.get(session=session, member=world["li"])
    assert (
        AuditEvent.objects.filter(object_type="study.sessionattendance", object_id=str(row.pk)).count() == 2
    )


def test_enrollment_only_from_the_organizers_subtree(world):
    course, _ = course_with_sessions(world, "town_a")
    with pytest.raises(ValidationError, match="在册党员"):
        services.do_enroll_members(course, [world["zhang"], world["zhao"]], acting_user=None)
    assert not course.enrollments.exists()


def test_a_session_outside_the_course_dates_is_refused(world):
    course, _ = course_with_sessions(world, "town_a")
    with pytest.raises(ValidationError, match="开班和结业日期之间"):
        services.do_add_session(
            course, acting_user=None, held_on=date(2030, 1, 1), title="x", hours=Decimal("1")
        )


def test_out_of_scope_course_writes_are_refused(world):
    with pytest.raises(PermissionDenied):
        services.do_create_course(
            acting_user=world["town_a_admin"],
            organization=world["town_b"],
            name="B镇冬训",
            kind="winter_training",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 1, 2),
            required_hours=Decimal("8"),
        )


def pdf_strings(data: bytes) -> str:
    """The text of a reportlab PDF's string literals (uncompressed; CID font, UTF-16BE)."""
    found = []
    for literal in re.findall(rb"\((.*?)(?<!\\)\) Tj", data, re.S):
        raw = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m[1], 8)]), literal)
        raw = re.sub(rb"\\(.)", rb"\1", raw)
        found.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(found)


def test_certificate_pdf_names_the_member(world):
    course, sessions = course_with_sessions(world, "town_a", required=Decimal("4"))
    (enrollment,) = services.do_enroll_members(course, [world["zhang"]], acting_user=None)
    for session in sessions:
        services.do_record_session_attendance(session, acting_user=None)
    record = enrollment_hours(enrollment)
    assert record.completed
    data = certificate_pdf(record)
    assert data.startswith(b"%PDF")
    text = pdf_strings(data)
    assert "张三丰同志" in text
    assert "结业证书" in text


# --- notes ------------------------------------------------------------------------------------------


def test_a_typed_note_counts_its_characters(world):
    note = services.do_write_note(
        acting_user=world["member_a1"],
        member=world["li"],
        kind="reflection",
        title="心得",
        text=" 学习 党章。\n",
    )
    assert (note.char_count, note.organization, note.text) == (5, world["a1"], "学习 党章。")
    assert AuditEvent.objects.filter(object_type="study.note", object_id=str(note.pk)).exists()


def test_a_docx_upload_is_read(world):
    upload = SimpleUploadedFile("心得.docx", docx_bytes(["第一段：学习党章。", "第二段 体会"]))
    note = services.do_write_note(
        acting_user=None, member=world["li"], kind="reflection", title="心得", upload=upload
    )
    assert note.text == "第一段：学习党章。\n第二段 体会"
    assert (note.source, note.original_name, note.char_count) == ("docx", "心得.docx", 14)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_a_txt_upload_in_utf8_or_gbk_is_read(world, encoding):
    upload = SimpleUploadedFile("笔记.txt", "学习笔记：不忘初心".encode(encoding))
    note = services.do_write_note(
        acting_user=None, member=world["li"], kind="study_note", title="笔记", upload=upload
    )
    assert note.text == "学习笔记：不忘初心"
    assert note.source == "txt"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("扫描.pdf", b"%PDF-1.4 not a note", "只能上传 Word 文档（.docx）或文本文件（.txt）"),
        ("伪装.docx", "不是压缩包".encode(), "不是有效的 Word 文档"),
        ("空.txt", b"", "空文件"),
        ("二进制.txt", b"\x00\x01\x02abc", "不是文本文件"),
        ("表格.docx", None, "不是 Word 文档"),
    ],
)
def test_other_uploads_are_refused_naming_the_file(world, name, content, message):
    if content is None:  # a zip that is an .xlsx, not a .docx
        from dangjian.core.xlsx import new_workbook, to_bytes

        workbook = new_workbook()
        workbook.create_sheet("表")
        content = to_bytes(workbook)
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        services.do_write_note(
            acting_user=None, member=world["li"], kind="study_note", title="x", upload=upload
        )
    assert error.value.message_dict["upload"][0].startswith(f"{name}：")
    assert message in error.value.message_dict["upload"][0]
    assert not Note.objects.exists()


def test_a_member_writes_only_their_own_notes(world):
    with pytest.raises(PermissionDenied):
        services.do_write_note(
            acting_user=world["member_a1"], member=world["zhang"], kind="study_note", title="x", text="y"
        )


def test_reviews_by_the_branch_admin_or_an_inspector_in_scope(world):
    note = services.do_write_note(
        acting_user=None, member=world["li"], kind="reflection", title="心得", text="体会"
    )
    services.do_review_note(note, acting_user=world["branch_a1_admin"], mark="pass", comment="联系实际不够")
    services.do_review_note(note, acting_user=world["inspector_a"], mark="excellent")
    assert [r.get_mark_display() for r in note.reviews.all()] == ["合格", "优秀"]
    for name in ("member_a1", "expired_inspector", "sysadmin"):
        with pytest.raises(PermissionDenied):
            services.do_review_note(note, acting_user=world[name], mark="pass")
    zhao_note = services.do_write_note(
        acting_user=None, member=world["zhao"], kind="reflection", title="x", text="y"
    )
    with pytest.raises(PermissionDenied):
        services.do_review_note(zhao_note, acting_user=world["inspector_a"], mark="pass")


# --- points -----------------------------------------------------------------------------------------


def test_points_are_off_by_default_and_the_nearest_setting_decides(world):
    assert not points_enabled(world["a1"])
    services.do_set_points(world["town_a"], acting_user=world["town_a_admin"], enabled=True)
    assert points_enabled(world["a1"]) and points_enabled(world["a2"])
    assert not points_enabled(world["b1"])
    services.do_set_points(world["a2"], acting_user=None, enabled=False)
    assert not points_enabled(world["a2"])
    with pytest.raises(PermissionDenied):
        services.do_set_points(world["town_b"], acting_user=world["town_a_admin"], enabled=True)


def test_points_are_derived_from_the_records(world):
    item = plan_with_items(world, "a1", "篇目").items.get()
    services.do_record_completions(item, [world["zhang"]], acting_user=None, studied_on=date(2025, 3, 1))
    course, sessions = course_with_sessions(world, "town_a")
    services.do_enroll_members(course, [world["zhang"]], acting_user=None)
    for session in sessions:
        services.do_record_session_attendance(session, acting_user=None)
    services.do_write_note(
        acting_user=None,
        member=world["zhang"],
        kind="reflection",
        title="x",
        text="y",
        written_on=date(2025, 3, 2),
    )
    services.do_write_note(
        acting_user=None,
        member=world["zhang"],
        kind="study_note",
        title="x",
        text="y",
        written_on=date(2025, 3, 2),
    )
    points = member_points(world["zhang"], date(2025, 1, 1), date(2025, 12, 31))
    assert (points.completions, points.course_sessions, points.reflections) == (1, 2, 1)
    assert points.total == 1 * 1 + 2 * 2 + 1 * 2
