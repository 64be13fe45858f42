"""Working days across 国庆/春节 and 调休上班 weekends; an entered year wins; unknown years refused."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.tasks.choices import ScheduleDayKind
from dangjian.tasks.services import do_save_holiday_schedule
from dangjian.tasks.workdays import (
    CalendarUnknown,
    WorkCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

HOLIDAY, WORKING = ScheduleDayKind.HOLIDAY, ScheduleDayKind.WORKING


def test_national_day_2025_is_skipped_and_the_adjusted_saturday_counts():
    # 2025: 10月1日至8日放假；9月28日（周日）、10月11日（周六）上班.
    assert is_working_day(date(2025, 9, 28)) is True
    assert is_working_day(date(2025, 10, 3)) is False
    assert is_working_day(date(2025, 10, 11)) is True
    # Day 1 after 30 September is 9 October; five working days later is 15 October (the 11th counts).
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert add_working_days(date(2025, 9, 30), 5) == date(2025, 10, 14)


def test_spring_festival_2026():
    # 2026 春节: 2月15日至23日放假；2月14日（周六）、2月28日（周六）上班.
    assert is_working_day(date(2026, 2, 14)) is True
    assert is_working_day(date(2026, 2, 16)) is False
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 24)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6  # 14, 24, 25, 26, 27, 28


def test_counting_is_consistent_both_ways():
    start = date(2026, 9, 25)
    for n in range(0, 25):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert WorkCalendar.load().subtract(end, n) <= end
    assert working_days_between(date(2026, 10, 9), date(2026, 10, 1)) == -working_days_between(
        date(2026, 10, 1), date(2026, 10, 9)
    )


def test_a_year_nobody_knows_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="2027年的法定节假日安排尚未录入") as caught:
        add_working_days(date(2026, 12, 28), 10)
    assert isinstance(caught.value, CalendarUnknown) and caught.value.year == 2027
    with pytest.raises(CalendarUnknown):
        is_working_day(date(2003, 5, 1))


def test_an_entered_year_is_used_and_overrides_the_library(world):
    do_save_holiday_schedule(
        acting_user=world["sysadmin"],
        year=2027,
        source_document="国务院办公厅关于2027年部分节假日安排的通知",
        document_number="国办发明电〔2026〕9号",
        days=[
            (date(2027, 1, 1), HOLIDAY, "元旦"),
            (date(2027, 1, 2), HOLIDAY, "元旦"),
            (date(2027, 1, 3), HOLIDAY, "元旦"),
            (date(2027, 1, 9), WORKING, "元旦"),
        ],
    )
    assert is_working_day(date(2027, 1, 1)) is False
    assert is_working_day(date(2027, 1, 9)) is True  # a Saturday made a working day
    assert is_working_day(date(2027, 1, 10)) is False  # an ordinary Sunday
    # From 31 December 2026 (library year) across into the entered year.
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 6) == date(2027, 1, 9)
    # An entered 2026 replaces the library for 2026: 1 October becomes a working day if the notice says so.
    do_save_holiday_schedule(
        acting_user=None, year=2026, source_document="测试通知", days=[(date(2026, 10, 1), WORKING, "测试")]
    )
    assert is_working_day(date(2026, 10, 1)) is True
    assert is_working_day(date(2026, 10, 2)) is True  # not listed: an ordinary Friday


def test_only_a_system_administrator_enters_a_schedule(world):
    with pytest.raises(PermissionDenied):
        do_save_holiday_schedule(
            acting_user=world["county_admin"],
            year=2027,
            source_document="通知",
            days=[(date(2027, 1, 1), HOLIDAY, "元旦")],
        )


def test_a_schedule_refuses_days_of_another_year_and_duplicates(world):
    with pytest.raises(ValidationError) as caught:
        do_save_holiday_schedule(
            acting_user=world["sysadmin"],
            year=2027,
            source_document="通知",
            days=[
                (date(2028, 1, 1), HOLIDAY, "元旦"),
                (date(2027, 2, 1), HOLIDAY, "春节"),
                (date(2027, 2, 1), HOLIDAY, "春节"),
            ],
        )
    assert "2028-01-01不在2027年内。" in caught.value.message_dict["days"]
    assert "2027-02-01重复。" in caught.value.message_dict["days"]
