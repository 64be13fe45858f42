"""The activities API: scoped like the UI, records through the service, rules and compliance results."""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dangjian.activities.models import Activity, ActivityType, Rule
from dangjian.activities.services import do_create_rule, do_record_activity
from dangjian.audit.models import AuditEvent
from dangjian.core.testing.matrix import new_activity

LIST = "activities-api:activity-list"
RULES = "activities-api:rule-list"
COMPLIANCE = "activities-api:compliance-list"


def record(world, org, code="general_meeting", day=date(2025, 3, 5), **extra):
    extra.setdefault("theme", "学习党章")
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=ActivityType.objects.get(code=code),
        held_on=day,
        **extra,
    )


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_list_filters_by_subtree_type_and_dates(world, client_as):
    record(world, "a1", theme="A1大会")
    record(world, "a1", "party_lesson", date(2025, 4, 1), theme="A1党课")
    record(world, "a2", day=date(2025, 6, 1), theme="A2大会")
    record(world, "b1", theme="B1大会")
    client = client_as("county_admin")

    def themes(**params):
        return {row["theme"] for row in client.get(reverse(LIST), params).json()["results"]}

    assert themes(organization=world["town_a"].pk) == {"A1大会", "A1党课", "A2大会"}
    assert themes(activity_type=ActivityType.objects.get(code="party_lesson").pk) == {"A1党课"}
    assert themes(held_after="2025-04-01", held_before="2025-06-30") == {"A1党课", "A2大会"}
    assert themes(organization=world["a1"].pk, held_before="2025-03-31") == {"A1大会"}


def test_detail_nests_attendance_decisions_and_flags_a_failed_vote(world, client_as):
    activity = record(
        world,
        "a1",
        day=timezone.localdate(),
        absent={world["li"].pk: ("personal", "外出务工")},
        decisions=[{"text": "表彰", "voted": True, "eligible": 4, "present_eligible": 2, "votes_for": 2}],
    )
    row = client_as("inspector_a").get(reverse("activities-api:activity-detail", args=[activity.pk])).json()
    assert (row["expected_count"], row["present_count"], row["attendance_rate"]) == (2, 1, "0.5000")
    absent = [a for a in row["attendance"] if not a["present"]]
    assert absent == [
        {
            "member": world["li"].pk,
            "member_name": "李四",
            "present": False,
            "absence_reason": "personal",
            "absence_reason_display": "事假",
            "absence_note": "外出务工",
            "checked_in_at": None,
        }
    ]
    [decision] = row["decisions"]
    assert decision["passed"] is False
    assert decision["vote_problems"][0].startswith("到会有表决权党员2名，未超过应到会4名的半数")


def test_create_records_through_the_service_with_absentees(world, client_as):
    data = {
        **new_activity(world, "a1", api=True),
        "host": world["zhang"].pk,
        "absent": [{"member": world["li"].pk, "absence_reason": "sick"}],
        "decisions": [{"text": "修缮活动室"}],
    }
    response = post(client_as("branch_a1_admin"), reverse(LIST), data)
    assert response.status_code == 201, response.json()
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.expected_count, activity.present_count) == (2, 1)
    assert response.json()["decisions"][0]["text"] == "修缮活动室"
    assert AuditEvent.objects.for_object(activity).get(action="create").username == "branch_a1_admin"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"absent": [{"member": 0, "absence_reason": "holiday"}]}, "absent"),
        ({"activity_type": "no_such_type"}, "activity_type"),
        ({"held_on": "2099-01-01"}, "held_on"),
    ],
)
def test_bad_input_is_400_with_the_field(world, client_as, changes, field):
    data = {**new_activity(world, "a1", api=True), **changes}
    response = post(client_as("branch_a1_admin"), reverse(LIST), data)
    assert response.status_code == 400
    assert field in response.json()


def test_a_host_from_another_branch_is_400(world, client_as):
    data = {**new_activity(world, "a1", api=True), "host": world["wang"].pk}
    response = post(client_as("town_a_admin"), reverse(LIST), data)
    assert response.status_code == 400
    assert response.json() == {"host": ["须为该党组织的党员。"]}


def test_create_outside_the_scope_is_403_and_writes_nothing(world, client_as):
    response = post(client_as("town_a_admin"), reverse(LIST), new_activity(world, "b1", api=True))
    assert response.status_code == 403
    assert Activity.objects.filter(organization=world["b1"]).exists() is False


