"""Tasks figures for `dangjian bench supervision` (composed by inspections/benchmarks.py; not registered).

On the seeded data (a city: about 10,000 branches under the root):
- `task_issue_all_branches_ms`: `do_issue_task` to every branch of the root (target 5,000 ms), compared
  (`task_issue`, target 20×) with the per-record path a typical system takes: each copy `full_clean()`
  and `save()` through the ORM. Both must write the same rows, checked first.
- `key_list_first_page_ms`: a 50-task key list issued to every branch (statuses mixed, a third of the
  deadlines passed), the first page of its matrix page rendered through the view (target 300 ms), with the
  overdue counts of the whole matrix; compared (`key_list_overdue_counts`) with a per-cell count (each
  task's copies loaded as model instances, each checked with `is_overdue_on`). Same counts, checked first.
Everything runs inside one transaction that is rolled back: the database keeps none of the bench's rows
(nor their audit events).
"""

import secrets
from datetime import date, timedelta
from unittest import mock

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.test import RequestFactory

from dangjian.accounts.choices import RoleChoices
from dangjian.accounts.services import do_create_user, do_grant_role
from dangjian.core.bench import BenchRun, PeakRss, explain_calls
from dangjian.organizations.models import Organization

from . import keylist, services, tallies
from .choices import TaskStatus
from .models import Assignment, KeyTaskList, Task

ISSUE_TARGET_MS = 5000
ISSUE_TARGET_SPEEDUP = 20
PAGE_TARGET_MS = 300
KEY_TASKS = 50
# The one-by-one baseline sends ~3 queries per copy (30,000 for a city): one timed run is its answer check.
BASELINE_RUNS = {"demo": 3, "county": 3, "city": 1}
ISSUED_ON = date(2026, 1, 5)  # fixed dates in a year the calendar knows: the figures do not move with today
TODAY = date(2026, 5, 1)


class Rollback(Exception):
    """Raised to leave the bench's transaction without keeping anything."""


def measure_tasks(run: BenchRun) -> None:
    try:
        with transaction.atomic():
            _measure(run)
            raise Rollback
    except Rollback:
        pass


def _measure(run: BenchRun) -> None:
    root = Organization.objects.filter(depth=1).order_by("path").first()
    branches = services.select_recipients(root)
    run.log(f"交办：{root.name}下党支部{len(branches)}个")
    measure_issue(run, root, branches)
    measure_key_list(run, root, branches)


def issue(root, branches, title: str) -> Task:
    return services.do_issue_task(
        acting_user=None,
        organization=root,
        title=title,
        recipients=branches,
        issued_on=ISSUED_ON,
        deadline=date(2026, 3, 31),
    )


def one_by_one(root, branches, title: str) -> Task:
    """The baseline: the task, then each copy validated and saved on its own (the per-record service path)."""
    task = Task(organization=root, title=title, issued_on=ISSUED_ON, deadline=date(2026, 3, 31))
    task.full_clean()
    task.save()
    for pk in branches:
        copy = Assignment(task=task, organization_id=pk, deadline=task.deadline)
        copy.full_clean()
        copy.save()
    return task


def rows_of(task: Task) -> list[tuple]:
    return list(
        task.assignments.order_by("organization_id").values_list("organization_id", "deadline", "status")
    )


def measure_issue(run: BenchRun, root, branches) -> None:
    counter = iter(range(1000))
    with PeakRss() as memory:
        ours = run.timed(lambda: issue(root, branches, f"基准交办{next(counter)}"))
    theirs = run.timed(
        lambda: one_by_one(root, branches, f"逐条交办{next(counter)}"), BASELINE_RUNS[run.scale]
    )
    if rows_of(ours.result) != rows_of(theirs.result) or len(rows_of(ours.result)) != len(branches):
        raise AssertionError("the one-by-one baseline wrote other copies")
    run.figure("task_issue_all_branches_ms", ours.median, "ms", target=ISSUE_TARGET_MS)
    run.figure("task_issue_peak_rss_mb", memory.peak, "MB")
    run.figure("task_issue_copies", len(branches), "copies", better="higher")
    run.compare(
        "task_issue",
        ours.median,
        theirs.median,
        "ms",
        baseline="per-copy full_clean() + save() through the ORM (same rows)",
        target_speedup=ISSUE_TARGET_SPEEDUP,
    )
    run.log(f"交办：一次写入{ours.median:.0f} ms，逐条写入{theirs.median:.0f} ms")


