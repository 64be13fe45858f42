"""Writes of surveys and 民主评议党员. Owners' writes are scoped (`accounts.scope.require`), atomic and
audited. Submissions are the exception on purpose: an answer is never audited (an audit row names the
user and the exact time, which would undo the anonymity); the token's `used` flag or the member's
`Participation` is all that records who took part. See docs/decisions/012-surveys-anonymity.md.
"""

import hashlib
import json
import secrets
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dangjian.accounts.scope import require
from dangjian.audit import services as audit
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member

from .choices import (
    GRADES_NEEDING_REASON,
    Audience,
    QuestionKind,
    ReviewGrade,
    Satisfaction,
    SurveyKind,
    SurveyStatus,
    TargetKind,
)
from .models import (
    Answer,
    Participation,
    Question,
    Response,
    ReviewDecision,
    ReviewRound,
    Survey,
    SurveyToken,
)

MAX_TOKENS = 50_000
MAX_TEXT = 2000
USED_MESSAGE = "该链接已提交过答卷，每个链接只能提交一次。"
UNKNOWN_MESSAGE = "链接无效，请核对后重新打开。"
CLOSED_MESSAGE = "本次测评不在开放时间内（已截止或尚未开始）。"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- owners --------------------------------------------------------------------------------------------


@transaction.atomic
def do_create_survey(
    *, acting_user, organization, target_organization=None, questions=(), **fields
) -> Survey:
    """A survey run by `organization` about itself or an organization of its subtree (a draft), with
    `questions` (dicts of `do_add_question`'s arguments) added in the same transaction."""
    require(acting_user, organization)
    if target_organization is not None and not target_organization.path.startswith(organization.path):
        raise ValidationError({"target_organization": "被测评党组织须为组织单位本级或下级。"})
    survey = Survey(organization=organization, target_organization=target_organization, **fields)
    survey.full_clean()
    survey.save()
    audit.record_create(survey, acting_user=acting_user)
    for question in questions:
        do_add_question(survey, acting_user=acting_user, **question)
    return survey


@transaction.atomic
def do_update_survey(survey: Survey, *, acting_user, **fields) -> Survey:
    require(acting_user, survey.organization)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status in (SurveyStatus.CLOSED, SurveyStatus.CANCELLED):
        raise ValidationError("测评已结束或作废，不能修改。")
    before = audit.snapshot(survey)
    for name, value in fields.items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    audit.record_update(survey, before, acting_user=acting_user)
    return survey