def test_rules_are_national_and_those_set_on_the_users_part_of_the_tree(world, client_as):
    theme_day = ActivityType.objects.get(code="theme_day")
    fields = {
        "activity_type": theme_day,
        "organization_kinds": ["branch"],
        "period": "month",
        "min_count": 2,
        "valid_from": date(2025, 1, 1),
        "source": "镇党委文件",
    }
    town_a = do_create_rule(acting_user=None, owner=world["town_a"], name="A镇主题党日每月2次", **fields)
    town_b = do_create_rule(acting_user=None, owner=world["town_b"], name="B镇主题党日每月2次", **fields)
    client = client_as("branch_a1_admin")
    rows = client.get(reverse(RULES)).json()["results"]
    ids = {row["id"] for row in rows}
    assert town_a.pk in ids and town_b.pk not in ids
    assert {r.pk for r in Rule.objects.filter(owner=None)} <= ids
    national = next(row for row in rows if row["name"] == "每月开展1次主题党日")
    assert national["source"] == "《中国共产党支部工作条例（试行）》第十六条"
    assert national["owner"] is None and national["organization_kinds"] == [
        "branch",
        "joint_branch",
        "temporary_branch",
    ]
    applying = client.get(reverse(RULES), {"organization": world["a1_group"].pk}).json()["results"]
    assert [row["name"] for row in applying] == ["党小组会每月至少召开1次"]
    assert client_as("nobody").get(reverse(RULES)).json()["results"] == []


def test_compliance_results_for_a_subtree_and_months(world, client_as):
    record(world, "a1", "theme_day", date(2025, 2, 1))
    client = client_as("town_a_admin")
    params = {"organization": world["a1"].pk, "from": "2025-01", "to": "2025-03"}
    response = client.get(reverse(COMPLIANCE), params)
    assert response.status_code == 200
    rows = response.json()["results"]
    theme_days = {r["period"]: r for r in rows if r["rule"] == "每月开展1次主题党日"}
    assert theme_days["2025年2月"]["verdict"] == "met" and theme_days["2025年2月"]["counted"] == 1
    assert theme_days["2025年1月"]["verdict"] == "missed" and theme_days["2025年1月"]["reason"] == "未开展"
    assert {r["organization"] for r in rows} == {"XW-A-01", "XW-A-01-G1"}


def test_compliance_pages_are_the_cells_in_tree_rule_period_order(world, client_as):
    from dangjian.accounts.scope import get_scope
    from dangjian.activities import compliance, reporting

    record(world, "a1", "theme_day", date(2025, 2, 1))
    client, user = client_as("county_admin"), world.users["county_admin"]
    params = {"organization": world["root"].pk, "from": "2025-01", "to": "2025-12"}
    rows, pages, url = [], 0, reverse(COMPLIANCE) + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    while url:
        page = client.get(url).json()
        rows, pages, url = rows + page["results"], pages + 1, page["next"]
    matrix = compliance.compute(world["root"], date(2025, 1, 1), date(2025, 12, 1))
    expected = reporting.cell_rows(matrix, reporting.visible_cells(matrix, get_scope(user)))
    assert rows == expected and pages > 1
    lazy = reporting.CellRows(matrix, reporting.visible_ids(matrix, get_scope(user)))
    assert (lazy[-1], lazy[3:5], len(lazy)) == (expected[-1], expected[3:5], len(expected))


def test_compliance_defaults_to_the_users_organization_and_this_year(world, client_as):
    rows = client_as("branch_a1_admin").get(reverse(COMPLIANCE)).json()["results"]
    assert {r["organization"] for r in rows} <= {"XW-A-01", "XW-A-01-G1"}
    assert {r["period_start"][:4] for r in rows} == {str(timezone.localdate().year)}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2025-1x"}, "月份格式应为 YYYY-MM（如 2025-03），收到：2025-1x"),
        ({"from": "2025-06", "to": "2025-01"}, "起始月份不能晚于结束月份。"),
        ({"from": "2020-01", "to": "2025-01"}, "一次最多查询36个月。"),
    ],
)
def test_compliance_refuses_bad_months_in_chinese(world, client_as, params, message):
    response = client_as("county_admin").get(reverse(COMPLIANCE), {"to": "2025-12", **params})
    assert response.status_code == 400
    assert response.json() == {"detail": message}


def test_compliance_of_an_organization_outside_the_scope_is_404(world, client_as):
    response = client_as("town_a_admin").get(reverse(COMPLIANCE), {"organization": world["b1"].pk})
    assert response.status_code == 404


def test_the_schema_describes_the_activities_api(world, client_as):
    schema = client_as("county_admin").get(reverse("api-schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/activities/rules/",
        "/api/v1/activities/compliance/",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/activities/"]
    assert "delete" not in schema["paths"]["/api/v1/activities/{id}/"]