def build_key_list(root, branches) -> KeyTaskList:
    """50 tasks to every branch: a deadline every five days from 2 February (18 of them passed on TODAY),
    statuses mixed by row (a quarter each of 未签收/办理中/待确认/已办结)."""
    # A name of its own: a concurrent bench run (another process) holds its uncommitted list meanwhile.
    key_list = services.do_create_key_task_list(
        acting_user=None, organization=root, year=2026, name=f"基准清单{secrets.token_hex(4)}"
    )
    for n in range(KEY_TASKS):
        services.do_issue_task(
            acting_user=None,
            organization=root,
            title=f"重点任务{n + 1}",
            recipients=branches,
            key_task_list=key_list,
            issued_on=ISSUED_ON,
            deadline=date(2026, 2, 2) + timedelta(days=n * 5),
        )
    ids = list(key_list.tasks.values_list("pk", flat=True))
    analyze()  # fresh statistics before the updates, as after any bulk load (seeding does the same)
    cells = Assignment.objects.filter(task_id__in=ids)  # one UPDATE each, no join: WHERE id % 4 = n
    cells.filter(Exact(Mod("id", 4), 1)).update(
        status=TaskStatus.IN_PROGRESS, percent=50
    )  # audit-exempt: bench rows
    cells.filter(Exact(Mod("id", 4), 2)).update(  # audit-exempt: bench rows, rolled back
        status=TaskStatus.SUBMITTED, percent=100, submitted_on=F("deadline") - timedelta(days=1)
    )
    cells.filter(Exact(Mod("id", 4), 3)).update(  # audit-exempt: bench rows, rolled back
        status=TaskStatus.DONE, percent=100, confirmed_on=F("deadline")
    )
    tallies.rebuild(ids)  # the bulk updates above bypassed the services
    analyze()
    return key_list


def analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tasks_assignment, tasks_task, tasks_assignmenttally")


def viewer(root):
    user = do_create_user(
        username=f"bench_tasks_{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(24) + "Aa1!",  # never logged in: the view is called directly
        last_name="基准",
        first_name="查看",
        acting_user=None,
        must_change_password=False,
    )
    do_grant_role(user=user, role=RoleChoices.ORG_ADMIN, organization=root, acting_user=None)
    return user


def first_page(key_list, user) -> str:
    """The key list's page as the view renders it (RequestFactory: the view and template, no middleware)."""
    from .views_keylist import KeyListDetailView

    request = RequestFactory().get(key_list.get_absolute_url())
    request.user = user
    response = KeyListDetailView.as_view()(request, pk=key_list.pk)
    response.render()
    return response.content.decode()


def measure_key_list(run: BenchRun, root, branches) -> None:
    key_list = build_key_list(root, branches)
    user = viewer(root)
    with mock.patch("dangjian.tasks.views_keylist.timezone.localdate", return_value=TODAY):
        html = first_page(key_list, user)
        matrix = keylist.build(key_list, TODAY)
        total_overdue = matrix.totals["overdue"]
        if f"逾期{total_overdue}<" not in html or len(matrix.rows) != min(keylist.PAGE_SIZE, len(branches)):
            raise AssertionError("the page does not show the whole matrix's overdue count")
        with PeakRss() as memory:
            page = run.timed(lambda: first_page(key_list, user), max(run.runs, 5))
    run.log(
        f"重点任务清单：{KEY_TASKS}项 × {len(branches)}个单位，逾期{total_overdue}个单元格，"
        f"首页{page.median:.0f} ms"
    )
    run.figure("key_list_first_page_ms", page.median, "ms", target=PAGE_TARGET_MS)
    run.figure("key_list_first_page_peak_rss_mb", memory.peak, "MB")
    run.figure("key_list_cells", matrix.totals["total"], "cells", better="higher")
    ids = [task.pk for task in matrix.tasks]
    ours = run.timed(lambda: keylist.column_totals(ids, TODAY))
    theirs = run.timed(lambda: keylist.naive_overdue_counts(key_list, TODAY), 1)
    if {pk: column["overdue"] for pk, column in ours.result.items()} != theirs.result:
        raise AssertionError("the per-cell count disagrees with the matrix's aggregate")
    grouped = run.timed(lambda: keylist.aggregate_totals(ids, TODAY))
    if grouped.result != ours.result:
        raise AssertionError("the grouped SQL aggregate disagrees with the tally")
    run.compare(
        "key_list_overdue_counts",
        ours.median,
        theirs.median,
        "ms",
        baseline="each task's copies loaded as model instances, each cell checked with is_overdue_on()",
    )
    run.compare(
        "key_list_overdue_counts_sql",
        ours.median,
        grouped.median,
        "ms",
        baseline="one grouped SQL aggregate (COUNT … FILTER) over every cell",
    )
    if run.explain:
        for sql, plan in explain_calls(lambda: keylist.build(key_list, TODAY)):
            run.log(f"{sql[:300]}\n{plan}\n")
