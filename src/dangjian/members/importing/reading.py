"""Opening the untrusted upload: size and zip-bomb checks (`core.uploads`), then openpyxl in read-only mode.

Finds the header row among the first rows, keeps the non-empty data rows with their Excel row numbers, and
reports missing or doubled columns. Whatever openpyxl cannot read becomes `UploadRejected`.
"""

import logging
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings

from dangjian.core.uploads import UploadRejected, check_xlsx

from .cells import _key, _text
from .columns import COLUMNS, HEADERS, SHEET_TITLE
from .result import RowError

logger = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 5
MAX_COLUMNS = 60


def _header_key(text) -> str:
    return _key(_text(text)).rstrip("*").replace("（必填）", "").replace("(必填)", "")


HEADER_KEYS = {_key(header): header for header in HEADERS}


def _match_headers(values) -> dict[int, str] | None:
    """{column index: header} when `values` look like the header row (has 姓名 and 身份证号)."""
    found = {}
    for index, value in enumerate(values):
        header = HEADER_KEYS.get(_header_key(value)) if value is not None else None
        if header is not None:
            found[index] = header
    return found if {"姓名", "身份证号"} <= set(found.values()) else None


@dataclass
class Sheet:
    """The data of one sheet: header row number, {index: header}, and (Excel row number, values) rows."""

    header_row: int
    headers: dict[int, str]
    rows: list[tuple[int, tuple]]
    errors: list[RowError] = field(default_factory=list)


def _is_empty(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_sheet(file) -> Sheet:
    """Check the upload (size, zip bomb), then read it with openpyxl (read-only, defusedxml)."""
    stream = check_xlsx(file)
    try:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception:  # openpyxl/defusedxml raise many types on hostile or broken files
            logger.warning("Unreadable xlsx upload", exc_info=True)
            raise UploadRejected("无法读取该 Excel 文件：文件已损坏，或不是有效的 .xlsx 文件。") from None
        try:
            return _read_workbook(workbook)
        except UploadRejected:
            raise
        except Exception:
            logger.warning("Unreadable xlsx sheet", exc_info=True)
            raise UploadRejected("无法读取该 Excel 文件的内容：文件可能已损坏。") from None
        finally:
            workbook.close()
    finally:
        if stream is not file:
            stream.close()


def _read_workbook(workbook) -> Sheet:
    if not workbook.sheetnames:
        raise UploadRejected("文件中没有工作表。")
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    limit = settings.SECURITY_POLICY["import_max_rows"]
    headers = None
    header_row = 0
    rows = []
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if headers is None:
            headers = _match_headers(values)
            header_row = number
            if headers is None and number >= HEADER_SCAN_ROWS:
                break
            continue
        if _is_empty(values):
            continue
        if len(rows) >= limit:
            raise UploadRejected(f"数据超过 {limit} 行的上限，请分成多个文件导入。")
        rows.append((number, values))
    if headers is None:
        raise UploadRejected(
            "找不到表头：第一行应为列名（姓名、身份证号、入党日期……），请使用下载的导入模板。"
        )
    result = Sheet(header_row, headers, rows)
    seen = {}
    for index, header in headers.items():
        if header in seen:
            result.errors.append(RowError(header_row, header, "表头中该列出现了两次"))
        seen[header] = index
    for column in COLUMNS:
        if column.required and column.header not in seen:
            result.errors.append(RowError(header_row, column.header, "缺少必填列"))
    if not rows and not result.errors:
        result.errors.append(RowError(0, "", "文件中没有党员数据。"))
    return result
