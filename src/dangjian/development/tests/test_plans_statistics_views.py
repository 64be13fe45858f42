"""The plan and statistics pages, the .xlsx export and the API: the hand-built figures, scope, the period."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.development.models import DevelopmentPlan

from .test_statistics import figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_statistics_page_and_export(world, client_as, figures):  # noqa: F811
    client = client_as("town_a_admin")
    url = reverse("development:statistics", args=[world["town_a"].pk])
    page = client.get(url, {"year": "2025"})
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "发展党员 <strong>4</strong> 名，其中女性 2 名，少数民族 1 名，35岁及以下 3 名，大专及以上学历 2 名"
        in text
    )
    export = client.get(url, {"start": "2025-01-01", "end": "2025-12-31", "format": "xlsx"})
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert ("合计", "发展党员", 4) in rows
    assert ("年龄（审批时）", "≥61", 1) in rows
    assert ("民族", "蒙古族", 1) in rows
    assert client.get(url, {"start": "2025-13-01"}).status_code == 400
    assert client.get(url, {"start": "2025-12-01", "end": "2025-01-01"}).status_code == 400
    # out of scope: B镇 is a 404 for A镇's administrator, and a 党员 reads no statistics
    assert client.get(reverse("development:statistics", args=[world["town_b"].pk])).status_code == 404
    assert (
        client_as("member_a1").get(reverse("development:statistics", args=[world["a1"].pk])).status_code
        == 404
    )


def test_statistics_api(world, client_as, figures):  # noqa: F811
    client = client_as("branch_a1_admin")
    data = client.get(reverse("development-api:statistics", args=[world["a1"].pk]), {"year": "2025"}).json()
    assert data["admissions"] == {"total": 2, "women": 1, "young": 2, "college": 2, "minority": 1}
    assert {"label": "31–35", "count": 1} in data["by_age_band"]
    assert [p["actual"]["total"] for p in data["plans"]] == [2]
    assert client.get(reverse("development-api:statistics", args=[world["town_a"].pk])).status_code == 404


def test_plan_list_page_and_api(world, client_as, figures):  # noqa: F811
    page = client_as("county_admin").get(reverse("development:plan_list"), {"year": "2025"})
    assert page.status_code == 200
    assert [row.actual["total"] for row in page.context["rows"]] == [4, 2]
    assert (
        client_as("branch_a1_admin")
        .get(reverse("development:plan_list"), {"year": "2025"})
        .context["rows"][0]
        .plan.organization
        == world["a1"]
    )
    api = client_as("town_a_admin")
    listed = api.get(reverse("development-api:plan-list"), {"year": "2025"}).json()
    results = listed["results"] if isinstance(listed, dict) else listed
    assert sorted(p["actual"]["total"] for p in results) == [2, 4]
    made = api.post(
        reverse("development-api:plan-list"),
        data=json.dumps({"organization": world["a2"].pk, "year": 2026, "total": 1, "women": 2}),
        content_type="application/json",
    )
    assert made.status_code == 400
    assert "其中女性（2）不能多于计划总数（1）" in made.content.decode()
    outside = api.post(
        reverse("development-api:plan-list"),
        data=json.dumps({"organization": world["b1"].pk, "year": 2026, "total": 1}),
        content_type="application/json",
    )
    assert outside.status_code == 404
    assert not DevelopmentPlan.objects.filter(year=2026).exists()


def test_set_a_plan_on_the_page(world, client_as):
    client = client_as("branch_a1_admin")
    response = client.post(
        reverse("development:plan_set"),
        {"organization": world["a1"].pk, "year": 2026, "total": 3, "young": 2},
    )
    assert response.status_code == 302
    plan = DevelopmentPlan.objects.get(organization=world["a1"], year=2026)
    assert (plan.total, plan.young, plan.women) == (3, 2, None)
    refused = client.post(
        reverse("development:plan_set"),
        {"organization": world["a1"].pk, "year": 2026, "total": 1, "young": 2},
    )
    assert refused.status_code == 200
    assert "其中35岁及以下（2）不能多于计划总数（1）" in refused.content.decode()
