"""The key-task list matrix (重点任务清单): units (rows, a page at a time) × the list's tasks (columns).

Whatever the size (50 tasks × 10,000 units), a page costs a fixed number of queries:
1. the list's live tasks;
2. the column totals — per task, the units 签收/待确认/办结/逾期 — from the tally (`tallies.py`, a few rows
   per task kept by the services); the whole matrix's counts are their sums;
3. the page's units: organizations holding a copy (a semi-join that stops at the page's end, in tree
   order; one more row tells whether a next page exists);
4. the page's cells (one query for page units × tasks) with each row's overdue count.
Nothing is counted per cell. (Counting the distinct units of a 500,000-cell matrix, or aggregating its
cells, took 250 ms each on PostgreSQL: the page does neither.)
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dangjian.core import xlsx
from dangjian.organizations.models import Organization

from . import tallies
from .choices import TaskStatus
from .models import Assignment, KeyTaskList, Task
from .querysets import overdue_q, progress_counts

PAGE_SIZE = 50
STATUS_LABELS = dict(TaskStatus.choices)


@dataclass
class Cell:
    assignment_id: int
    status: str
    deadline: date
    percent: int
    overdue: bool

    @property
    def label(self) -> str:
        return "逾期" if self.overdue else STATUS_LABELS[self.status]


@dataclass
class Row:
    organization: Organization
    cells: list  # one Cell (or None: not assigned) per task, in column order
    overdue: int = 0

    def cells_html(self, link_prefix: str) -> str:
        """The row's <td>s, built here rather than in the template: 50 × 50 cells through the template
        engine (a `{% url %}` and a dozen lookups each) took 400 ms; this takes a few."""
        return mark_safe("".join(cell_html(cell, link_prefix) for cell in self.cells))  # noqa: S308


def cell_html(cell, link_prefix: str) -> str:
    """One matrix cell. Nothing in it comes from a user: integers, a status key checked against the
    choices and its fixed label, and `link_prefix` (a reversed URL, escaped by the caller)."""
    if cell is None:
        return '<td class="cell text-muted">—</td>'
    if cell.status not in STATUS_LABELS:
        raise ValueError(f"unknown status {cell.status!r}")
    css = f"cell cell-{cell.status}" + (" cell-overdue" if cell.overdue else "")
    percent = "" if cell.status == TaskStatus.DONE else f" {int(cell.percent)}%"
    return (
        f'<td class="{css}"><a href="{link_prefix}{int(cell.assignment_id)}/">{cell.label}</a>{percent}</td>'
    )


@dataclass
class Matrix:
    key_list: KeyTaskList
    today: date
    tasks: list[Task]
    columns: dict[int, dict]  # task id -> {"total", "accepted", "submitted", "done", "overdue"}
    rows: list[Row] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    only_overdue: bool = False

    @property
    def totals(self) -> dict:
        """The whole matrix: cells, and those accepted, awaiting confirmation, done and overdue."""
        return {key: sum(column[key] for column in self.columns.values()) for key in tallies.KEYS}

    @property
    def done_rate(self) -> float:
        total = self.totals["total"]
        return round(100 * self.totals["done"] / total, 1) if total else 0.0


def assignment_link_prefix() -> str:
    """ "/tasks/assignments/" — the assignment page's URL without its id, reversed once per page."""
    return escape(reverse("tasks:assignment_detail", args=[0]).removesuffix("0/"))


def live_tasks(key_list: KeyTaskList) -> list[Task]:
    return list(key_list.tasks.filter(cancelled_on__isnull=True).order_by("issued_on", "id"))


def column_totals(task_ids: list[int], today: date) -> dict[int, dict]:
    return tallies.counts(task_ids, today)


def aggregate_totals(task_ids: list[int], today: date) -> dict[int, dict]:
    """The same counts as `column_totals` by one grouped aggregate over every cell (the benchmark's
    hand-written-SQL baseline; 250 ms for 493,500 cells on PostgreSQL)."""
    rows = (
        Assignment.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .order_by()
        .annotate(**progress_counts(today, live_tasks_only=False))
    )
    found = {row.pop("task_id"): row for row in rows}
    return {pk: found.get(pk, dict.fromkeys(tallies.KEYS, 0)) for pk in task_ids}


