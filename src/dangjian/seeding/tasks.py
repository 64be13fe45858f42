"""Demo 交办督办 (issue #6, tasks part), demo scale only, all through `tasks.services` (scoped, audited):

- the county committee's key-task list of this year (重点任务清单): five tasks to every branch of the
  county, with a mix of 未签收/办理中/待确认/已办结 and overdue cells;
- one of them escalated: the daily ladder has run for each past day, so its late units carry 提醒, 催办
  and 通报, and the issuer holds a 通报 draft to publish;
- follow-up visits (跟踪回访): one satisfied, one dissatisfied that reopened the work with a new deadline;
- the demo town's own task to its branches, waiting in the demo village's 我的任务.

Dates follow `today`, kept inside the years the working-day calendar knows (never guessed): if today's
year is not known yet, the demo is anchored on the last known year (everything then lies in the past).
"""

import datetime
import random
from datetime import timedelta

from dangjian.members.models import Member
from dangjian.tasks import services
from dangjian.tasks.choices import Satisfaction, TaskStatus
from dangjian.tasks.models import Task
from dangjian.tasks.workdays import WorkCalendar, known_years

from .plan import Plan

# (title, source document, days of the deadline from the anchor, share done, share late among the rest)
KEY_TASKS = [
    ("组织开展“七一”主题党日活动", "县委组织部关于开展“七一”主题党日活动的通知", -90, 0.85, 0.5),
    ("完成党员信息采集核对", "县委组织部关于做好党员信息采集核对工作的通知", -40, 0.6, 0.6),
    ("支部标准化规范化建设自查", "县委组织部关于开展党支部标准化规范化建设自查的通知", -12, 0.3, 0.9),
    ("开展年度党员冬训", "县委组织部关于开展党员冬训工作的通知", 20, 0.1, 0.0),
    ("召开年度组织生活会", "县委组织部关于召开年度组织生活会和开展民主评议党员的通知", 45, 0.0, 0.0),
]
ESCALATED = 2  # the 标准化 self-check: most branches late, the ladder climbed to 通报


def anchor_for(today: datetime.date, calendar: WorkCalendar) -> tuple[datetime.date, datetime.date]:
    """(anchor, last day the calendar knows): `today`, or 1 December of the last known year."""
    last_known = datetime.date(max(known_years(calendar)), 12, 31)
    anchor = today if calendar.knows(today.year) else datetime.date(last_known.year, 12, 1)
    return anchor, last_known


def seed_tasks(plan: Plan, today: datetime.date, seed: int) -> str:
    rng = random.Random(seed * 41 + 7)
    calendar = WorkCalendar.load()
    anchor, last_known = anchor_for(today, calendar)
    county = plan.landmarks["root"].instance
    key_list = services.do_create_key_task_list(
        acting_user=None,
        organization=county,
        year=anchor.year,
        name="基层党建重点任务清单",
        description="县委组织部年初确定的基层党建重点任务，逐项交办到各党支部，按月盘点。",
    )
    branches = services.select_recipients(county)
    issued = anchor - timedelta(days=150)
    tasks = []
    for number, (title, source, offset, done_share, late_share) in enumerate(KEY_TASKS, 1):
        deadline = min(anchor + timedelta(days=offset), last_known)
        task = services.do_issue_task(
            acting_user=None,
            organization=county,
            title=title,
            content=f"请各党支部按照《{source}》要求抓好落实，按时报告进展，完成后申请办结。",
            recipients=branches,
            key_task_list=key_list,
            source_document=source,
            document_number=f"县组通〔{anchor.year}〕{10 + number}号",
            issued_on=min(issued + timedelta(days=10 * number), anchor),
            deadline=max(deadline, issued + timedelta(days=10 * number)),
        )
        _progress(task, today, rng, done_share, late_share)
        tasks.append(task)
    _climb_the_ladder(tasks, today, anchor)
    follow_ups = _follow_ups(tasks[0], today, anchor, last_known, calendar)
    town_task = _town_task(plan, anchor, last_known)
    bulletin = tasks[ESCALATED].bulletins.filter(published_on__isnull=True).first()
    late = sum(task.assignments.overdue(today).count() for task in tasks)
    listed = bulletin.assignments.count() if bulletin else 0
    return (
        f"交办督办：{key_list}（{len(tasks)}项 × {len(branches)}个党支部，逾期{late}个单元格）；"
        f"“{tasks[ESCALATED].title}”已提醒、催办并起草通报（{listed}个单位）；"
        f"跟踪回访{follow_ups}次（1次重新办理）；{town_task}"
    )


