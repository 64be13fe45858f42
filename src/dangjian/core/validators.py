"""Validators for 身份证号 (GB 11643) and phone numbers (security.md D1).

Validators normalise before checking, so callers should store `normalize_*(value)`.
"""

import datetime
import random
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

ID_NUMBER_LENGTH = 18
MIN_BIRTH_YEAR = 1900
# GB/T 2260 province-level codes (71 Taiwan; 81/82/83 Hong Kong, Macao, Taiwan residence permits).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83".split()
)
_ID_FORMAT_RE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[1-9][0-9]{6,7}(?:-[0-9]{1,6})?")
_PHONE_MESSAGE = "联系电话格式不正确（应为11位手机号或带区号的固定电话）"


def normalize_id_number(value) -> str:
    """Full-width to ASCII, drop whitespace, upper-case the final x."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return "".join(text.split()).upper()


def _id_birth_date(number: str) -> datetime.date | None:
    try:
        born = ric.get_birth_date(number)
    except (StdnumError, ValueError):
        return None
    if born.year < MIN_BIRTH_YEAR or born > timezone.localdate():
        return None
    return born


def validate_id_number(value) -> None:
    """Raise ValidationError (Chinese message) unless `value` is a valid 18-character 身份证号.

    Checks length, format, province code, birth date and the GB 11643 check digit. The
    county code is not checked against stdnum's GB/T 2260 table: `ric.validate` requires the
    county to exist in the birth year, which rejects real numbers of people born before
    their county was created (e.g. 130102… for anyone born before 1983).
    """
    number = normalize_id_number(value)
    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            "身份证号应为18位（当前为%(length)d位）", code="id_number_length", params={"length": len(number)}
        )
    if not _ID_FORMAT_RE.fullmatch(number):
        raise ValidationError("身份证号前17位应为数字，最后一位应为数字或X", code="id_number_format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError("身份证号前两位的省份代码无效", code="id_number_area")
    if _id_birth_date(number) is None:
        raise ValidationError("身份证号中的出生日期无效", code="id_number_birth_date")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("身份证号校验位不正确，请逐位核对", code="id_number_checksum")


def id_number_birth_date(value) -> datetime.date:
    """Birth date encoded in a valid 身份证号 (raises ValidationError if invalid)."""
    validate_id_number(value)
    return ric.get_birth_date(normalize_id_number(value))


def id_number_sex(value) -> str:
    """Return "male" if the 17th digit is odd, else "female" (raises ValidationError if invalid)."""
    validate_id_number(value)
    return "male" if int(normalize_id_number(value)[16]) % 2 else "female"


def make_id_number(birth_date, sex, area_code="110101", seq=None, rng=None) -> str:
    """Build a valid 18-character 身份证号 (for demo data and tests).

    `seq` is the 3-digit order code, odd for "male", even for "female"; random when None.
    """
    if sex not in ("male", "female"):
        raise ValueError("sex must be 'male' or 'female'")
    if not re.fullmatch(r"[0-9]{6}", area_code):
        raise ValueError("area_code must be 6 digits")
    parity = 1 if sex == "male" else 0
    if seq is None:
        seq = (rng or random.Random()).randrange(2 - parity, 1000, 2)  # noqa: S311 - synthetic data
    elif not 0 <= seq <= 999 or seq % 2 != parity:
        raise ValueError("seq must be 0..999, odd for male and even for female")
    body = f"{area_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def normalize_phone(value) -> str:
    """Canonical phone text: mobiles as 11 digits (+86, spaces, hyphens dropped); landlines 0311-12345678."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    digits = re.sub(r"[\s()-]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix) and _MOBILE_RE.fullmatch(digits[len(prefix) :]):
            digits = digits[len(prefix) :]
    if _MOBILE_RE.fullmatch(digits):
        return digits
    text = re.sub(r"^\((0[0-9]{2,3})\)\s*", r"\1-", text)
    return re.sub(r"\s+", "-", text)


def validate_phone(value) -> None:
    """Raise ValidationError unless `value` is an 11-digit mobile or a landline with area code."""
    phone = normalize_phone(value)
    if not (_MOBILE_RE.fullmatch(phone) or _LANDLINE_RE.fullmatch(phone)):
        raise ValidationError(_PHONE_MESSAGE, code="phone")
