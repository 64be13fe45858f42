"""Drafts (.docx) a branch prints from a development file, filled from its recorded steps: the 公示 before a
person becomes a 发展对象, a 预备党员 or a 正式党员, and the 支部大会 resolutions on admission (step 15) and
on confirmation (step 23). Drafts only: the branch edits and signs them; nothing here is recorded."""

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from dangjian.activities.ledger import TITLE_FONT, _paragraph, _set_font

# stage → what the 公示 announces (a file at that stage is about to take the next one)
PUBLICITY = {
    "activist": "拟确定为发展对象",
    "candidate": "拟接收为中共预备党员",
    "probationary": "拟转为中共正式党员",
}
RESOLUTIONS = {
    "admission": (15, "接收预备党员", "同意接收{name}同志为中共预备党员"),
    "confirmation": (23, "预备党员转正", "同意{name}同志按期转为中共正式党员"),
}
KINDS = ("publicity", *RESOLUTIONS)


class DraftUnavailable(Exception):
    """The file is not at a point where this draft makes sense (the message says why, in Chinese)."""


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "____年__月__日"


def _step_dates(file) -> dict[int, object]:
    return {step.no: step.date for step in file.steps.all()}


def _document(title: str):
    document = Document()
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(3.7 - 1.2)
        section.left_margin = section.right_margin = Cm(2.8)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(heading.add_run(title), TITLE_FONT, 20, bold=True)
    return document


def _bytes(document) -> bytes:
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def draft(file, kind: str) -> tuple[str, bytes]:
    """(file name, .docx bytes) of one draft, or DraftUnavailable."""
    if kind == "publicity":
        return _publicity(file)
    if kind in RESOLUTIONS:
        return _resolution(file, *RESOLUTIONS[kind])
    raise DraftUnavailable("没有这种文书。")


def _publicity(file) -> tuple[str, bytes]:
    what = PUBLICITY.get(file.stage)
    if what is None or file.closed_on:
        raise DraftUnavailable(
            "该档案当前阶段无需公示（公示用于确定发展对象、接收预备党员和预备党员转正前）。"
        )
    title = f"关于{file.name}同志{what}的公示"
    dates = _step_dates(file)
    branch = file.organization
    document = _document(title)
    intro = f"经{branch.name}支部委员会研究，{file.name}同志{what}。现将有关情况公示如下："
    _paragraph(document, intro, size=16)
    rows = [
        ("姓名", file.name),
        ("性别", file.get_sex_display()),
        ("出生年月", f"{file.birth_date.year}年{file.birth_date.month}月"),
        ("民族", file.get_ethnicity_display() or "（待填）"),
        ("学历", file.get_education_display() or "（待填）"),
        ("人员类别", file.get_category_display() or "（待填）"),
        ("递交入党申请书时间", _date(dates.get(1))),
        ("确定为入党积极分子时间", _date(dates.get(3))),
    ]
    if file.stage in ("candidate", "probationary"):
        rows.append(("确定为发展对象时间", _date(dates.get(7))))
    if file.stage == "probationary":
        rows.append(("接收为预备党员时间", _date(dates.get(17))))
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        left, right = table.add_row().cells
        left.text, right.text = label, value
    _paragraph(
        document,
        "公示期为自发布之日起5个工作日。公示期间，党员和群众如有意见，可通过来信、来电、来访等方式向"
        f"{branch.name}或上级党组织反映。反映问题应实事求是，以个人名义反映的请署真实姓名。",
        size=16,
    )
    _paragraph(document, "联系人：__________    联系电话：__________", size=16)
    _paragraph(document, f"中共{branch.name}委员会" if branch.kind != "branch" else branch.name, size=16)
    _paragraph(document, _date(None), size=16)
    return f"{title}.docx", _bytes(document)


def _resolution(file, step_no: int, subject: str, decision: str) -> tuple[str, bytes]:
    step = next((s for s in file.steps.all() if s.no == step_no), None)
    if step is None:
        raise DraftUnavailable(f"尚未记录支部大会讨论{subject}的步骤（第{step_no}步），无法生成决议。")
    votes = step.fields or {}
    branch = file.organization
    title = f"{branch.name}支部党员大会关于{file.name}同志{subject}的决议"
    document = _document(title)
    eligible, present = votes.get("eligible", "__"), votes.get("present", "__")
    tally = (
        f"赞成{votes.get('for', '__')}票，反对{votes.get('against', 0)}票，弃权{votes.get('abstain', 0)}票"
        + (f"，另有未到会党员书面意见赞成{votes['written_for']}票" if votes.get("written_for") else "")
    )
    _paragraph(
        document,
        f"{_date(step.date)}，{branch.name}召开支部党员大会，讨论{file.name}同志{subject}问题。"
        f"支部应到会有表决权的正式党员{eligible}名，实到会{present}名，超过应到会有表决权正式党员的半数。"
        f"会议听取了{file.name}同志的汇报、入党介绍人的意见和支部委员会的审查情况，经充分讨论，"
        f"采取无记名投票方式表决：{tally}。",
        size=16,
    )
    outcome = f"根据表决结果，支部党员大会{decision.format(name=file.name)}，报上级党委审批。"
    _paragraph(document, outcome, size=16)
    _paragraph(document, f"{branch.name}（盖章）", size=16)
    _paragraph(document, _date(step.date), size=16)
    return f"{title}.docx", _bytes(document)
