"""The pages at work: the team records at its unit; the summary counts the records; the exports hold the
figures; an inspector sees its units only. (Who may open which page: the permission matrix.)"""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from dangjian.inspections import services
from dangjian.inspections.models import ChecklistResult, Finding, InspectionPlan, Interview, UnitInspection
from dangjian.inspections.summary import summarize

from .factories import inspection


def test_the_team_records_at_its_unit_through_the_page(world, client_as):
    found = inspection(world)
    client = client_as("nobody")
    unit_url = reverse("inspections:unit_detail", args=[found.unit_inspection.pk])
    page = client.get(unit_url).content.decode()
    assert "保存检查结果" in page and "三会一课记录是否完整" in page
    today = timezone.localdate().isoformat()
    client.post(
        reverse("inspections:result_save", args=[found.unit_inspection.pk]),
        {f"score_{found.item.pk}": "7.5", f"remark_{found.item.pk}": "缺少2次支委会记录"},
    )
    assert ChecklistResult.objects.get().score == Decimal("7.5")
    response = client.post(
        reverse("inspections:result_save", args=[found.unit_inspection.pk]), {f"score_{found.item.pk}": "12"}
    )
    assert "不能超过该项分值" in client.get(response["Location"]).content.decode()
    client.post(
        reverse("inspections:interview_add", args=[found.unit_inspection.pk]),
        {"kind": "individual", "held_on": today, "participants": "3", "summary": "个别访谈党员"},
    )
    client.post(
        reverse("inspections:finding_add", args=[found.unit_inspection.pk]),
        {"severity": "grave", "description": "未按期换届", "found_on": today},
    )
    assert Interview.objects.get().participants == 3
    assert Finding.objects.get().severity == "grave"
    # The unit's own administrator reads the page without the forms, and may not post.
    admin = client_as("branch_a1_admin")
    assert "保存检查结果" not in admin.get(unit_url).content.decode()
    response = admin.post(reverse("inspections:finding_add", args=[found.unit_inspection.pk]), {})
    assert response.status_code == 302  # the form's own errors come first
    response = admin.post(
        reverse("inspections:finding_add", args=[found.unit_inspection.pk]),
        {"severity": "grave", "description": "x", "found_on": today},
    )
    assert response.status_code == 403


def test_an_inspector_sees_its_units_only(world, client_as):
    found = inspection(world, members=("nobody",))
    second = services.do_create_team(
        found.plan, acting_user=None, name="第二督导组", leader=world["sysadmin"]
    )
    services.do_assign_unit(second, world["a2"], acting_user=None)
    client = client_as("nobody")
    mine = client.get(reverse("inspections:my_units")).content.decode()
    assert "A1村党支部" in mine and "A2社区党支部" not in mine
    detail = client.get(found.plan.get_absolute_url()).content.decode()
    assert "A1村党支部" in detail and "A2社区党支部" not in detail
    summary = client.get(reverse("inspections:summary", args=[found.plan.pk])).content.decode()
    assert "A2社区党支部" not in summary
    a2 = UnitInspection.objects.get(plan=found.plan, unit=world["a2"])
    assert client.get(a2.get_absolute_url()).status_code == 404
    # When the plan ends early, nothing is left.
    services.do_close_plan(found.plan, acting_user=None)
    assert client.get(found.unit_inspection.get_absolute_url()).status_code == 404
    assert client.get(found.plan.get_absolute_url()).status_code == 404


def records(world):
    """Two units, each with results, interviews and findings of known counts."""
    found = inspection(world)
    plan = found.plan
    second = services.do_create_team(plan, acting_user=None, name="第二督导组", leader=world["sysadmin"])
    services.do_assign_unit(second, world["a2"], acting_user=None)
    a2 = UnitInspection.objects.get(plan=plan, unit=world["a2"])
    extra = services.do_add_checklist_item(
        plan, acting_user=None, group="visit", content="走访党员群众", max_points=Decimal("5")
    )
    today = timezone.localdate()
    a1 = found.unit_inspection
    services.do_record_result(a1, found.item, acting_user=None, score=Decimal("8"))
    services.do_record_result(a1, extra, acting_user=None, score=Decimal("4.5"))
    services.do_record_result(a2, found.item, acting_user=None, score=Decimal("10"))
    for unit, participants in ((a1, 12), (a1, 2), (a2, 7)):
        services.do_record_interview(
            unit, acting_user=None, kind="group", held_on=today, participants=participants
        )
    for unit, severity in ((a1, "grave"), (a1, "minor"), (a1, "minor"), (a2, "serious")):
        services.do_record_finding(
            unit, acting_user=None, severity=severity, description="问题", found_on=today
        )
    serious = services.do_issue_rectification(
        Finding.objects.get(severity="serious"), acting_user=None, deadline=today + timedelta(days=9)
    )
    services.do_close_finding(serious, acting_user=None)
    return plan


