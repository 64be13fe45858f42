"""One cell to a Python value: dates in the usual Chinese forms, choice labels, 是/否, 身份证号, phone.

Every parser raises `CellError` with a Chinese reason that never repeats a 身份证号 or phone number.
"""

import re
import unicodedata
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from dangjian.core.validators import normalize_id_number, normalize_phone, validate_id_number, validate_phone
from dangjian.core.xlsx import unescape_formula

from ..choices import ETHNICITY_CHOICES, Education, MemberCategory, MemberStatus, Sex
from .columns import Column

MESSAGE_VALUE_CHARS = 20


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
