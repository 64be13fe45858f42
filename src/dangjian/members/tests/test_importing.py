"""Excel import of the roster: validation of every row, all-or-nothing writes, audit, limits, command."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import openpyxl.xml
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.audit.models import AuditEvent
from dangjian.core.crypto import crypto_provider
from dangjian.core.validators import make_id_number
from dangjian.members import importing
from dangjian.members.importing import HEADERS, ImportResult, RowError, import_members, parse_date
from dangjian.members.models import Member
from dangjian.organizations.services import do_create_organization

SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
]


# Helpers shared with test_exporting and test_import_views ------------------------------------------
def make_tree() -> dict:
    """测试党委 C01: 第一党支部 C01-01 (党小组 C01-01-G1), 第二党支部 C01-02; 其他党委 C02: C02-01."""
    org = {}
    org["committee"] = do_create_organization(
        parent=None, acting_user=None, code="C01", name="测试党委", kind="committee"
    )
    org["branch"] = do_create_organization(
        parent=org["committee"], acting_user=None, code="C01-01", name="第一党支部", kind="branch"
    )
    org["group"] = do_create_organization(
        parent=org["branch"], acting_user=None, code="C01-01-G1", name="第一党小组", kind="party_group"
    )
    org["branch2"] = do_create_organization(
        parent=org["committee"], acting_user=None, code="C01-02", name="第二党支部", kind="branch"
    )
    org["other"] = do_create_organization(
        parent=None, acting_user=None, code="C02", name="其他党委", kind="committee"
    )
    org["other_branch"] = do_create_organization(
        parent=org["other"], acting_user=None, code="C02-01", name="其他党支部", kind="branch"
    )
    return org


def make_user(username: str, role: str | None = None, organization=None):
    user = do_create_user(
        username=username, password="Test-Password-123!", acting_user=None, must_change_password=False
    )
    if role:
        do_grant_role(user=user, role=role, organization=organization, acting_user=None)
    return user


def person(i: int, **overrides) -> dict:
    """A valid roster row (header → cell value) for person number `i`; unique 身份证号 per i < 400,000."""
    sex = "male" if i % 2 else "female"
    born = date(1950 + i % 50, 1 + i % 12, 1 + i % 28)
    seq = 2 * ((i // 16800) % 500) + (1 if sex == "male" else 0)
    area = f"1101{(i // 840) % 20 + 1:02d}"
    joined = born.replace(year=born.year + 25)
    row = {
        "姓名": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)],
        "性别": "男" if sex == "male" else "女",
        "民族": "汉族",
        "出生日期": born.isoformat(),
        "身份证号": make_id_number(born, sex, area_code=area, seq=seq),
        "籍贯": "河北石家庄",
        "学历": "大学本科",
        "人员类别": "专业技术人员",
        "工作岗位": "工程师",
        "联系电话": f"138{i:08d}",
        "入党日期": joined.isoformat(),
        "转正日期": joined.replace(year=joined.year + 1).isoformat(),
        "党员状态": "正式党员",
        "所在党支部": "C01-01",
        "党小组": "",
        "流动党员": "否",
        "失联党员": "否",
        "备注": "",
    }
    row.update(overrides)
    return row


def make_xlsx(rows: list[dict], headers=None) -> bytes:
    """A workbook with one sheet: `headers` (default: all) and one row per dict."""
    headers = headers or HEADERS
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "党员名册"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messages_of(result: ImportResult) -> list[str]:
    return [str(error) for error in result.errors]


@pytest.fixture
def org(db):
    return make_tree()


# A good file ------------------------------------------------------------------------------------------
def test_good_file_imports_and_reimport_changes_nothing(org):
    rows = [person(i) for i in range(30)]
    rows[0]["党小组"] = "第一党小组"
    rows[1]["所在党支部"] = "第二党支部"  # by name
    content = make_xlsx(rows)

    result = import_members(content, organization=org["committee"], acting_user=None)

    assert result.ok, messages_of(result)
    assert (result.created, result.updated, result.unchanged) == (30, 0, 0)
    assert Member.objects.count() == 30
    first = Member.objects.get(
        id_number_index=crypto_provider().blind_index(rows[0]["身份证号"], "id_number")
    )
    assert first.party_group == org["group"]
    assert first.sex == ("female" if rows[0]["性别"] == "女" else "male")
    assert first.name_pinyin and first.phone == rows[0]["联系电话"]
    assert Member.objects.filter(organization=org["branch2"]).count() == 1

    again = import_members(content, organization=org["committee"], acting_user=None)

    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert AuditEvent.objects.filter(object_type="members.member", action="update").count() == 0


def test_reimport_updates_only_changed_fields(org):
    rows = [person(i) for i in range(5)]
    import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)
    rows[2]["联系电话"] = "13900000000"
    rows[3]["备注"] = "新备注"

    result = import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)

    assert (result.created, result.updated, result.unchanged) == (0, 2, 3)
    events = AuditEvent.objects.filter(object_type="members.member", action="update")
    assert events.count() == 2
    phone_event = next(e for e in events if "phone" in e.changes)
    assert phone_event.changes["phone"] == ["138****0002", "139****0000"]  # masked in the audit trail
    assert set(phone_event.changes) <= {"phone", "phone_index", "version"}
    member = Member.objects.get(phone_index=crypto_provider().blind_index("13900000000", "phone"))
    assert member.version == 2


def test_file_without_optional_columns_keeps_existing_values(org):
    rows = [person(i, 备注="原备注") for i in range(3)]
    import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)
    headers = ["姓名", "身份证号", "入党日期", "党员状态", "转正日期"]

    result = import_members(make_xlsx(rows, headers), organization=org["committee"], acting_user=None)

    assert result.ok and result.unchanged == 3
    assert set(Member.objects.values_list("remarks", flat=True)) == {"原备注"}


def test_sex_and_birth_date_are_read_from_the_id_number_when_empty(org):
    row = person(7, 性别="", 出生日期=None)

    result = import_members(make_xlsx([row]), organization=org["branch"], acting_user=None)

    assert result.ok, messages_of(result)
    member = Member.objects.get()
    assert member.sex == "male" and member.birth_date.isoformat() == person(7)["出生日期"]


def test_empty_branch_cell_uses_the_given_branch(org):
    result = import_members(
        make_xlsx([person(1, 所在党支部="")]), organization=org["branch2"], acting_user=None
    )

    assert result.ok
    assert Member.objects.get().organization == org["branch2"]


@pytest.mark.parametrize(
    "cell", ["2020-01-02", "2020/1/2", "2020年1月2日", "2020.01.02", "20200102", "２０２０－０１－０２"]
)
def test_date_formats(cell):
    assert parse_date(cell) == date(2020, 1, 2)


def test_date_cells_and_serial_numbers():
    assert parse_date(datetime(2020, 1, 2, 0, 0))  # noqa: DTZ001 - Excel cells are naive == date(2020, 1, 2)
    assert parse_date(43832) == date(2020, 1, 2)  # Excel serial number
    assert parse_date(None) is None


def test_real_excel_date_cells_import(org):
    row = person(3)
    row["入党日期"] = datetime.fromisoformat(row["入党日期"])
    row["转正日期"] = date.fromisoformat(row["转正日期"])

    result = import_members(make_xlsx([row]), organization=org["branch"], acting_user=None)

    assert result.ok, messages_of(result)


def test_dry_run_writes_nothing_and_reports_counts(org):
    result = import_members(
        make_xlsx([person(i) for i in range(4)]), organization=org["branch"], acting_user=None, dry_run=True
    )

    assert result.ok and result.created == 4 and result.dry_run
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.filter(action="import").exists()


def test_progress_is_reported_while_validating_and_writing(org, monkeypatch):
    monkeypatch.setattr(importing.validation, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(importing.writing, "WRITE_BATCH", 3)
    calls = []

    import_members(
        make_xlsx([person(i) for i in range(5)]),
        organization=org["branch"],
        acting_user=None,
        progress=lambda done, total, stage: calls.append((stage, done, total)),
    )

    assert calls[0] == ("validate", 0, 5)
    assert ("validate", 2, 5) in calls and ("validate", 5, 5) in calls
    assert [c for c in calls if c[0] == "write"] == [("write", 3, 5), ("write", 5, 5)]


def test_two_argument_progress_callbacks_work(org):
    calls = []
    import_members(
        make_xlsx([person(1)]),
        organization=org["branch"],
        acting_user=None,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (1, 1)


def test_probationary_member_is_confirmed_by_reimport(org):
    row = person(1, 党员状态="预备党员", 转正日期="")
    import_members(make_xlsx([row]), organization=org["branch"], acting_user=None)

    result = import_members(
        make_xlsx([{**row, "党员状态": "正式党员", "转正日期": person(1)["转正日期"]}]),
        organization=org["branch"],
        acting_user=None,
    )

    assert result.ok and result.updated == 1
    assert Member.objects.get().status == "full"


def test_member_who_left_is_unchanged_by_reimport_but_not_restored(org):
    from dangjian.members.services import do_change_member_status

    import_members(make_xlsx([person(1)]), organization=org["branch"], acting_user=None)
    do_change_member_status(
        Member.objects.get(), status="left", changed_on=date(2024, 1, 1), reason="出党", acting_user=None
    )

    same = import_members(
        make_xlsx([person(1, 党员状态="出党")]), organization=org["branch"], acting_user=None
    )
    restore = import_members(make_xlsx([person(1)]), organization=org["branch"], acting_user=None)

    assert same.ok and same.unchanged == 1
    assert restore.errors[0].column == "党员状态" and "不能通过导入变更" in restore.errors[0].message


# Bad rows ---------------------------------------------------------------------------------------------
def test_one_bad_row_among_100_writes_nothing(org):
    rows = [person(i) for i in range(100)]
    number = rows[57]["身份证号"]
    rows[57]["身份证号"] = number[:-1] + ("0" if number[-1] != "0" else "1")

    result = import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)

    assert not result.ok
    assert result.errors == [RowError(59, "身份证号", "身份证号校验位不正确，请逐位核对")]
    assert str(result.errors[0]) == "第59行「身份证号」：身份证号校验位不正确，请逐位核对"
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="members.member").exists()


def test_every_kind_of_error_is_reported(org):
    young = date(2000, 6, 1)
    rows = [
        person(1, 姓名=""),  # row 2
        person(2, 出生日期="1960-01-01"),  # row 3: disagrees with the ID
        person(3, 性别="女"),  # row 4: person 3 is male
        person(4, 入党日期="2020-13-01"),  # row 5
        person(5, 转正日期=""),  # row 6: 正式党员 without 转正日期
        person(6, 转正日期="1970-01-01"),  # row 7: before 入党日期
        person(
            7,
            出生日期=young.isoformat(),
            身份证号=make_id_number(young, "male", seq=11),
            入党日期="2015-01-01",
            转正日期="2016-01-01",
        ),  # row 8
        person(8, 所在党支部="不存在的支部"),  # row 9
        person(9, 学历="幼儿园", 民族="火星族", 流动党员="也许"),  # row 10
        person(10, 联系电话="12345"),  # row 11
        person(11, 党员状态="出党"),  # row 12
        person(12, 党小组="第九党小组"),  # row 13
        person(13, 身份证号="110***********123X"),  # row 14
        person(14, 所在党支部="测试党委"),  # row 15: not a branch
    ]

    result = import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)

    found = {(e.row, e.column) for e in result.errors}
    assert {
        (2, "姓名"),
        (3, "出生日期"),
        (4, "性别"),
        (5, "入党日期"),
        (6, "转正日期"),
        (7, "转正日期"),
        (8, "入党日期"),
        (9, "所在党支部"),
        (10, "民族"),
        (10, "学历"),
        (10, "流动党员"),
        (11, "联系电话"),
        (12, "党员状态"),
        (13, "党小组"),
        (14, "身份证号"),
        (15, "所在党支部"),
    } <= found
    text = "\n".join(messages_of(result))
    assert "第3行「出生日期」：出生日期与身份证号不一致" in text
    assert "第6行「转正日期」：正式党员须填写转正日期" in text
    assert "第7行「转正日期」：转正日期必须晚于入党日期" in text
    assert "第8行「入党日期」：入党时须年满18岁" in text
    assert "第14行「身份证号」：身份证号为脱敏显示" in text
    assert Member.objects.count() == 0


def test_duplicate_id_number_in_the_file(org):
    rows = [person(1), person(2), person(1, 姓名="另一人")]

    result = import_members(make_xlsx(rows), organization=org["committee"], acting_user=None)

    assert result.errors == [RowError(4, "身份证号", "与第2行的身份证号重复")]


def test_id_number_stored_as_a_number_is_explained(org):
    row = person(1, 身份证号=110101199001011234)

    result = import_members(make_xlsx([row]), organization=org["branch"], acting_user=None)

    assert "存成了数字" in result.errors[0].message


def test_missing_required_column_is_reported_on_the_header(org):
    headers = [h for h in HEADERS if h != "入党日期"]

    result = import_members(make_xlsx([person(1)], headers), organization=org["branch"], acting_user=None)

    assert result.errors == [RowError(1, "入党日期", "缺少必填列")]


def test_branch_outside_the_users_scope_is_refused(org):
    user = make_user("branch_admin", "branch_admin", org["branch"])
    rows = [person(1), person(2, 所在党支部="C01-02"), person(3, 所在党支部="其他党支部")]

    result = import_members(make_xlsx(rows), acting_user=user)

    assert [(e.row, e.column) for e in result.errors] == [(3, "所在党支部"), (4, "所在党支部")]
    assert "不在您有权管理的范围内" in result.errors[0].message
    assert Member.objects.count() == 0


def test_import_into_an_organization_outside_scope_is_denied(org):
    user = make_user("branch_admin", "branch_admin", org["branch"])
    with pytest.raises(PermissionDenied):
        import_members(make_xlsx([person(1)]), organization=org["branch2"], acting_user=user)


def test_existing_member_elsewhere_is_not_updated_or_revealed(org):
    import_members(make_xlsx([person(1, 所在党支部="C02-01")]), organization=None, acting_user=None)
    user = make_user("admin", "org_admin", org["committee"])

    result = import_members(make_xlsx([person(1, 备注="x")]), organization=org["branch"], acting_user=user)

    assert len(result.errors) == 1
    assert "管理范围以外" in result.errors[0].message and "其他党支部" not in result.errors[0].message


def test_existing_member_cannot_change_branch_by_import(org):
    import_members(make_xlsx([person(1)]), organization=org["committee"], acting_user=None)

    result = import_members(
        make_xlsx([person(1, 所在党支部="C01-02")]), organization=org["committee"], acting_user=None
    )

    assert result.errors[0].column == "所在党支部" and "组织关系转接" in result.errors[0].message


# The constraint fast path ---------------------------------------------------------------------------
def _member(**fields):
    base = {"status": "full", "joined_on": date(2000, 1, 1), "confirmed_on": date(2001, 1, 1)}
    return Member(**{**base, **fields})


@pytest.mark.parametrize(
    ("fields", "holds"),
    [
        ({}, True),
        ({"confirmed_on": None, "status": "probationary"}, True),
        ({"confirmed_on": None}, False),  # 正式党员 without 转正日期
        ({"confirmed_on": date(1999, 1, 1)}, False),  # before 入党日期
        ({"confirmed_on": date(2000, 1, 1)}, False),  # not later
        ({"joined_on": None}, True),  # unknown passes a CHECK, as in SQL
    ],
)
def test_member_constraints_evaluated_in_python(fields, holds):
    member = _member(**fields)
    assert all(importing.certainly_holds(c, member) for c in Member._meta.constraints) is holds


def test_conditions_python_cannot_evaluate_go_to_the_database(db):
    from django.db.models import CheckConstraint, Q
    from django.db.models.functions import Length

    unsupported = [
        CheckConstraint(condition=Q(name__startswith="张"), name="c1"),
        CheckConstraint(condition=Q(name__gt=Length("remarks")), name="c2"),
        CheckConstraint(condition=Q(("name", "a")) ^ Q(("name", "b")), name="c3"),
    ]
    assert not any(importing.certainly_holds(c, _member(name="张三")) for c in unsupported)


def test_violations_keep_djangos_messages(db):
    with pytest.raises(ValidationError) as caught:
        importing.validate_constraints(_member(confirmed_on=None), exclude=set())
    assert caught.value.messages == ["正式党员须填写转正日期。"]


# Audit ----------------------------------------------------------------------------------------------
def test_bulk_import_writes_one_audit_row_per_member_and_a_summary(org):
    user = make_user("admin", "org_admin", org["committee"])

    result = import_members(
        make_xlsx([person(i) for i in range(12)]), organization=org["committee"], acting_user=user
    )

    assert result.created == 12
    creates = AuditEvent.objects.filter(object_type="members.member", action="create")
    assert creates.count() == 12
    assert set(creates.values_list("username", flat=True)) == {"admin"}
    assert all("\\d{17}" not in str(e.changes) for e in creates)
    for event in creates[:3]:
        assert "*" in event.changes["id_number"][1]  # masked
    summary = AuditEvent.objects.get(action="import")
    assert "新增 12 人" in summary.message and summary.organization_path == org["committee"].path


def test_command_line_import_is_audited_as_the_command_line(org):
    import_members(make_xlsx([person(1)]), organization=org["branch"], acting_user=None)
    assert AuditEvent.objects.get(action="import").username == "命令行"


# Untrusted files ------------------------------------------------------------------------------------
def _forbid_openpyxl(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("openpyxl must not open a rejected file")

    monkeypatch.setattr(importing.reading.openpyxl, "load_workbook", fail)


def test_zip_bomb_is_rejected_before_openpyxl_opens_it(org, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))  # 200 MB of zeros
    assert len(buffer.getvalue()) < 1024 * 1024
    _forbid_openpyxl(monkeypatch)

    result = import_members(buffer.getvalue(), organization=org["branch"], acting_user=None)

    assert result.errors[0].row == 0 and "解压后过大" in result.errors[0].message


def test_high_compression_ratio_is_rejected(org, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"a" * (20 * 1024 * 1024))
    _forbid_openpyxl(monkeypatch)

    result = import_members(buffer.getvalue(), organization=org["branch"], acting_user=None)

    assert "压缩炸弹" in result.errors[0].message


def test_too_many_zip_entries_are_rejected(org, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(1001):
            archive.writestr(f"xl/part{index}.xml", "")
    _forbid_openpyxl(monkeypatch)

    result = import_members(buffer.getvalue(), organization=org["branch"], acting_user=None)

    assert "1001 个部件" in result.errors[0].message


def test_oversized_upload_is_rejected(org, settings, monkeypatch):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "upload_max_bytes": 1000}
    _forbid_openpyxl(monkeypatch)

    result = import_members(make_xlsx([person(1)]), organization=org["branch"], acting_user=None)

    assert "文件过大" in result.errors[0].message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "空文件"),
        (b"name,id\n", "不是有效的 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
    ],
)
def test_files_that_are_not_xlsx_are_rejected(org, content, expected):
    result = import_members(content, organization=org["branch"], acting_user=None)
    assert expected in result.errors[0].message


def test_too_many_rows_are_rejected(org, settings):
    settings.SECURITY_POLICY = {**settings.SECURITY_POLICY, "import_max_rows": 5}

    result = import_members(
        make_xlsx([person(i) for i in range(6)]), organization=org["branch"], acting_user=None
    )

    assert result.errors == [RowError(0, "", "数据超过 5 行的上限，请分成多个文件导入。")]
    assert Member.objects.count() == 0


def test_defusedxml_guards_openpyxl():
    assert openpyxl.xml.DEFUSEDXML is True


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<{root} xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</{root}>'
)


@pytest.mark.parametrize(
    ("part", "root", "body"),
    [
        ("xl/workbook.xml", "workbook", "<sheets/>"),
        (
            "xl/worksheets/sheet1.xml",
            "worksheet",
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData>',
        ),
    ],
)
def test_billion_laughs_xlsx_is_refused_cleanly(org, part, root, body):
    source = zipfile.ZipFile(io.BytesIO(make_xlsx([person(1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                data = BILLION_LAUGHS.format(root=root, body=body).encode()
            archive.writestr(item, data)

    result = import_members(buffer.getvalue(), organization=org["branch"], acting_user=None)

    assert not result.ok and result.errors[0].row == 0
    assert "无法读取" in result.errors[0].message
    assert Member.objects.count() == 0


def test_formula_escape_from_an_export_is_undone(org):
    result = import_members(
        make_xlsx([person(1, 备注="'=SUM(A1)")]), organization=org["branch"], acting_user=None
    )
    assert result.ok
    assert Member.objects.get().remarks == "=SUM(A1)"


# Garbage never crashes ------------------------------------------------------------------------------
CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)),
    st.sampled_from(
        ["男", "女", "汉族", "正式党员", "预备党员", "是", "否", "C01-01", "第一党小组", "2020-01-02"]
    ),
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=5))
def test_garbage_rows_give_row_errors_never_exceptions(org, rows):
    """Dry runs only: the examples share one database transaction."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):  # openpyxl refuses some cells: not ours
            return
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_members(buffer.getvalue(), organization=org["committee"], acting_user=None, dry_run=True)

    assert all(isinstance(error, RowError) for error in result.errors)
    assert result.ok or all(error.message for error in result.errors)


