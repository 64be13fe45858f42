"""Organizational life pages: recording with attendance in two screens, votes flagged, cancelling, the
sign-in sheet, what is due, the heat map and its drill-down and export, rules, spot checks.

Who may open which page is the permission matrix (accounts/tests/test_scope.py); here, what they do.
"""

from datetime import date
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.activities.models import Activity, ActivityType, Rule, SpotCheck
from dangjian.activities.services import do_cancel_activity, do_record_activity
from dangjian.core.testing.matrix import new_activity

YEAR = 2025  # a whole past year: every period over, so verdicts are 达标 or 未达标


def kind(code: str) -> ActivityType:
    return ActivityType.objects.get(code=code)


def record(world, org: str, code: str = "general_meeting", day: date | None = None, **extra) -> Activity:
    extra.setdefault("theme", "学习党章")
    return do_record_activity(
        acting_user=None,
        organization=world[org],
        activity_type=kind(code),
        held_on=day or timezone.localdate(),
        **extra,
    )


def add_data(world, **changes) -> dict:
    return {**new_activity(world, "a1"), **changes}


def vote_data(**fields) -> dict:
    data = {"vote-TOTAL_FORMS": "1", "vote-INITIAL_FORMS": "0"}
    data.update({f"vote-0-{name}": value for name, value in fields.items()})
    return data


# --- recording -------------------------------------------------------------------------------------


def test_add_records_the_activity_and_opens_the_attendance_screen(world, client_as):
    response = client_as("branch_a1_admin").post(
        reverse("activities:activity_add"),
        add_data(world, host=world["zhang"].pk, place="村委会会议室", decisions="修缮活动室\n\n开展慰问"),
    )
    activity = Activity.objects.get(theme="学习党章")
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity_attendance", args=[activity.pk])
    assert (activity.expected_count, activity.present_count) == (2, 2)
    assert [d.text for d in activity.decisions.all()] == ["修缮活动室", "开展慰问"]
    assert activity.host == world["zhang"]


def test_the_form_offers_the_organizations_users_may_change_and_their_members(world, client_as):
    client = client_as("branch_a1_admin")
    form = client.get(reverse("activities:activity_add")).context["form"]
    assert set(form.fields["organization"].queryset) == {world["a1"], world["a1_group"]}
    assert form.initial["organization"] == world["a1"]  # the secretary's branch, preselected
    assert list(form.fields["host"].queryset) == [world["li"], world["zhang"]]
    # Changing the organization reloads the form (htmx) with that organization's members.
    form = client.get(reverse("activities:activity_add"), {"organization": world["a1_group"].pk}).context[
        "form"
    ]
    assert set(form.fields["recorder"].queryset) == {world["zhang"], world["li"]}
    assert 'hx-get="/activities/add/"' in str(form["organization"])


def test_a_host_from_another_branch_is_refused(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("activities:activity_add"), add_data(world, host=world["wang"].pk)
    )
    assert response.status_code == 200
    assert "host" in response.context["form"].errors
    assert Activity.objects.filter(theme="学习党章").exists() is False


def test_an_organization_outside_the_scope_is_not_offered(world, client_as):
    data = {**new_activity(world, "b1")}
    response = client_as("town_a_admin").post(reverse("activities:activity_add"), data)
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert Activity.objects.filter(organization=world["b1"]).exists() is False


def test_a_future_date_is_refused_with_the_services_message(world, client_as):
    data = add_data(world, held_on=date(timezone.localdate().year + 1, 1, 1).isoformat())
    response = client_as("branch_a1_admin").post(reverse("activities:activity_add"), data)
    assert response.status_code == 200
    assert "未召开的活动请先打印签到表" in response.content.decode()