def test_summary_figures_are_counts_of_the_records(world):
    plan = records(world)
    summary = summarize(plan, UnitInspection.objects.all())
    assert summary.total.units == 2 and summary.items_total == 2 and summary.max_score == Decimal("15")
    assert summary.total.items_checked == ChecklistResult.objects.count() == 3
    assert summary.total.interviews == Interview.objects.count() == 3
    assert summary.total.participants == 21
    assert summary.total.findings == Finding.objects.count() == 4
    assert summary.total.by_severity == {"minor": 2, "serious": 1, "grave": 1}
    assert (summary.total.closed, summary.total.open) == (1, 3)
    a1, a2 = summary.units
    assert (a1.figures.score, a2.figures.score) == (Decimal("12.5"), Decimal("10"))
    assert [t.name for t in summary.teams] == ["第一督导组", "第二督导组"]
    assert summary.teams[0].people == 2 and summary.teams[0].figures.findings == 3


def test_exports_open_and_hold_the_figures(world, client_as):
    plan = records(world)
    client = client_as("town_a_admin")
    xlsx = client.get(reverse("inspections:summary_xlsx", args=[plan.pk]))
    assert xlsx.status_code == 200 and xlsx["Cache-Control"] == "no-store"
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["单位汇总", "督导组汇总", "问题清单"]
    rows = list(book["单位汇总"].iter_rows(values_only=True))
    header = rows[0]
    total = dict(zip(header, rows[-1], strict=True))
    assert total["被检查单位"] == "合计" and total["问题合计"] == 4 and total["严重问题"] == 1
    assert total["座谈访谈（次）"] == 3 and total["已销号"] == 1
    assert len(list(book["问题清单"].iter_rows())) == 1 + 4
    docx = client.get(reverse("inspections:summary_docx", args=[plan.pk]))
    text = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    assert "督导工作纪实" in text
    assert "成立2个督导组、抽调3名督导人员，对2个单位进行督导检查" in text
    assert "共发现问题4个（严重1个、较重1个、一般2个）" in text and "已整改销号1个" in text
    assert "开展座谈、个别访谈、现场问答和电话抽查3次，参加21人次" in text


def test_the_committee_builds_a_plan_through_the_pages(world, client_as):
    client = client_as("town_a_admin")
    today = timezone.localdate()
    response = client.post(
        reverse("inspections:plan_add"),
        {
            "organization": world["town_a"].pk,
            "name": "2026年党建督导",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
            "units": [world["a1"].pk, world["a2"].pk],
        },
    )
    plan = InspectionPlan.objects.get(name="2026年党建督导")
    assert response["Location"] == plan.get_absolute_url()
    client.post(
        reverse("inspections:checklist", args=[plan.pk]),
        {"group": "listen", "content": "听取书记汇报", "scoring": "", "max_points": "10"},
    )
    client.post(reverse("inspections:team_add", args=[plan.pk]), {"name": "第一督导组", "leader": "nobody"})
    team = plan.teams.get()
    client.post(reverse("inspections:team_assign", args=[team.pk]), {"unit": world["a1"].pk})
    client.post(reverse("inspections:plan_status", args=[plan.pk]), {"action": "start"})
    plan.refresh_from_db()
    assert plan.status == "active" and plan.checklist.count() == 1
    assert client_as("nobody").get(reverse("inspections:unit_detail", args=[plan.unit_inspections.get().pk]))
    response = client.post(
        reverse("inspections:team_add", args=[plan.pk]), {"name": "二组", "leader": "nope"}
    )
    assert "找不到账号 nope" in response.content.decode()


def test_the_summary_takes_the_same_queries_whatever_the_units(
    world, client_as, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = inspection(world)
    client = client_as("town_a_admin")
    url = reverse("inspections:summary", args=[found.plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    records(world)  # a second plan with two units, results, interviews and findings
    client.get(url)
    services.do_assign_unit(
        services.do_create_team(found.plan, acting_user=None, name="二组", leader=world["sysadmin"]),
        world["a2"],
        acting_user=None,
    )
    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == 200
    assert len(two) == len(one)


def test_the_finding_list_filters_by_severity_and_status(world, client_as):
    plan = records(world)
    client = client_as("town_a_admin")
    url = reverse("inspections:finding_list", args=[plan.pk])
    assert len(client.get(url).context["findings"]) == 4
    assert len(client.get(url, {"severity": "minor"}).context["findings"]) == 2
    assert len(client.get(url, {"status": "closed", "severity": ""}).context["findings"]) == 1
    assert "逾期" not in client.get(url).content.decode()


def test_a_retired_item_keeps_its_results_and_leaves_the_sheet(world, client_as):
    found = inspection(world)
    services.do_record_result(found.unit_inspection, found.item, acting_user=None, score=Decimal("6"))
    client = client_as("town_a_admin")
    client.post(reverse("inspections:checklist", args=[found.plan.pk]), {"item": found.item.pk})
    found.item.refresh_from_db()
    assert found.item.active is False and ChecklistResult.objects.filter(item=found.item).exists()
    page = client.get(found.unit_inspection.get_absolute_url()).content.decode()
    assert "三会一课记录是否完整" not in page
    assert summarize(found.plan, UnitInspection.objects.all()).items_total == 0


def test_moving_a_person_between_teams_through_the_page(world, client_as):
    found = inspection(world)
    client = client_as("town_a_admin")
    response = client.post(
        reverse("inspections:team_edit", args=[found.team.pk]),
        {"name": "第一督导组", "leader": "inspector_a", "members": "expired_inspector"},
    )
    assert response.status_code == 302
    assert client_as("nobody").get(found.unit_inspection.get_absolute_url()).status_code == 404
    assert client_as("expired_inspector").get(found.unit_inspection.get_absolute_url()).status_code == 200
