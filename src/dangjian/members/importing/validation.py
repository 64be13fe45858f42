"""Excel (.xlsx) import of the roster (花名册): validate every row, then write all or nothing.

`import_members(file, organization=…, acting_user=…)` reads the first sheet (or the sheet named 党员名册),
whose header row holds the Chinese column names of `COLUMNS`. Every row is checked — cell formats, choices
entered by their Chinese labels, branch and scope, duplicates inside the file, and the model's own rules
(`Member.full_clean()`) — and every problem is reported with its row, column and a Chinese reason. Only a
file without a single error is written, in one transaction, through the audit wrappers. Existing members
are matched by 身份证号 (blind index): only changed fields are updated, so importing a file twice changes
nothing the second time.

Columns left out of a file are not touched on existing members. 性别 and 出生日期 may be left empty: they
are then read from the 身份证号. Messages never repeat a 身份证号 or phone number (they end up in caches
and screens).
"""

import inspect
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CheckConstraint, F, Q
from django.utils import timezone, translation
from openpyxl.utils.datetime import from_excel

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core.crypto import crypto_provider
from dangjian.core.uploads import UploadRejected, check_xlsx
from dangjian.core.validators import (
    id_number_birth_date,
    id_number_sex,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)
from dangjian.core.xlsx import unescape_formula
from dangjian.organizations.choices import OrganizationKind, OrganizationStatus
from dangjian.organizations.models import Organization

from .choices import (
    ACTIVE_STATUSES,
    ETHNICITIES,
    ETHNICITY_CHOICES,
    HAN,
    Education,
    MemberCategory,
    MemberStatus,
    Sex,
)
from .models import Member

logger = logging.getLogger(__name__)

SHEET_TITLE = "党员名册"
PROGRESS_EVERY = 500
WRITE_BATCH = 500
HEADER_SCAN_ROWS = 5
MAX_COLUMNS = 60
MESSAGE_VALUE_CHARS = 20
IMPORT_MESSAGE = "Excel导入党员名册"


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


# Results --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    """A problem in the file: row = Excel row number (0 = the whole file), column = Chinese header."""

    row: int
    column: str
    message: str

    def __str__(self):
        if self.row and self.column:
            return f"第{self.row}行「{self.column}」：{self.message}"
        if self.row:
            return f"第{self.row}行：{self.message}"
        if self.column:
            return f"「{self.column}」列：{self.message}"
        return self.message


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    total: int = 0
    dry_run: bool = False
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors if error.row})

    def summary(self) -> str:
        """One Chinese sentence for messages and the command line."""
        if not self.ok:
            return f"发现 {len(self.errors)} 处错误（涉及 {self.error_rows} 行），未写入任何数据。"
        verb = "校验通过（仅校验，未写入）：将" if self.dry_run else "导入完成："
        return f"{verb}新增 {self.created} 人，更新 {self.updated} 人，未变 {self.unchanged} 人。"

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
            "total": self.total,
            "dry_run": self.dry_run,
            "elapsed": self.elapsed,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportResult":
        return cls(**{**data, "errors": [RowError(*item) for item in data.get("errors", [])]})


class CellError(Exception):
    """A cell that cannot be read; the message is Chinese and never repeats personal information."""