def test_a_failing_vote_is_saved_and_flagged_in_red(world, client_as):
    client = client_as("branch_a1_admin")
    data = {
        **add_data(world),
        **vote_data(text="接收李四为预备党员", eligible=10, present_eligible=8, votes_for=5, votes_against=3),
    }
    response = client.post(reverse("activities:activity_add"), data, follow=True)
    decision = Activity.objects.get(theme="学习党章").decisions.get()
    assert decision.voted is True and decision.passed is False
    html = response.content.decode()
    assert "赞成票5票，未超过应到会有表决权党员10名的半数，决议未通过。" in html  # the warning message
    html = client.get(decision.activity.get_absolute_url()).content.decode()
    assert '<span class="badge text-bg-danger">未通过</span>' in html
    assert '<div class="small text-danger fw-bold">赞成票5票' in html


def test_a_passing_vote_shows_as_passed(world, client_as):
    client = client_as("branch_a1_admin")
    data = {**add_data(world), **vote_data(text="表彰张三丰", eligible=10, present_eligible=8, votes_for=6)}
    client.post(reverse("activities:activity_add"), data)
    activity = Activity.objects.get(theme="学习党章")
    assert (
        '<span class="badge text-bg-success">通过</span>'
        in client.get(activity.get_absolute_url()).content.decode()
    )


def test_impossible_vote_numbers_are_form_errors(world, client_as):
    data = {**add_data(world), **vote_data(text="表彰", eligible=5, present_eligible=6, votes_for=9)}
    response = client_as("branch_a1_admin").post(reverse("activities:activity_add"), data)
    assert response.status_code == 200
    assert response.context["votes"].forms[0].errors["present_eligible"] == [
        "实到会有表决权党员不能多于应到会有表决权党员。"  # Decision.clean's message
    ]
    assert Activity.objects.filter(theme="学习党章").exists() is False


def test_attendance_screen_marks_the_absent_with_a_reason_in_one_form(world, client_as):
    activity = record(world, "a1")
    client = client_as("branch_a1_admin")
    url = reverse("activities:activity_attendance", args=[activity.pk])
    form = client.get(url).context["form"]
    assert [row.member.name for row, _, _ in form.bound_rows()] == ["李四", "张三丰"]
    data = {
        f"absent_{world['li'].pk}": "sick",
        f"note_{world['li'].pk}": "住院",
        f"note_{world['zhang'].pk}": "x",
    }
    response = client.post(url, data, follow=True)
    activity.refresh_from_db()
    assert (activity.expected_count, activity.present_count) == (2, 1)
    rows = {row.member.name: (row.absence_reason, row.absence_note) for row in activity.attendance.all()}
    assert rows == {"李四": ("sick", "住院"), "张三丰": ("", "")}  # a note without a reason is dropped
    html = response.content.decode()
    assert "出席情况已保存：应到2人，实到1人。" in html
    assert "病假" in html and "出席率50%" in html
    # Saving again without a reason marks everyone present.
    client.post(url, {})
    activity.refresh_from_db()
    assert activity.present_count == 2


def test_a_named_activity_adds_its_participants_on_the_attendance_screen(world, client_as):
    activity = record(world, "a1", "heart_talk", theme="谈心谈话")
    assert activity.expected_count == 0
    client = client_as("branch_a1_admin")
    client.post(
        reverse("activities:activity_attendance", args=[activity.pk]),
        {"add_members": [world["zhang"].pk, world["li"].pk]},
    )
    activity.refresh_from_db()
    assert (activity.expected_count, activity.present_count) == (2, 2)


