"""Working days (工作日) for deadlines: Chinese public holidays and adjusted working days (调休上班).

Two sources, never a guess:
- a year a system administrator entered from the State Council's notice (国务院办公厅关于某年部分节假日安排的
  通知: `HolidaySchedule` with its `ScheduleDay`s) — it wins for that year;
- otherwise the `chinese_calendar` package, which knows each year only after the notice is out (up to 2026
  in the pinned release).
A date in a year neither knows raises `CalendarUnknown` (a ValidationError with a Chinese message): a
deadline is never computed from weekends alone.

Counting: `add_working_days(start, n)` is the n-th working day after `start` (day 1 = the next working day
after `start`, whatever `start` is); `working_days_between(a, b)` counts the working days d with a < d <= b,
so `working_days_between(a, add_working_days(a, n)) == n`.
"""

from datetime import date, timedelta

import chinese_calendar
from chinese_calendar import constants
from django.core.exceptions import ValidationError

from .choices import ScheduleDayKind

LIBRARY_YEARS = range(min(constants.holidays).year, max(constants.holidays).year + 1)
ONE_DAY = timedelta(days=1)


class CalendarUnknown(ValidationError):
    """The holidays of `year` are known to nobody yet."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法按工作日计算期限；"
            f"请系统管理员先按国务院办公厅的放假通知录入{year}年的节假日安排。",
            code="calendar_unknown",
        )


class WorkCalendar:
    """Answers working-day questions; `entered` maps a year to {date: ScheduleDayKind} of that year.

    Build one with `WorkCalendar.load()` (one query) and reuse it for many dates (the escalation job).
    """

    def __init__(self, entered: dict[int, dict[date, str]] | None = None):
        self.entered = entered or {}

    @classmethod
    def load(cls) -> "WorkCalendar":
        from .models import HolidaySchedule, ScheduleDay

        entered: dict[int, dict[date, str]] = {
            year: {} for year in HolidaySchedule.objects.values_list("year", flat=True)
        }
        for year, day, kind in ScheduleDay.objects.values_list("schedule__year", "date", "kind"):
            entered[year][day] = kind
        return cls(entered)

    def source(self, year: int) -> str:
        """ "entered", "library" or "" (unknown)."""
        if year in self.entered:
            return "entered"
        return "library" if year in LIBRARY_YEARS else ""

    def knows(self, year: int) -> bool:
        return bool(self.source(year))

    def check(self, day: date) -> None:
        if not self.knows(day.year):
            raise CalendarUnknown(day.year)

    def is_working_day(self, day: date) -> bool:
        source = self.source(day.year)
        if source == "entered":
            kind = self.entered[day.year].get(day)
            if kind is None:
                return day.weekday() < 5
            return kind == ScheduleDayKind.WORKING
        if source == "library":
            return chinese_calendar.is_workday(day)
        raise CalendarUnknown(day.year)

    def add(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n >= 0; n = 0 is `start` itself)."""
        if n < 0:
            return self.subtract(start, -n)
        day = start
        while n > 0:
            day += ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def subtract(self, end: date, n: int) -> date:
        """The n-th working day before `end` (n >= 0)."""
        day = end
        while n > 0:
            day -= ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def between(self, a: date, b: date) -> int:
        """Working days d with a < d <= b (negative when b < a)."""
        if b < a:
            return -self.between(b, a)
        count, day = 0, a
        while day < b:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def is_working_day(day: date) -> bool:
    return WorkCalendar.load().is_working_day(day)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start`: day 1 is the next working day after `start`."""
    return WorkCalendar.load().add(start, n)


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after `a` up to and including `b`."""
    return WorkCalendar.load().between(a, b)


def known_years(calendar: WorkCalendar | None = None) -> list[int]:
    """Every year whose working days are known (entered or in the library), for the pages."""
    calendar = calendar or WorkCalendar.load()
    return sorted(set(LIBRARY_YEARS) | set(calendar.entered))
