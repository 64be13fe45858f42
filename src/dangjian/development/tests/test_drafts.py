"""The .docx drafts of a development file: 公示 at the stages that need one, the 支部大会 resolutions from
the recorded vote, refusal when the file is not there yet, scope and audit."""

import io
from datetime import date

from django.urls import reverse
from docx import Document

from dangjian.audit.models import AuditEvent
from dangjian.development import drafts
from dangjian.development.models import DevelopmentFile, Step

from .test_views_api import open_file


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def at_stage(file, stage: str, **steps):
    DevelopmentFile.objects.filter(pk=file.pk).update(stage=stage)
    for no, (day, fields) in steps.items():
        Step.objects.create(file=file, no=int(no[1:]), date=day, fields=fields)
    return DevelopmentFile.objects.get(pk=file.pk)


def test_publicity_names_the_person_and_what_is_announced(world):
    file = at_stage(open_file(world), "candidate", s3=(date(2024, 3, 1), {}), s7=(date(2025, 3, 10), {}))
    name, content = drafts.draft(file, "publicity")
    text = text_of(content)
    assert name == "关于刘申请同志拟接收为中共预备党员的公示.docx"
    assert "A1村党支部" in text and "2025年3月10日" in text and "2024年3月1日" in text
    assert "5个工作日" in text


def test_no_publicity_for_an_applicant_and_no_resolution_before_the_vote(world):
    file = open_file(world)
    for kind, message in (("publicity", "无需公示"), ("admission", "第15步")):
        try:
            drafts.draft(file, kind)
        except drafts.DraftUnavailable as error:
            assert message in str(error)
        else:
            raise AssertionError(f"{kind} should be refused")


def test_admission_resolution_reports_the_vote(world):
    vote = {"eligible": 20, "present": 15, "for": 13, "against": 1, "abstain": 1, "written_for": 3}
    file = at_stage(open_file(world), "candidate", s15=(date(2025, 6, 5), vote))
    _, content = drafts.draft(file, "admission")
    text = text_of(content)
    assert "应到会有表决权的正式党员20名，实到会15名" in text
    assert "赞成13票，反对1票，弃权1票，另有未到会党员书面意见赞成3票" in text
    assert "同意接收刘申请同志为中共预备党员" in text and "2025年6月5日" in text


def test_the_page_downloads_a_draft_audited_and_sends_back_when_not_due(world, client_as):
    file = at_stage(open_file(world), "activist", s3=(date(2024, 3, 1), {}))
    client = client_as("branch_a1_admin")
    url = reverse("development:file_draft", args=[file.pk, "publicity"])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert "拟确定为发展对象" in text_of(response.content)
    assert AuditEvent.objects.filter(action="export", object_id=str(file.pk)).exists()
    back = client.get(reverse("development:file_draft", args=[file.pk, "confirmation"]))
    assert back.status_code == 302
    assert client.get(reverse("development:file_draft", args=[file.pk, "other"])).status_code == 404
    outside = at_stage(open_file(world, org="b1", seq=704), "activist", s3=(date(2024, 3, 1), {}))
    assert client.get(reverse("development:file_draft", args=[outside.pk, "publicity"])).status_code == 404