# The command ----------------------------------------------------------------------------------------
def test_command_imports_and_prints_progress(org, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(make_xlsx([person(i) for i in range(3)]))

    call_command("import_members", str(path), "--org", "C01")

    out = capsys.readouterr().out
    assert "已校验 3/3" in out and "新增 3 人" in out
    assert Member.objects.count() == 3


def test_command_exits_1_with_every_error_on_a_bad_file(org, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(make_xlsx([person(1, 姓名=""), person(2, 性别="男", 联系电话="1")]))

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(path), "--org", "C01")

    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第2行「姓名」：必填，不能为空" in err
    assert "第3行「性别」" in err and "第3行「联系电话」" in err
    assert Member.objects.count() == 0


def test_command_dry_run_writes_nothing(org, tmp_path, capsys):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(make_xlsx([person(1)]))

    call_command("import_members", str(path), "--org", "C01-01", "--dry-run")

    assert "仅校验" in capsys.readouterr().out
    assert Member.objects.count() == 0


def test_external_entity_xlsx_is_refused_before_parsing(org):
    """XXE: a DTD in any part is refused by the upload check, whichever XML parser openpyxl would use."""
    source = zipfile.ZipFile(io.BytesIO(make_xlsx([person(1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + data.split(b"?>", 1)[-1]
            archive.writestr(item, data)

    result = import_members(buffer.getvalue(), organization=org["branch"], acting_user=None)

    assert not result.ok
    assert "DTD" in result.errors[0].message
    assert Member.objects.count() == 0
