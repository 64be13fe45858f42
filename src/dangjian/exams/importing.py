"""Excel (.xlsx) import of questions into a bank: every row checked, then all written or none.

The sheet's header row holds the Chinese column names of `COLUMNS` (the template from `template_bytes()`).
Every problem is reported with its Excel row and column ("第5行“答案”：单选题只能有一个答案"); a file
with any error writes nothing. A question is identified by its 题干 inside the bank: importing the same
file again updates the questions that changed and creates no duplicate. Retired questions keep their
状态 (an import never re-enables nor retires one). The upload goes through `core.uploads` (size, zip
bomb, DTD) before openpyxl reads it, and at most `SECURITY_POLICY["import_max_rows"]` rows are read.
"""

import logging
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core import xlsx
from dangjian.core.uploads import UploadRejected, check_xlsx

from . import grading
from .choices import OPTION_LETTERS, QuestionKind
from .models import Question, QuestionBank

logger = logging.getLogger(__name__)

OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
HEADERS = ["题型", "题干", *OPTION_HEADERS, "答案", "解析", "分值", "分类"]
REQUIRED = ("题型", "题干", "答案")
SHEET_TITLE = "试题"
FIELD_HEADERS = {
    "kind": "题型",
    "stem": "题干",
    "options": "选项A",
    "answer": "答案",
    "explanation": "解析",
    "points": "分值",
    "category": "分类",
}
KIND_WORDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "单项选择题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "多项选择题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "填空": QuestionKind.FILL_IN,
    "填空题": QuestionKind.FILL_IN,
    **{value: QuestionKind(value) for value in QuestionKind.values},
}
MAX_STEM = 1000
MAX_TEXT = 500
HEADER_SCAN_ROWS = 5
IMPORT_MESSAGE = "Excel导入试题"
EXAMPLES = [
    [
        "单选题",
        "党的最高领导机关是？",
        "党的全国代表大会和它所产生的中央委员会",
        "中央政治局",
        "中央书记处",
        "",
        "",
        "",
        "A",
        "见党章第十条。",
        2,
        "党章",
    ],
    [
        "多选题",
        "党支部委员会由哪些委员组成？（示例）",
        "书记",
        "组织委员",
        "宣传委员",
        "纪检委员",
        "",
        "",
        "ABCD",
        "",
        2,
        "支部工作条例",
    ],
    [
        "判断题",
        "预备党员有表决权。",
        "",
        "",
        "",
        "",
        "",
        "",
        "错",
        "预备党员没有表决权、选举权和被选举权。",
        1,
        "党章",
    ],
    ["填空题", "党支部党员大会一般每____召开1次。", "", "", "", "", "", "", "季度|季", "", 1, "支部工作条例"],
]
NOTES = [
    "题型：单选题、多选题、判断题、填空题。",
    "选项：选择题填写2至6个选项，从“选项A”起连续填写；判断题和填空题不填选项。",
    "答案：单选题填一个字母（如 A）；多选题填两个及以上字母（如 ABD），全部选对才得分；判断题填“对”或“错”；"
    "填空题填正确答案，多个可接受的答案用“|”分隔，比较时忽略空格和全角/半角差异。",
    "分值：留空为1分。分类：用于按分类组卷，如“党章”“支部工作条例”。",
    "同一题库中题干相同的试题视为同一道题：再次导入时更新该题，不会重复新增。",
    "任何一行有错误时整份文件都不会导入，请按提示修改后重新上传。",
]


@dataclass(frozen=True)
class RowError:
    """A problem in the file: row = Excel row number (0 = the whole file), column = Chinese header."""

    row: int
    column: str
    message: str

    def __str__(self):
        if self.row and self.column:
            return f"第{self.row}行“{self.column}”：{self.message}"
        if self.row:
            return f"第{self.row}行：{self.message}"
        return self.message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            rows = len({error.row for error in self.errors if error.row})
            return f"发现 {len(self.errors)} 处错误（涉及 {rows} 行），未导入任何试题。"
        verb = "校验通过（仅校验，未写入）：将" if self.dry_run else "导入完成："
        return f"{verb}新增 {self.created} 题，更新 {self.updated} 题，未变 {self.unchanged} 题。"


