"""The yearly 台账: every standing activity of a branch with attendance and minutes; .docx and .xlsx."""

from datetime import date, time
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.activities.ledger import chinese_ordinal, ledger_title
from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_cancel_activity, do_record_activity


def record(world, org, code, day, theme, **extra):
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code=code),
        held_on=day,
        theme=theme,
        **extra,
    )


@pytest.fixture
def year_of_activities(world):
    """Two meetings of A1 today (one with an absentee and a failed vote), one of its 党小组 on 1 January,
    one of A2, one cancelled, and one of last year."""
    today = timezone.localdate()
    year = today.year
    first = date(year, 1, 1)
    record(
        world,
        "a1",
        "general_meeting",
        today,
        "学习党的二十大精神",
        start_time=time(9),
        place="村委会",
        host=world["zhang"],
        minutes="张三丰传达会议精神。",
        absent={world["li"].pk: "sick"},
        decisions=[
            {"text": "修缮活动室"},
            {"text": "表彰先进", "voted": True, "eligible": 4, "present_eligible": 3, "votes_for": 1},
        ],
    )
    record(world, "a1", "party_lesson", today, '=HYPERLINK("x")', start_time=time(14))
    record(world, "a1_group", "group_meeting", first, "党小组学习", start_time=time(8))
    record(world, "a2", "general_meeting", first, "A2的大会")
    cancelled = record(world, "a1", "theme_day", first, "作废的主题党日")
    do_cancel_activity(cancelled, reason="误录", acting_user=None)
    record(world, "a1", "general_meeting", date(year - 1, 6, 1), "去年的大会")
    return year


def url(world, name, year):
    return reverse(f"activities:{name}", args=[world["a1"].pk, year])


def test_ledger_page_lists_the_years_activities_of_the_branch_and_its_groups(
    world, client_as, year_of_activities
):
    response = client_as("inspector_a").get(url(world, "ledger_detail", year_of_activities))
    themes = [entry.activity.theme for entry in response.context["entries"]]
    assert themes == ["党小组学习", "学习党的二十大精神", '=HYPERLINK("x")']
    html = response.content.decode()
    assert ledger_title(world["a1"], year_of_activities) in html
    assert "李四（病假）" in html and "应到2人，实到1人，出席率50%" in html
    assert "未通过" in html
    # An inspector reads the ledger but exports nothing (the export action is the editors').
    assert url(world, "ledger_docx", year_of_activities) not in html


def test_docx_has_a_title_and_a_table_per_activity(world, client_as, year_of_activities):
    today = timezone.localdate()
    response = client_as("branch_a1_admin").get(url(world, "ledger_docx", year_of_activities))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    document = Document(BytesIO(response.content))
    assert document.paragraphs[0].text == ledger_title(world["a1"], year_of_activities)
    assert len(document.tables) == 3
    first = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
    assert first["主题"] == "学习党的二十大精神"
    assert first["缺席人员及原因"] == "李四（病假）"
    assert first["会议记录"] == "张三丰传达会议精神。"
    assert "2. 表彰先进（表决：赞成1票，反对0票，弃权0票；未通过" in first["决议事项"]
    headings = [p.text for p in document.paragraphs if p.text.startswith(("一、", "二、", "三、"))]
    assert headings[:2] == [f"一、党小组会（{year_of_activities}-01-01）", f"二、支部党员大会（{today}）"]
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "A2的大会" not in text and "作废的主题党日" not in text and "去年的大会" not in text


def test_xlsx_has_the_ledger_and_the_attendance(world, client_as, year_of_activities):
    response = client_as("town_a_admin").get(url(world, "ledger_xlsx", year_of_activities))
    book = load_workbook(BytesIO(response.content))
    rows = list(book["台账"].iter_rows(values_only=True))
    assert rows[0][:5] == ("日期", "时间", "党组织", "活动类型", "主题")
    themes = [row[4] for row in rows[1:] if len(row) > 4 and row[4]]
    # Text that a spreadsheet would run as a formula is escaped.
    assert themes == ["党小组学习", "学习党的二十大精神", '\'=HYPERLINK("x")']
    assert rows[2][1] == "09:00" and rows[2][11] == "李四（病假）"
    people = list(book["出席明细"].iter_rows(values_only=True))
    assert ("支部党员大会", "学习党的二十大精神", "李四", "否", "病假") in [row[1:] for row in people]


def test_a_year_outside_the_range_is_not_found(world, client_as):
    client = client_as("branch_a1_admin")
    assert client.get(url(world, "ledger_detail", 2001)).status_code == 404
    assert client.get(url(world, "ledger_xlsx", timezone.localdate().year + 1)).status_code == 404


def test_an_empty_year_still_exports(world, client_as):
    response = client_as("branch_a1_admin").get(url(world, "ledger_docx", 2019))
    assert len(Document(BytesIO(response.content)).tables) == 0


def test_chinese_ordinals():
    assert [chinese_ordinal(n) for n in (1, 10, 11, 20, 25, 99)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十五",
        "九十九",
    ]
