"""Writes of exams: banks and questions, papers, exams, and the member's attempts.

Time is the server's: an attempt's deadline is fixed when it starts (start + time limit, never after the
exam closes); whatever arrives later is refused, and an attempt found past its deadline is closed and
graded on what was saved before it. Services take `now=` so that tests can move the clock.
"""

import random
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.members.choices import ACTIVE_STATUSES
from dangjian.members.models import Member

from . import grading
from .choices import AttemptEnd, ExamState
from .drawing import draw, option_order
from .models import Attempt, Exam, Paper, PaperQuestion, PaperRule, Question, QuestionBank

QUESTION_FIELDS = ["kind", "stem", "options", "answer", "explanation", "points", "category"]
LATE_MESSAGE = "已超过作答时间，系统已按截止前保存的答案自动交卷；本次提交的答案未被记录。"


def now_():
    """The server's clock (patched in tests that move time)."""
    return timezone.now()


# Banks and questions -------------------------------------------------------------------------------


@transaction.atomic
def do_create_bank(*, acting_user, organization, name, description="") -> QuestionBank:
    require(acting_user, organization)
    bank = QuestionBank(organization=organization, name=name.strip(), description=description)
    bank.full_clean()
    bank.save()
    audit.record_create(bank, acting_user=acting_user)
    return bank


@transaction.atomic
def do_update_bank(bank: QuestionBank, *, acting_user, **fields) -> QuestionBank:
    require(acting_user, bank.organization)
    before = audit.snapshot(bank)
    for name in ("name", "description", "is_active"):
        if name in fields:
            setattr(bank, name, fields[name])
    bank.full_clean()
    bank.save()
    audit.record_update(bank, before, acting_user=acting_user)
    return bank


@transaction.atomic
def do_create_question(bank: QuestionBank, *, acting_user, **fields) -> Question:
    require(acting_user, bank.organization)
    question = Question(bank=bank, **{k: v for k, v in fields.items() if k in QUESTION_FIELDS})
    question.full_clean()
    question.save()
    audit.record_create(question, acting_user=acting_user)
    return question


@transaction.atomic
def do_update_question(question: Question, *, acting_user, **fields) -> Question:
    require(acting_user, question.bank.organization)
    before = audit.snapshot(question)
    for name in [*QUESTION_FIELDS, "is_active"]:
        if name in fields:
            setattr(question, name, fields[name])
    question.full_clean()
    question.save()
    audit.record_update(question, before, acting_user=acting_user)
    return question


def do_retire_question(question: Question, *, acting_user) -> Question:
    """停用: the question is no longer drawn; papers and answer sheets that hold it keep it."""
    return do_update_question(question, acting_user=acting_user, is_active=False)


# Papers --------------------------------------------------------------------------------------------


def new_seed() -> int:
    return secrets.randbelow(2**31 - 1) + 1


@transaction.atomic
def do_create_paper(
    *,
    acting_user,
    organization,
    title,
    rules,
    seed=None,
    description="",
    draw_per_examinee=False,
    shuffle_options=False,
) -> Paper:
    """Compose a paper: `rules` are dicts (bank, kind, category, count, points_each); the questions are
    drawn now with `seed` (a new random one when None) and the seed is recorded."""
    require(acting_user, organization)
    if not rules:
        raise ValidationError("请至少添加一条组卷规则。")
    paper = Paper(
        organization=organization,
        title=title,
        description=description,
        seed=seed or new_seed(),
        draw_per_examinee=draw_per_examinee,
        shuffle_options=shuffle_options,
    )
    rule_objects = [PaperRule(paper=paper, order=n, **rule) for n, rule in enumerate(rules, 1)]
    visible = (
        set(QuestionBank.objects.visible_to(acting_user).values_list("pk", flat=True))
        if acting_user
        else None
    )
    for rule in rule_objects:
        if visible is not None and rule.bank_id not in visible:
            raise PermissionDenied("无权使用该题库。")
        rule.full_clean(exclude=["paper"])
    drawn = draw(rule_objects, str(paper.seed))
    paper.total_points = sum((item.points for item in drawn), Decimal(0))
    paper.question_count = len(drawn)
    paper.full_clean()
    paper.save()
    for rule in rule_objects:
        rule.paper = paper
        rule.save()
    items = [
        PaperQuestion(paper=paper, question=item.question, order=n, points=item.points)
        for n, item in enumerate(drawn, 1)
    ]
    for item in items:
        item.save()
    audit.record_create(
        paper,
        acting_user=acting_user,
        message=f"组卷：{len(items)}题，共{paper.total_points}分，抽题种子{paper.seed}",
    )
    return paper