@transaction.atomic
def do_add_question(
    survey: Survey, *, acting_user, kind: str, text: str, options=None, person=None, required: bool = True
) -> Question:
    """Add a question to a draft (questions are fixed once answers may arrive)."""
    require(acting_user, survey.organization)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError("测评已发布，不能再增加题目。")
    options = [str(o).strip() for o in (options or []) if str(o).strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
        raise ValidationError({"options": f"题目“{text}”：单选、多选题至少需要两个选项。"})
    if person is not None and not person.organization.path.startswith(survey.organization.path):
        raise ValidationError({"person": f"题目“{text}”：评议对象须为组织单位本级或下级的党员。"})
    position = survey.questions.count() + 1
    question = Question(
        survey=survey,
        position=position,
        kind=kind,
        text=(text or "").strip(),
        options=options,
        person=person,
        required=required,
    )
    question.full_clean()
    question.save()
    audit.record_create(question, acting_user=acting_user)
    return question


def _set_status(survey, status, *, acting_user, allowed_from, refusal, message):
    """Move the survey (locked, re-read) to `status`; the caller's object follows."""
    require(acting_user, survey.organization)
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if locked.status != allowed_from:
        raise ValidationError(refusal)
    before = audit.snapshot(locked)
    locked.status = survey.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit.record_update(locked, before, acting_user=acting_user, message=message)
    return locked


@transaction.atomic
def do_open_survey(survey: Survey, *, acting_user) -> Survey:
    if not survey.questions.exists():
        raise ValidationError("测评还没有题目，请先添加题目。")
    return _set_status(
        survey,
        SurveyStatus.OPEN,
        acting_user=acting_user,
        allowed_from=SurveyStatus.DRAFT,
        refusal="只有草稿状态的测评可以发布。",
        message="发布测评",
    )


@transaction.atomic
def do_close_survey(survey: Survey, *, acting_user) -> Survey:
    return _set_status(
        survey,
        SurveyStatus.CLOSED,
        acting_user=acting_user,
        allowed_from=SurveyStatus.OPEN,
        refusal="只有进行中的测评可以结束。",
        message="结束测评",
    )


@transaction.atomic
def do_issue_tokens(survey: Survey, *, acting_user, count: int) -> list[str]:
    """Generate `count` one-use public links; returns the tokens in clear (shown once, never stored)."""
    require(acting_user, survey.organization)
    survey = Survey.objects.get(pk=survey.pk)
    if survey.audience != Audience.PUBLIC:
        raise ValidationError("只有面向群众的测评可以生成匿名链接。")
    if survey.status in (SurveyStatus.CLOSED, SurveyStatus.CANCELLED):
        raise ValidationError("测评已结束或作废，不能再生成链接。")
    if not 1 <= count <= MAX_TOKENS:
        raise ValidationError({"count": f"生成数量应在1到{MAX_TOKENS}之间。"})
    batch = (survey.tokens.order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    tokens = [secrets.token_urlsafe(16) for _ in range(count)]
    today = timezone.localdate()
    SurveyToken.objects.bulk_create(  # audit-exempt: one 'update' event below names the batch and count
        [SurveyToken(survey=survey, token_hash=hash_token(t), batch=batch, issued_on=today) for t in tokens],
        batch_size=2000,
    )
    audit.record("update", survey, acting_user=acting_user, message=f"生成匿名链接{count}个（第{batch}批）")
    return tokens


# --- answering -----------------------------------------------------------------------------------------


def _answer_of(question: Question, value) -> Answer | None:
    """An unsaved Answer from a submitted value; ValidationError naming the question."""
    label = f"第{question.position}题“{question.text}”"
    empty = value in (None, "", [])
    if empty:
        if question.required:
            raise ValidationError({f"q{question.pk}": f"{label}：请作答。"})
        return None
    kind = question.kind
    if kind in (QuestionKind.SATISFACTION, QuestionKind.GRADE, QuestionKind.SINGLE):
        allowed = {
            QuestionKind.SATISFACTION: Satisfaction.values,
            QuestionKind.GRADE: ReviewGrade.values,
            QuestionKind.SINGLE: question.options,
        }[kind]
        if str(value) not in allowed:
            raise ValidationError({f"q{question.pk}": f"{label}：请从给出的选项中选择。"})
        return Answer(question=question, choice=str(value))
    if kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list | tuple) else [value]
        if not set(map(str, values)) <= set(question.options):
            raise ValidationError({f"q{question.pk}": f"{label}：请从给出的选项中选择。"})
        return Answer(question=question, choices=sorted(set(map(str, values)), key=question.options.index))
    if kind == QuestionKind.RATING:
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = -1
        if not 0 <= score <= 100:
            raise ValidationError({f"q{question.pk}": f"{label}：评分应为0到100的整数。"})
        return Answer(question=question, score=score)
    text = str(value).strip()[:MAX_TEXT]
    return Answer(question=question, text=text) if text else None


# Questions of published surveys, per process: they are fixed once a survey leaves 草稿 (do_add_question
# refuses), so a submission need not read them again. Keyed by (id, created_at): a test database that
# reuses an id after a rollback holds another survey. Cleared whole when it grows (a few KB a survey).
_QUESTIONS: dict[tuple, list[Question]] = {}
_QUESTIONS_MAX = 500


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in order; cached in the process once the survey is published."""
    if survey.status == SurveyStatus.DRAFT:
        return list(survey.questions.all())
    key = (survey.pk, survey.created_at)
    found = _QUESTIONS.get(key)
    if found is None:
        if len(_QUESTIONS) >= _QUESTIONS_MAX:
            _QUESTIONS.clear()
        found = _QUESTIONS[key] = list(survey.questions.all())
    return found


def build_answers(survey: Survey, data: dict, *, skip_person=None) -> list[Answer]:
    """Check the submitted values ({question id or "q<id>": value}) of every question of the survey."""
    values = {str(key).removeprefix("q"): value for key, value in data.items()}
    answers, errors = [], {}
    for question in questions_of(survey):
        if skip_person is not None and question.person_id == skip_person.pk:
            continue  # nobody rates themselves in 民主评议党员
        try:
            answer = _answer_of(question, values.get(str(question.pk)))
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if answer is not None:
            answers.append(answer)
    if errors:
        raise ValidationError(errors)
    if not answers:
        raise ValidationError("请至少回答一题。")
    return answers


def _store(survey: Survey, answers: list[Answer], today: date) -> Response:
    """Write the anonymous response: a random id, the date only; answers in one batch."""
    response = Response.objects.create(survey=survey, submitted_on=today)
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)  # audit-exempt: anonymous answers are never audited (ADR 012)
    return response


def do_submit_public(token: str, data: dict, *, today: date | None = None) -> None:
    """Submit through a one-use public link: spend the token (`used` false → true) and store the answers,
    all or nothing. Of two concurrent submissions of a token exactly one spends it; the other is told the
    link was used. The answers are checked first, so a rejected answer does not spend the link.

    On PostgreSQL the spend and the store are one statement (`_spend_and_store_sql`: no transaction
    round trips; a statement is atomic); elsewhere one transaction with a conditional UPDATE. Nothing is
    returned: the caller has no business with the anonymous response."""
    today = today or timezone.localdate()
    token_hash = hash_token(token or "")
    if connection.vendor == "postgresql":
        found = _link_state_sql(token_hash)
        if found is None:
            raise ValidationError(UNKNOWN_MESSAGE)
        used, survey = found
    else:
        found = SurveyToken.objects.select_related("survey").filter(token_hash=token_hash).first()
        if found is None:
            raise ValidationError(UNKNOWN_MESSAGE)
        used, survey = found.used, found.survey
    if not survey.accepts_on(today):
        raise ValidationError(CLOSED_MESSAGE)
    if used:
        raise ValidationError(USED_MESSAGE)
    answers = build_answers(survey, data)
    if connection.vendor == "postgresql":
        if not _spend_and_store_sql(token_hash, survey, answers, today):
            raise ValidationError(_refusal(token_hash, today))
    else:
        _spend_and_store(found, survey, answers, today)


# What a submission reads of the survey before it is checked and stored (in the model's field order).
_LINK_SURVEY_FIELDS = [
    f.attname
    for f in Survey._meta.concrete_fields
    if f.attname in {"id", "status", "opens_on", "closes_on", "created_at"}
]


def _link_state_sql(token_hash: str) -> tuple[bool, Survey] | None:
    """(used, survey with the fields a submission reads; the others load if touched) of a public link, by
    one indexed read written out rather than built by the ORM: building the select_related statement was
    a third of a public submission's time in the server. Nothing rests on it alone: the one-statement
    store checks the link and the survey again."""
    columns = ", ".join(f"s.{name}" for name in _LINK_SURVEY_FIELDS)
    sql = (
        f"SELECT t.used, {columns} FROM {SurveyToken._meta.db_table} t "  # noqa: S608 - names from meta
        f"JOIN {Survey._meta.db_table} s ON s.id = t.survey_id WHERE t.token_hash = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], Survey.from_db(connection.alias, _LINK_SURVEY_FIELDS, row[1:])


@transaction.atomic
def _spend_and_store(found: SurveyToken, survey: Survey, answers: list[Answer], today: date) -> Response:
    if not SurveyToken.objects.filter(pk=found.pk, used=False).update(used=True):  # audit-exempt: ADR 012
        raise ValidationError(USED_MESSAGE)
    return _store(survey, answers, today)


def _spend_and_store_sql(token_hash: str, survey: Survey, answers: list[Answer], today: date) -> bool:
    """One PostgreSQL statement: the token is spent only if unused and its survey open today (the row
    lock makes a concurrent second spend wait, re-check `NOT used` and change nothing), and the response
    and its answers are inserted from that UPDATE's result, so they exist exactly when it changed a row.
    Same store as `_store`: random ids, the date only (ADR 012). True when stored."""
    token, survey_table = SurveyToken._meta.db_table, Survey._meta.db_table
    response_table, answer_table = Response._meta.db_table, Answer._meta.db_table
    row = "(%s::uuid, %s::bigint, %s::varchar, %s::jsonb, %s::smallint, %s::text)"
    rows = ", ".join([row] * len(answers))
    params = [token_hash, survey.pk, SurveyStatus.OPEN, today, today, uuid.uuid4(), today]
    for answer in answers:
        params += [
            answer.id,
            answer.question_id,
            answer.choice,
            json.dumps(answer.choices),
            answer.score,
            answer.text,
        ]
    sql = f"""
        WITH spent AS (
            UPDATE {token} SET used = TRUE
            WHERE token_hash = %s AND NOT used AND survey_id IN (
                SELECT id FROM {survey_table}
                WHERE id = %s AND status = %s AND opens_on <= %s AND closes_on >= %s
            )
            RETURNING survey_id
        ), stored AS (
            INSERT INTO {response_table} (id, survey_id, submitted_on)
            SELECT %s::uuid, survey_id, %s::date FROM spent
            RETURNING id
        )
        INSERT INTO {answer_table} (id, response_id, question_id, choice, choices, score, text)
        SELECT a.id, stored.id, a.question_id, a.choice, a.choices, a.score, a.text
        FROM stored CROSS JOIN (VALUES {rows}) AS a (id, question_id, choice, choices, score, text)
    """  # noqa: S608 - table names from the models' meta; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # audit-exempt: anonymous answers are never audited (ADR 012)
        return cursor.rowcount > 0


def _refusal(token_hash: str, today: date) -> str:
    """Why the one-statement store changed nothing: the link was spent meanwhile, or the survey closed."""
    found = SurveyToken.objects.select_related("survey").filter(token_hash=token_hash).first()
    if found is None:
        return UNKNOWN_MESSAGE
    return USED_MESSAGE if found.used or found.survey.accepts_on(today) else CLOSED_MESSAGE


def member_of(user) -> Member | None:
    return Member.objects.filter(user=user).select_related("organization").first() if user else None


def may_answer(survey: Survey, member: Member | None) -> bool:
    """A member survey is answered by the active members of the target's subtree."""
    if member is None or survey.audience != Audience.MEMBERS:
        return False
    if member.status not in (MemberStatus.FULL, MemberStatus.PROBATIONARY):
        return False
    return member.organization.path.startswith(survey.target.path)


@transaction.atomic
def do_submit_member(survey: Survey, data: dict, *, user, today: date | None = None) -> Response:
    """A member answers through their login: participation recorded (one per person), answers anonymous."""
    today = today or timezone.localdate()
    member = member_of(user)
    if not may_answer(survey, member):
        raise ValidationError("您不在本次测评的参评范围内。")
    if not survey.accepts_on(today):
        raise ValidationError(CLOSED_MESSAGE)
    answers = build_answers(survey, data, skip_person=member)
    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, member=member)
    except IntegrityError as error:
        raise ValidationError("您已参加过本次测评，每人只能提交一次。") from error
    return _store(survey, answers, today)


