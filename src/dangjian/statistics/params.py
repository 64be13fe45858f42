"""Reading the reference date and the period from a query string (pages and API alike)."""

from datetime import date

from django.core.exceptions import BadRequest
from django.utils import timezone

from .engine import TABLE_KEYS, default_day


def _date(params, name: str, default: date) -> date:
    value = params.get(name) or ""
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadRequest(f"{name}：日期格式应为YYYY-MM-DD。") from error


def day_and_start(params) -> tuple[date, date]:
    """`date` (统计截止日, default 12月31日 of last year) and `start` (first day of the period of the
    flow tables, default 1 January of that year); a wrong date, or a start after the date, is a 400."""
    day = _date(params, "date", default_day(timezone.localdate()))
    start = _date(params, "start", date(day.year, 1, 1))
    if start > day:
        raise BadRequest("统计期起始日期不能晚于统计截止日期。")
    return day, start


def two_days(params) -> tuple[date, date]:
    """`date_a` and `date_b` of a comparison: by default the last two yearly cut-offs."""
    later = _date(params, "date_b", default_day(timezone.localdate()))
    earlier = _date(params, "date_a", date(later.year - 1, 12, 31))
    return earlier, later


def table_keys(params) -> set[str] | None:
    """`table=<key>` (repeatable) narrows the set; None = every table; an unknown key is a 400."""
    keys = set(params.getlist("table")) if hasattr(params, "getlist") else set()
    unknown = keys - set(TABLE_KEYS)
    if unknown:
        raise BadRequest(f"没有这张统计表：{'、'.join(sorted(unknown))}。")
    return keys or None