# Reading cells --------------------------------------------------------------------------------------
def _key(text) -> str:
    """Comparison key: full-width to half-width, no whitespace, lower-case."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def _shown(value) -> str:
    text = str(value).strip()
    return text if len(text) <= MESSAGE_VALUE_CHARS else text[:MESSAGE_VALUE_CHARS] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return unescape_formula(str(value).strip()).strip()


_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_HINT = "日期格式无法识别，请填写如 2020-01-02、2020/1/2 或 2020年1月2日"
EXCEL_MAX_SERIAL = 2958465


def _date_from_number(value) -> date:
    if float(value).is_integer() and 19000101 <= value <= 29991231:
        return _make_date(*_COMPACT_DATE_RE.fullmatch(str(int(value))).groups())
    if 1 <= value <= EXCEL_MAX_SERIAL:
        return from_excel(value).date()
    raise CellError(_DATE_HINT)


def _make_date(year, month, day) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(f"日期不存在（{year}年{int(month)}月{int(day)}日）") from None


def parse_date(value) -> date | None:
    """A date from an Excel date cell, a number (serial or 20200102) or text in the usual Chinese forms."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        parsed = _date_from_number(value)
    else:
        text = unicodedata.normalize("NFKC", _text(value))
        match = _DATE_RE.fullmatch(text) or _COMPACT_DATE_RE.fullmatch(text)
        if not match:
            raise CellError(_DATE_HINT)
        parsed = _make_date(*match.groups()[:3])
    if parsed.year < 1900:
        raise CellError("日期不能早于1900年")
    if parsed > timezone.localdate():
        raise CellError("日期不能晚于今天")
    return parsed


def _choice_map(choices, aliases=None) -> dict[str, str]:
    mapping = {}
    for value, label in choices:
        mapping[_key(label)] = value
        mapping[_key(value)] = value
    for alias, value in (aliases or {}).items():
        mapping.setdefault(_key(alias), value)
    return mapping


SEX_MAP = _choice_map(Sex.choices, {"男性": Sex.MALE, "女性": Sex.FEMALE})
ETHNICITY_MAP = _choice_map(
    ETHNICITY_CHOICES,
    {name[:-1]: code for code, name in ETHNICITY_CHOICES if len(name) > 2}
    | {str(int(code)): code for code, _ in ETHNICITY_CHOICES},
)
EDUCATION_MAP = _choice_map(
    Education.choices,
    {
        "博士": Education.POSTGRADUATE,
        "硕士": Education.POSTGRADUATE,
        "博士研究生": Education.POSTGRADUATE,
        "硕士研究生": Education.POSTGRADUATE,
        "本科": Education.BACHELOR,
        "大学": Education.BACHELOR,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "中专": Education.SECONDARY,
        "高中": Education.SECONDARY,
        "中技": Education.SECONDARY,
        "技校": Education.SECONDARY,
        "职高": Education.SECONDARY,
        "初中": Education.JUNIOR,
        "小学": Education.JUNIOR,
    },
)
CATEGORY_MAP = _choice_map(
    MemberCategory.choices,
    {label.split("（")[0]: value for value, label in MemberCategory.choices if "（" in label}
    | {"离退休": MemberCategory.RETIRED, "退休": MemberCategory.RETIRED},
)
STATUS_MAP = _choice_map(MemberStatus.choices, {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY})
YES = {_key(v) for v in ("是", "y", "yes", "true", "1", "√", "✓")}
NO = {_key(v) for v in ("否", "n", "no", "false", "0", "×", "✗")}


def parse_choice(value, mapping: dict[str, str], column: Column) -> str:
    text = _text(value)
    if not text:
        return ""
    found = mapping.get(_key(text))
    if found is None:
        if column.field == "ethnicity":
            raise CellError(f"「{_shown(text)}」不是有效的民族名称，请填写规范全称，如汉族、回族")
        raise CellError(f"「{_shown(text)}」不是有效的{column.header}，可填：{'、'.join(column.options)}")
    return found


def parse_yes_no(value) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = _key(_text(value))
    if text in YES:
        return True
    if text in NO or not text:
        return False
    raise CellError(f"「{_shown(value)}」无法识别，请填写「是」或「否」")