def test_cancel_keeps_the_record_with_its_reason_and_locks_it(world, client_as):
    activity = record(world, "a1")
    client = client_as("branch_a1_admin")
    response = client.post(reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "重复登记"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled and activity.cancel_reason == "重复登记"
    html = client.get(activity.get_absolute_url()).content.decode()
    assert "已作废" in html and "重复登记" in html
    assert reverse("activities:activity_attendance", args=[activity.pk]) not in html
    response = client.get(reverse("activities:activity_attendance", args=[activity.pk]))
    assert response.status_code == 302
    response = client.post(reverse("activities:activity_cancel", args=[activity.pk]), {"reason": "再次"})
    assert response.status_code == 200
    assert "该活动已作废。" in response.content.decode()


def test_cancel_needs_a_reason(world, client_as):
    activity = record(world, "a1")
    response = client_as("branch_a1_admin").post(reverse("activities:activity_cancel", args=[activity.pk]))
    assert response.status_code == 200
    assert Activity.objects.get(pk=activity.pk).is_cancelled is False


# --- the list ----------------------------------------------------------------------------------------


def test_list_filters_by_type_dates_and_subtree(world, client_as):
    record(world, "a1", day=date(YEAR, 3, 5), theme="三月大会")
    record(world, "a1", "party_lesson", day=date(YEAR, 4, 5), theme="四月党课")
    record(world, "a2", day=date(YEAR, 5, 5), theme="A2大会")
    record(world, "b1", day=date(YEAR, 5, 6), theme="B1大会")
    client = client_as("county_admin")

    def themes(**params):
        response = client.get(reverse("activities:activity_list"), params)
        return {a.theme for a in response.context["object_list"]}

    assert themes() == {"三月大会", "四月党课", "A2大会", "B1大会"}
    assert themes(organization=world["town_a"].pk) == {"三月大会", "四月党课", "A2大会"}
    assert themes(activity_type=kind("party_lesson").pk) == {"四月党课"}
    assert themes(held_after=f"{YEAR}-04-01", held_before=f"{YEAR}-05-05") == {"四月党课", "A2大会"}
    assert themes(organization="") == themes()  # the "全部" option


# --- the sign-in sheet -------------------------------------------------------------------------------


def test_sign_in_sheet_lists_the_expected_names_with_a_blank_signature_column(world, client_as):
    url = reverse("activities:activity_sheet", args=[world["a1"].pk])
    response = client_as("branch_a1_admin").get(url, {"activity_type": kind("general_meeting").pk})
    html = response.content.decode()
    assert [m.name for m in response.context["expected"]] == ["李四", "张三丰"]
    assert "A1村党支部支部党员大会签到表" in html
    assert "<td>张三丰</td><td></td>" in html
    assert "A1村党支部支部党员大会会议记录" in html
    assert "王五" not in html


def test_sign_in_sheet_of_a_committee_meeting_lists_the_committee(world, client_as):
    url = reverse("activities:activity_sheet", args=[world["a1"].pk])
    response = client_as("branch_a1_admin").get(url, {"activity_type": kind("committee_meeting").pk})
    assert [m.name for m in response.context["expected"]] == ["张三丰"]


# --- compliance pages --------------------------------------------------------------------------------


def theme_day_rule() -> Rule:
    return Rule.objects.get(owner=None, activity_type__code="theme_day")


def test_due_page_shows_this_month_and_quarter_with_days_left(world, client_as):
    response = client_as("branch_a1_admin").get(reverse("activities:compliance_due"))
    [(org, groups, can_change, summary)] = response.context["sections"]
    assert org == world["a1"] and can_change is True
    month = {item.cell.rule.name: item for item in groups["本月"] if item.cell.organization_id == org.pk}
    today = timezone.localdate()
    theme_day = month["每月开展1次主题党日"]
    assert theme_day.cell.verdict == "open"
    assert theme_day.days_left == (theme_day.cell.window.end - today).days
    assert "支部党员大会每季度至少召开1次" in {item.cell.rule.name for item in groups["本季度"]}
    html = response.content.decode()
    assert f"<strong>{theme_day.days_left}</strong>天" in html


def test_due_page_of_a_large_committee_sums_its_branches_up(world, client_as, monkeypatch):
    from dangjian.activities import views_compliance

    monkeypatch.setattr(views_compliance, "DUE_LIST_ORGANIZATIONS", 2)
    record(world, "a1", "theme_day", timezone.localdate())
    response = client_as("county_admin").get(reverse("activities:compliance_due"))
    [(org, groups, _, summary)] = response.context["sections"]
    assert org == world["root"]
    # Only the committee's own items are listed; its branches are counted per rule.
    assert {item.cell.organization_id for items in groups.values() for item in items} <= {org.pk}
    theme_day = next(row for row in summary if row.rule == theme_day_rule())
    assert (theme_day.met, theme_day.open + theme_day.missed) == (1, 2)  # A1 held it; A2 and B1 not yet
    assert "查看各组织" in response.content.decode()


def test_due_page_counts_an_activity_at_once(world, client_as):
    record(world, "a1", "theme_day")
    response = client_as("branch_a1_admin").get(reverse("activities:compliance_due"))
    [(_, groups, _, _)] = response.context["sections"]
    [item] = [i for i in groups["本月"] if i.cell.rule.name == "每月开展1次主题党日"]
    assert item.cell.verdict == "met"


def test_due_page_for_an_organization_outside_the_scope_is_not_found(world, client_as):
    url = reverse("activities:compliance_due")
    assert client_as("town_a_admin").get(url, {"organization": world["b1"].pk}).status_code == 404
    assert client_as("town_a_admin").get(url, {"organization": world["a2"].pk}).status_code == 200


def test_heat_map_shows_branches_by_month_and_ranks_the_misses(world, client_as):
    for month in (1, 2, 3):
        record(world, "a1", "theme_day", date(YEAR, month, 1))
    url = reverse("activities:compliance_matrix", args=[world["town_a"].pk])
    response = client_as("town_a_admin").get(url, {"year": YEAR, "rule": theme_day_rule().pk})
    columns, rows = response.context["columns"], response.context["rows"]
    assert columns[0] == f"{YEAR}年1月" and len(columns) == 12
    assert [org.name for org, _ in rows] == ["A1村党支部", "A2社区党支部"]
    a1_cells = rows[0][1]
    assert [c.cell.verdict for c in a1_cells[:4]] == ["met", "met", "met", "missed"]
    assert a1_cells[0].css == "text-bg-success" and a1_cells[3].css == "text-bg-danger"
    misses = response.context["misses"]
    assert misses[0][0] == world["a2"]  # a2 held nothing at all: most misses first
    assert misses[0][1] > {org: n for org, n, _ in misses}[world["a1"]]
    html = response.content.decode()
    assert 'class="text-center small text-bg-danger" title="未开展"' in html
    assert reverse("activities:compliance_detail", args=[world["a1"].pk]) in html


def test_heat_map_sums_up_each_child_pages_rows_and_filters_the_misses(world, client_as, monkeypatch):
    from dangjian.activities.views_compliance import ComplianceMatrixView

    for month in range(1, 13):
        record(world, "a1", "theme_day", date(YEAR, month, 1))
    url = reverse("activities:compliance_matrix", args=[world["root"].pk])
    client = client_as("county_admin")
    response = client.get(url, {"year": YEAR, "rule": theme_day_rule().pk})
    children = {child.organization.name: child for child in response.context["children"]}
    assert set(children) == {"A镇党委", "B镇党委"}
    # Every rule and period of the town and its branches: A1's twelve theme days are among A's met cells.
    town_a, town_b = children["A镇党委"], children["B镇党委"]
    assert town_a.met >= 12 and town_b.met == 0 and town_b.missed > 0 and town_b.rate == 0
    assert town_a.rate == town_a.met / (town_a.met + town_a.missed)
    assert [org.name for org, _ in response.context["rows"]] == ["A1村党支部", "A2社区党支部", "B1村党支部"]
    # Only the organizations with a missed period of the rule: A1 held every theme day.
    missed = client.get(url, {"year": YEAR, "rule": theme_day_rule().pk, "missed": "1"})
    assert [org.name for org, _ in missed.context["rows"]] == ["A2社区党支部", "B1村党支部"]
    monkeypatch.setattr(ComplianceMatrixView, "rows_per_page", 2)
    second = client.get(url, {"year": YEAR, "rule": theme_day_rule().pk, "page": 2})
    assert [org.name for org, _ in second.context["rows"]] == ["B1村党支部"]
    assert "第2/2页，共3个组织" in second.content.decode()


def test_heat_map_of_a_town_shows_nothing_of_the_other_town(world, client_as):
    url = reverse("activities:compliance_matrix", args=[world["town_a"].pk])
    response = client_as("town_a_admin").get(url, {"year": YEAR})
    names = {org.name for org, _ in response.context["rows"]} | {
        c.organization.name for c in response.context["children"]
    }
    assert names and not any(name.startswith("B") for name in names)
    other = reverse("activities:compliance_matrix", args=[world["town_b"].pk])
    assert client_as("town_a_admin").get(other, {"year": YEAR}).status_code == 404


def test_heat_map_offers_only_rules_that_apply(world, client_as):
    url = reverse("activities:compliance_matrix", args=[world["a1"].pk])
    response = client_as("branch_a1_admin").get(url, {"year": YEAR})
    names = {rule.name for rule in response.context["rules"]}
    assert "每月开展1次主题党日" in names and "党小组会每月至少召开1次" in names
    assert "民主生活会每年召开1次" not in names  # committees only
    assert "支部委员会会议每月至少召开1次" not in names  # A1 has no 支部委员会


def test_drill_down_links_the_counting_activities_and_says_why_others_do_not_count(world, client_as):
    counted = record(world, "a1", "theme_day", date(YEAR, 3, 1), theme="三月主题党日")
    cancelled = record(world, "a1", "theme_day", date(YEAR, 4, 1), theme="四月主题党日")
    do_cancel_activity(cancelled, reason="误录", acting_user=None)
    url = reverse("activities:compliance_detail", args=[world["a1"].pk])
    response = client_as("inspector_a").get(url, {"year": YEAR})
    groups = dict(response.context["groups"])
    rows = groups[theme_day_rule()]
    march, april = rows[2], rows[3]
    assert march[0].cell.verdict == "met" and [a for a, _ in march[1]] == [counted]
    assert april[0].cell.verdict == "missed" and april[1] == [] and april[0].reason == "未开展"
    html = response.content.decode()
    assert counted.get_absolute_url() in html
    assert cancelled.get_absolute_url() not in html


def test_a_failed_spot_check_shows_in_the_drill_down(world, client_as):
    checked = record(world, "a1", "theme_day", date(YEAR, 3, 1), theme="三月主题党日")
    client = client_as("town_a_admin")
    client.post(
        reverse("activities:spotcheck_add", args=[checked.pk]), {"result": "failed", "comment": "无会议记录"}
    )
    url = reverse("activities:compliance_detail", args=[world["a1"].pk])
    march = dict(client.get(url, {"year": YEAR}).context["groups"])[theme_day_rule()][2]
    assert march[0].cell.verdict == "missed"
    assert "抽查不合格" in march[0].reason
    assert march[1] == [(checked, ["抽查不合格"])]


def test_matrix_export_holds_every_cell_and_the_ranking(world, client_as):
    record(world, "a1", "theme_day", date(YEAR, 1, 1))
    url = reverse("activities:compliance_export", args=[world["town_a"].pk])
    response = client_as("town_a_admin").get(url, {"year": YEAR})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content), read_only=True)
    rows = list(book["合规明细"].iter_rows(values_only=True))
    assert rows[0][:5] == ("党组织", "组织编码", "制度", "周期", "结论")
    assert ("A1村党支部", "XW-A-01", "每月开展1次主题党日", f"{YEAR}年1月", "达标", 1, 1, None) in rows
    assert (
        "A2社区党支部",
        "XW-A-02",
        "每月开展1次主题党日",
        f"{YEAR}年1月",
        "未达标",
        0,
        0,
        "未开展",
    ) in rows
    assert {row[1] for row in rows[1:] if len(row) > 1} == {"XW-A-01", "XW-A-02", "XW-A-01-G1", "XW-A"}
    ranking = list(book["未达标统计"].iter_rows(values_only=True))
    assert ranking[1][0] == "A2社区党支部"


