"""Writing .xlsx files safely: formula-injection escape, styled header rows, download responses.

Every text cell written through `append_row` is escaped (security.md §4, CWE-1236): text starting with
= + - @ TAB or CR gets a leading apostrophe, so Excel and WPS show it as text instead of running it.
Characters that are illegal in XML (control characters) are dropped rather than failing the export.
"""

import datetime
import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE_PREFIX = "'"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
NOTE_FONT = Font(color="808080", italic=True)
DEFAULT_WIDTH = 14


def escape_formula(value):
    """Make text safe for a spreadsheet cell; other values pass through unchanged."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        return ESCAPE_PREFIX + value
    return value


def unescape_formula(value):
    """Undo `escape_formula` on text read back from a file this application wrote."""
    if isinstance(value, str) and value.startswith(ESCAPE_PREFIX) and value[1:2] in FORMULA_TRIGGERS:
        return value[1:]
    return value


def new_workbook(*, write_only: bool = True) -> Workbook:
    """An empty workbook: write-only (streaming, low memory) unless the caller needs random access
    (data validation, editing cells after writing them)."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def _cell(sheet, value, *, font=None, fill=None, alignment=None, number_format=None):
    cell = WriteOnlyCell(sheet, value=escape_formula(value))
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


def add_sheet(workbook: Workbook, title: str, headers: list[str], widths: dict[str, int] | None = None):
    """A sheet whose first row holds `headers`, styled, frozen, with column widths (in characters)."""
    sheet = workbook.create_sheet(title=title)
    widths = widths or {}
    for index, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, DEFAULT_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.append(
        [_cell(sheet, h, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT) for h in headers]
    )
    return sheet


def append_row(sheet, values, *, font=None) -> None:
    """Append one row: text escaped, dates as real date cells shown as 2020-01-02."""
    cells = []
    for value in values:
        if isinstance(value, datetime.datetime):
            value = value.date()
        number_format = DATE_FORMAT if isinstance(value, datetime.date) else None
        cells.append(_cell(sheet, value, font=font, number_format=number_format))
    sheet.append(cells)


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download of `content` as `filename` (Chinese names allowed), never cached."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response