def parse_id_number(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("身份证号被 Excel 存成了数字，后几位可能已丢失；请把该列设为「文本」格式后重新录入")
    text = normalize_id_number(_text(value))
    if "*" in text:
        raise CellError("身份证号为脱敏显示（含*），不能用于导入；请填写完整的身份证号")
    try:
        validate_id_number(text)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return text


def parse_phone(value) -> str:
    text = normalize_phone(_text(value))
    if not text:
        return ""
    try:
        validate_phone(text)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None
    return text


CHOICE_MAPS = {
    "sex": SEX_MAP,
    "ethnicity": ETHNICITY_MAP,
    "education": EDUCATION_MAP,
    "category": CATEGORY_MAP,
    "status": STATUS_MAP,
}
DATE_FIELDS = {"birth_date", "joined_on", "confirmed_on"}
BOOL_FIELDS = {"is_mobile", "is_unreachable"}


def parse_cell(column: Column, value):
    """The Python value of one cell for `column`; raises CellError with a Chinese reason."""
    name = column.field
    if name in DATE_FIELDS:
        parsed = parse_date(value)
    elif name in BOOL_FIELDS:
        parsed = parse_yes_no(value)
    elif name in CHOICE_MAPS:
        parsed = parse_choice(value, CHOICE_MAPS[name], column)
    elif name == "id_number":
        parsed = parse_id_number(value) if _text(value) else ""
    elif name == "phone":
        parsed = parse_phone(value)
    else:
        parsed = _text(value)
    if column.required and parsed in (None, ""):
        raise CellError("必填，不能为空")
    return parsed


# Reading the file -----------------------------------------------------------------------------------
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


# Branches and party groups --------------------------------------------------------------------------
class Placement:
    """Resolves 所在党支部 / 党小组 cells to organizations the importing user may change."""

    def __init__(self, *, root: Organization | None, acting_user, branch_values, group_values):
        self.root = root
        self.acting_user = acting_user
        self.scope = get_scope(acting_user) if acting_user is not None else None
        values = {v for v in branch_values if v}
        in_scope = Organization.objects.all()
        if acting_user is not None:
            in_scope = Organization.objects.visible_to(acting_user, "change")
        matching = Q(code__in=values) | Q(name__in=values)
        self.candidates = list(in_scope.filter(matching))
        self.elsewhere = {o.pk: o for o in Organization.objects.filter(matching)}
        self.groups = list(
            Organization.objects.filter(kind=OrganizationKind.PARTY_GROUP).filter(
                Q(code__in=group_values) | Q(name__in=group_values)
            )
        )
        self._branches: dict[str, Organization | CellError] = {}

    def within_root(self, org: Organization) -> bool:
        return self.root is None or org.path.startswith(self.root.path)

    def may_change(self, org: Organization) -> bool:
        in_scope = self.scope is None or self.scope.covers(org.path, "change")
        return in_scope and self.within_root(org)

    def default_branch(self) -> Organization:
        if self.root is not None and self.root.is_branch:
            self._check_branch(self.root)
            return self.root
        raise CellError("必填，不能为空（请填写党支部编码或全称）")

    def branch(self, text: str) -> Organization:
        if text not in self._branches:
            try:
                self._branches[text] = self._resolve(text)
            except CellError as error:
                self._branches[text] = error
        found = self._branches[text]
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, text: str) -> Organization:
        usable = [o for o in self.candidates if self.within_root(o)]
        matches = [o for o in usable if o.code == text] or [o for o in usable if o.name == text]
        if len(matches) > 1:
            codes = "、".join(o.code for o in matches[:5])
            raise CellError(f"名称「{_shown(text)}」对应多个党组织（编码 {codes}），请改填组织编码")
        if not matches:
            if any(o.code == text or o.name == text for o in self.elsewhere.values()):
                where = f"「{self.root.name}」" if self.root is not None else "您有权管理的"
                raise CellError(f"党组织「{_shown(text)}」不在{where}范围内，无权导入")
            raise CellError(f"找不到党支部「{_shown(text)}」，请填写组织编码或全称")
        self._check_branch(matches[0])
        return matches[0]

    @staticmethod
    def _check_branch(org: Organization) -> None:
        if not org.is_branch:
            raise CellError(
                f"「{org.name}」是{org.get_kind_display()}，党员只能编入党支部（含联合党支部、临时党支部）"
            )
        if org.status != OrganizationStatus.ACTIVE:
            raise CellError(f"党支部「{org.name}」已撤销，不能再编入党员")

    def group(self, text: str, branch: Organization) -> Organization | None:
        if not text:
            return None
        children = [g for g in self.groups if g.depth == branch.depth + 1 and g.path.startswith(branch.path)]
        matches = [g for g in children if g.code == text] or [g for g in children if g.name == text]
        if not matches:
            raise CellError(f"「{branch.name}」下没有党小组「{_shown(text)}」")
        if matches[0].status != OrganizationStatus.ACTIVE:
            raise CellError(f"党小组「{matches[0].name}」已撤销")
        matches[0]._cached_parent_obj = branch  # treebeard's parent cache: spares a query per row
        return matches[0]


