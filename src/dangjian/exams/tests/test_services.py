"""Papers, exams and attempts through the services: reproducible draws, the server-side time limit, the
attempts limit, statistics."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.exams import results, services
from dangjian.exams.models import Attempt, Question

from .factories import T0, correct_responses, make_bank, make_exam, make_paper

MINUTE = datetime.timedelta(minutes=1)


def drawn_ids(paper):
    return list(paper.items.values_list("question_id", flat=True))


def test_a_paper_draw_is_reproducible_from_its_seed(world):
    bank = make_bank(world)
    first = make_paper(world, bank, seed=7)
    again = make_paper(world, bank, seed=7)
    assert drawn_ids(first) == drawn_ids(again)
    assert first.question_count == 8
    assert first.total_points == Decimal(2 * 2 + 2 * 3 + 2 * 1 + 2 * 4)
    kinds = [item.question.kind for item in first.items.select_related("question")]
    assert kinds == ["single"] * 2 + ["multiple"] * 2 + ["true_false"] * 2 + ["fill_in"] * 2
    assert AuditEvent.objects.for_object(first).get().message.endswith("抽题种子7")


def test_a_rule_the_bank_cannot_meet_is_refused_with_its_number(world):
    bank = make_bank(world)
    rules = [{"bank": bank, "kind": "single", "category": "", "count": 3, "points_each": Decimal(1)}]
    with pytest.raises(
        ValidationError, match="第1条规则：题库「党章题库」中可用的单选题只有2道，少于要求的3道"
    ):
        services.do_create_paper(acting_user=None, organization=world["town_a"], title="x", rules=rules)


def test_retired_questions_are_not_drawn(world):
    bank = make_bank(world)
    services.do_retire_question(bank.questions.get(stem="党的最高领导机关是？"), acting_user=None)
    rules = [{"bank": bank, "kind": "single", "category": "", "count": 2, "points_each": Decimal(1)}]
    with pytest.raises(ValidationError, match="只有1道"):
        services.do_create_paper(acting_user=None, organization=world["town_a"], title="x", rules=rules)
    assert Question.objects.filter(bank=bank).count() == 8  # retired, not deleted


def test_per_examinee_draws_are_reproducible_and_differ_between_members(world):
    bank = make_bank(world)
    for n in range(6):
        services.do_create_question(bank, acting_user=None, kind="true_false", stem=f"判断{n}", answer="对")
    paper = make_paper(world, bank, draw_per_examinee=True, shuffle_options=True)
    exam = make_exam(world, paper, attempts_allowed=2)
    zhang = world["zhang"]
    one = services.do_start_attempt(exam, member=zhang, acting_user=None, now=T0)
    seed, items = services._items_for(exam, zhang, 1)
    assert (one.draw_seed, one.items) == (seed, items)  # the same member and number: the same sheet
    other = services.do_start_attempt(exam, member=world["wang"], acting_user=None, now=T0)
    assert other.draw_seed != one.draw_seed
    questions = Question.objects.in_bulk([item["question"] for item in one.items])
    for item in one.items:
        options = questions[item["question"]].options
        assert sorted(item["order"]) == (sorted("ABCDEF"[: len(options)]) if options else [])


def sit(world, exam, key="zhang", now=T0):
    return services.do_start_attempt(exam, member=world[key], acting_user=None, now=now)


def test_correct_answers_score_full_marks_and_pass(world):
    exam = make_exam(world, make_paper(world, make_bank(world)))
    attempt = sit(world, exam)
    attempt = services.do_submit_attempt(
        attempt, correct_responses(attempt), acting_user=None, now=T0 + MINUTE
    )
    assert (attempt.score, attempt.passed, attempt.ended_how) == (Decimal(20), True, "submitted")


def test_the_deadline_is_the_time_limit_or_the_close_whichever_is_first(world):
    paper = make_paper(world, make_bank(world))
    exam = make_exam(world, paper, hours=1, time_limit_minutes=45)
    assert sit(world, exam).deadline == T0 + 45 * MINUTE
    late_start = sit(world, exam, "wang", now=T0 + 40 * MINUTE)
    assert late_start.deadline == exam.closes_at


def test_time_limit_is_enforced_on_the_server(world):
    """Answers saved in time count; after the deadline nothing more is saved, and the sheet is graded
    on what was saved before it."""
    exam = make_exam(world, make_paper(world, make_bank(world)), time_limit_minutes=30)
    attempt = sit(world, exam)
    right = correct_responses(attempt)
    first, *others = list(right)
    services.do_save_answers(attempt, {first: right[first]}, acting_user=None, now=T0 + 29 * MINUTE)
    with pytest.raises(ValidationError, match="已超过作答时间"):
        services.do_save_answers(attempt, right, acting_user=None, now=T0 + 31 * MINUTE)
    attempt.refresh_from_db()
    assert attempt.ended_how == "timed_out"
    assert attempt.ended_at == attempt.deadline
    assert list(attempt.responses) == [first]
    points = Decimal(next(item["points"] for item in attempt.items if str(item["question"]) == first))
    assert attempt.score == points
    with pytest.raises(ValidationError, match="已交卷"):
        services.do_save_answers(attempt, right, acting_user=None, now=T0 + 32 * MINUTE)


def test_a_late_submission_is_graded_on_saved_answers_only(world):
    exam = make_exam(world, make_paper(world, make_bank(world)), time_limit_minutes=10)
    attempt = sit(world, exam)
    attempt = services.do_submit_attempt(
        attempt, correct_responses(attempt), acting_user=None, now=T0 + 11 * MINUTE
    )
    assert (attempt.score, attempt.passed, attempt.ended_how) == (Decimal(0), False, "timed_out")
    assert attempt.responses == {}


def test_an_abandoned_attempt_is_closed_when_anyone_looks(world):
    exam = make_exam(world, make_paper(world, make_bank(world)), time_limit_minutes=10)
    attempt = sit(world, exam)
    services.do_save_answers(attempt, correct_responses(attempt), acting_user=None, now=T0 + 5 * MINUTE)
    assert services.close_expired(exam, now=T0 + 9 * MINUTE) == 0
    assert services.close_expired(exam, now=T0 + 10 * MINUTE) == 1
    attempt.refresh_from_db()
    assert (attempt.score, attempt.ended_how) == (Decimal(20), "timed_out")


def test_attempts_are_limited(world):
    exam = make_exam(world, make_paper(world, make_bank(world)), attempts_allowed=2)
    for number in (1, 2):
        attempt = sit(world, exam, now=T0 + number * MINUTE)
        assert attempt.number == number
        assert sit(world, exam, now=T0 + number * MINUTE).pk == attempt.pk  # resumed, not a new one
        services.do_submit_attempt(attempt, {}, acting_user=None, now=T0 + number * MINUTE)
    with pytest.raises(ValidationError, match="允许作答2次，您已全部用完"):
        sit(world, exam, now=T0 + 3 * MINUTE)
    assert Attempt.objects.filter(exam=exam).count() == 2


def test_no_start_outside_the_window_or_the_subtree(world):
    exam = make_exam(world, make_paper(world, make_bank(world)), org="a1", hours=1)
    with pytest.raises(ValidationError, match="考试未开始"):
        sit(world, exam, now=T0 - MINUTE)
    with pytest.raises(ValidationError, match="考试已结束"):
        sit(world, exam, now=T0 + 61 * MINUTE)
    with pytest.raises(PermissionDenied):
        sit(world, exam, "wang")  # A2, not under A1
    services.do_cancel_exam(exam, acting_user=None, reason="题目有误")
    with pytest.raises(ValidationError, match="考试已取消"):
        sit(world, exam)


def test_only_the_member_may_answer(world):
    exam = make_exam(world, make_paper(world, make_bank(world)))
    with pytest.raises(PermissionDenied, match="只能本人参加考试"):
        services.do_start_attempt(exam, member=world["zhang"], acting_user=world["county_admin"], now=T0)
    li = world["li"]  # linked to member_a1
    attempt = services.do_start_attempt(exam, member=li, acting_user=world["member_a1"], now=T0)
    with pytest.raises(PermissionDenied, match="只能本人作答"):
        services.do_save_answers(attempt, {}, acting_user=world["county_admin"], now=T0)


def test_statistics_count_sat_not_sat_average_pass_rate_and_bands(world):
    """A镇: 张三丰 and 李四 in A1, 王五 in A2. 张三丰 20/20 (best of two), 李四 0/20, 王五 did not sit."""
    exam = make_exam(world, make_paper(world, make_bank(world)), attempts_allowed=2)
    first = sit(world, exam)
    services.do_submit_attempt(first, {}, acting_user=None, now=T0 + MINUTE)
    second = sit(world, exam, now=T0 + 2 * MINUTE)
    services.do_submit_attempt(second, correct_responses(second), acting_user=None, now=T0 + 3 * MINUTE)
    services.do_submit_attempt(sit(world, exam, "li"), {}, acting_user=None, now=T0 + MINUTE)
    total, rows = results.statistics(exam, world["town_a"])
    assert (total.expected, total.sat, total.not_sat, total.passed) == (3, 2, 1, 1)
    assert (total.average, total.pass_rate) == (Decimal("10.0"), Decimal("50.0"))
    assert total.bands == [1, 0, 0, 0, 1]
    by_name = {row.organization.name: row for row in rows}
    assert (by_name["A1村党支部"].sat, by_name["A1村党支部"].average) == (2, Decimal("10.0"))
    assert (by_name["A2社区党支部"].expected, by_name["A2社区党支部"].sat) == (1, 0)
    assert by_name["A2社区党支部"].average is None
    names = [(m.name, score) for m, score, _ in results.result_rows(exam, world["town_a"])]
    assert names == [("李四", Decimal(0)), ("张三丰", Decimal(20)), ("王五", None)]  # by branch, then name
