"""The pages, the .xlsx export, the comparison and the API: figures, tracing, scope, bad input."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.members.choices import MemberStatus
from dangjian.members.services import do_change_member_status
from dangjian.statistics.compare import Change, compare_tables
from dangjian.statistics.engine import TABLE_KEYS

from .helpers import assert_adds_up
from .test_engine import person

pytestmark = pytest.mark.django_db

DAY = {"date": "2025-12-31"}


@pytest.fixture
def records(world):
    """Town A on 31 December 2025: 张三丰, 王五 and three more; one of them leaves in 2026."""
    person(world, "a1", "甲", date(1994, 12, 31), date(2020, 1, 1), sex="female", education="bachelor")
    person(world, "a2", "乙", date(1950, 1, 1), date(1975, 1, 1), category="retired")
    gone = person(world, "a2", "丙", date(1960, 6, 1), date(1985, 1, 1))
    do_change_member_status(
        gone, status=MemberStatus.LEFT, changed_on=date(2026, 3, 1), reason="自行脱党", acting_user=None
    )
    return world


def test_tables_page_shows_every_table_with_chinese_headers_and_links_to_the_records(records, client_as):
    client = client_as("town_a_admin")
    page = client.get(reverse("statistics:tables", args=[records["town_a"].pk]), DAY)
    assert page.status_code == 200
    text = page.content.decode()
    for title in ("党员数量变化情况", "党组织基本情况", "党员基本情况", "党员年龄情况", "党员入党时间情况"):
        assert title in text
    assert '<th scope="col" colspan="8" rowspan="1">年龄</th>' in text
    assert "按组织关系所在党组织统计" in text
    tables = {item["table"].key: item for item in page.context["tables"]}
    total_row = tables["members"]["rows"][0]
    assert total_row["cells"][0]["value"] == 5
    cell = client.get(total_row["cells"][0]["url"])
    assert cell.status_code == 200
    assert cell.context["total"] == 5
    names = {m.name for m in cell.context["page"]}
    assert names == {"张三丰", "王五", "甲", "乙", "丙"}
    # one table alone; a table that does not exist is a 400, as is a wrong date
    url = reverse("statistics:tables", args=[records["town_a"].pk])
    assert [i["table"].key for i in client.get(url, {**DAY, "table": "age"}).context["tables"]] == ["age"]
    assert client.get(url, {"table": "nonsense"}).status_code == 400
    assert client.get(url, {"date": "2025-02-30"}).status_code == 400
    assert client.get(url, {"date": "2025-06-30", "start": "2025-07-01"}).status_code == 400


def test_cell_page_lists_exactly_the_counted_members(records, client_as):
    client = client_as("county_admin")
    url = reverse("statistics:cell", args=[records["town_a"].pk])
    age = client.get(url, {**DAY, "table": "age", "row": "total", "column": "age:age_31"})
    assert {m.name for m in age.context["page"]} == {"甲"}  # 31 on 31 December 2025
    retired = client.get(url, {**DAY, "table": "members", "row": "retired", "column": "total"})
    assert {m.name for m in retired.context["page"]} == {"王五", "乙"}
    assert client.get(url, {**DAY, "table": "training", "column": "hours"}).status_code == 400
    assert client.get(url, {**DAY, "table": "members", "row": "nonsense"}).status_code == 400


def test_xlsx_has_one_sheet_per_table_with_merged_headers_and_the_values(records, client_as):
    client = client_as("town_a_admin")
    response = client.get(reverse("statistics:export", args=[records["town_a"].pk]), DAY)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == len(TABLE_KEYS)
    sheet = workbook["表3党员基本情况"]
    assert sheet["A1"].value == "表3　党员基本情况"
    assert sheet["A3"].value == "职业"
    assert sheet["B3"].value == "党员总数"
    assert "C3:D3" in {str(r) for r in sheet.merged_cells.ranges}  # 党员类别 over 正式/预备
    assert (sheet["C3"].value, sheet["C4"].value, sheet["D4"].value) == ("党员类别", "正式党员", "预备党员")
    assert sheet["A5"].value == "总计" and sheet["B5"].value == 5
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]}
    assert rows["离退休人员"] == 2
    balance = workbook["表1党员数量变化情况"]
    assert balance["B3"].value.startswith("期初党员数")


def test_compare_two_dates_gives_change_and_rate(records, client_as):
    tables = {
        c.table.key: c for c in compare_tables(records["town_a"], date(2025, 12, 31), date(2026, 6, 30))
    }
    members = tables["members"]
    assert_adds_up(members.table)
    # 5 on the roll at the end of 2025; 李四 joined and 丙 left in 2026: 5 again, 0 change
    change = members.change("total", "total")
    assert (change.before, change.after, change.change, change.rate) == (5, 5, 0, 0)
    probationary = members.change("total", "status:probationary")
    assert (probationary.before, probationary.after, probationary.rate) == (0, 1, None)
    assert Change(4, 5).rate == 25 and Change(3, 2).rate.to_eng_string() == "-33.3"
    client = client_as("town_a_admin")
    url = reverse("statistics:compare", args=[records["town_a"].pk])
    page = client.get(url, {"date_a": "2025-12-31", "date_b": "2026-06-30"})
    assert page.status_code == 200
    assert "增减率" in page.content.decode()
    export = client.get(url, {"date_a": "2025-12-31", "date_b": "2026-06-30", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content))["表3党员基本情况"]
    assert sheet["B5"].value == "5（+0，+0.0%）"


def test_api_tables_and_comparison(records, client_as):
    client = client_as("town_a_admin")
    url = reverse("statistics-api:tables", args=[records["town_a"].pk])
    data = client.get(url, {**DAY, "table": ["members", "balance"]}).json()
    assert data["date"] == "2025-12-31" and data["basis"] == "按组织关系所在党组织统计"
    assert [t["key"] for t in data["tables"]] == ["balance", "members"]
    members = data["tables"][1]
    assert members["columns"][0] == {"key": "total", "label": "党员总数", "group": ""}
    assert members["rows"][0]["label"] == "总计" and members["rows"][0]["values"][0] == 5
    assert client.get(url, {"date": "nonsense"}).status_code == 400
    compare = client.get(
        reverse("statistics-api:compare", args=[records["town_a"].pk]),
        {"date_a": "2025-12-31", "date_b": "2026-06-30", "table": "members"},
    ).json()
    first = compare["tables"][0]["rows"][0]["values"][0]
    assert first == {"before": 5, "after": 5, "change": 0, "rate": 0.0}


def test_out_of_scope_is_404_in_pages_and_api(records, client_as):
    town_b = records["town_b"].pk
    client = client_as("town_a_admin")
    for name in ("statistics:tables", "statistics:export", "statistics:compare", "statistics:cell"):
        assert client.get(reverse(name, args=[town_b])).status_code == 404
    for name in ("statistics-api:tables", "statistics-api:compare"):
        assert client.get(reverse(name, args=[town_b])).status_code == 404
    # a 党员 reads no statistics, not even of the own branch; without a grant the index is refused
    member = client_as("member_a1")
    assert member.get(reverse("statistics:tables", args=[records["a1"].pk])).status_code == 404
    assert member.get(reverse("statistics:index")).status_code == 403
    # the index offers only organizations in scope, and sends the choice to the tables
    index = client.get(reverse("statistics:index"))
    assert {o.pk for o in index.context["organizations"]} == {records[k].pk for k in ("town_a", "a1", "a2")}
    chosen = client.get(reverse("statistics:index"), {"organization": records["a1"].pk, "date": "2025-12-31"})
    assert chosen.status_code == 302 and "date=2025-12-31" in chosen["Location"]


def test_a_past_member_now_outside_the_readers_scope_is_counted_but_not_listed(records, client_as):
    from dangjian.members.services import TransferMember

    moved = person(records, "a1", "调走", date(1980, 1, 1), date(2005, 1, 1))
    TransferMember(moved, None, date(2026, 2, 1), to_organization=records["b1"]).execute()
    client = client_as("town_a_admin")
    cell = client.get(reverse("statistics:cell", args=[records["town_a"].pk]), DAY)
    assert cell.context["total"] == 6
    assert cell.context["hidden"] == 1
    assert "调走" not in {m.name for m in cell.context["page"]}
