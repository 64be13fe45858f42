"""Excel export of the roster: masking, formula-injection escape, PI limits, audit; the template."""

import io
import re

import openpyxl
import pytest
from django.core.management import call_command

from dangjian.audit.models import AuditEvent
from dangjian.core.xlsx import escape_formula, unescape_formula
from dangjian.members.exporting import ExportRefused, build_template, export_members
from dangjian.members.importing import HEADERS, import_members
from dangjian.members.models import Member

from .test_importing import make_tree, make_user, make_xlsx, person

FULL_ID = re.compile(r"\d{17}[\dXx]")


@pytest.fixture
def org(db):
    tree = make_tree()
    rows = [person(i) for i in range(4)] + [person(10, 所在党支部="C02-01")]
    rows[1]["备注"] = '\'=HYPERLINK("http://evil.example","点我")'  # stored without the apostrophe
    rows[2]["工作岗位"] = "'@SUM(1+1)"
    rows[3]["籍贯"] = "'-2+3"
    result = import_members(make_xlsx(rows), acting_user=None)
    assert result.ok, result.errors
    return tree


def read(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_export_masks_id_numbers_and_phones_by_default(org):
    rows = read(export_members(Member.objects.all()))

    assert rows[0] == HEADERS
    assert len(rows) == 6
    for row in rows[1:]:
        assert not any(FULL_ID.search(str(cell)) for cell in row if cell)
        assert re.fullmatch(r"\d{3}\*{11}[\dX]{4}", row[HEADERS.index("身份证号")])
        assert re.fullmatch(r"1\d\d\*{4}\d{4}", row[HEADERS.index("联系电话")])


def test_every_text_cell_is_escaped_against_formula_injection(org):
    rows = read(export_members(Member.objects.all()))
    cells = [cell for row in rows[1:] for cell in row if isinstance(cell, str)]

    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert "'@SUM(1+1)" in cells and "'-2+3" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    workbook = openpyxl.load_workbook(io.BytesIO(export_members(Member.objects.all())))
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_escape_formula_prefixes_an_apostrophe(text):
    assert escape_formula(text) == "'" + text
    assert unescape_formula(escape_formula(text)) == text


def test_escape_formula_leaves_plain_values_alone():
    assert escape_formula("张三") == "张三"
    assert escape_formula(5) == 5
    assert escape_formula("a\x01b") == "ab"  # illegal in XML
    assert unescape_formula("'plain") == "'plain"


def test_dates_are_real_date_cells(org):
    rows = read(export_members(Member.objects.all()))
    assert hasattr(rows[1][HEADERS.index("入党日期")], "year")


def test_export_is_audited_with_row_count(org):
    user = make_user("admin", "org_admin", org["committee"])

    export_members(Member.objects.visible_to(user, "export"), acting_user=user)

    event = AuditEvent.objects.get(action="export")
    assert event.changes == {"rows": 4, "include_pi": False}
    assert event.username == "admin" and "脱敏" in event.message


def test_full_pi_export_for_a_user_with_view_pi(org):
    user = make_user("admin", "org_admin", org["committee"])

    rows = read(export_members(Member.objects.visible_to(user, "export"), acting_user=user, include_pi=True))

    assert rows[1][HEADERS.index("身份证号")] in {person(i)["身份证号"] for i in range(4)}
    assert AuditEvent.objects.get(action="export").changes == {"rows": 4, "include_pi": True}


def test_full_pi_export_needs_view_pi_on_every_row(org):
    user = make_user("admin", "branch_admin", org["branch"])

    with pytest.raises(ExportRefused):
        export_members(Member.objects.all(), acting_user=user, include_pi=True)
    refused = AuditEvent.objects.get(action="export")
    assert refused.success is False and "拒绝" in refused.message


def test_full_pi_export_above_the_limit_is_refused_masked_is_fine(org, settings):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "export_rows_without_approval": 3}
    user = make_user("admin", "org_admin", org["committee"])
    queryset = Member.objects.visible_to(user, "export")

    with pytest.raises(ExportRefused, match="不能超过 3 条"):
        export_members(queryset, acting_user=user, include_pi=True)
    assert len(read(export_members(queryset, acting_user=user))) == 5


def test_full_pi_export_reimports_without_changes(org):
    content = export_members(Member.objects.all(), include_pi=True)

    result = import_members(content, acting_user=None)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)


def test_export_command_writes_a_masked_file(org, tmp_path):
    path = tmp_path / "out.xlsx"

    call_command("export_members", "--org", "C01", "-o", str(path))

    rows = read(path.read_bytes())
    assert len(rows) == 5  # C01's four, not C02's
    assert AuditEvent.objects.get(action="export").username == "命令行"


def test_template_has_headers_dropdowns_and_notes(db):
    workbook = openpyxl.load_workbook(io.BytesIO(build_template()))

    sheet = workbook["党员名册"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet.max_row == 1  # no example row to import by mistake
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"B2", "C2", "G2", "H2", "M2", "P2", "Q2"} <= validated
    assert workbook["选项"].sheet_state == "hidden"
    notes = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True)]
    assert set(HEADERS) <= set(notes)


def test_empty_template_imports_as_no_data(db):
    result = import_members(build_template(), acting_user=None)
    assert [e.message for e in result.errors] == ["文件中没有党员数据。"]
