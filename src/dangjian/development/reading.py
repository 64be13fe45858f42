"""Reading a development file given as JSON (the `check` command): errors in Chinese naming the item."""

from datetime import date


class FileError(ValueError):
    """The file cannot be read; the message names the item and the field."""


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FileError(f"{where}：“{value}”不是有效日期（应为YYYY-MM-DD）") from None


def read_timeline(data) -> tuple[date | None, list[dict], date | None]:
    """(birth_date, steps, today) from the parsed JSON object; the steps keep their given order."""
    if not isinstance(data, dict):
        raise FileError('文件应为一个JSON对象：{"birth_date": …, "steps": […]}')
    birth = _date(data["birth_date"], "出生日期 birth_date") if data.get("birth_date") else None
    today = _date(data["today"], "today") if data.get("today") else None
    steps = data.get("steps")
    if not isinstance(steps, list):
        raise FileError("缺少步骤列表 steps（一个数组）")
    out = []
    for i, raw in enumerate(steps, start=1):
        if not isinstance(raw, dict):
            raise FileError(f"第{i}项步骤应为一个对象")
        if "no" not in raw or "date" not in raw:
            raise FileError(f"第{i}项步骤缺少“no”（步骤编号）或“date”（日期）")
        try:
            no = int(raw["no"])
        except (TypeError, ValueError):
            raise FileError(f"第{i}项步骤：编号“{raw['no']}”不是整数") from None
        out.append({**raw, "no": no, "date": _date(raw["date"], f"第{i}项步骤“date”")})
    return birth, out, today