def has_participated(survey: Survey, user) -> bool:
    member = member_of(user)
    return member is not None and Participation.objects.filter(survey=survey, member=member).exists()


# --- 民主评议党员 -----------------------------------------------------------------------------------------


def graded_members(branch):
    """The members graded in a branch's round: 正式党员 (预备党员 take part but are not graded)."""
    return (
        Member.objects.filter(organization=branch, status=MemberStatus.FULL)
        .select_related("organization")
        .order_by("name", "pk")
    )


@transaction.atomic
def do_open_review_round(
    *, acting_user, organization, year: int, opens_on: date, closes_on: date
) -> ReviewRound:
    """Open a branch's 民主评议党员 round: an anonymous peer survey with one 评议等次 question per member."""
    require(acting_user, organization)
    if not organization.holds_members:
        raise ValidationError({"organization": "民主评议党员以党支部为单位开展。"})
    if ReviewRound.objects.filter(organization=organization, year=year).exists():
        raise ValidationError({"year": "该党支部本年度已开展民主评议党员。"})
    survey = do_create_survey(
        acting_user=acting_user,
        organization=organization,
        title=f"{organization.name}{year}年度民主评议党员（党员互评）",
        kind=SurveyKind.DEMOCRATIC_REVIEW,
        target_kind=TargetKind.MEMBERS,
        audience=Audience.MEMBERS,
        opens_on=opens_on,
        closes_on=closes_on,
        intro="请对本支部每名党员作出评价（不评价本人）。评议不记名，结果只显示人数满5人的汇总。",
    )
    members = list(graded_members(organization))
    if not members:
        raise ValidationError({"organization": "该党支部没有可评议的正式党员。"})
    for member in members:
        do_add_question(
            survey,
            acting_user=acting_user,
            kind=QuestionKind.GRADE,
            text=f"对{member.name}同志的评价",
            person=member,
        )
    do_open_survey(survey, acting_user=acting_user)
    review = ReviewRound(organization=organization, year=year, survey=survey)
    review.full_clean()
    review.save()
    audit.record_create(review, acting_user=acting_user)
    return review