# Validating rows ------------------------------------------------------------------------------------
@dataclass
class ParsedRow:
    number: int
    values: dict
    errors: list[RowError]
    present: set  # Member fields whose column is in the file

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message.rstrip("。")))

    def failed(self, field_name: str) -> bool:
        header = FIELD_HEADERS.get(field_name)
        return any(e.column == header for e in self.errors)


def _progress_reporter(progress) -> Callable[[int, int, str], None]:
    """Call `progress(done, total)`, adding `stage=` ("validate" / "write") when the callback accepts it."""
    if progress is None:
        return lambda done, total, stage: None
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        params = []
    with_stage = any(p.name == "stage" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)

    def report(done, total, stage):
        if with_stage:
            progress(done, total, stage=stage)
        else:
            progress(done, total)

    return report


def _error_order(error: RowError) -> tuple[int, int]:
    return error.row, HEADERS.index(error.column) if error.column in HEADERS else -1


def _model_error_column(field_name: str, message: str) -> str:
    if field_name in FIELD_HEADERS:
        return FIELD_HEADERS[field_name]
    found = [(message.index(h), h) for h in HEADERS if h in message]
    return min(found)[1] if found else ""  # the column the message names first


class _Unsupported(Exception):
    """A constraint condition this module cannot evaluate in Python."""


def _kleene(values: list, connector: str):
    """AND/OR in SQL's three-valued logic (None = unknown)."""
    if connector == Q.AND:
        return False if False in values else None if None in values else True
    if connector == Q.OR:
        return True if True in values else None if None in values else False
    raise _Unsupported(connector)


COMPARISONS = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _evaluate(node, obj):
    """Value of a simple Q condition on `obj`: True, False or None (SQL unknown)."""
    if isinstance(node, Q):
        value = _kleene([_evaluate(child, obj) for child in node.children], node.connector)
        return (None if value is None else not value) if node.negated else value
    if not isinstance(node, tuple):
        raise _Unsupported(node)
    lookup, expected = node
    name, _, operator = lookup.partition("__")
    actual = _field_value(obj, name)
    if isinstance(expected, F):
        expected = _field_value(obj, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported(expected)
    if operator == "isnull":
        return (actual is None) == bool(expected)
    if operator not in ("", *COMPARISONS):
        raise _Unsupported(operator)
    if actual is None or expected is None:
        return None
    try:
        return COMPARISONS[operator or "exact"](actual, expected)
    except TypeError:
        raise _Unsupported(lookup) from None


def _field_value(obj, name: str):
    try:
        return getattr(obj, obj._meta.get_field(name).attname)
    except (FieldDoesNotExist, AttributeError):
        raise _Unsupported(name) from None


def certainly_holds(constraint, obj) -> bool:
    """True when a CheckConstraint holds for `obj` (a CHECK passes unless FALSE); False = ask the database."""
    if not isinstance(constraint, CheckConstraint):
        return False
    try:
        return _evaluate(constraint.condition, obj) is not False
    except _Unsupported:
        return False


def validate_constraints(obj, exclude: set) -> None:
    """`Model.validate_constraints`, without a database query for simple CHECK conditions that hold.

    Django checks each CheckConstraint with a query per object (2 per row here: 20,000 queries for a
    full file). Conditions that hold in Python skip it; any other goes to `constraint.validate()`, so
    violations keep Django's messages, and whatever Python cannot evaluate is still checked.
    """
    errors = []
    for constraint in obj._meta.constraints:
        if certainly_holds(constraint, obj):
            continue
        try:
            constraint.validate(type(obj), obj, exclude=exclude)
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)


