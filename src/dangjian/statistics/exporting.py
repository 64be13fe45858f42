"""Table headers in the official two-level layout, and the .xlsx workbook (one sheet per table, merged
header cells), written through core.xlsx's escaping."""

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from dangjian.core.xlsx import escape_formula, new_workbook, to_bytes

from .layout import Table

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


def header_rows(table: Table, *, collapse: bool = False) -> tuple[list[dict], list[str]]:
    """Two header rows: the first holds the row header, the total column and each group's merged label
    (or, for an unlabelled group, its columns spanning both rows); the second the labelled groups' columns."""
    first = [{"label": table.row_header, "colspan": 1, "rowspan": 2}]
    if table.total is not None:
        first.append({"label": table.total.label, "colspan": 1, "rowspan": 2})
    second = []
    for group in table.groups:
        if not group.columns:
            continue
        if group.label:
            first.append({"label": group.label, "colspan": len(group.columns), "rowspan": 1})
            second += [column.label for column in group.columns]
        else:
            first += [{"label": column.label, "colspan": 1, "rowspan": 2} for column in group.columns]
    if collapse and not second:  # one header row is enough (HTML)
        for head in first:
            head["rowspan"] = 1
    return first, second


def _put(sheet, row, column, value, *, font=None):
    cell = sheet.cell(row=row, column=column, value=escape_formula(value))
    cell.border = BORDER
    if font is not None:
        cell.font = font
        cell.alignment = CENTER
    return cell


def write_table(sheet, table: Table, subtitle: str, cell_value=None) -> None:
    """Title, subtitle, the two merged header rows, then the body; `cell_value(table, row, column)` gives
    what each cell shows (default: the value)."""
    cell_value = cell_value or (lambda t, r, c: t.value(r.key, c.key))
    width = 1 + len(table.columns)
    sheet.cell(row=1, column=1, value=escape_formula(f"表{table.number}　{table.title}")).font = Font(
        bold=True, size=14
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=2, column=1, value=escape_formula(subtitle))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    first, second = header_rows(table)
    column = 1
    labels = iter(second)
    for head in first:
        _put(sheet, 3, column, head["label"], font=BOLD)
        if head["rowspan"] == 2:
            _put(sheet, 4, column, None)
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
        else:
            for offset in range(head["colspan"]):
                _put(sheet, 4, column + offset, next(labels), font=BOLD)
            if head["colspan"] > 1:
                for offset in range(1, head["colspan"]):
                    _put(sheet, 3, column + offset, None)
                sheet.merge_cells(
                    start_row=3, start_column=column, end_row=3, end_column=column + head["colspan"] - 1
                )
        column += head["colspan"]
    for index, row in enumerate(table.rows, 5):
        _put(sheet, index, 1, row.label)
        for offset, col in enumerate(table.columns, 2):
            _put(sheet, index, offset, cell_value(table, row, col))
    sheet.column_dimensions["A"].width = 24
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 11
    sheet.freeze_panes = "B5"
    sheet.cell(row=len(table.rows) + 6, column=1, value=escape_formula(f"说明：{table.note}"))


def tables_xlsx(tables, subtitle: str) -> bytes:
    workbook = new_workbook(write_only=False)
    for table in tables:
        write_table(workbook.create_sheet(title=f"表{table.number}{table.title}"[:31]), table, subtitle)
    return to_bytes(workbook)


def comparison_xlsx(comparisons, subtitle: str) -> bytes:
    """One sheet per table; each cell reads "after（±change，±rate%）"."""

    def show(table, row, column):
        change = comparison.change(row.key, column.key)
        rate = "—" if change.rate is None else f"{change.rate:+}%"
        return f"{change.after}（{change.change:+}，{rate}）"

    workbook = new_workbook(write_only=False)
    for comparison in comparisons:
        table = comparison.table
        sheet = workbook.create_sheet(title=f"表{table.number}{table.title}"[:31])
        write_table(sheet, table, subtitle, show)
    return to_bytes(workbook)