@transaction.atomic
def do_decide_member(
    review: ReviewRound, *, acting_user, member, grade: str, reason: str = "", decided_on: date
) -> ReviewDecision:
    """Record (or change) the branch's final grade of a member; 基本合格/不合格 need a reason."""
    require(acting_user, review.organization)
    if member.organization_id != review.organization_id:
        raise ValidationError({"member": "该党员不在本支部。"})
    reason = (reason or "").strip()
    if grade in GRADES_NEEDING_REASON and not reason:
        raise ValidationError({"reason": "评定为基本合格或不合格须写明理由。"})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "评定日期不能晚于今天。"})
    decision = ReviewDecision.objects.select_for_update().filter(round=review, member=member).first()
    if decision is None:
        decision = ReviewDecision(
            round=review, member=member, grade=grade, reason=reason, decided_on=decided_on
        )
        decision.full_clean()
        decision.save()
        audit.record_create(decision, acting_user=acting_user)
        return decision
    before = audit.snapshot(decision)
    decision.grade, decision.reason, decision.decided_on = grade, reason, decided_on
    decision.full_clean()
    decision.save()
    audit.record_update(decision, before, acting_user=acting_user)
    return decision


@transaction.atomic
def do_conclude_round(review: ReviewRound, *, acting_user, concluded_on: date) -> ReviewRound:
    """Close the peer survey and mark the round concluded (every graded member must have a decision)."""
    require(acting_user, review.organization)
    decided = set(review.decisions.values_list("member_id", flat=True))
    missing = [m.name for m in graded_members(review.organization) if m.pk not in decided]
    if missing:
        raise ValidationError(f"尚未评定：{'、'.join(missing)}。")
    if Survey.objects.get(pk=review.survey_id).status == SurveyStatus.OPEN:
        do_close_survey(review.survey, acting_user=acting_user)
    before = audit.snapshot(review)
    review.concluded_on = concluded_on
    review.full_clean()
    review.save()
    audit.record_update(review, before, acting_user=acting_user, message="民主评议党员评定完成")
    return review
