"""Records for the dashboard tests, written with the real services into the test world.

A镇党委 holds A1村 and A2社区; B镇党委 holds B1村, outside A's scope. A1 holds a 主题党日 two
months ago (A2 holds none) and a 集中学习 of two hours attended by its two members; A2 one
without times. A note and a reflection; two development files; a task of A镇党委 to A1 and
A2 past its deadline, A1's copy 已办结. B1 gets the same kinds of records, which no chart of
A镇党委 may count."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from dangjian.activities.compliance import add_months
from dangjian.activities.models import ActivityType
from dangjian.activities.services import do_record_activity
from dangjian.development.services import do_open_file
from dangjian.study.services import do_write_note
from dangjian.tasks.services import do_confirm_assignment, do_issue_task, do_report_progress


@dataclass
class Records:
    theme_month: date  # the closed month whose 主题党日 A1 held and A2 did not
    study_day: date
    issued_on: date


def _hold(org, code, day, **extra):
    return do_record_activity(
        acting_user=None,
        organization=org,
        activity_type=ActivityType.objects.get(code=code),
        held_on=day,
        theme="学习党章",
        **extra,
    )


@pytest.fixture
def records(world):
    today = timezone.localdate()
    theme_month = add_months(today.replace(day=1), -2)
    study_day = add_months(today.replace(day=1), -1) + timedelta(days=9)
    issued_on = add_months(today.replace(day=1), -3) + timedelta(days=2)
    for branch in ("a1", "b1"):
        _hold(world[branch], "theme_day", theme_month + timedelta(days=4))
        _hold(world[branch], "study_session", study_day, start_time=time(9), end_time=time(11))
    _hold(world["a2"], "study_session", study_day)  # no times recorded: 2 学时 by default
    for member in ("zhang", "zhao"):
        do_write_note(
            acting_user=None,
            member=world[member],
            kind="study_note",
            title="笔记",
            text="学习党章。",
            written_on=study_day,
        )
    do_write_note(
        acting_user=None,
        member=world["li"],
        kind="reflection",
        title="心得",
        text="收获很大。",
        written_on=study_day,
    )
    for branch, name in (("a1", "申请人甲"), ("a1", "申请人乙"), ("b1", "申请人丙")):
        do_open_file(
            acting_user=None,
            organization=world[branch],
            name=name,
            sex="male",
            birth_date=date(2000, 1, 1),
            applied_on=today - timedelta(days=30),
        )
    for town, branches in (("town_a", ["a1", "a2"]), ("town_b", ["b1"])):
        task = do_issue_task(
            acting_user=None,
            organization=world[town],
            title="报送党员信息",
            recipients=[world[b] for b in branches],
            issued_on=issued_on,
            deadline=issued_on + timedelta(days=10),
        )
        if town == "town_a":
            copy = task.assignments.get(organization=world["a1"])
            do_report_progress(
                copy,
                acting_user=None,
                text="已完成",
                percent=100,
                final=True,
                reported_on=issued_on + timedelta(days=3),
            )
            do_confirm_assignment(copy, acting_user=None, confirmed_on=issued_on + timedelta(days=4))
    return Records(theme_month, study_day, issued_on)
