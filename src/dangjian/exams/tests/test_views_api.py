"""Pages and API: a member sits an exam from start to result; answers stay hidden until the exam closes;
results are scoped (an out-of-scope admin gets 404, a member sees only their own) and never ranked."""

import datetime
import json
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dangjian.audit.models import AuditEvent
from dangjian.exams import services
from dangjian.exams.models import Attempt

from .factories import correct_responses, make_bank, make_exam, make_paper, open_exam, sheet


def post_json(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_member_sits_an_exam_through_the_pages(world, client_as):
    exam = open_exam(world)
    client = client_as("member_a1")
    assert "党章知识测试" in client.get(reverse("exams:exam_list")).content.decode()
    response = client.post(reverse("exams:exam_start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, member=world["li"])
    assert response["Location"] == reverse("exams:attempt_take", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="exam-remaining"' in page and "exams/exam.js" in page
    right = correct_responses(attempt)
    form = {f"q{pk}": answer for pk, answer in right.items()}
    saved = client.post(response["Location"], {**form, "action": "save"}, HTTP_HX_REQUEST="true")
    assert saved.content.decode().startswith("已自动保存")
    client.post(response["Location"], {"action": "submit"})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (20, True)
    result = client.get(reverse("exams:attempt_detail", args=[attempt.pk])).content.decode()
    assert "得分" in result and "（正确答案）" not in result  # the exam is still open for others


def test_answers_are_shown_after_the_exam_closes(world, client_as):
    exam = open_exam(world)
    attempt = services.do_start_attempt(exam, member=world["li"], acting_user=None)
    services.do_submit_attempt(attempt, {}, acting_user=None)
    exam.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    exam.opens_at = exam.closes_at - datetime.timedelta(hours=2)
    exam.save()
    page = client_as("member_a1").get(reverse("exams:attempt_detail", args=[attempt.pk])).content.decode()
    assert "（正确答案）" in page and "正确答案：民主集中制" in page


def test_a_member_sees_only_their_own_sheet(world, client_as):
    exam = make_exam(
        world, make_paper(world, make_bank(world)), opens=timezone.now() - datetime.timedelta(hours=1)
    )
    other = services.do_start_attempt(exam, member=world["zhang"], acting_user=None)
    client = client_as("member_a1")
    assert client.get(reverse("exams:attempt_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("exams-api:attempt-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("exams-api:attempt-list")).json()["results"] == []
    assert client.get(reverse("exams:exam_results", args=[exam.pk])).status_code == 403


def test_results_are_scoped_and_listed_by_name_not_by_score(world, client_as):
    exam = open_exam(world)
    for key in ("zhang", "li"):
        attempt = services.do_start_attempt(exam, member=world[key], acting_user=None)
        services.do_submit_attempt(
            attempt, correct_responses(attempt) if key == "li" else {}, acting_user=None
        )
    response = client_as("branch_a1_admin").get(reverse("exams:exam_results", args=[exam.pk]))
    assert response.context["root"] == world["a1"]
    names = [member.name for member, _, _ in response.context["names"]]
    assert names == ["李四", "张三丰"]  # pinyin order, though 李四 scored higher
    outside = make_exam(world, make_paper(world, make_bank(world, org="town_b")), org="town_b")
    assert client_as("town_a_admin").get(reverse("exams:exam_results", args=[outside.pk])).status_code == 404
    wrong_org = reverse("exams:exam_results", args=[exam.pk]) + f"?org={world['a2'].pk}"
    assert client_as("branch_a1_admin").get(wrong_org).status_code == 404


def test_export_is_audited_and_holds_statistics_and_names(world, client_as):
    exam = open_exam(world)
    attempt = services.do_start_attempt(exam, member=world["li"], acting_user=None)
    services.do_submit_attempt(attempt, correct_responses(attempt), acting_user=None)
    response = client_as("town_a_admin").get(reverse("exams:exam_export", args=[exam.pk]))
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    stats = list(workbook["统计"].iter_rows(values_only=True))
    assert stats[-1][:4] == ("合计（A镇党委）", 3, 1, 2)
    names = [row[1] for row in list(workbook["成绩名单"].iter_rows(values_only=True))[1:]]
    assert names == ["李四", "张三丰", "王五"]
    assert AuditEvent.objects.for_object(exam).filter(action="export").count() == 1


def test_api_start_answer_submit_and_my_result(world, client_as):
    exam = open_exam(world)
    client = client_as("member_a1")
    started = client.post(reverse("exams-api:exam-start", args=[exam.pk]))
    assert started.status_code == 201
    sheet_data = started.json()
    assert all(q["answer"] is None for q in sheet_data["questions"])
    attempt = Attempt.objects.get(pk=sheet_data["id"])
    right = correct_responses(attempt)
    saved = post_json(client, reverse("exams-api:attempt-answer", args=[attempt.pk]), {"responses": right})
    assert saved.status_code == 200 and saved.json()["remaining_seconds"] > 0
    done = post_json(client, reverse("exams-api:attempt-submit", args=[attempt.pk]), {})
    assert (done.json()["score"], done.json()["passed"]) == ("20.0", True)
    again = post_json(client, reverse("exams-api:attempt-answer", args=[attempt.pk]), {"responses": right})
    assert again.status_code == 400
    mine = client.get(reverse("exams-api:attempt-list")).json()["results"]
    assert [row["id"] for row in mine] == [attempt.pk]


def test_api_refuses_answers_after_the_deadline(world, client_as, monkeypatch):
    exam = open_exam(world, time_limit_minutes=5)
    client = client_as("member_a1")
    attempt_id = client.post(reverse("exams-api:exam-start", args=[exam.pk])).json()["id"]
    later = timezone.now() + datetime.timedelta(minutes=6)
    monkeypatch.setattr(services, "now_", lambda: later)
    response = post_json(
        client, reverse("exams-api:attempt-answer", args=[attempt_id]), {"responses": {"1": "A"}}
    )
    assert response.status_code == 400
    assert "已超过作答时间" in response.json()[0]
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.ended_how, attempt.responses) == ("timed_out", {})


def test_api_statistics_and_import(world, client_as):
    exam = open_exam(world)
    attempt = services.do_start_attempt(exam, member=world["li"], acting_user=None)
    services.do_submit_attempt(attempt, correct_responses(attempt), acting_user=None)
    stats = client_as("town_a_admin").get(reverse("exams-api:exam-statistics", args=[exam.pk])).json()
    assert (stats["total"]["expected"], stats["total"]["sat"], stats["total"]["pass_rate"]) == (3, 1, "100.0")
    assert [row["organization_name"] for row in stats["children"]] == ["A1村党支部", "A2社区党支部"]
    bank = exam.paper.rules.first().bank
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("q.xlsx", sheet([["单选题", "新题", "甲", "乙", None, None, None, None, "AB"]]))
    response = client_as("town_a_admin").post(
        reverse("exams-api:questionbank-import-questions", args=[bank.pk]), {"file": bad}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["text"] == "第2行“答案”：单选题只能有一个答案"
