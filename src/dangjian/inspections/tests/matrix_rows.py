"""Permission-matrix rows of the inspections app (imported at the end of core/testing/matrix.py).

A plan of the world key's town (A镇党委 in scope, B镇党委 outside) is made on first use, in progress today,
with one checklist item, 第一督导组 assigned to the key's branch (A1: led by `inspector_a`, who thereby holds
the plan's grant on A1; B1: led by `county_admin`), a finding with evidence and a sample. A plan is read by
the grants over its committee and by its teams (a 支部管理员 of A1 reads none: 404); a unit's rows by the
grants over the unit (the 支部管理员 of A1 reads A1's). The committee (a change grant over it) manages the
plan; recording at a unit belongs to the unit's team and the committee — the unit's own 支部管理员 and a
系统管理员 get 403.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dangjian.core.testing.matrix import (
    EDITORS,
    TREE_MANAGERS,
    VIEWERS,
    Endpoint,
    Listing,
    World,
    by_role,
    statuses,
)

NOT_SCOPED = frozenset({"inspections-api:api-root"})
TOWN = {"a1": "town_a", "b1": "town_b"}
LEADER = {"a1": "inspector_a", "b1": "county_admin"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def inspection_of(world: World, key: str):
    """The plan, item, team, unit inspection, finding and sample made for branch `key` (once)."""
    from dangjian.inspections import services
    from dangjian.inspections.models import Finding, InspectionPlan, Sample
    from dangjian.inspections.sampling import SampleSpec
    from dangjian.study.services import do_write_note

    from .factories import Inspection, inspection

    plan = InspectionPlan.objects.filter(organization=world[TOWN[key]]).first()
    if plan is not None:
        unit_inspection = plan.unit_inspections.get(unit=world[key])
        return Inspection(plan, plan.checklist.first(), plan.teams.first(), unit_inspection)
    found = inspection(world, org=TOWN[key], unit=key, leader=LEADER[key], members=())
    services.do_record_finding(
        found.unit_inspection,
        acting_user=None,
        severity="serious",
        description="组织生活会未按期召开",
        found_on=timezone.localdate(),
        evidence=SimpleUploadedFile("照片.png", PNG),
    )
    member = world["zhang" if key == "a1" else "zhao"]
    do_write_note(
        acting_user=None, member=member, kind="study_note", title="学习笔记", text=f"{key}学习党章的体会"
    )
    services.do_draw_sample(
        found.plan, acting_user=None, units=[world[key]], spec=SampleSpec("members", per_unit=2), seed=1
    )
    assert Finding.objects.filter(unit_inspection=found.unit_inspection).exists()
    assert Sample.objects.filter(plan=found.plan).exists()
    return found


def _plan(world, key):
    return {"pk": inspection_of(world, key).plan.pk}


def _team(world, key):
    return {"pk": inspection_of(world, key).team.pk}


def _unit(world, key):
    return {"pk": inspection_of(world, key).unit_inspection.pk}


def _assignment(world, key):
    return {"pk": inspection_of(world, key).team.assignments.get().pk}


def _finding(world, key):
    return {"pk": inspection_of(world, key).unit_inspection.findings.get().pk}


def _sample(world, key):
    return {"pk": inspection_of(world, key).plan.samples.get().pk}


def _today(days=0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def new_plan(world, key):
    return {
        "organization": world["town_a"].pk,
        "name": "新督导检查",
        "starts_on": _today(),
        "ends_on": _today(9),
    }


def plan_edit(world, key):
    found = inspection_of(world, key)
    return {
        "name": "改名的督导检查",
        "starts_on": found.plan.starts_on.isoformat(),
        "ends_on": found.plan.ends_on.isoformat(),
        "method": "座谈",
        "units": [world[key].pk],
    }


def results(world, key):
    return {
        f"score_{inspection_of(world, key).item.pk}": "6",
        f"remark_{inspection_of(world, key).item.pk}": "x",
    }


def on(maker, target="a1", outside="b1"):
    return {"target": target, "outside": outside, "url_kwarg": "", "more_kwargs": maker}


PLAN_VIEW = statuses(404, s200=("county_admin", "town_a_admin", "inspector_a", "sysadmin"))
PLAN_CHANGE = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))
PLAN_CHANGED = statuses(403, s302=TREE_MANAGERS, s404=("branch_a1_admin",))
UNIT_VIEW = statuses(404, s200=VIEWERS)
RECORDERS = ("county_admin", "town_a_admin", "inspector_a")
RECORD = statuses(404, s302=RECORDERS, s403=("branch_a1_admin", "sysadmin"))

ENDPOINTS = [
    Endpoint("inspections:plan_list", statuses(200)),
    Endpoint("inspections:my_units", statuses(200)),
    Endpoint("inspections:plan_add", statuses(403, s200=EDITORS)),
    Endpoint(
        "inspections:plan_add",
        statuses(403, s302=TREE_MANAGERS, s200=("branch_a1_admin",)),
        method="post",
        payload=new_plan,
    ),
    Endpoint("inspections:plan_detail", PLAN_VIEW, **on(_plan)),
    Endpoint("inspections:plan_edit", PLAN_CHANGE, **on(_plan)),
    Endpoint("inspections:plan_edit", PLAN_CHANGED, method="post", payload=plan_edit, **on(_plan)),
    Endpoint(
        "inspections:plan_status",
        PLAN_CHANGED,
        method="post",
        payload=lambda w, k: {"action": "close"},
        **on(_plan),
    ),
    Endpoint("inspections:checklist", PLAN_CHANGE, **on(_plan)),
    Endpoint(
        "inspections:checklist",
        PLAN_CHANGED,
        method="post",
        payload=lambda w, k: {"group": "visit", "content": "走访党员群众", "max_points": "5"},
        **on(_plan),
    ),
    Endpoint("inspections:team_add", PLAN_CHANGE, **on(_plan)),
    Endpoint(
        "inspections:team_add",
        PLAN_CHANGED,
        method="post",
        payload=lambda w, k: {"name": "第九督导组", "leader": "nobody", "members": ""},
        **on(_plan),
    ),
    Endpoint("inspections:team_detail", PLAN_VIEW, **on(_team)),
    Endpoint("inspections:team_edit", PLAN_CHANGE, **on(_team)),
    Endpoint(
        "inspections:team_edit",
        PLAN_CHANGED,
        method="post",
        payload=lambda w, k: {"name": "第一督导组", "leader": LEADER[k], "members": "nobody"},
        **on(_team),
    ),
    Endpoint(
        "inspections:team_assign",
        PLAN_CHANGED,
        method="post",
        payload=lambda w, k: {"unit": w["a2"].pk},
        **on(_team),
    ),
    Endpoint("inspections:assignment_end", PLAN_CHANGED, method="post", **on(_assignment)),
    Endpoint("inspections:unit_detail", UNIT_VIEW, **on(_unit)),
    Endpoint(
        "inspections:unit_visit",
        RECORD,
        method="post",
        payload=lambda w, k: {"visited_on": _today(), "status": "visited", "summary": "听取汇报"},
        **on(_unit),
    ),
    Endpoint("inspections:result_save", RECORD, method="post", payload=results, **on(_unit)),
    Endpoint(
        "inspections:interview_add",
        RECORD,
        method="post",
        payload=lambda w, k: {"kind": "group", "held_on": _today(), "participants": "6"},
        **on(_unit),
    ),
    Endpoint(
        "inspections:finding_add",
        RECORD,
        method="post",
        payload=lambda w, k: {"severity": "minor", "description": "台账不全", "found_on": _today()},
        **on(_unit),
    ),
    Endpoint("inspections:finding_detail", UNIT_VIEW, **on(_finding)),
    Endpoint("inspections:finding_evidence", UNIT_VIEW, **on(_finding)),
    Endpoint(
        "inspections:finding_rectify",
        statuses(404, s302=TREE_MANAGERS, s403=("branch_a1_admin", "inspector_a", "sysadmin")),
        method="post",
        payload=lambda w, k: {"deadline": _today(15)},
        **on(_finding),
    ),
    Endpoint(
        "inspections:finding_close",
        RECORD,
        method="post",
        payload=lambda w, k: {"comment": "整改到位"},
        **on(_finding),
    ),
    Endpoint("inspections:sample_add", statuses(404, s200=RECORDERS, s403=("sysadmin",)), **on(_plan)),
    Endpoint(
        "inspections:sample_add",
        statuses(404, s302=RECORDERS, s403=("sysadmin",)),
        method="post",
        payload=lambda w, k: {
            "units": [w[k].pk],
            "population": "members",
            "per_unit": "1",
            "activities_per_unit": "0",
        },
        **on(_plan),
    ),
    Endpoint("inspections:sample_detail", UNIT_VIEW, **on(_sample)),
    Endpoint("inspections:sample_originality", RECORD, method="post", **on(_sample)),
    Endpoint("inspections:summary", PLAN_VIEW, **on(_plan)),
    Endpoint("inspections:finding_list", PLAN_VIEW, **on(_plan)),
    Endpoint("inspections:summary_docx", PLAN_VIEW, **on(_plan)),
    Endpoint("inspections:summary_xlsx", PLAN_VIEW, **on(_plan)),
]

# API (/api/v1/inspections/): the same scope; the writes at a unit are answered by the services.
API_PLAN_CHANGE = statuses(403, s200=TREE_MANAGERS, s404=("branch_a1_admin",))
API_RECORD = statuses(404, s200=RECORDERS, s403=("branch_a1_admin", "sysadmin"))
API_RECORDED = statuses(404, s201=RECORDERS, s403=("branch_a1_admin", "sysadmin"))


def api(name, expect, maker=None, **options):
    place = on(maker) if maker else {}
    return Endpoint(f"inspections-api:{name}", expect, api=True, **place, **options)


def new_api_plan(world, key):
    return {**new_plan(world, key), "units": [world["a1"].pk]}


ENDPOINTS += [
    api("plan-list", statuses(200)),
    api(
        "plan-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        method="post",
        payload=new_api_plan,
    ),
    api("plan-detail", PLAN_VIEW, _plan),
    api("plan-summary", PLAN_VIEW, _plan),
    # the plan is already in progress: the committee is told so (400), others never get that far
    api("plan-start", statuses(403, s400=TREE_MANAGERS, s404=("branch_a1_admin",)), _plan, method="post"),
    api("plan-close", API_PLAN_CHANGE, _plan, method="post"),
    api("team-list", statuses(200)),
    api(
        "team-list",
        statuses(403, s201=TREE_MANAGERS, s404=("branch_a1_admin",)),
        method="post",
        payload=lambda w, k: {"plan": _plan(w, k)["pk"], "name": "第九督导组", "leader": "nobody"},
        target="a1",
        outside="b1",
        url_kwarg="",
    ),
    api("team-detail", PLAN_VIEW, _team),
    api("team-assign", API_PLAN_CHANGE, _team, method="post", payload=lambda w, k: {"unit": w["a2"].pk}),
    api("unit-list", statuses(200)),
    api("unit-detail", UNIT_VIEW, _unit),
    api(
        "unit-visit",
        API_RECORD,
        _unit,
        method="post",
        payload=lambda w, k: {"visited_on": _today(), "status": "visited"},
    ),
    api(
        "unit-results",
        API_RECORDED,
        _unit,
        method="post",
        payload=lambda w, k: {"item": inspection_of(w, k).item.pk, "score": "5"},
    ),
    api(
        "unit-interviews",
        API_RECORDED,
        _unit,
        method="post",
        payload=lambda w, k: {"kind": "phone", "held_on": _today(), "participants": 1},
    ),
    api(
        "unit-findings",
        API_RECORDED,
        _unit,
        method="post",
        payload=lambda w, k: {"severity": "minor", "description": "台账不全", "found_on": _today()},
    ),
    api("sample-list", statuses(200)),
    api(
        "sample-list",
        statuses(404, s201=RECORDERS, s403=("sysadmin",)),
        method="post",
        payload=lambda w, k: {
            "plan": _plan(w, k)["pk"],
            "units": [w[k].pk],
            "population": "members",
            "per_unit": 1,
        },
        target="a1",
        outside="b1",
        url_kwarg="",
    ),
    api("sample-detail", UNIT_VIEW, _sample),
    api("sample-originality", API_RECORD, _sample, method="post"),
    api("finding-list", statuses(200)),
    api("finding-detail", UNIT_VIEW, _finding),
    api(
        "finding-rectify",
        statuses(404, s200=TREE_MANAGERS, s403=("branch_a1_admin", "inspector_a", "sysadmin")),
        _finding,
        method="post",
        payload=lambda w, k: {"deadline": _today(15)},
    ),
    api("finding-close", API_RECORD, _finding, method="post", payload=lambda w, k: {"comment": "整改到位"}),
]


def both_plans(world) -> None:
    for key in ("a1", "b1"):
        inspection_of(world, key)


def _plan_orgs(response):
    return [row["organization"] for row in response.json()["results"]]


def _units(response):
    return [row["unit"] for row in response.json()["results"]]


def _page_plans(response):
    return [plan.organization_id for plan in response.context["plans"]]


PLANS_SEEN = by_role(
    county_admin=("town_a", "town_b"),
    town_a_admin=("town_a",),
    inspector_a=("town_a",),
    sysadmin=("town_a", "town_b"),
)
UNITS_SEEN = by_role(
    county_admin=("a1", "b1"),
    town_a_admin=("a1",),
    branch_a1_admin=("a1",),
    inspector_a=("a1",),
    sysadmin=("a1", "b1"),
)
LISTINGS = [
    Listing("inspections:plan_list", _page_plans, PLANS_SEEN, setup=both_plans),
    Listing("inspections-api:plan-list", _plan_orgs, PLANS_SEEN, setup=both_plans),
    Listing("inspections-api:unit-list", _units, UNITS_SEEN, setup=both_plans),
    Listing("inspections-api:finding-list", _units, UNITS_SEEN, setup=both_plans),
]