def test_compliance_index_opens_the_users_highest_organization(world, client_as):
    response = client_as("town_a_admin").get(reverse("activities:compliance_index"))
    assert response["Location"] == reverse("activities:compliance_matrix", args=[world["town_a"].pk])


# --- rules -------------------------------------------------------------------------------------------


def test_rules_page_lists_national_rules_with_their_sources(world, client_as):
    response = client_as("branch_a1_admin").get(reverse("activities:rule_list", args=[world["a1"].pk]))
    names = {rule.name for rule in response.context["rules"]}
    assert "每月开展1次主题党日" in names
    assert "党小组会每月至少召开1次" not in names  # applies to 党小组, not to the branch
    html = response.content.decode()
    assert "《中国共产党支部工作条例（试行）》第十六条" in html and "全国通用" in html
    assert reverse("activities:rule_add", args=[world["a1"].pk]) not in html  # not a tree manager


def rule_data(**changes) -> dict:
    data = {
        "name": "每月1日开展主题党日",
        "activity_type": kind("theme_day").pk,
        "organization_kinds": ["branch"],
        "period": "month",
        "min_count": 1,
        "fixed_day": 1,
        "tolerance_days": 2,
        "min_attendance_percent": "80",
        "valid_from": "2025-01-01",
        "source": "A镇党委〔2025〕1号",
    }
    data.update(changes)
    return data


