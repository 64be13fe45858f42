"""The 目标责任 pages: list in scope, create, decompose, enter, sign, upload, evaluate, export; 404
outside the scope."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.audit.models import AuditEvent
from dangjian.targets import services
from dangjian.targets.choices import TargetStatus
from dangjian.targets.models import Commitment, Target

from .factories import ENTERED, RATE, YEAR, make_target, record
from .test_services import PDF


def test_list_holds_only_targets_in_scope(world, client_as):
    make_target(world, "a1", by="town_a")
    make_target(world, "b1", by="town_b")
    page = client_as("town_a_admin").get(reverse("targets:target_list"), {"year": YEAR}).content.decode()
    assert "A1村党支部" in page and "B1村党支部" not in page
    page = client_as("member_a1").get(reverse("targets:target_list"), {"year": YEAR}).content.decode()
    assert "A1村党支部" not in page


def test_out_of_scope_target_is_not_found(world, client_as):
    target = make_target(world, "b1", by="town_b")
    client = client_as("town_a_admin")
    assert client.get(target.get_absolute_url()).status_code == 404
    assert client.post(reverse("targets:target_decompose", args=[target.pk])).status_code == 404
    assert client.get(reverse("targets:rollup_export", args=[target.pk])).status_code == 404


def test_create_add_indicators_issue_and_decompose(world, client_as):
    client = client_as("town_a_admin")
    response = client.post(
        reverse("targets:target_add"),
        {"organization": world["town_a"].pk, "year": YEAR, "title": "党建工作目标责任书", "content": ""},
    )
    target = Target.objects.get(title="党建工作目标责任书")
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    response = client.post(
        reverse("targets:indicator_add", args=[target.pk]),
        {
            "position": 1,
            "name": "组织生活合规率",
            "unit": "%",
            "comparison": "gte",
            "target_value": "90",
            "points": "50",
            "scoring": "proportional",
            "source_kind": "computed",
            "source_key": "compliance_rate",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("targets:indicator_add", args=[target.pk]),
        {
            "position": 2,
            "name": "x",
            "unit": "次",
            "comparison": "gte",
            "target_value": "1",
            "points": "5",
            "scoring": "proportional",
            "source_kind": "computed",
            "source_key": "",
        },
    )
    assert (
        "系统计算的指标须选择计算口径" in bad.content.decode()
        or "请选择有效的计算口径" in bad.content.decode()
    )
    client.post(reverse("targets:target_issue", args=[target.pk]))
    target.refresh_from_db()
    assert target.status == TargetStatus.ISSUED
    indicator = target.indicators.get()
    response = client.post(
        reverse("targets:target_decompose", args=[target.pk]), {f"split_{indicator.pk}": "same"}
    )
    assert response.status_code == 302
    assert Target.objects.filter(parent=target).count() == 2
    page = client.get(target.get_absolute_url()).content.decode()
    assert "下级汇总（2个下级目标）" in page and "A1村党支部" in page
    assert reverse("activities:compliance_matrix", args=[world["town_a"].pk]) + f"?year={YEAR}" in page


def test_decompose_refused_for_a_rate_split_shows_the_message(world, client_as):
    target = make_target(world, "town_a", indicators=[RATE], by="root")
    indicator = target.indicators.get()
    response = client_as("town_a_admin").post(
        reverse("targets:target_decompose", args=[target.pk]), {f"split_{indicator.pk}": "even"}
    )
    assert response.status_code == 200 and "比率类指标不能分配总量" in response.content.decode()


def test_enter_sign_upload_evaluate_and_export(world, client_as):
    record(world, "a1", "theme_day", date(YEAR, 3, 8))
    target = make_target(world, "a1", by="town_a", indicators=[ENTERED])
    indicator = target.indicators.get()
    branch = client_as("branch_a1_admin")
    branch.post(reverse("targets:actual_enter", args=[indicator.pk]), {"value": "12", "note": "志愿服务台账"})
    indicator.refresh_from_db()
    assert indicator.actual_value == Decimal("12")
    town = client_as("town_a_admin")
    refused = town.post(
        reverse("targets:commitment_sign", args=[target.pk]), {"kind": "responsibility"}, follow=True
    )
    assert "电子确认须由A1村党支部的管理员进行" in refused.content.decode()
    branch.post(reverse("targets:commitment_sign", args=[target.pk]), {"kind": "responsibility"})
    upload = SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf")
    branch.post(reverse("targets:commitment_upload", args=[target.pk]), {"kind": "pledge", "file": upload})
    assert set(Commitment.objects.filter(target=target).values_list("method", flat=True)) == {
        "confirm",
        "upload",
    }
    scan = Commitment.objects.get(target=target, method="upload")
    download = branch.get(reverse("targets:commitment_download", args=[scan.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    assert branch.get(reverse("targets:target_evaluate", args=[target.pk])).status_code == 200
    response = town.post(
        reverse("targets:target_evaluate", args=[target.pk]),
        {"evaluated_on": f"{YEAR}-12-30", "comment": "完成好", "finalize": "on"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.EVALUATED and target.evaluation.total_score == Decimal("20")
    assert "优秀" in town.get(target.get_absolute_url()).content.decode()

    parent = make_target(world, "town_a", by="root")
    [a1, a2] = services.do_decompose_target(parent, acting_user=None)
    services.do_evaluate_target(a1, acting_user=None, evaluated_on=date(YEAR, 12, 30))
    page = client_as("county_admin").get(parent.get_absolute_url()).content.decode()
    assert "0分 不合格" in page  # A1's grade in the drill-down (nothing entered: 0 of 20)
    response = town.get(reverse("targets:rollup_export", args=[parent.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "明细"]
    assert [c.value for c in book["汇总"][2]][:4] == ["党员志愿服务", "次", "≥10", 10]
    assert book["明细"].max_row == 3
    assert AuditEvent.objects.filter(action="export", object_type="targets.target").exists()


def test_member_sees_and_confirms_their_own_target(world, client_as):
    branch = make_target(world, "a1", by="town_a")
    [personal] = services.do_decompose_target(branch, acting_user=None, members=[world["li"]])
    client = client_as("member_a1")
    assert client.get(branch.get_absolute_url()).status_code == 404
    page = client.get(personal.get_absolute_url()).content.decode()
    assert "电子确认" in page
    client.post(reverse("targets:commitment_sign", args=[personal.pk]), {"kind": "pledge"})
    assert Commitment.objects.get(target=personal).signed_by == world["member_a1"]


def test_target_page_queries_do_not_grow_with_children(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("county_admin")
    client.get(reverse("targets:target_list"))  # warm the per-process caches
    counts = []
    for keys in (("a1",), ("a1", "a2")):
        target = make_target(world, "town_a", by="root", indicators=[ENTERED, RATE])
        services.do_decompose_target(target, acting_user=None, organizations=[world[k] for k in keys])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_evaluate_all_children_from_the_parent_page(world, client_as):
    parent = make_target(world, "town_a", by="root")
    services.do_decompose_target(parent, acting_user=None)
    client = client_as("town_a_admin")
    assert "按规则考评全部未考评的下级目标" in client.get(parent.get_absolute_url()).content.decode()
    response = client.post(
        reverse("targets:children_evaluate", args=[parent.pk]), {"evaluated_on": f"{YEAR}-12-30"}, follow=True
    )
    assert "已按规则考评2个下级目标" in response.content.decode()
    assert Target.objects.filter(parent=parent, status=TargetStatus.EVALUATED).count() == 2


def test_decompose_to_a_member_from_the_form(world, client_as):
    target = make_target(world, "a1", by="town_a")
    indicator = target.indicators.get()
    client = client_as("branch_a1_admin")
    form = client.get(reverse("targets:target_decompose", args=[target.pk])).content.decode()
    assert "张三丰" in form and "赵六" not in form
    response = client.post(
        reverse("targets:target_decompose", args=[target.pk]),
        {"members": [world["zhang"].pk], f"split_{indicator.pk}": "same"},
    )
    assert response.status_code == 302
    assert Target.objects.get(parent=target).responsible_member == world["zhang"]


def test_list_names_a_parent_target_the_reader_may_not_open(world, client_as):
    """The town's target decomposed to A1: A1's secretary sees the parent named, not linked (it would 404)."""
    parent = make_target(world, "town_a", by="root")
    services.do_decompose_target(parent, acting_user=None)
    url = f"{reverse('targets:target_list')}?year={YEAR}"
    branch_page = client_as("branch_a1_admin").get(url).content.decode()
    assert ">上级目标</a>" not in branch_page and f"<td>{world['town_a'].name}</td>" in branch_page
    assert parent.get_absolute_url() not in branch_page
    town_page = client_as("town_a_admin").get(url).content.decode()
    assert f'href="{parent.get_absolute_url()}">上级目标' in town_page
