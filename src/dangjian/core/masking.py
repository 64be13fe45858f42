"""Server-side masking of personal information for screens, exports and logs (security.md P3).

ID: first 3 + last 4 kept (`110***********123X`); mobile: `138****5678`.
"""

import re

MASK_CHAR = "*"
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# A maximal run of digits, optionally ending in an ID check letter.
_DIGIT_RUN_RE = re.compile(r"(?<!\d)\d+[Xx]?")
# Mobile numbers written as 138-1234-5678 or 138 1234 5678.
_SPACED_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d[- ]\d{4}[- ]\d{4}(?!\d)")
# Runs this long are treated as ID / card numbers in free text (18-char IDs, 15-digit old IDs, bank cards).
_LONG_RUN = 15


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def mask_id_number(value) -> str:
    """Mask an ID number keeping the first 3 and last 4 characters; never shows more than 7.

    Inputs shorter than 14 characters (where 7 shown would be half or more) are fully masked.
    """
    text = _clean(value)
    if len(text) < 14:
        return MASK_CHAR * len(text)
    return text[:3] + MASK_CHAR * (len(text) - 7) + text[-4:]


def mask_phone(value) -> str:
    """`138****5678` for an 11-digit mobile; otherwise first 3 and last 2 at most."""
    text = _clean(value)
    digits = re.sub(r"[\s-]", "", text)
    if digits.startswith("+86") or digits.startswith("0086"):
        digits = digits[-11:] if _MOBILE_RE.fullmatch(digits[-11:]) else digits
    if _MOBILE_RE.fullmatch(digits):
        return digits[:3] + MASK_CHAR * 4 + digits[-4:]
    if len(text) < 10:
        return MASK_CHAR * len(text)
    return text[:3] + MASK_CHAR * (len(text) - 5) + text[-2:]


def _mask_run(match: re.Match) -> str:
    run = match.group()
    if len(run) >= _LONG_RUN:
        return mask_id_number(run)
    # A letter X right after 11 digits is text, not an ID check letter ("13800001111X").
    digits, tail = (run[:-1], run[-1]) if run[-1] in "Xx" else (run, "")
    if _MOBILE_RE.fullmatch(digits):
        return mask_phone(digits) + tail
    if len(digits) == 13 and digits.startswith("86") and _MOBILE_RE.fullmatch(digits[2:]):
        return "86" + mask_phone(digits[2:]) + tail
    return run


def redact_pi(text) -> str:
    """Mask ID numbers (`\\d{17}[\\dXx]`, and any digit run of 15+) and mobile numbers inside free text.

    Over-masks on purpose (long request ids or card numbers are masked too): used for logs.
    The result never contains a match of `\\d{17}[\\dXx]`.
    """
    if text is None:
        return ""
    text = _SPACED_MOBILE_RE.sub(lambda m: mask_phone(m.group()), str(text))
    return _DIGIT_RUN_RE.sub(_mask_run, text)
