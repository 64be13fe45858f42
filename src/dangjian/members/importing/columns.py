"""The roster sheet's layout: its columns (Chinese headers, widths, notes, options) and the fields they fill.

The export and its import template (`exporting.py`) write these same columns, so an exported file can be
edited and imported back.
"""

from dataclasses import dataclass

from ..choices import ETHNICITIES, Education, MemberCategory, MemberStatus, Sex

SHEET_TITLE = "党员名册"


@dataclass(frozen=True)
class Column:
    """One column of the roster sheet; `field` is the Member field it fills."""

    header: str
    field: str
    required: bool = False
    width: int = 14
    note: str = ""
    example: str = ""
    options: tuple[str, ...] = ()


def _labels(choices) -> tuple[str, ...]:
    return tuple(label for _, label in choices)


IMPORT_STATUSES = (MemberStatus.FULL, MemberStatus.PROBATIONARY)
STATUS_NOT_IMPORTABLE = "导入只能登记正式党员或预备党员；出党、停止党籍、去世、转出请在党员页面办理"
COLUMNS = [
    Column("姓名", "name", True, 10, "必填，不超过50字。", "张三"),
    Column("性别", "sex", False, 6, "男/女；可留空，按身份证号自动填写。", "男", _labels(Sex.choices)),
    Column(
        "民族", "ethnicity", False, 10, "民族全称，如汉族、回族；留空按汉族。", "汉族", tuple(ETHNICITIES)
    ),
    Column(
        "出生日期",
        "birth_date",
        False,
        12,
        "可留空，按身份证号自动填写；填写时须与身份证号一致。",
        "1985-03-12",
    ),
    Column("身份证号", "id_number", True, 21, "必填，18位；请将该列设为「文本」格式，以免Excel改写。", ""),
    Column("籍贯", "native_place", False, 12, "如河北石家庄。", "河北石家庄"),
    Column("学历", "education", False, 12, "可选值见下拉列表。", "大学本科", _labels(Education.choices)),
    Column(
        "人员类别",
        "category",
        False,
        20,
        "可选值见下拉列表。",
        "专业技术人员",
        _labels(MemberCategory.choices),
    ),
    Column("工作岗位", "job_title", False, 16, "", "工程师"),
    Column(
        "联系电话", "phone", False, 14, "11位手机号，或带区号的固定电话（0311-12345678）。", "13812345678"
    ),
    Column("入党日期", "joined_on", True, 12, "必填；入党时须年满18岁。", "2010-07-01"),
    Column(
        "转正日期", "confirmed_on", False, 12, "正式党员必填，须晚于入党日期；预备党员留空。", "2011-07-01"
    ),
    Column(
        "党员状态",
        "status",
        True,
        10,
        "正式党员或预备党员。出党、停止党籍等请在系统中办理。",
        "正式党员",
        tuple(MemberStatus(s).label for s in IMPORT_STATUSES),
    ),
    Column("所在党支部", "organization", False, 24, "党支部编码或全称；留空则导入到所选党支部。", ""),
    Column("党小组", "party_group", False, 14, "所在党支部下党小组的名称或编码；可留空。", ""),
    Column("流动党员", "is_mobile", False, 8, "是/否，留空为否。", "否", ("是", "否")),
    Column("失联党员", "is_unreachable", False, 8, "是/否，留空为否。", "否", ("是", "否")),
    Column("备注", "remarks", False, 24, "", ""),
]
HEADERS = [column.header for column in COLUMNS]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
FIELD_HEADERS = {column.field: column.header for column in COLUMNS} | {
    "status_changed_on": "党员状态",
    "name_pinyin": "姓名",
    "name_initials": "姓名",
}
# The Member fields an import may change.
IMPORT_FIELDS = [column.field for column in COLUMNS]
# Fields Member.fill_derived_fields() computes from another: (source, derived).
DERIVED_FROM = [
    ("name", "name_pinyin"),
    ("name", "name_initials"),
    ("id_number", "id_number_index"),
    ("phone", "phone_index"),
]
