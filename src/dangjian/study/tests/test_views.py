"""Study pages: what they show and do. Who may open which page: the permission matrix."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.study import services
from dangjian.study.models import Note, PointsSetting, StudyCompletion

from .factories import course_with_sessions, plan_with_items

YEAR = timezone.localdate().year


def test_the_branch_page_shows_each_member_and_item(world, client_as):
    plan = plan_with_items(world, "town_a", "第一篇", "第二篇", year=YEAR)
    services.do_record_completions(
        plan.items.first(), [world["zhang"]], acting_user=None, studied_on=timezone.localdate()
    )
    response = client_as("branch_a1_admin").get(reverse("study:organization", args=[world["a1"].pk]))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress.completed, progress.assigned) == (1, 4)
    assert "第一篇" in response.content.decode()


def test_the_committee_page_shows_children_rates_and_totals(world, client_as):
    plan_with_items(world, "root", "县委篇目", year=YEAR)
    services.do_write_note(
        acting_user=None, member=world["zhao"], kind="reflection", title="心得", text="十个字的心得体会啊。"
    )
    response = client_as("county_admin").get(reverse("study:organization", args=[world["root"].pk]))
    rows = {child.name: (tally.assigned, totals) for child, tally, totals in response.context["children"]}
    assert rows["A镇党委"][0] == 3
    assert rows["B镇党委"][1].reflections == 1 and rows["B镇党委"][1].characters == 10
    assert "字数只作合计" in response.content.decode()


def test_bulk_completion_ticks_several_members(world, client_as):
    item = plan_with_items(world, "town_a", "篇目", year=YEAR).items.get()
    client = client_as("branch_a1_admin")
    page = client.get(reverse("study:completion_add", args=[item.pk]))
    assert {m.name for m in page.context["form"].fields["members"].queryset} == {"张三丰", "李四"}
    response = client.post(
        reverse("study:completion_add", args=[item.pk]),
        {
            "members": [world["zhang"].pk, world["li"].pk],
            "method": "alone",
            "studied_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert StudyCompletion.objects.filter(item=item).count() == 2


def test_a_member_marks_an_item_done_on_their_page(world, client_as):
    item = plan_with_items(world, "a1", "篇目", year=YEAR).items.get()
    client = client_as("member_a1")
    page = client.get(reverse("study:mine"))
    assert [row[0].title for row in page.context["rows"]] == ["篇目"]
    client.post(
        reverse("study:completion_mine", args=[item.pk]), {"studied_on": timezone.localdate().isoformat()}
    )
    assert StudyCompletion.objects.get().member == world["li"]


def test_a_member_uploads_a_txt_note_and_another_file_is_refused(world, client_as):
    client = client_as("member_a1")
    data = {
        "member": world["li"].pk,
        "kind": "reflection",
        "title": "心得",
        "written_on": timezone.localdate().isoformat(),
    }
    upload = SimpleUploadedFile("心得.txt", "学习体会".encode("gb18030"))
    assert client.post(reverse("study:note_add"), {**data, "upload": upload}).status_code == 302
    assert Note.objects.get().text == "学习体会"
    bad = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....")
    response = client.post(reverse("study:note_add"), {**data, "upload": bad})
    assert response.status_code == 200
    assert "照片.png：只能上传 Word 文档（.docx）或文本文件（.txt）。" in response.content.decode()


def test_a_member_sees_only_their_own_points_when_switched_on(world, client_as):
    client = client_as("member_a1")
    assert client.get(reverse("study:mine")).context["points"] is None
    client_as("town_a_admin").post(
        reverse("study:points_setting", args=[world["town_a"].pk]), {"enabled": "on"}
    )
    assert PointsSetting.objects.get().enabled
    assert client.get(reverse("study:mine")).context["points"].total == 0


def test_the_export_lists_each_member(world, client_as):
    plan_with_items(world, "a1", "篇目", year=YEAR)
    response = client_as("branch_a1_admin").get(reverse("study:progress_export", args=[world["a1"].pk]))
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["张三丰", "李四"]


def test_the_certificate_is_a_pdf_only_once_completed(world, client_as):
    course, sessions = course_with_sessions(world, "town_a", required=Decimal("12"), start=date(YEAR, 1, 2))
    (enrollment,) = services.do_enroll_members(course, [world["li"]], acting_user=None)
    client = client_as("member_a1")
    assert client.get(reverse("study:certificate", args=[enrollment.pk])).status_code == 404
    for session in sessions:
        services.do_record_session_attendance(session, acting_user=None)
    response = client.get(reverse("study:certificate", args=[enrollment.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_course_page_and_the_attendance_form(world, client_as):
    course, (session, _) = course_with_sessions(world, "town_a", start=date(YEAR, 1, 2))
    client = client_as("town_a_admin")
    client.post(
        reverse("study:enrollment_add", args=[course.pk]), {"members": [world["zhang"].pk, world["wang"].pk]}
    )
    client.post(reverse("study:session_attendance", args=[session.pk]), {"absent": [world["wang"].pk]})
    page = client.get(reverse("study:course_detail", args=[course.pk]))
    assert {r.enrollment.member.name: r.hours for r in page.context["rows"]} == {"张三丰": 4, "王五": 0}
    # A branch secretary reads the town's course with only their own branch's students.
    page = client_as("branch_a1_admin").get(reverse("study:course_detail", args=[course.pk]))
    assert [r.enrollment.member.name for r in page.context["rows"]] == ["张三丰"]
