"""The demo seeding of report drafts (seeding/reports.py) on the test world as the demo's landmarks: the
教育局党委's 党组织基本情况汇报 (here A镇党委) reads like the 丰南 report, and every figure in it equals the
number of records it counts (the registered figures, not test ones)."""

from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest

from dangjian.core.figures import get_figure
from dangjian.reports import export
from dangjian.reports.models import ReportDraft
from dangjian.reports.rendering import TOKEN_RE
from dangjian.seeding.reports import seed_reports

pytestmark = pytest.mark.django_db


def test_demo_basic_report_figures_equal_the_record_counts(world):
    landmarks = {"root": "root", "education": "town_a"}
    plan = SimpleNamespace(landmarks={k: SimpleNamespace(instance=world[v]) for k, v in landmarks.items()})
    # The drafts cover 2025: 李四 joined 200 days before the real today, so is not yet counted.
    summary = seed_reports(plan, date(2026, 11, 29), 20240701)
    assert summary.startswith("汇报材料：3份草稿")
    draft = ReportDraft.objects.get(organization=world["town_a"], template__code="basic-info")
    assert draft.body.startswith("A镇党委现有党支部〔数:1〕，党员〔数:2〕，其中：A1村党支部党员〔数:3〕；")
    text = "\n".join(text for _, text in export.draft_blocks(draft))
    assert text.startswith("A镇党委现有党支部2个，党员2名，其中：A1村党支部党员1名；A2社区党支部党员1名。")
    uses = list(draft.figures.select_related("organization"))
    assert {use.number for use in uses} == {int(n) for n in TOKEN_RE.findall(draft.body)}
    counted = 0
    for use in uses:
        figure = get_figure(use.key)
        recount = figure.recount(use.organization, use.period)
        if recount is not None:
            assert use.value == str(recount), use.key
            counted += 1
    assert counted >= 10
    pytest.importorskip("docx")
    from docx import Document

    paragraphs = [p.text for p in Document(BytesIO(export.render(draft, "docx"))).paragraphs]
    assert any(p.startswith("A镇党委现有党支部2个，党员2名") for p in paragraphs)