# Exams ---------------------------------------------------------------------------------------------

EXAM_FIELDS = [
    "title",
    "paper",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "pass_mark",
    "attempts_allowed",
    "instructions",
]


@transaction.atomic
def do_create_exam(*, acting_user, organization, **fields) -> Exam:
    require(acting_user, organization)
    exam = Exam(organization=organization, **{k: v for k, v in fields.items() if k in EXAM_FIELDS})
    paper = fields.get("paper")
    if paper is not None and acting_user is not None:
        if not Paper.objects.visible_to(acting_user).filter(pk=paper.pk).exists():
            raise PermissionDenied("无权使用该试卷。")
    exam.full_clean()
    exam.save()
    audit.record_create(exam, acting_user=acting_user)
    return exam


@transaction.atomic
def do_cancel_exam(exam: Exam, *, acting_user, reason: str) -> Exam:
    """取消: the exam stays on record with its answer sheets; nobody may start it any more."""
    require(acting_user, exam.organization)
    if exam.cancelled_at:
        raise ValidationError("该考试已取消。")
    if not (reason or "").strip():
        raise ValidationError({"cancel_reason": "请填写取消原因。"})
    before = audit.snapshot(exam)
    exam.cancelled_at = now_()
    exam.cancel_reason = reason.strip()
    exam.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    audit.record_update(exam, before, acting_user=acting_user, action="deactivate")
    return exam


# Attempts ------------------------------------------------------------------------------------------


def member_of(user) -> Member | None:
    """The roster record linked to a login (the one who sits exams), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).select_related("organization").first()


def may_sit(exam: Exam, member: Member | None) -> bool:
    """An active member registered in the exam's subtree."""
    return (
        member is not None
        and member.status in ACTIVE_STATUSES
        and member.organization.path.startswith(exam.organization.path)
    )


def _check_sitter(exam: Exam, member: Member, acting_user) -> None:
    if acting_user is not None and member.user_id != acting_user.pk:
        raise PermissionDenied("只能本人参加考试。")
    if not may_sit(exam, member):
        raise PermissionDenied("您不在本次考试的参考范围内。")


def _items_for(exam: Exam, member: Member, number: int) -> tuple[str, list[dict]]:
    paper = exam.paper
    seed = f"{paper.seed}:{member.pk}:{number}" if paper.draw_per_examinee else str(paper.seed)
    if paper.draw_per_examinee:
        drawn = [(d.question, d.points) for d in draw(list(paper.rules.select_related("bank")), seed)]
    else:
        drawn = [(pq.question, pq.points) for pq in paper.items.select_related("question")]
    rng = random.Random(f"{seed}:options:{member.pk}:{number}")  # noqa: S311 - display order only
    items = [
        {
            "question": question.pk,
            "points": str(points),
            "order": option_order(question, rng) if paper.shuffle_options else "",
        }
        for question, points in drawn
    ]
    return seed, items


@transaction.atomic
def do_start_attempt(exam: Exam, *, member: Member, acting_user, now=None) -> Attempt:
    """Start (or resume) the member's attempt: the server records the start and fixes the deadline."""
    now = now or now_()
    exam = Exam.objects.select_for_update().select_related("paper", "organization").get(pk=exam.pk)
    _check_sitter(exam, member, acting_user)
    _close_if_late(Attempt.objects.open().filter(exam=exam, member=member), now)
    current = Attempt.objects.open().filter(exam=exam, member=member).first()
    if current is not None:
        return current
    state = exam.state(now)
    if state != ExamState.OPEN:
        raise ValidationError(f"考试{ExamState(state).label}，不能开始作答。")
    done = Attempt.objects.filter(exam=exam, member=member).count()
    if done >= exam.attempts_allowed:
        raise ValidationError(f"本次考试允许作答{exam.attempts_allowed}次，您已全部用完。")
    number = done + 1
    seed, items = _items_for(exam, member, number)
    limit = now + timezone.timedelta(minutes=exam.time_limit_minutes)
    attempt = Attempt(
        exam=exam,
        member=member,
        number=number,
        started_at=now,
        deadline=min(limit, exam.closes_at),
        draw_seed=seed,
        items=items,
    )
    attempt.full_clean()
    attempt.save()
    audit.record_create(attempt, acting_user=acting_user, message=f"开始作答（第{number}次）")
    return attempt