class RosterImport:
    """One import run: read, validate every row, then write in one transaction (or not at all)."""

    def __init__(self, *, organization, acting_user, dry_run, progress, source_name=""):
        self.root = organization
        self.acting_user = acting_user
        self.dry_run = dry_run
        self.report = _progress_reporter(progress)
        self.source_name = source_name
        self.result = ImportResult(dry_run=dry_run)
        self.new_members: list[Member] = []
        self.changed: list[tuple[Member, dict, set]] = []  # (member, audit snapshot before, fields)

    def run(self, file) -> ImportResult:
        if self.acting_user is not None and self.root is not None:
            if not get_scope(self.acting_user).covers(self.root.path, "change"):
                raise PermissionDenied("无权向该党组织导入党员。")
        try:
            sheet = read_sheet(file)
        except UploadRejected as error:
            self.result.errors.append(RowError(0, "", str(error)))
            return self.result
        self.result.total = len(sheet.rows)
        self.result.errors.extend(sheet.errors)
        if self.result.errors:
            return self.result
        self.validate(sheet)
        if self.result.errors or self.dry_run:
            self.result.errors.sort(key=_error_order)
            return self.result
        self.write()
        return self.result

    # Validation -------------------------------------------------------------------------------------
    def validate(self, sheet: Sheet) -> None:
        total = len(sheet.rows)
        self.report(0, total, "validate")
        parsed = [self.parse_row(number, values, sheet.headers) for number, values in sheet.rows]
        placement = Placement(
            root=self.root,
            acting_user=self.acting_user,
            branch_values={row.values.get("organization") for row in parsed},
            group_values={row.values.get("party_group") for row in parsed if row.values.get("party_group")},
        )
        existing = self.load_existing(parsed)
        first_row_of: dict[str, int] = {}
        for done, row in enumerate(parsed, 1):
            index = row.values.get("id_number_index")
            if index:
                if index in first_row_of:
                    row.error("身份证号", f"与第{first_row_of[index]}行的身份证号重复")
                    index = None
                else:
                    first_row_of[index] = row.number
            self.check_row(row, placement, existing.get(index) if index else None)
            self.result.errors.extend(row.errors)
            if done % PROGRESS_EVERY == 0 or done == total:
                self.report(done, total, "validate")

    def parse_row(self, number: int, values: tuple, headers: dict[int, str]) -> ParsedRow:
        row = ParsedRow(number, {}, [], set())
        for index, header in headers.items():
            column = COLUMNS[HEADERS.index(header)]
            row.present.add(column.field)
            try:
                row.values[column.field] = parse_cell(column, values[index] if index < len(values) else None)
            except CellError as error:
                row.error(header, str(error))
        id_number = row.values.get("id_number")
        if id_number:
            row.values["id_number_index"] = crypto_provider().blind_index(id_number, "id_number")
            # 性别 and 出生日期 left empty (or left out) are read from the 身份证号.
            if not row.values.get("sex") and not row.failed("sex"):
                row.values["sex"] = id_number_sex(id_number)
                row.present.add("sex")
            if not row.values.get("birth_date") and not row.failed("birth_date"):
                row.values["birth_date"] = id_number_birth_date(id_number)
                row.present.add("birth_date")
        return row

    @staticmethod
    def load_existing(parsed: list[ParsedRow]) -> dict[str, Member]:
        indexes = [row.values["id_number_index"] for row in parsed if row.values.get("id_number_index")]
        found = {}
        for start in range(0, len(indexes), 500):
            chunk = indexes[start : start + 500]
            for member in Member.objects.filter(id_number_index__in=chunk).select_related("organization"):
                found[member.id_number_index] = member
        return found

    def check_row(self, row: ParsedRow, placement: Placement, current: Member | None) -> None:
        branch = self.place(row, placement, current)
        if current is not None and not self.check_existing(row, placement, current, branch):
            return
        status = row.values.get("status")
        if status and status not in IMPORT_STATUSES and (current is None or status != current.status):
            row.error("党员状态", STATUS_NOT_IMPORTABLE)
        member = current if current is not None else Member()
        if current is None and branch is not None:
            member.organization = branch
        changes = self.changes(row, member, current is None)
        if current is not None and not changes:
            if not row.errors:
                self.result.unchanged += 1
            return
        before = audit.snapshot(current) if current is not None else None
        for name, value in changes.items():
            setattr(member, name, value)
        self.full_clean(row, member)
        if row.errors:
            return
        if current is None:
            self.new_members.append(member)
            self.result.created += 1
        else:
            self.changed.append((member, before, set(changes)))
            self.result.updated += 1

    def place(self, row: ParsedRow, placement: Placement, current: Member | None) -> Organization | None:
        """The row's branch (and party group into values), or None with an error recorded."""
        text = row.values.pop("organization", None) or ""
        try:
            if text:
                branch = placement.branch(text)
            elif current is not None:
                branch = current.organization
            else:
                branch = placement.default_branch()
        except CellError as error:
            row.error("所在党支部", str(error))
            row.values.pop("party_group", None)  # cannot be resolved without its branch
            return None
        if "party_group" in row.present:
            try:
                row.values["party_group"] = placement.group(row.values.get("party_group") or "", branch)
            except CellError as error:
                row.error("党小组", str(error))
                row.values.pop("party_group", None)
        return branch

    def check_existing(self, row: ParsedRow, placement: Placement, current: Member, branch) -> bool:
        """Rules for a 身份证号 already in the roster; False when the row cannot update it at all."""
        if not placement.may_change(current.organization):
            scope_ok = placement.scope is None or placement.scope.covers(current.organization.path, "change")
            where = f"「{current.organization.name}」" if scope_ok else "您管理范围以外的党组织"
            row.error("身份证号", f"该身份证号已登记在{where}的党员名册中；如需转入，请办理组织关系转接")
            return False
        if branch is not None and branch.pk != current.organization_id:
            row.error(
                "所在党支部",
                f"该党员现属「{current.organization.name}」，变更所在党支部请办理组织关系转接",
            )
            return False
        status = row.values.get("status")
        if current.status not in ACTIVE_STATUSES and status and status != current.status:
            row.error(
                "党员状态",
                f"该党员当前状态为「{current.get_status_display()}」，不能通过导入变更，请在党员页面办理",
            )
            return False
        return True

    @staticmethod
    def changes(row: ParsedRow, member: Member, is_new: bool) -> dict:
        """{field: new value} for the fields of the file that differ from `member` (all, when new)."""
        changes = {}
        for name in IMPORT_FIELDS:
            if name == "organization" or name not in row.present or name not in row.values:
                continue
            value = row.values[name]
            if name == "party_group":
                if is_new or member.party_group_id != (value.pk if value else None):
                    changes[name] = value
                continue
            if name == "ethnicity" and not value:
                value = HAN  # 留空按汉族
            if value is None and name not in DATE_FIELDS:
                value = ""
            if is_new or getattr(member, name) != value:
                changes[name] = value
        return changes

    @staticmethod
    def full_clean(row: ParsedRow, member: Member) -> None:
        """The model's rules (Member.clean, constraints, field checks); errors land on their columns."""
        skip = {name for name in IMPORT_FIELDS if row.failed(name)}
        real_id = member.id_number
        if row.failed("id_number"):
            # Nothing to compare 性别/出生日期 with, and Member.clean() must not re-report the number.
            member.id_number = ""
            skip |= {"sex", "birth_date"}
        member.fill_derived_fields()
        exclude = {"organization", "party_group", "user", "id_number_index", *skip}
        errors = {}
        try:
            member.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        finally:
            member.id_number = real_id
        try:
            validate_constraints(member, exclude | set(errors))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in (ValidationError(errors).message_dict if errors else {}).items():
            for message in messages:
                column = _model_error_column(name, message)
                if (FIELD_HEADERS.get(name) and row.failed(name)) or any(
                    e.column == column for e in row.errors
                ):
                    continue
                row.error(column, message)

    # Writing ----------------------------------------------------------------------------------------
    def write(self) -> None:
        try:
            with transaction.atomic():
                self.check_versions()
                self.write_new()
                self.write_changed()
                self.record()
        except IntegrityError:
            logger.warning("Roster import hit a conflicting write", exc_info=True)
            self.result.errors.append(
                RowError(0, "", "写入时发现冲突（可能有他人同时录入了相同身份证号的党员），未写入任何数据。")
            )
            self.result.created = self.result.updated = 0
        except ValidationError as error:
            self.result.errors.append(RowError(0, "", error.messages[0]))
            self.result.created = self.result.updated = 0

    def check_versions(self) -> None:
        if not self.changed:
            return
        expected = {member.pk: member.version for member, _, _ in self.changed}
        for start in range(0, len(expected), 500):
            chunk = list(expected)[start : start + 500]
            for pk, version in Member.objects.filter(pk__in=chunk).values_list("pk", "version"):
                if version != expected[pk]:
                    raise ValidationError("部分党员的信息在校验期间被他人修改，未写入任何数据，请重新导入。")

    def write_new(self) -> None:
        total = len(self.new_members) + len(self.changed)
        for start in range(0, len(self.new_members), WRITE_BATCH):
            batch = self.new_members[start : start + WRITE_BATCH]
            audit.bulk_create_audited(
                Member, batch, acting_user=self.acting_user, batch_size=WRITE_BATCH, message=IMPORT_MESSAGE
            )
            self.report(start + len(batch), total, "write")

    def write_changed(self) -> None:
        """bulk_update, grouped by the set of changed fields: each UPDATE sets only what changed."""
        total = len(self.new_members) + len(self.changed)
        written = len(self.new_members)
        now = timezone.now()
        groups: dict[tuple, list] = {}
        for member, before, changed in self.changed:
            member.version += 1
            member.updated_at = now
            fields = changed | {"version", "updated_at"}
            fields |= {derived for source, derived in DERIVED_FROM if source in changed}
            groups.setdefault(tuple(sorted(fields)), []).append((member, before))
        for fields, items in groups.items():
            for start in range(0, len(items), WRITE_BATCH):
                batch = items[start : start + WRITE_BATCH]
                audit.bulk_update_audited(
                    [member for member, _ in batch],
                    list(fields),
                    {member.pk: before for member, before in batch},
                    acting_user=self.acting_user,
                    message=IMPORT_MESSAGE,
                )
                written += len(batch)
                self.report(written, total, "write")

    def record(self) -> None:
        result = self.result
        source = self.source_name[:100] or "上传文件"
        audit.record(
            "import",
            self.root,
            acting_user=self.acting_user,
            message=f"{IMPORT_MESSAGE}（{source}，共{result.total}行）：{result.summary()}",
        )


def import_members(
    file, *, organization=None, acting_user, dry_run=False, progress=None, source_name=""
) -> ImportResult:
    """Import the roster sheet in `file` (a path, bytes or file object) into `organization`'s subtree.

    `organization`: the default branch for rows whose 所在党支部 is empty, and the root every row must
    lie under; None = the user's whole change scope. `acting_user=None` is an operator at the command line.
    `progress(done, total)` is called every ~500 rows while validating and while writing (with
    `stage="validate"|"write"` when the callback accepts a `stage` argument). Nothing is written when
    any row is wrong, or with `dry_run`.
    """
    started = time.monotonic()
    name = source_name or str(getattr(file, "name", "") or "")
    with translation.override(settings.LANGUAGE_CODE):
        run = RosterImport(
            organization=organization,
            acting_user=acting_user,
            dry_run=dry_run,
            progress=progress,
            source_name=name.rsplit("/", 1)[-1],
        )
        result = run.run(file)
    result.elapsed = round(time.monotonic() - started, 2)
    return result