def template_bytes() -> bytes:
    """The import template: the header row, four example rows, and a sheet of instructions."""
    workbook = xlsx.new_workbook()
    widths = {"题干": 40, "解析": 30, **dict.fromkeys(OPTION_HEADERS, 18)}
    sheet = xlsx.add_sheet(workbook, SHEET_TITLE, HEADERS, widths)
    for row in EXAMPLES:
        xlsx.append_row(sheet, row)
    notes = xlsx.add_sheet(workbook, "填写说明", ["填写说明"], {"填写说明": 100})
    for line in NOTES:
        xlsx.append_row(notes, [line])
    return xlsx.to_bytes(workbook)


# Reading -------------------------------------------------------------------------------------------


def _key(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split()).rstrip("*")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return xlsx.unescape_formula(str(value).strip()).strip()


HEADER_KEYS = {_key(header): header for header in HEADERS}


def _read(file) -> tuple[int, dict[int, str], list[tuple[int, tuple]]]:
    stream = check_xlsx(file)
    try:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types on hostile or broken files
            logger.warning("Unreadable question xlsx", exc_info=True)
            raise UploadRejected("无法读取该 Excel 文件：文件已损坏，或不是有效的 .xlsx 文件。") from None
        try:
            sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
            return _rows(sheet)
        finally:
            workbook.close()
    finally:
        if stream is not file:
            stream.close()


def _rows(sheet):
    limit = settings.SECURITY_POLICY["import_max_rows"]
    headers, header_row, rows = None, 0, []
    for number, values in enumerate(sheet.iter_rows(max_col=len(HEADERS) + 10, values_only=True), 1):
        if headers is None:
            found = {
                i: HEADER_KEYS[_key(v)]
                for i, v in enumerate(values)
                if v is not None and _key(v) in HEADER_KEYS
            }
            if {"题型", "题干"} <= set(found.values()):
                headers, header_row = found, number
            elif number >= HEADER_SCAN_ROWS:
                break
            continue
        if all(_text(v) == "" for v in values):
            continue
        if len(rows) >= limit:
            raise UploadRejected(f"数据超过 {limit} 行的上限，请分成多个文件导入。")
        rows.append((number, values))
    if headers is None:
        raise UploadRejected("找不到表头：第一行应为列名（题型、题干、选项A……答案），请使用下载的导入模板。")
    return header_row, headers, rows


# Checking ------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    cells: dict[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message.rstrip("。")))


def _parse(row: Row) -> dict | None:
    """The Question fields of a row, or None (errors recorded on the row)."""
    cells = row.cells
    kind = KIND_WORDS.get(_key(cells.get("题型")))
    if kind is None:
        row.error("题型", "题型只能是单选题、多选题、判断题或填空题")
    stem = cells.get("题干", "")
    if not stem:
        row.error("题干", "题干不能为空")
    elif len(stem) > MAX_STEM:
        row.error("题干", f"题干不能超过{MAX_STEM}字")
    options = [cells.get(header, "") for header in OPTION_HEADERS]
    while options and not options[-1]:
        options.pop()
    for header, text in zip(OPTION_HEADERS, options, strict=False):
        if not text:
            row.error(header, "选项须从“选项A”起连续填写，中间不能留空")
        elif len(text) > MAX_TEXT:
            row.error(header, f"选项不能超过{MAX_TEXT}字")
    answer = cells.get("答案", "")
    if kind is not None and not any(e.column.startswith("选项") for e in row.errors):
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            row.error("选项A", f"{kind.label}至少需要两个选项")
        elif kind not in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and options:
            row.error(OPTION_HEADERS[0], f"{kind.label}不填选项")
        else:
            try:
                answer = grading.clean_answer(kind, answer, len(options))
            except grading.AnswerError as error:
                row.error("答案", str(error))
    points = Decimal(1)
    if cells.get("分值"):
        try:
            points = Decimal(unicodedata.normalize("NFKC", cells["分值"]))
            if not points.is_finite() or points < Decimal("0.5") or points > 100 or points * 2 % 1:
                raise InvalidOperation
        except InvalidOperation:
            row.error("分值", "分值须为0.5至100之间的数，最多一位小数且为0.5的倍数")
    category = cells.get("分类", "")
    if len(category) > 50:
        row.error("分类", "分类不能超过50字")
    if len(cells.get("解析", "")) > 2000:
        row.error("解析", "解析不能超过2000字")
    if row.errors:
        return None
    return {
        "kind": kind,
        "stem": stem,
        "options": options,
        "answer": answer,
        "explanation": cells.get("解析", ""),
        "points": points,
        "category": category,
    }