def _lock(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update().select_related("exam", "member").get(pk=attempt.pk)


def _clean_responses(attempt: Attempt, responses: dict) -> dict:
    """Only the attempt's own questions, each response in stored form."""
    by_id = {str(item["question"]): item for item in attempt.items}
    questions = Question.objects.in_bulk([int(key) for key in responses if str(key) in by_id])
    cleaned = {}
    for key, value in responses.items():
        question = questions.get(int(key)) if str(key) in by_id else None
        if question is not None:
            cleaned[str(key)] = grading.clean_response(question.kind, value, len(question.options))
    return cleaned


def grade(attempt: Attempt) -> None:
    """Score the saved responses (single/true-false exact, multiple all-or-nothing, fill-in normalized)."""
    questions = Question.objects.in_bulk([item["question"] for item in attempt.items])
    marks = {}
    for item in attempt.items:
        question = questions[item["question"]]
        response = attempt.responses.get(str(question.pk), "")
        marks[str(question.pk)] = str(
            grading.mark(question.kind, question.answer, response, Decimal(item["points"]))
        )
    attempt.marks = marks
    attempt.score = sum((Decimal(value) for value in marks.values()), Decimal(0))
    attempt.passed = attempt.score >= attempt.exam.pass_mark


def _end(attempt: Attempt, how: str, ended_at, acting_user) -> None:
    before = audit.snapshot(attempt)
    grade(attempt)
    attempt.ended_at = ended_at
    attempt.ended_how = how
    attempt.save()
    label = AttemptEnd(how).label
    audit.record_update(attempt, before, acting_user=acting_user, message=f"{label}：得分{attempt.score}")


def _close_if_late(attempts, now) -> int:
    """Close the open attempts among `attempts` whose deadline has passed; graded as saved."""
    closed = 0
    for attempt in attempts.filter(deadline__lte=now).select_related("exam"):
        attempt = _lock(attempt)
        if attempt.is_open:
            _end(attempt, AttemptEnd.TIMED_OUT, attempt.deadline, None)
            closed += 1
    return closed


def close_expired(exam: Exam | None = None, now=None) -> int:
    """Close and grade every attempt past its deadline (of `exam`, or of all exams); returns how many.

    Pages and the API call it before they show results; `dangjian close-exam-attempts` runs it from cron.
    """
    attempts = Attempt.objects.open()
    if exam is not None:
        attempts = attempts.filter(exam=exam)
    with transaction.atomic():
        return _close_if_late(attempts, now or now_())


def _check_owner(attempt: Attempt, acting_user) -> None:
    if acting_user is not None and attempt.member.user_id != acting_user.pk:
        raise PermissionDenied("只能本人作答。")


def do_save_answers(attempt: Attempt, responses: dict, *, acting_user, now=None) -> Attempt:
    """Save some answers of an open attempt. Past the deadline nothing is saved: the attempt is closed
    on what was saved before, and ValidationError says so."""
    now = now or now_()
    with transaction.atomic():
        attempt = _lock(attempt)
        _check_owner(attempt, acting_user)
        if not attempt.is_open:
            raise ValidationError("本次作答已交卷，不能再修改答案。")
        late = attempt.is_late(now)
        if late:
            _end(attempt, AttemptEnd.TIMED_OUT, attempt.deadline, acting_user)
        else:
            cleaned = _clean_responses(attempt, responses)
            attempt.responses = {**attempt.responses, **cleaned}
            attempt.saved_at = now
            attempt.save(update_fields=["responses", "saved_at", "updated_at"])
    if late:
        raise ValidationError(LATE_MESSAGE)
    return attempt


def do_submit_attempt(attempt: Attempt, responses: dict | None = None, *, acting_user, now=None) -> Attempt:
    """交卷: save the last answers (if still in time) and grade. A late submission is graded only on what
    was saved before the deadline; the attempt says so (ended_how = timed_out)."""
    now = now or now_()
    with transaction.atomic():
        attempt = _lock(attempt)
        _check_owner(attempt, acting_user)
        if not attempt.is_open:
            raise ValidationError("本次作答已交卷。")
        if attempt.is_late(now):
            _end(attempt, AttemptEnd.TIMED_OUT, attempt.deadline, acting_user)
            return attempt
        if responses:
            attempt.responses = {**attempt.responses, **_clean_responses(attempt, responses)}
            attempt.saved_at = now
        _end(attempt, AttemptEnd.SUBMITTED, now, acting_user)
    return attempt
