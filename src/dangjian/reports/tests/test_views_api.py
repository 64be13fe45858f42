"""Pages and API: the editor marks every figure, tracing lists exactly the counted records, stale flags,
refresh, export, and a draft or figure of an organization outside one's scope is a 404."""

import json
import re
from datetime import date
from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.members.models import Member
from dangjian.members.services import do_change_member_status
from dangjian.reports.models import ReportDraft
from dangjian.reports.tracing import trace_url

from .factories import YEAR, make_draft, make_template

pytestmark = pytest.mark.django_db


def test_editor_marks_every_figure_with_what_it_counted(world, test_figures, client_as):
    draft = make_draft(world)
    page = client_as("town_a_admin").get(draft.get_absolute_url()).content.decode()
    marks = re.findall(
        r'<a class="report-figure" href="([^"]+)" data-number="(\d+)" data-key="([^"]+)"', page
    )
    assert len(marks) == draft.figures.count() == 4
    town = draft.figures.get(key="test.members", organization=world["town_a"])
    assert (trace_url("test.members", world["town_a"], YEAR), str(town.number), "test.members") in [
        (href.replace("&amp;", "&"), number, key) for href, number, key in marks
    ]
    assert 'data-org="A镇党委"' in page and "与记录一致" in page


def test_trace_lists_exactly_the_counted_records(world, test_figures, client_as):
    response = client_as("town_a_admin").get(trace_url("test.members", world["town_a"], YEAR))
    page = response.content.decode()
    listed = {int(pk) for pk in re.findall(r"<tr><td>(\d+)</td>", page)}
    assert listed == set(
        Member.objects.filter(organization__in=[world["a1"], world["a2"]]).values_list("pk", flat=True)
    )
    assert "所统计的记录（3条）" in page


def test_trace_outside_scope_or_without_a_grant_is_not_found(world, test_figures, client_as):
    assert client_as("town_a_admin").get(trace_url("test.members", world["town_b"], YEAR)).status_code == 404
    assert client_as("member_a1").get(trace_url("test.members", world["a1"], YEAR)).status_code == 404
    assert client_as("town_a_admin").get(reverse("reports:figure_trace", args=["no.such"])).status_code == 404
    api = reverse("reports-api:figure-detail", args=["test.members"])
    assert client_as("town_a_admin").get(f"{api}?org={world['town_b'].pk}").status_code == 404
    found = client_as("town_a_admin").get(f"{api}?org={world['town_a'].code}&from=2025-01&to=2025-12").json()
    assert (found["value"], found["record_count"], found["organization_name"]) == ("3", 3, "A镇党委")


def test_stale_figures_are_flagged_and_refreshed_one_by_one(world, test_figures, client_as):
    draft = make_draft(world)
    do_change_member_status(
        world["wang"], acting_user=None, status="deceased", changed_on=date(2025, 3, 1), reason="病故"
    )
    client = client_as("town_a_admin")
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "有 2 个数字与当前记录不一致" in page and "原值 3 → 现值 2" in page
    town = draft.figures.get(key="test.members", organization=world["town_a"])
    client.post(reverse("reports:draft_refresh", args=[draft.pk]), {"number": town.number})
    assert "有 1 个数字与当前记录不一致" in client.get(draft.get_absolute_url()).content.decode()
    api = client.post(
        reverse("reports-api:draft-refresh", args=[draft.pk]), data="{}", content_type="application/json"
    )
    assert api.status_code == 200 and not any(f["stale"] for f in api.json()["figures"])


def test_drafts_outside_scope_are_not_found(world, test_figures, client_as):
    draft = make_draft(world, org="town_b")
    client = client_as("town_a_admin")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports-api:draft-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:draft_export", args=[draft.pk])).status_code == 404
    created = client.post(
        reverse("reports-api:draft-list"),
        data=json.dumps(
            {
                "template": draft.template_id,
                "organization": world["town_b"].pk,
                "start": "2025-01",
                "end": "2025-12",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 404


def test_api_creates_edits_and_exports_a_draft(world, test_figures, client_as):
    client = client_as("town_a_admin")
    template = make_template(world)
    created = client.post(
        reverse("reports-api:draft-list"),
        data=json.dumps(
            {
                "template": template.pk,
                "organization": world["town_a"].pk,
                "start": "2025-01",
                "end": "2025-12",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "A镇党委2025年测试汇报" and len(body["figures"]) == 4
    edited = client.patch(
        reverse("reports-api:draft-detail", args=[body["id"]]),
        data=json.dumps({"body": body["body"] + "\n另有〔数:test.branches〕。"}),
        content_type="application/json",
    )
    assert edited.status_code == 200 and len(edited.json()["figures"]) == 5
    bad = client.post(
        reverse("reports-api:draft-list"),
        data=json.dumps(
            {
                "template": template.pk,
                "organization": world["town_a"].pk,
                "start": "2025-13",
                "end": "2025-12",
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "起始月份格式" in bad.content.decode()
    pytest.importorskip("docx")
    exported = client.get(reverse("reports-api:draft-export", args=[body["id"]]))
    assert exported.status_code == 200 and exported.content[:2] == b"PK"
    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(exported.content)).paragraphs)
    assert "A镇党委有党支部2个，党员3名。" in text and "〔数" not in text


def test_command_writes_a_docx_and_speaks_chinese_on_errors(world, test_figures, tmp_path):
    template = make_template(world)
    out = tmp_path / "report.docx"
    call_command("report", template=template.name, org="XW-A", start="2025-01", end="2025-12", out=str(out))
    assert out.read_bytes()[:2] == b"PK"
    draft = ReportDraft.objects.get(template=template)
    assert draft.created_by is None and draft.figures.count() == 4
    for options, message in [
        ({"template": "没有的模板"}, "未知的模板"),
        ({"org": "NOPE"}, "未知的党组织编码"),
        ({"start": "2025-1"}, "月份格式应为"),
        ({"out": str(tmp_path / "x.txt")}, "须以 .docx 或 .pdf 结尾"),
    ]:
        arguments = {
            "template": template.name,
            "org": "XW-A",
            "start": "2025-01",
            "end": "2025-12",
            "out": str(out),
        }
        with pytest.raises(CommandError, match=message):
            call_command("report", **{**arguments, **options})


def test_command_lists_the_templates(world, capsys):
    call_command("report", list=True)
    assert "党组织基本情况汇报\tbasic-info\t内置" in capsys.readouterr().out