def test_a_town_adds_a_stricter_local_rule_for_its_branches(world, client_as):
    client = client_as("town_a_admin")
    response = client.post(reverse("activities:rule_add", args=[world["town_a"].pk]), rule_data())
    assert response.status_code == 302
    rule = Rule.objects.get(name="每月1日开展主题党日")
    assert (rule.owner, str(rule.min_attendance_rate), rule.created_by) == (
        world["town_a"],
        "0.800",
        world.users["town_a_admin"],
    )
    response = client.get(reverse("activities:rule_list", args=[world["a1"].pk]))
    assert rule in response.context["rules"]
    assert "A镇党委〔2025〕1号" in response.content.decode()
    other = client_as("county_admin").get(reverse("activities:rule_list", args=[world["b1"].pk]))
    assert rule not in other.context["rules"]


def test_a_looser_local_rule_is_refused_with_the_services_message(world, client_as):
    response = client_as("town_a_admin").post(
        reverse("activities:rule_add", args=[world["town_a"].pk]),
        rule_data(period="quarter", fixed_day="", tolerance_days="0", min_attendance_percent=""),
    )
    assert response.status_code == 200
    assert "本级制度只能在上级规定基础上从严" in response.content.decode()
    assert Rule.objects.filter(name="每月1日开展主题党日").exists() is False


