"""Permission-matrix rows of the tasks app (imported at the end of core/testing/matrix.py).

Objects are made on first use for the world key of a recipient branch: a task issued by its town (A镇党委
→ A1 in scope, B镇党委 → B1 outside), with an attachment and a progress report with evidence; further
tasks whose copy is 待确认 or 已办结 for the issuer's forms; a 通报 draft; a key-task list of the town.
A task is read by the grants over its issuer (a 支部管理员 of A1 reads its own copy, not the task); a copy by
the grants over its unit; the issuer's forms need a change grant over the issuer (the branch gets 403 from
the service); 节假日安排 belong to the 系统管理员.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.core.testing.fixtures import World
from dangjian.core.testing.matrix import (
    EDIT,
    EDITORS,
    MEMBER_VIEW,
    TREE_MANAGERS,
    Endpoint,
    Listing,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"tasks-api:api-root"})
ISSUER = {"a1": "town_a", "b1": "town_b"}
PDF = b"%PDF-1.4 matrix"
ISSUER_VIEW = statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin"))
ISSUER_WRITE_302 = statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",))
SYSADMIN_ONLY = statuses(403, s200=("sysadmin",))


def task_for(world: World, key: str, title: str = "交办任务"):
    from dangjian.tasks.models import Task
    from dangjian.tasks.services import do_issue_task, do_report_progress

    found = Task.objects.filter(organization=world[ISSUER[key]], title=title).first()
    if found:
        return found
    task = do_issue_task(
        acting_user=None,
        organization=world[ISSUER[key]],
        title=title,
        recipients=[world[key]],
        issued_on=date(2026, 9, 1),
        deadline=date(2026, 9, 30),
        attachment=SimpleUploadedFile("通知.pdf", PDF),
    )
    copy = task.assignments.get()
    if title == "交办任务":
        evidence = SimpleUploadedFile("佐证.pdf", PDF)
        do_report_progress(
            copy, acting_user=None, text="已部署", percent=20, reported_on=date(2026, 9, 2), evidence=evidence
        )
    if title in ("待确认", "已办结"):
        do_report_progress(
            copy, acting_user=None, text="完成", percent=100, final=True, reported_on=date(2026, 9, 3)
        )
    if title == "已办结":
        from dangjian.tasks.services import do_confirm_assignment

        do_confirm_assignment(copy, acting_user=None, confirmed_on=date(2026, 9, 4))
    return task


def copy_for(world: World, key: str, title: str = "交办任务"):
    return task_for(world, key, title).assignments.get()


def report_for(world: World, key: str):
    return copy_for(world, key).progress_reports.get()


def bulletin_for(world: World, key: str):
    from dangjian.tasks.models import Bulletin

    task = task_for(world, key)
    return Bulletin.objects.get_or_create(
        task=task, published_on=None, defaults={"drafted_on": date(2026, 10, 12), "text": "通报"}
    )[0]


def key_list_for(world: World, key: str):
    from dangjian.tasks.models import KeyTaskList

    return KeyTaskList.objects.get_or_create(organization=world[key], year=2026, name="重点任务清单")[0]


def schedule(world: World, key: str) -> dict:
    from dangjian.tasks.models import HolidaySchedule
    from dangjian.tasks.services import do_save_holiday_schedule

    found = HolidaySchedule.objects.filter(year=2030).first() or do_save_holiday_schedule(
        acting_user=None, year=2030, source_document="通知", days=[(date(2030, 1, 1), "holiday", "元旦")]
    )
    return {"pk": found.pk}


def issue_payload(world: World, key: str) -> dict:
    return {
        "organization": world[key].pk,
        "title": "新任务",
        "kind": "ordinary",
        "issued_on": "2026-09-01",
        "deadline_mode": "working_days",
        "working_days": "5",
        "recipient_choice": "all_branches",
    }


def api_issue_payload(world: World, key: str) -> dict:
    children = {"town_a": ["a1", "a2"], "town_b": ["b1"]}[key]
    return {
        "organization": world[key].pk,
        "title": "新任务",
        "working_days": 5,
        "issued_on": "2026-09-01",
        "recipients": [world[child].pk for child in children],
    }


def pk_of(maker, *args):
    return lambda world, key: {"pk": maker(world, key, *args).pk}


TASK = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": pk_of(task_for)}
COPY = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": pk_of(copy_for)}
PENDING = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": pk_of(copy_for, "待签收")}
SUBMITTED = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": pk_of(copy_for, "待确认")}
DONE = {"target": "a1", "outside": "b1", "url_kwarg": "", "more_kwargs": pk_of(copy_for, "已办结")}
KEY_LIST = {"target": "town_a", "outside": "town_b", "url_kwarg": "", "more_kwargs": pk_of(key_list_for)}
SCHEDULE = {"url_kwarg": "", "more_kwargs": schedule}
SCHEDULE_FORM = {"year": "2031", "source_document": "通知", "days": "2031-01-01 放假 元旦"}

ENDPOINTS: list = [
    Endpoint("tasks:task_list", statuses(200)),
    Endpoint("tasks:task_add", EDIT),
    Endpoint(
        "tasks:task_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),  # the branch may not issue for the town
        method="post",
        payload=issue_payload,
        url_kwarg="",
        target="town_a",
    ),
    Endpoint("tasks:task_detail", ISSUER_VIEW, **TASK),
    Endpoint(
        "tasks:task_cancel", ISSUER_WRITE_302, method="post", payload=lambda w, k: {"reason": "取消"}, **TASK
    ),
    # The attachment goes to the issuer's scope and to every unit that received the task.
    Endpoint("tasks:task_attachment", MEMBER_VIEW, **TASK),
    Endpoint("tasks:inbox", statuses(200)),
    Endpoint("tasks:assignment_detail", MEMBER_VIEW, **COPY),
    Endpoint(
        "tasks:assignment_accept",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda w, k: {"owner_name": "张三丰", "owner_phone": "13812345678"},
        **PENDING,
    ),
    Endpoint(
        "tasks:assignment_report",
        statuses(403, s302=EDITORS),
        method="post",
        payload=lambda w, k: {"reported_on": "2026-09-10", "percent": "30", "text": "已组织学习"},
        **COPY,
    ),
    # The issuer's forms: the branch holds a change grant over its copy, not over the town (403 from the
    # service).
    Endpoint("tasks:assignment_confirm", statuses(403, s302=TREE_MANAGERS), method="post", **SUBMITTED),
    Endpoint(
        "tasks:assignment_return",
        statuses(403, s302=TREE_MANAGERS),
        method="post",
        payload=lambda w, k: {"comment": "材料不全"},
        **SUBMITTED,
    ),
    Endpoint(
        "tasks:followup_add",
        statuses(403, s302=TREE_MANAGERS),
        method="post",
        payload=lambda w, k: {"visited_on": "2026-09-10", "satisfaction": "satisfied"},
        **DONE,
    ),
    Endpoint(
        "tasks:report_evidence",
        MEMBER_VIEW,
        target="a1",
        outside="b1",
        url_kwarg="",
        more_kwargs=lambda w, k: {"pk": report_for(w, k).pk},
    ),
    Endpoint(
        "tasks:bulletin_publish",
        ISSUER_WRITE_302,
        method="post",
        target="a1",
        outside="b1",
        url_kwarg="",
        more_kwargs=lambda w, k: {"pk": bulletin_for(w, k).pk},
    ),
    Endpoint("tasks:keylist_list", statuses(200)),
    Endpoint("tasks:keylist_add", EDIT),
    Endpoint(
        "tasks:keylist_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        payload=lambda w, k: {"organization": w[k].pk, "year": "2026", "name": "新清单"},
        url_kwarg="",
        target="town_a",
    ),
    Endpoint("tasks:keylist_detail", ISSUER_VIEW, **KEY_LIST),
    Endpoint(
        "tasks:keylist_export", statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",)), **KEY_LIST
    ),
    Endpoint("tasks:schedule_list", SYSADMIN_ONLY),
    Endpoint(
        "tasks:schedule_list",
        statuses(403, s302=("sysadmin",)),
        method="post",
        payload=lambda w, k: SCHEDULE_FORM,
    ),
    Endpoint("tasks:schedule_detail", SYSADMIN_ONLY, **SCHEDULE),
    Endpoint(
        "tasks:schedule_detail",
        statuses(403, s302=("sysadmin",)),
        method="post",
        payload=lambda w, k: {**SCHEDULE_FORM, "year": "2030", "days": "2030-01-01~2030-01-03 放假 元旦"},
        **SCHEDULE,
    ),
    # API
    Endpoint("tasks-api:task-list", statuses(200), api=True),
    Endpoint(
        "tasks-api:task-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=api_issue_payload,
        url_kwarg="",
        target="town_a",
        outside="town_b",
    ),
    Endpoint("tasks-api:task-detail", ISSUER_VIEW, api=True, **TASK),
    Endpoint(
        "tasks-api:task-cancel",
        statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=lambda w, k: {"reason": "取消"},
        **TASK,
    ),
    Endpoint("tasks-api:assignment-list", statuses(200), api=True),
    Endpoint("tasks-api:assignment-detail", MEMBER_VIEW, api=True, **COPY),
    Endpoint(
        "tasks-api:assignment-accept",
        statuses(403, s200=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"owner_name": "张三丰"},
        **PENDING,
    ),
    Endpoint("tasks-api:assignment-progress", MEMBER_VIEW, api=True, **COPY),
    Endpoint(
        "tasks-api:assignment-progress",
        statuses(403, s201=EDITORS),
        api=True,
        method="post",
        payload=lambda w, k: {"text": "已组织学习", "percent": 30, "reported_on": "2026-09-10"},
        **COPY,
    ),
    Endpoint(
        "tasks-api:assignment-confirm",
        statuses(403, s200=TREE_MANAGERS),
        api=True,
        method="post",
        **SUBMITTED,
    ),
    Endpoint(
        "tasks-api:assignment-return",
        statuses(403, s200=TREE_MANAGERS),
        api=True,
        method="post",
        payload=lambda w, k: {"comment": "材料不全"},
        **SUBMITTED,
    ),
    Endpoint(
        "tasks-api:assignment-follow-up",
        statuses(403, s201=TREE_MANAGERS),
        api=True,
        method="post",
        payload=lambda w, k: {"satisfaction": "satisfied", "visited_on": "2026-09-10"},
        **DONE,
    ),
    Endpoint("tasks-api:key-list-list", statuses(200), api=True),
    Endpoint(
        "tasks-api:key-list-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        api=True,
        method="post",
        payload=lambda w, k: {"organization": w[k].pk, "year": 2026, "name": "新清单"},
        url_kwarg="",
        target="town_a",
        outside="town_b",
    ),
    Endpoint("tasks-api:key-list-detail", ISSUER_VIEW, api=True, **KEY_LIST),
    Endpoint("tasks-api:key-list-matrix", ISSUER_VIEW, api=True, **KEY_LIST),
    Endpoint("tasks-api:schedule-list", SYSADMIN_ONLY, api=True),
    Endpoint(
        "tasks-api:schedule-list",
        statuses(403, s201=("sysadmin",)),
        api=True,
        method="post",
        payload=lambda w, k: {
            "year": 2031,
            "source_document": "通知",
            "days": [{"date": "2031-01-01", "kind": "holiday", "name": "元旦"}],
        },
    ),
    Endpoint("tasks-api:schedule-detail", SYSADMIN_ONLY, api=True, **SCHEDULE),
]


def tasks_everywhere(world: World) -> None:
    for key in ("a1", "b1"):
        task_for(world, key)


def _api_organizations(response):
    return [row["organization"] for row in response.json()["results"]]


LISTINGS: list = [
    # A copy is read by the grants over its unit; a 党员 reads none.
    Listing(
        "tasks-api:assignment-list",
        _api_organizations,
        by_role(
            county_admin=("a1", "b1"),
            town_a_admin=("a1",),
            branch_a1_admin=("a1",),
            inspector_a=("a1",),
            sysadmin=("a1", "b1"),
        ),
        setup=tasks_everywhere,
    ),
    # A task is read by the grants over its issuer: the branch reads its copy, not the town's task.
    Listing(
        "tasks-api:task-list",
        _api_organizations,
        by_role(
            county_admin=("town_a", "town_b"),
            town_a_admin=("town_a",),
            inspector_a=("town_a",),
            sysadmin=("town_a", "town_b"),
        ),
        setup=tasks_everywhere,
    ),
]
