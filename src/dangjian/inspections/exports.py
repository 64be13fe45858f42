"""The plan's summary as files: a 督导工作纪实 draft (.docx, for the committee to edit) and a workbook
(.xlsx: units, teams, 问题清单). Both are written from `summary.summarize` and the findings, never typed."""

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from dangjian.activities.ledger import BODY_FONT, TITLE_FONT, _paragraph, _set_font
from dangjian.core.xlsx import add_sheet, append_row, new_workbook, to_bytes

UNIT_HEADERS = [
    "被检查单位",
    "督导组",
    "状态",
    "检查日期",
    "已查项目",
    "得分",
    "座谈访谈（次）",
    "参加人数",
    "抽查人员",
    "抽查学习笔记",
    "抽查心得",
    "抽查组织生活",
    "严重问题",
    "较重问题",
    "一般问题",
    "问题合计",
    "已销号",
    "整改中",
    "待整改",
]
TEAM_HEADERS = ["督导组", "组长", "人数", "督导单位数", *UNIT_HEADERS[4:]]
FINDING_HEADERS = ["被检查单位", "问题程度", "问题描述", "发现日期", "整改期限", "状态", "销号日期"]


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def _counts(figures) -> list:
    severity = figures.by_severity
    return [
        figures.items_checked,
        figures.score,
        figures.interviews,
        figures.participants,
        figures.people,
        figures.notes,
        figures.reflections,
        figures.activities,
        severity["grave"],
        severity["serious"],
        severity["minor"],
        figures.findings,
        figures.closed,
        figures.rectifying,
        figures.open,
    ]


def _deadline(finding):
    assignment = getattr(finding, "rectification", None)
    return getattr(assignment, "deadline", None) if assignment else None


def summary_xlsx(summary, findings) -> bytes:
    workbook = new_workbook()
    units = add_sheet(workbook, "单位汇总", UNIT_HEADERS, {"被检查单位": 24, "督导组": 14})
    for row in summary.units:
        inspection = row.unit_inspection
        append_row(
            units,
            [
                inspection.unit.name,
                row.team_name,
                inspection.get_status_display(),
                inspection.visited_on,
                *_counts(row.figures),
            ],
        )
    append_row(units, ["合计", "", "", None, *_counts(summary.total)])
    teams = add_sheet(workbook, "督导组汇总", TEAM_HEADERS, {"督导组": 16})
    for team in summary.teams:
        append_row(teams, [team.name, team.leader, team.people, len(team.units), *_counts(team.figures)])
    sheet = add_sheet(workbook, "问题清单", FINDING_HEADERS, {"被检查单位": 24, "问题描述": 60})
    for finding in findings:
        append_row(
            sheet,
            [
                finding.unit_inspection.unit.name,
                finding.get_severity_display(),
                finding.description,
                finding.found_on,
                _deadline(finding),
                finding.get_status_display(),
                finding.closed_on,
            ],
        )
    return to_bytes(workbook)


def _document(title: str):
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.8)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(heading.add_run(title), TITLE_FONT, 20, bold=True)
    return document


def _table(document, headers, rows) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _set_font(cell.paragraphs[0].add_run(header), BODY_FONT, 10.5, bold=True)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _set_font(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, 10.5)


def overview(summary, samples) -> list[str]:
    """The draft's paragraphs of figures (also shown on the summary page)."""
    plan, total = summary.plan, summary.total
    people = sum(team.people for team in summary.teams)
    teams = sum(1 for team in summary.teams if team.pk is not None)
    lines = [
        f"{_date(plan.starts_on)}至{_date(plan.ends_on)}，{plan.organization.name}组织开展{plan.name}，"
        f"成立{teams}个督导组、抽调{people}名督导人员，对{total.units}个单位进行督导检查"
        + (f"，采取{plan.method.rstrip('。')}等方式" if plan.method else "")
        + "。",
        f"对照检查项目{summary.items_total}项逐项检查，共记录检查结果{total.items_checked}项；"
        f"开展座谈、个别访谈、现场问答和电话抽查{total.interviews}次，参加{total.participants}人次。",
    ]
    for sample in samples:
        lines.append(f"随机抽查：{sample.description}（随机种子{sample.seed}，可复现）。")
    severity = "、".join(f"{label}{count}个" for label, count in total.severity_rows)
    lines.append(
        f"共发现问题{total.findings}个（{severity}），均已列入问题清单反馈被检查单位限期整改；"
        f"目前已整改销号{total.closed}个，整改中{total.rectifying}个，待整改{total.open}个。"
    )
    return lines


def summary_docx(summary, samples, findings) -> bytes:
    """督导工作纪实（草稿）: the overview, a table per team and per unit, and the 问题清单."""
    plan = summary.plan
    document = _document(f"{plan.name}督导工作纪实")
    _paragraph(document, "（草稿，请核实后修改定稿）", size=12, center=True)
    _paragraph(document, "一、基本情况", size=16, bold=True)
    for line in overview(summary, samples):
        _paragraph(document, line, size=16)
    _paragraph(document, "二、各督导组工作情况", size=16, bold=True)
    _table(
        document,
        ["督导组", "组长", "人数", "单位数", "已查项目", "座谈访谈", "问题", "已销号"],
        [
            [t.name, t.leader, t.people, len(t.units), t.figures.items_checked, t.figures.interviews]
            + [t.figures.findings, t.figures.closed]
            for t in summary.teams
        ],
    )
    _paragraph(document, "三、各单位检查情况", size=16, bold=True)
    _table(
        document,
        ["被检查单位", "督导组", "检查日期", "得分", "抽查人员", "问题（严重/较重/一般）", "已销号"],
        [
            [
                row.unit_inspection.unit.name,
                row.team_name,
                row.unit_inspection.visited_on or "",
                f"{row.figures.score}/{summary.max_score}",
                row.figures.people,
                "/".join(str(count) for _, count in row.figures.severity_rows),
                row.figures.closed,
            ]
            for row in summary.units
        ],
    )
    _paragraph(document, "四、问题清单及整改情况", size=16, bold=True)
    for number, finding in enumerate(findings, 1):
        deadline = _deadline(finding)
        _paragraph(
            document,
            f"{number}. {finding.unit_inspection.unit.name}（{finding.get_severity_display()}）："
            f"{finding.description}。整改{'期限' + _date(deadline) if deadline else '期限待定'}，"
            f"{finding.get_status_display()}"
            + (f"（{_date(finding.closed_on)}销号）" if finding.closed_on else "")
            + "。",
            size=14,
        )
    _paragraph(document, "五、下一步工作", size=16, bold=True)
    _paragraph(document, "对整改中的问题跟踪督办，适时开展“回头看”，确保问题整改到位。", size=16)
    _paragraph(document, plan.organization.name, size=16)
    _paragraph(document, _date(None), size=16)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