# --- spot checks -------------------------------------------------------------------------------------


def test_a_sample_is_reproducible_from_its_seed_and_checks_store_the_seed(world, client_as):
    for month in range(1, 7):
        record(world, "a1", "theme_day", date(YEAR, month, 1), theme=f"A1-{month}")
        record(world, "a2", "theme_day", date(YEAR, month, 1), theme=f"A2-{month}")
    record(world, "b1", "theme_day", date(YEAR, 1, 1), theme="B1")
    client = client_as("town_a_admin")
    url = reverse("activities:spotcheck_draw", args=[world["town_a"].pk])
    params = {
        "organization": world["town_a"].pk,
        "first": f"{YEAR}-01-01",
        "last": f"{YEAR}-12-31",
        "size": 4,
        "seed": "2025-xc",
    }
    sample = client.get(url, params).context["sample"]
    assert len(sample) == 4
    assert {a.organization for a in sample} == {world["a1"], world["a2"]}  # stratified, none from B1
    assert client.get(url, params).context["sample"] == sample
    by_rate = client.get(url, {**params, "size": "", "rate": "50"}).context["sample"]
    assert len(by_rate) == 6  # half of A镇's twelve
    assert "请填写抽取数量或抽取比例" in client.get(url, {**params, "rate": "50"}).content.decode()
    html = client.get(url, params).content.decode()
    assert "2025-xc" in html
    response = client.post(
        reverse("activities:spotcheck_add", args=[sample[0].pk]),
        {"result": "passed", "comment": "记录完整", "seed": "2025-xc", "next": f"{url}?seed=2025-xc"},
    )
    assert response["Location"] == f"{url}?seed=2025-xc"
    check = SpotCheck.objects.get()
    assert (check.activity, check.result, check.sample_seed, check.checked_by) == (
        sample[0],
        "passed",
        "2025-xc",
        world.users["town_a_admin"],
    )


