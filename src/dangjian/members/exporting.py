"""Excel (.xlsx) export of the roster, and the import template.

The export has the import's columns (`importing.COLUMNS`), so a full-PI export can be edited and imported
back. 身份证号 and phone are masked unless `include_pi=True`, which needs `view_pi` on every exported row
and is refused above SECURITY_POLICY["export_rows_without_approval"] rows (security.md P3/P4). Every
export writes one audit event naming the row count and whether full personal information was included.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core import xlsx

from .importing import COLUMNS, HEADERS, SHEET_TITLE

NOTES_TITLE = "填写说明"
OPTIONS_TITLE = "选项"
TEMPLATE_ROWS = 10_000
CHUNK_SIZE = 2000
REQUIRED_FILL = PatternFill("solid", fgColor="7F0000")
OPTIONAL_FONT = Font(bold=True, color="FFFFFF")


class ExportRefused(PermissionDenied):
    """The export is not allowed as asked; `str(error)` is a Chinese message for the user."""


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def member_row(member, *, include_pi: bool) -> list:
    """One member as the cells of the roster sheet, in `COLUMNS` order."""
    values = {
        "name": member.name,
        "sex": member.get_sex_display(),
        "ethnicity": member.get_ethnicity_display(),
        "birth_date": member.birth_date,
        "id_number": member.id_number if include_pi else member.masked_id_number,
        "native_place": member.native_place,
        "education": member.get_education_display(),
        "category": member.get_category_display(),
        "job_title": member.job_title,
        "phone": (member.phone or "") if include_pi else member.masked_phone,
        "joined_on": member.joined_on,
        "confirmed_on": member.confirmed_on,
        "status": member.get_status_display(),
        "organization": member.organization.name,
        "party_group": member.party_group.name if member.party_group_id else "",
        "is_mobile": _yes_no(member.is_mobile),
        "is_unreachable": _yes_no(member.is_unreachable),
        "remarks": member.remarks,
    }
    return [values[column.field] for column in COLUMNS]


def check_export(queryset, *, acting_user, include_pi: bool) -> int:
    """The number of rows to export; raises ExportRefused when full PI may not be exported."""
    count = queryset.count()
    if not include_pi:
        return count
    limit = settings.SECURITY_POLICY["export_rows_without_approval"]
    if count > limit:
        raise ExportRefused(
            f"导出完整身份证号和联系电话一次不能超过 {limit} 条（本次 {count} 条），"
            "请缩小查询范围，或导出脱敏名册。"
        )
    if acting_user is not None:
        scope = get_scope(acting_user)
        paths = set(queryset.values_list("organization__path", flat=True).distinct())
        if not all(scope.covers(path, "view_pi") for path in paths):
            raise ExportRefused("您无权导出其中部分党员的完整个人信息，请导出脱敏名册。")
    return count


def export_members(queryset, *, acting_user=None, include_pi: bool = False) -> bytes:
    """The roster of `queryset` as .xlsx bytes; masked unless `include_pi`. Audited.

    The caller scopes `queryset` (`Member.objects.visible_to(user, "export")`); `acting_user=None` is an
    operator at the command line.
    """
    try:
        count = check_export(queryset, acting_user=acting_user, include_pi=include_pi)
    except ExportRefused as error:
        audit.record("export", acting_user=acting_user, success=False, message=f"导出党员名册被拒绝：{error}")
        raise
    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(workbook, SHEET_TITLE, HEADERS, {c.header: c.width for c in COLUMNS})
    rows = queryset.select_related("organization", "party_group").iterator(chunk_size=CHUNK_SIZE)
    for member in rows:
        xlsx.append_row(sheet, member_row(member, include_pi=include_pi))
    content = xlsx.to_bytes(workbook)
    detail = "含完整身份证号和联系电话" if include_pi else "身份证号和联系电话已脱敏"
    audit.record(
        "export",
        acting_user=acting_user,
        changes={"rows": count, "include_pi": include_pi},
        message=f"导出党员名册 {count} 条（{detail}）",
    )
    return content


def build_template() -> bytes:
    """The import template: the header row, dropdowns for choice columns, and a sheet of instructions."""
    workbook = xlsx.new_workbook(write_only=False)
    sheet = xlsx.add_sheet(workbook, SHEET_TITLE, HEADERS, {c.header: c.width for c in COLUMNS})
    options = workbook.create_sheet(OPTIONS_TITLE)
    options.sheet_state = "hidden"
    last_row = TEMPLATE_ROWS + 1
    for index, column in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.comment = Comment(column.note or column.header, "dangjian")
        if column.required:
            header.fill = REQUIRED_FILL
        if column.field in ("id_number", "phone"):
            sheet.column_dimensions[letter].number_format = "@"  # text: keeps all 18 digits
        if column.options:
            options.cell(row=1, column=index, value=column.header)
            for row, option in enumerate(column.options, 2):
                options.cell(row=row, column=index, value=option)
            source = f"{quote_sheetname(OPTIONS_TITLE)}!${letter}$2:${letter}${len(column.options) + 1}"
            validation = DataValidation(
                type="list",
                formula1=source,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入值无效",
                error=f"请从下拉列表中选择{column.header}。",
            )
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    _add_notes(workbook)
    return xlsx.to_bytes(workbook)


def _add_notes(workbook) -> None:
    notes = xlsx.add_sheet(workbook, NOTES_TITLE, ["列名", "是否必填", "填写要求", "示例"])
    widths = {"A": 14, "B": 10, "C": 60, "D": 16}
    for letter, width in widths.items():
        notes.column_dimensions[letter].width = width
    for column in COLUMNS:
        xlsx.append_row(
            notes, [column.header, "必填" if column.required else "", column.note, column.example]
        )
    limit = settings.SECURITY_POLICY["import_max_rows"]
    for line in [
        "",
        "说明：",
        f"1. 请在「{SHEET_TITLE}」工作表中从第2行起每行填写一名党员，不要修改第1行的列名；"
        f"每个文件最多 {limit} 行。",
        "2. 深红色列名为必填列；日期可写成 2020-01-02、2020/1/2 或 2020年1月2日。",
        "3. 身份证号已登记的党员将按文件内容更新，未登记的将新增；同一文件内身份证号不能重复。",
        "4. 导入前系统会逐行校验，只要有一处错误就不会写入任何数据，请按错误清单修改后重新导入。",
        "5. 可先勾选「仅校验，不写入」检查文件。",
    ]:
        xlsx.append_row(notes, [line], font=xlsx.NOTE_FONT)