class QuestionImport:
    """One import run into `bank`: read, check every row, then write all (or nothing)."""

    def __init__(self, bank: QuestionBank, *, acting_user, dry_run=False, source_name=""):
        self.bank = bank
        self.acting_user = acting_user
        self.result = ImportResult(dry_run=dry_run)
        self.source_name = source_name
        self.new: list[Question] = []
        self.changed: list[tuple[Question, dict, list[str]]] = []

    def run(self, file) -> ImportResult:
        if self.acting_user is not None and not get_scope(self.acting_user).covers(
            self.bank.organization.path, "change"
        ):
            raise PermissionDenied("无权向该题库导入试题。")
        try:
            header_row, headers, rows = _read(file)
        except UploadRejected as error:
            self.result.errors.append(RowError(0, "", str(error)))
            return self.result
        self.check_headers(header_row, headers)
        if not self.result.errors and not rows:
            self.result.errors.append(RowError(0, "", "文件中没有试题。"))
        if self.result.errors:
            return self.result
        self.result.total = len(rows)
        self.check_rows(headers, rows)
        if self.result.ok and not self.result.dry_run:
            self.write()
        return self.result

    def check_headers(self, header_row: int, headers: dict[int, str]) -> None:
        seen: dict[str, int] = {}
        for header in headers.values():
            if header in seen:
                self.result.errors.append(RowError(header_row, header, "表头中该列出现了两次"))
            seen[header] = 1
        for header in REQUIRED:
            if header not in seen:
                self.result.errors.append(RowError(header_row, header, "缺少必填列"))

    def check_rows(self, headers: dict[int, str], rows) -> None:
        existing = {q.stem: q for q in Question.objects.filter(bank=self.bank)}
        first_row: dict[str, int] = {}
        for number, values in rows:
            row = Row(number, {h: _text(values[i]) if i < len(values) else "" for i, h in headers.items()})
            fields = _parse(row)
            stem = row.cells.get("题干", "")
            if stem and stem in first_row:
                row.error("题干", f"与第{first_row[stem]}行的题干相同")
            elif stem:
                first_row[stem] = number
            if fields is not None and not row.errors:
                self.collect(row, fields, existing.get(fields["stem"]))
            self.result.errors.extend(row.errors)

    def collect(self, row: Row, fields: dict, current: Question | None) -> None:
        question = current or Question(bank=self.bank)
        before = audit.snapshot(current) if current else None
        changed = [
            name for name, value in fields.items() if current is None or getattr(current, name) != value
        ]
        if current is not None and not changed:
            self.result.unchanged += 1
            return
        for name, value in fields.items():
            setattr(question, name, value)
        try:
            question.full_clean(exclude=["bank"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    row.error(FIELD_HEADERS.get(name, ""), message)
            return
        if current is None:
            self.new.append(question)
            self.result.created += 1
        else:
            self.changed.append((question, before, changed))
            self.result.updated += 1

    def write(self) -> None:
        try:
            with transaction.atomic():
                audit.bulk_create_audited(
                    Question, self.new, acting_user=self.acting_user, message=IMPORT_MESSAGE
                )
                groups: dict[tuple, list] = {}
                for question, before, changed in self.changed:
                    groups.setdefault(tuple(sorted(changed)), []).append((question, before))
                for fields, items in groups.items():
                    audit.bulk_update_audited(
                        [q for q, _ in items],
                        list(fields),
                        {q.pk: before for q, before in items},
                        acting_user=self.acting_user,
                        message=IMPORT_MESSAGE,
                    )
                source = self.source_name[:100] or "上传文件"
                audit.record(
                    "import",
                    self.bank,
                    acting_user=self.acting_user,
                    message=f"{IMPORT_MESSAGE}（{source}，共{self.result.total}行）：{self.result.summary()}",
                )
        except IntegrityError:
            logger.warning("Question import hit a conflicting write", exc_info=True)
            self.result.errors.append(
                RowError(0, "", "写入时发现冲突（可能有他人同时导入了相同题干的试题），未导入任何试题。")
            )
            self.result.created = self.result.updated = 0


def import_questions(file, bank: QuestionBank, *, acting_user, dry_run=False, source_name="") -> ImportResult:
    """Import the question sheet in `file` (path, bytes or file object) into `bank`; see the module doc."""
    name = source_name or str(getattr(file, "name", "") or "")
    run = QuestionImport(bank, acting_user=acting_user, dry_run=dry_run, source_name=name.rsplit("/", 1)[-1])
    result = run.run(file)
    result.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else -1))
    return result