def unit_queryset(task_ids: list[int], today: date, only_overdue: bool = False):
    """The organizations holding a copy of one of `task_ids` (with an overdue one, if asked)."""
    cells = Assignment.objects.filter(organization=OuterRef("pk"), task_id__in=task_ids)
    if only_overdue:
        cells = cells.filter(overdue_q(today, live_tasks_only=False))
    return Organization.objects.filter(Exists(cells))


def build(key_list: KeyTaskList, today: date, *, page: int = 1, only_overdue=False, size=PAGE_SIZE) -> Matrix:
    tasks = live_tasks(key_list)
    ids = [task.pk for task in tasks]
    page = max(1, page)
    matrix = Matrix(key_list, today, tasks, column_totals(ids, today), page=page, only_overdue=only_overdue)
    if ids:
        start = (page - 1) * size
        units = unit_queryset(ids, today, only_overdue).order_by("path")
        organizations = list(units[start : start + size + 1])
        matrix.has_next = len(organizations) > size
        matrix.rows = rows_for(organizations[:size], ids, today)
    return matrix


def rows_for(organizations: list[Organization], task_ids: list[int], today: date) -> list[Row]:
    column = {pk: index for index, pk in enumerate(task_ids)}
    rows = {org.pk: Row(org, [None] * len(task_ids)) for org in organizations}
    found = Assignment.objects.filter(organization_id__in=list(rows), task_id__in=task_ids).values_list(
        "pk", "organization_id", "task_id", "status", "deadline", "percent", "submitted_on"
    )
    for pk, org_id, task_id, status, deadline, percent, submitted_on in found:
        overdue = is_overdue(status, deadline, submitted_on, today)
        row = rows[org_id]
        row.cells[column[task_id]] = Cell(pk, status, deadline, percent, overdue)
        row.overdue += overdue
    return list(rows.values())


def is_overdue(status: str, deadline: date, submitted_on: date | None, today: date) -> bool:
    """The rule of `querysets.overdue_q` on plain values (the matrix reads live tasks only)."""
    if deadline >= today or status == TaskStatus.DONE:
        return False
    if status == TaskStatus.SUBMITTED:
        return submitted_on is not None and submitted_on > deadline
    return True


def naive_overdue_counts(key_list: KeyTaskList, today: date) -> dict[int, int]:
    """The straightforward answer (tests and the benchmark's baseline): each task's copies loaded as model
    instances, each cell checked with `Assignment.is_overdue_on`."""
    counts = {}
    for task in live_tasks(key_list):
        counts[task.pk] = sum(cell.is_overdue_on(today) for cell in task.assignments.select_related("task"))
    return counts


EXPORT_CHUNK = 1000


def export(key_list: KeyTaskList, today: date) -> bytes:
    """The whole matrix as .xlsx: a summary sheet (per task) and a sheet of units × tasks."""
    tasks = live_tasks(key_list)
    ids = [task.pk for task in tasks]
    columns = column_totals(ids, today)
    workbook = xlsx.new_workbook()
    summary = xlsx.add_sheet(
        workbook,
        "任务汇总",
        ["序号", "任务", "来源文件", "办结期限", "承办单位数", "已签收", "待确认", "已办结", "逾期"],
        widths={"任务": 40, "来源文件": 30},
    )
    for number, task in enumerate(tasks, 1):
        c = columns[task.pk]
        source = " ".join(filter(None, [task.source_document, task.document_number]))
        xlsx.append_row(
            summary,
            [
                number,
                task.title,
                source,
                task.deadline,
                c["total"],
                c["accepted"],
                c["submitted"],
                c["done"],
                c["overdue"],
            ],
        )
    headers = ["单位", "逾期项数"] + [f"{n}. {task.title}" for n, task in enumerate(tasks, 1)]
    sheet = xlsx.add_sheet(workbook, "逐项盘点", headers, widths={"单位": 30})
    units = unit_queryset(ids, today).order_by("path") if ids else Organization.objects.none()
    after = ""
    while True:  # chunks in tree order, each after the last path written (no OFFSET over the whole tree)
        chunk = list(units.filter(path__gt=after)[:EXPORT_CHUNK])
        if not chunk:
            break
        for row in rows_for(chunk, ids, today):
            labels = [f"{cell.label} {cell.percent}%" if cell else "" for cell in row.cells]
            xlsx.append_row(sheet, [row.organization.name, row.overdue, *labels])
        after = chunk[-1].path
    return xlsx.to_bytes(workbook)
