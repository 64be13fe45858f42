"""The yearly 三会一课 ledger (台账) of a branch: every activity with attendance and minutes, as .docx
and .xlsx. Generated from the records, never typed again (rules.md §10 d)."""

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangjian.core import xlsx

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
CHINESE_NUMBERS = "一二三四五六七八九十"


def ledger_title(organization, year: int) -> str:
    return f"{organization.name}{year}年度“三会一课”等组织生活台账"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五 (enough for a year's activities per section)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMBERS[tens - 1]
    return f"{head}十{CHINESE_NUMBERS[ones - 1] if ones else ''}"


@dataclass
class Entry:
    """One activity as the ledger prints it."""

    activity: object

    @property
    def when(self) -> str:
        a = self.activity
        text = f"{a.held_on.year}年{a.held_on.month}月{a.held_on.day}日"
        if a.start_time:
            text += f" {a.start_time:%H:%M}"
            if a.end_time:
                text += f"—{a.end_time:%H:%M}"
        return text

    @property
    def attendance(self) -> str:
        a = self.activity
        rate = f"，出席率{a.attendance_rate:.0%}" if a.attendance_rate is not None else ""
        return f"应到{a.expected_count}人，实到{a.present_count}人{rate}"

    @property
    def absentees(self) -> str:
        rows = [r for r in self.activity.attendance.all() if not r.present]
        return "、".join(f"{r.member.name}（{r.get_absence_reason_display()}）" for r in rows) or "无"

    @property
    def present_names(self) -> str:
        return "、".join(r.member.name for r in self.activity.attendance.all() if r.present) or "—"

    @property
    def decisions(self) -> str:
        lines = []
        for d in self.activity.decisions.all():
            line = f"{d.order}. {d.text}"
            if d.voted:
                votes = f"赞成{d.votes_for or 0}票，反对{d.votes_against or 0}票，弃权{d.abstentions or 0}票"
                verdict = "通过" if d.passed else "未通过：" + "".join(d.vote_problems())
                line += f"（表决：{votes}；{verdict}）"
            lines.append(line)
        return "\n".join(lines) or "无"

    def fields(self) -> list[tuple[str, str]]:
        a = self.activity
        return [
            ("时间", self.when),
            ("地点", a.place or "—"),
            ("主持人", a.host.name if a.host else "—"),
            ("记录人", a.recorder.name if a.recorder else "—"),
            ("出席情况", self.attendance),
            ("出席人员", self.present_names),
            ("缺席人员及原因", self.absentees),
            ("主题", a.theme),
            ("议程", a.agenda or "—"),
            ("会议记录", a.minutes or "—"),
            ("决议事项", self.decisions),
            ("落实的上级通知", a.notice or "—"),
        ]


def entries(activities) -> list[Entry]:
    return [Entry(a) for a in activities]


def _set_font(run, name: str, size: float, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word takes Chinese glyphs from the East Asian font slot, not from `name`.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(cell_or_doc, text: str, *, size: float = 12, bold: bool = False, center: bool = False):
    paragraph = cell_or_doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run(text), BODY_FONT, size, bold=bold)
    return paragraph


def ledger_docx(organization, year: int, activities) -> bytes:
    """Title, then one two-column table per activity (field | content), in date order."""
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.6)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(title.add_run(ledger_title(organization, year)), TITLE_FONT, 18, bold=True)
    items = entries(activities)
    _paragraph(document, f"共{len(items)}次活动（作废的记录不列入）。", size=10.5, center=True)
    for number, entry in enumerate(items, 1):
        a = entry.activity
        heading = f"{chinese_ordinal(number) if number <= 99 else number}、{a.activity_type.name}"
        _paragraph(document, f"{heading}（{a.held_on:%Y-%m-%d}）", size=14, bold=True)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for label, value in entry.fields():
            left, right = table.add_row().cells
            left.width, right.width = Cm(3.2), Cm(12.6)
            _set_font(left.paragraphs[0].add_run(label), BODY_FONT, 11, bold=True)
            for index, line in enumerate(value.split("\n")):
                paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
                _set_font(paragraph.add_run(line), BODY_FONT, 11)
        if number < len(items):
            document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


LEDGER_HEADERS = [
    "日期",
    "时间",
    "党组织",
    "活动类型",
    "主题",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "出席率",
    "缺席人员及原因",
    "议程",
    "会议记录",
    "决议事项",
]
ATTENDANCE_HEADERS = ["日期", "活动类型", "主题", "姓名", "出席", "缺席事由"]


def ledger_xlsx(organization, year: int, activities) -> bytes:
    """Sheet 1: one row per activity; sheet 2: one row per attendee."""
    items = entries(activities)
    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(
        workbook,
        "台账",
        LEDGER_HEADERS,
        {"主题": 30, "党组织": 20, "缺席人员及原因": 24, "议程": 30, "会议记录": 50, "决议事项": 40},
    )
    for entry in items:
        a = entry.activity
        xlsx.append_row(
            sheet,
            [
                a.held_on,
                entry.when.partition(" ")[2],
                a.organization.name,
                a.activity_type.name,
                a.theme,
                a.place,
                a.host.name if a.host else "",
                a.recorder.name if a.recorder else "",
                a.expected_count,
                a.present_count,
                f"{a.attendance_rate:.0%}" if a.attendance_rate is not None else "",
                entry.absentees,
                a.agenda,
                a.minutes,
                entry.decisions,
            ],
        )
    xlsx.append_row(sheet, [ledger_title(organization, year)], font=xlsx.NOTE_FONT)
    people = xlsx.add_sheet(workbook, "出席明细", ATTENDANCE_HEADERS, {"主题": 30})
    for entry in items:
        a = entry.activity
        for row in a.attendance.all():
            xlsx.append_row(
                people,
                [
                    a.held_on,
                    a.activity_type.name,
                    a.theme,
                    row.member.name,
                    "是" if row.present else "否",
                    row.get_absence_reason_display(),
                ],
            )
    return xlsx.to_bytes(workbook)