def test_a_failed_check_needs_a_comment(world, client_as):
    activity = record(world, "a1")
    response = client_as("town_a_admin").post(
        reverse("activities:spotcheck_add", args=[activity.pk]), {"result": "failed"}, follow=True
    )
    assert "判定不合格须写明意见。" in response.content.decode()
    assert SpotCheck.objects.exists() is False


def test_spot_check_redirect_goes_nowhere_outside(world, client_as):
    activity = record(world, "a1")
    response = client_as("town_a_admin").post(
        reverse("activities:spotcheck_add", args=[activity.pk]),
        {"result": "passed", "next": "https://evil.example/"},
    )
    assert response["Location"] == activity.get_absolute_url()


# --- scope, in words (the whole grid is the permission matrix) --------------------------------------


def test_an_activity_outside_the_scope_is_not_found(world, client_as):
    outside = record(world, "b1")
    client = client_as("town_a_admin")
    assert client.get(outside.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("activities:activity_cancel", args=[outside.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert Activity.objects.get(pk=outside.pk).is_cancelled is False


def test_a_read_only_role_may_not_change(world, client_as):
    activity = record(world, "a1")
    client = client_as("inspector_a")
    assert client.get(activity.get_absolute_url()).status_code == 200
    assert client.post(reverse("activities:activity_attendance", args=[activity.pk])).status_code == 403
    assert client.get(reverse("activities:activity_add")).status_code == 403


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("activities:compliance_due"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_navigation_shows_organizational_life_and_compliance(world, client_as):
    html = client_as("branch_a1_admin").get(reverse("activities:activity_list")).content.decode()
    assert ">组织生活</a>" in html and ">合规情况</a>" in html
    html = client_as("inspector_a").get(reverse("activities:activity_list")).content.decode()
    assert ">组织生活</a>" in html and ">合规情况</a>" not in html


def test_a_theme_day_gets_the_theme_published_from_above(world, client_as):
    from dangjian.activities.extensions.services import do_publish_theme_notice

    today = timezone.localdate()
    do_publish_theme_notice(
        acting_user=None,
        organization=world["town_a"],
        month=today,
        title="学习贯彻全会精神",
        document_number="A党〔2026〕8号",
    )
    client = client_as("branch_a1_admin")
    params = {"organization": world["a1"].pk, "activity_type": kind("theme_day").pk, "theme": ""}
    form = client.get(reverse("activities:activity_add"), params).context["form"]
    assert (form.initial["theme"], form.initial["notice"]) == ("学习贯彻全会精神", "A镇党委A党〔2026〕8号")
    # What the secretary typed stays; other types get no theme.
    form = client.get(reverse("activities:activity_add"), {**params, "theme": "自拟主题"}).context["form"]
    assert form.initial["theme"] == "自拟主题"
    params["activity_type"] = kind("party_lesson").pk
    assert "theme" not in client.get(reverse("activities:activity_add"), params).context["form"].initial
