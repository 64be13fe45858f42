"""The dashboard page, its .xlsx exports and the API: the same numbers everywhere, the subtree's only, and
a 404 for an organization whose subtree the user may not view."""

import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.dashboards.charts import all_charts

pytestmark = pytest.mark.django_db


def dashboard(world, key):
    return reverse("dashboards:dashboard", args=[world[key].pk])


def export(world, key, chart):
    return reverse("dashboards:chart_export", args=[world[key].pk, chart])


def page_data(response) -> dict:
    """The chart data the page hands to dashboards.js (its json_script block)."""
    block = r'<script id="dashboard-data" type="application/json">(.*?)</script>'
    found = re.search(block, response.text, re.S)
    return json.loads(found.group(1))


def test_index_opens_the_highest_organization(world, client_as):
    response = client_as("county_admin").get(reverse("dashboards:index"))
    assert response.status_code == 302
    assert response["Location"] == dashboard(world, "root")
    response = client_as("branch_a1_admin").get(reverse("dashboards:index"))
    assert response["Location"] == dashboard(world, "a1")


def test_the_picker_leads_only_to_organizations_in_scope(world, client_as):
    client = client_as("town_a_admin")
    response = client.get(reverse("dashboards:index"), {"organization": world["a2"].pk})
    assert response["Location"] == dashboard(world, "a2")
    assert client.get(reverse("dashboards:index"), {"organization": world["b1"].pk}).status_code == 404
    assert client.get(reverse("dashboards:index"), {"organization": "x"}).status_code == 404
    page = client.get(dashboard(world, "town_a")).text
    assert "A镇党委" in page and "B镇党委" not in page


def test_a_member_and_a_user_without_grant_have_no_dashboard(world, client_as):
    for role in ("member_a1", "nobody"):
        client = client_as(role)
        assert client.get(reverse("dashboards:index")).status_code == 403
        assert client.get(dashboard(world, "a1")).status_code == 404
        assert client.get(reverse("dashboards-api:dashboard", args=[world["a1"].pk])).status_code == 404


def test_page_carries_the_chart_data_and_no_inline_script(world, records, client_as):
    response = client_as("town_a_admin").get(dashboard(world, "town_a"))
    assert response.status_code == 200
    expected = {chart.key: chart.as_dict() for chart in all_charts(world["town_a"], timezone.localdate())}
    assert page_data(response) == json.loads(json.dumps(expected))
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert "style=" not in response.text
    assert "vendor/echarts/echarts.min.js" in response.text
    for key in expected:
        assert f'data-export-png="{key}"' in response.text
        assert export(world, "town_a", key) in response.text


def test_out_of_scope_organization_is_404_in_page_export_and_api(world, records, client_as):
    client = client_as("town_a_admin")
    assert client.get(dashboard(world, "b1")).status_code == 404
    assert client.get(dashboard(world, "root")).status_code == 404
    assert client.get(export(world, "b1", "members_age")).status_code == 404
    assert client.get(reverse("dashboards-api:dashboard", args=[world["b1"].pk])).status_code == 404
    assert client.get(reverse("dashboards-api:chart", args=[world["b1"].pk, "tasks"])).status_code == 404


def test_unknown_chart_is_404(world, client_as):
    client = client_as("town_a_admin")
    assert client.get(export(world, "a1", "ranking")).status_code == 404
    assert client.get(reverse("dashboards-api:chart", args=[world["a1"].pk, "ranking"])).status_code == 404


def test_xlsx_holds_the_charts_numbers(world, records, client_as):
    client = client_as("town_a_admin")
    today = timezone.localdate()
    for chart in all_charts(world["town_a"], today):
        response = client.get(export(world, "town_a", chart.key))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Cache-Control"] == "no-store"
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[0] == (rows[0][0], *(series.name for series in chart.series))
        body = rows[1 : 1 + len(chart.categories)]
        assert [row[0] for row in body] == chart.categories
        for i, series in enumerate(chart.series, 1):
            assert [row[i] for row in body] == series.data, chart.key
        notes = [row[0] for row in rows[1 + len(chart.categories) :] if row and row[0]]
        assert "党组织：A镇党委（含下级党组织）" in notes
        assert f"统计日期：{today:%Y-%m-%d}" in notes


def test_xlsx_of_members_by_age_band(world, records, client_as):
    response = client_as("town_a_admin").get(export(world, "town_a", "members_age"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("项目", "党员")
    assert sum(row[1] for row in rows[1:9]) == 3


def test_api_returns_the_same_charts(world, records, client_as):
    client = client_as("inspector_a")
    today = timezone.localdate()
    expected = json.loads(json.dumps([chart.as_dict() for chart in all_charts(world["town_a"], today)]))
    data = client.get(reverse("dashboards-api:dashboard", args=[world["town_a"].pk])).json()
    assert data["organization"] == world["town_a"].pk
    assert data["charts"] == expected
    members = next(h for h in data["headlines"] if h["key"] == "members.total")
    assert members["value"] == 3
    one = client.get(reverse("dashboards-api:chart", args=[world["town_a"].pk, "development"])).json()
    assert one["series"] == next(c for c in expected if c["key"] == "development")["series"]
    assert one["series"][0]["data"][0] == 2


def test_chart_links_lead_to_pages_that_open(world, records, client_as):
    """Each figure links to its records: every link of every chart answers 200 for the reader."""
    client = client_as("town_a_admin")
    links = set()
    for chart in all_charts(world["town_a"], timezone.localdate()):
        links.add(chart.link)
        for series in chart.series:
            links.update(series.links)
    links.discard("")
    assert len(links) > 10
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_page_query_count_does_not_grow_with_the_tree(world, records, client_as):
    """The root's page (every town, branch and record) costs what a branch's page costs."""
    client = client_as("county_admin")
    client.get(dashboard(world, "a2"))  # per-process caches (content types, activity types) filled
    counts = []
    for key in ("a1", "root"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(dashboard(world, key)).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 45, counts
