"""/api/v1/targets/: create, add indicators, issue, decompose, roll-up, e-confirm, evaluate; scope."""

import json
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.targets.models import Target

from .factories import YEAR, make_target
from .test_services import PDF

API = "/api/v1/targets/"


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_create_issue_decompose_rollup_and_evaluate(world, client_as):
    town = client_as("town_a_admin")
    response = post(
        town, f"{API}targets/", {"organization": world["town_a"].pk, "year": YEAR, "title": "目标"}
    )
    assert response.status_code == 201, response.json()
    target = response.json()["id"]
    indicator = {
        "target": target,
        "name": "主题党日",
        "unit": "次",
        "comparison": "gte",
        "target_value": "4",
        "points": "20",
        "source_kind": "computed",
        "source_key": "theme_days",
    }
    response = post(town, f"{API}indicators/", indicator)
    assert response.status_code == 201 and response.json()["source_url"].startswith("/activities/")
    refused = post(town, f"{API}indicators/", {**indicator, "name": "坏口径", "source_key": "nothing"})
    assert refused.status_code == 400 and "计算口径" in json.dumps(refused.json(), ensure_ascii=False)
    assert post(town, f"{API}targets/{target}/issue/", {}).status_code == 200
    parent_indicator = Target.objects.get(pk=target).indicators.get().pk
    values = [{"indicator": parent_indicator, "organization": world["a2"].pk, "value": "2"}]
    response = post(town, f"{API}targets/{target}/decompose/", {"values": values})
    assert response.status_code == 201 and len(response.json()) == 2
    assert sorted(row["indicators"][0]["target_value"] for row in response.json()) == ["2.00", "4.00"]
    assert all(row["indicators"][0]["parent"] for row in response.json())
    rollup = town.get(f"{API}targets/{target}/rollup/").json()
    assert len(rollup["children"]) == 2
    assert rollup["indicators"][0]["target_total"] == "6.00" and rollup["indicators"][0]["count"] == 2

    child = Target.objects.get(parent_id=target, organization=world["a1"])
    branch = client_as("branch_a1_admin")
    refused = post(town, f"{API}commitments/", {"target": child.pk, "kind": "responsibility"})
    assert refused.status_code == 403
    assert (
        post(branch, f"{API}commitments/", {"target": child.pk, "kind": "responsibility"}).status_code == 201
    )
    scan = SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")
    response = branch.post(f"{API}commitments/", {"target": child.pk, "kind": "pledge", "file": scan})
    assert response.status_code == 201 and response.json()["method"] == "upload"

    assert (
        post(branch, f"{API}evaluations/", {"target": child.pk, "evaluated_on": "2025-12-30"}).status_code
        == 403
    )
    response = post(town, f"{API}evaluations/", {"target": child.pk, "evaluated_on": str(date(YEAR, 12, 30))})
    assert response.status_code == 201
    assert response.json()["scores"][0]["actual_value"] == "0.00" and response.json()["grade"] == "fail"
    children = town.get(f"{API}targets/{target}/rollup/").json()["children"]
    assert {row["id"]: row["evaluation"] for row in children}[child.pk]["grade"] == "fail"


def test_lists_are_scoped_and_filtered(world, client_as):
    make_target(world, "a1", by="town_a")
    make_target(world, "b1", by="town_b")
    rows = client_as("town_a_admin").get(f"{API}targets/", {"year": YEAR}).json()["results"]
    assert [row["organization"] for row in rows] == [world["a1"].pk]
    assert (
        client_as("county_admin").get(f"{API}targets/", {"organization": world["town_b"].pk}).json()["count"]
        == 1
    )
    assert client_as("member_a1").get(f"{API}targets/").json()["count"] == 0
    outside = Target.objects.get(organization=world["b1"])
    assert client_as("town_a_admin").get(f"{API}targets/{outside.pk}/").status_code == 404
    assert client_as("town_a_admin").get(f"{API}targets/{outside.pk}/rollup/").status_code == 404
    indicators = (
        client_as("county_admin").get(f"{API}indicators/", {"organization": world["town_a"].pk}).json()
    )
    assert indicators["count"] == 1