def _progress(task: Task, today, rng, done_share: float, late_share: float) -> None:
    """Move each copy along: some done (confirmed), some 待确认, some working, some never accepted."""
    last_day = min(today, task.deadline + timedelta(days=20))
    for copy in task.assignments.select_related("organization").order_by("organization__path"):
        roll = rng.random()
        if roll < done_share:
            _finish(copy, task, rng, last_day, confirm=rng.random() < 0.85)
        elif task.deadline >= today and roll < done_share + 0.5:
            _work(copy, task, rng, last_day)
        elif task.deadline < today and rng.random() >= late_share:
            _finish(copy, task, rng, last_day, confirm=False)
        elif rng.random() < 0.6:
            _work(copy, task, rng, last_day)
        # else: never accepted (未签收)


def _owner(copy):
    return Member.objects.filter(organization=copy.organization).order_by("pk").first()


def _work(copy, task, rng, last_day) -> None:
    member = _owner(copy)
    services.do_accept_assignment(
        copy, acting_user=None, owner_member=member, owner_name="" if member else "支部书记"
    )
    day = min(task.issued_on + timedelta(days=rng.randint(3, 20)), last_day)
    services.do_report_progress(
        copy,
        acting_user=None,
        text="已召开支委会研究部署，正在推进。",
        percent=rng.choice([20, 40, 60]),
        reported_on=day,
    )


def _finish(copy, task, rng, last_day, *, confirm: bool) -> None:
    _work(copy, task, rng, last_day)
    day = min(task.deadline - timedelta(days=rng.randint(0, 10)), last_day)
    day = max(day, copy.progress_reports.order_by("-reported_on").first().reported_on)
    services.do_report_progress(
        copy, acting_user=None, text="已全部完成，相关材料已归档。", percent=100, final=True, reported_on=day
    )
    if confirm:
        services.do_confirm_assignment(
            copy,
            acting_user=None,
            comment="材料齐全，同意办结。",
            confirmed_on=min(day + timedelta(days=2), last_day),
        )


def _climb_the_ladder(tasks, today, anchor) -> None:
    """Run the daily job for every past day since the first deadline's reminder window, as cron would."""
    day = min(task.deadline for task in tasks) - timedelta(days=7)
    while day <= min(today, anchor):
        services.do_escalate(day)
        day += timedelta(days=1)


def _follow_ups(task: Task, today, anchor, last_known, calendar) -> int:
    done = list(task.assignments.filter(status=TaskStatus.DONE).order_by("organization__path")[:2])
    for index, copy in enumerate(done):
        visited = min(max(copy.confirmed_on + timedelta(days=15), copy.confirmed_on), today)
        if index == 0:
            services.do_record_follow_up(
                copy,
                acting_user=None,
                satisfaction=Satisfaction.SATISFIED,
                notes="党员群众反映活动效果好。",
                visited_on=visited,
            )
        else:
            new_deadline = min(calendar.add(max(visited, anchor), 10), last_known)
            services.do_record_follow_up(
                copy,
                acting_user=None,
                satisfaction=Satisfaction.UNSATISFIED,
                notes="回访发现活动记录不完整，部分党员未参加，需补课并完善记录。",
                visited_on=visited,
                reopen=True,
                new_deadline=max(new_deadline, visited + timedelta(days=1)),
            )
    return len(done)


def _town_task(plan: Plan, anchor, last_known) -> str:
    town = plan.landmarks["town"].instance
    village = plan.landmarks["village"].instance
    recipients = services.select_recipients(town)
    services.do_issue_task(
        acting_user=None,
        organization=town,
        title="报送本季度“三会一课”开展情况",
        content="请各党支部于期限前报送本季度“三会一课”开展情况及佐证材料。",
        recipients=recipients,
        issued_on=anchor - timedelta(days=3),
        deadline=min(anchor + timedelta(days=14), last_known),
    )
    return f"{town.name}交办{len(recipients)}个党支部的任务在{village.name}“我的任务”中待签收。"
