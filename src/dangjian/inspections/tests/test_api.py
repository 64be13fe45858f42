"""The API at work: the committee builds a plan; the team records at its unit; the summary counts; a sample
keeps its seed; a finding is rectified and closed. (Who may call what: the permission matrix.)"""

import json
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from dangjian.inspections.models import InspectionPlan, Sample

from .factories import inspection


def post(client, name, data, **kwargs):
    return client.post(reverse(name, **kwargs), data=json.dumps(data), content_type="application/json")


def test_the_committee_builds_a_plan(world, client_as):
    client = client_as("town_a_admin")
    today = timezone.localdate()
    response = post(
        client,
        "inspections-api:plan-list",
        {
            "organization": world["town_a"].pk,
            "name": "API督导",
            "units": [world["a1"].pk, world["a2"].pk],
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=9)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    plan = response.json()
    assert sorted(plan["units"]) == sorted([world["a1"].pk, world["a2"].pk]) and plan["status"] == "draft"
    team = post(client, "inspections-api:team-list", {"plan": plan["id"], "name": "一组", "leader": "nobody"})
    assert team.status_code == 201
    assigned = post(client, "inspections-api:team-assign", {"unit": world["a1"].pk}, args=[team.json()["id"]])
    assert assigned.json()["units"] == [world["a1"].pk]
    assert post(client, "inspections-api:plan-start", {}, args=[plan["id"]]).json()["status"] == "active"
    bad = post(client, "inspections-api:team-list", {"plan": plan["id"], "name": "二组", "leader": "nope"})
    assert bad.status_code == 400 and "nope" in bad.content.decode()
    assert InspectionPlan.objects.get(pk=plan["id"]).teams.count() == 1


def test_the_team_records_and_the_summary_counts(world, client_as):
    found = inspection(world)
    client = client_as("nobody")
    unit = found.unit_inspection.pk
    today = timezone.localdate().isoformat()
    assert (
        post(
            client, "inspections-api:unit-results", {"item": found.item.pk, "score": "9"}, args=[unit]
        ).status_code
        == 201
    )
    too_much = post(
        client, "inspections-api:unit-results", {"item": found.item.pk, "score": "19"}, args=[unit]
    )
    assert too_much.status_code == 400 and "不能超过该项分值" in too_much.content.decode()
    interview = {"kind": "group", "held_on": today, "participants": 9}
    assert post(client, "inspections-api:unit-interviews", interview, args=[unit]).status_code == 201
    finding = {"severity": "grave", "description": "未按期换届", "found_on": today}
    assert post(client, "inspections-api:unit-findings", finding, args=[unit]).status_code == 201
    listed = client.get(reverse("inspections-api:unit-list"), {"plan": found.plan.pk}).json()["results"]
    assert [row["unit"] for row in listed] == [world["a1"].pk]
    summary = client.get(reverse("inspections-api:plan-summary", args=[found.plan.pk])).json()
    assert summary["total"]["items_checked"] == 1 and summary["total"]["participants"] == 9
    assert summary["total"]["by_severity"]["grave"] == 1 and summary["total"]["open"] == 1


def test_a_sample_through_the_api_keeps_its_seed(world, client_as):
    found = inspection(world)
    client = client_as("inspector_a")
    data = {"plan": found.plan.pk, "units": [world["a1"].pk], "population": "members", "per_unit": 1}
    response = post(client, "inspections-api:sample-list", data)
    assert response.status_code == 201, response.content
    sample = Sample.objects.get(pk=response.json()["id"])
    assert response.json()["seed"] == sample.seed and sample.drawn_by == world["inspector_a"]
    assert len(response.json()["items"]) == 1 and response.json()["strata"][0]["people"] == 1
    both = {**data, "units": [world["a1"].pk, world["a2"].pk]}
    assert post(client, "inspections-api:sample-list", both).status_code == 403  # A2 is not their unit
    neither = {**data, "per_unit": None}
    assert post(client, "inspections-api:sample-list", neither).status_code == 400


def test_rectify_and_close(world, client_as):
    found = inspection(world)
    today = timezone.localdate()
    finding = post(
        client_as("inspector_a"),
        "inspections-api:unit-findings",
        {"severity": "minor", "description": "台账不全", "found_on": today.isoformat()},
        args=[found.unit_inspection.pk],
    ).json()
    deadline = (today + timedelta(days=10)).isoformat()
    rectified = post(
        client_as("town_a_admin"),
        "inspections-api:finding-rectify",
        {"deadline": deadline},
        args=[finding["id"]],
    )
    assert (
        rectified.json()["status"] == "rectifying" and rectified.json()["rectification_deadline"] == deadline
    )
    closed = post(
        client_as("inspector_a"), "inspections-api:finding-close", {"comment": "到位"}, args=[finding["id"]]
    )
    assert closed.json()["status"] == "closed" and closed.json()["rectification_status"] == "done"


def test_a_finding_with_evidence_through_the_api(world, client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    found = inspection(world)
    client = client_as("inspector_a")
    data = {
        "severity": "minor",
        "description": "公开栏未更新",
        "found_on": timezone.localdate().isoformat(),
        "evidence": SimpleUploadedFile("公开栏.pdf", b"%PDF-1.4 test"),
    }
    response = client.post(reverse("inspections-api:unit-findings", args=[found.unit_inspection.pk]), data)
    assert response.status_code == 201 and response.json()["has_evidence"] is True
    data["evidence"] = SimpleUploadedFile("x.pdf", b"MZ not a pdf")
    refused = client.post(reverse("inspections-api:unit-findings", args=[found.unit_inspection.pk]), data)
    assert refused.status_code == 400 and "佐证材料" in refused.content.decode()
