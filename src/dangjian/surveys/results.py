"""Survey results: satisfaction rates (both definitions, each shown with its text), average scores,
per-question tables, free-text opinions, comparisons across target units and over time, .xlsx export.

Small-group suppression: any group (a survey, a question's cells, a unit in a comparison) with fewer than
`MIN_GROUP` respondents is not shown; `SUPPRESSED` is shown instead. Individual responses never leave
this module: only counts, shares and the list of free-text opinions (of a group of at least 5).
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q
from django.urls import reverse

from dangjian.core import xlsx
from dangjian.targets.sources import register_source

from .choices import QuestionKind, ReviewGrade, Satisfaction, SurveyKind, SurveyStatus
from .models import Answer, Response, Survey

MIN_GROUP = 5
SUPPRESSED = "样本不足5人，不予显示"
BROAD_DEFINITION = "满意率＝（满意＋基本满意）人次÷满意度题作答总人次×100%"
STRICT_DEFINITION = "满意率（严格口径）＝满意人次÷满意度题作答总人次×100%"
RATED_KINDS = (SurveyKind.MASS_REVIEW, SurveyKind.SATISFACTION)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Cell:
    label: str
    count: int
    share: Decimal | None


@dataclass
class QuestionResult:
    question: object
    answered: int
    suppressed: bool
    cells: list[Cell] = field(default_factory=list)
    average: Decimal | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    survey: Survey
    respondents: int
    suppressed: bool
    satisfied: int = 0
    basic: int = 0
    satisfaction_answers: int = 0
    average_score: Decimal | None = None
    questions: list[QuestionResult] = field(default_factory=list)
    previous: "SurveyResults | None" = None

    broad_definition = BROAD_DEFINITION
    strict_definition = STRICT_DEFINITION
    suppressed_text = SUPPRESSED

    @property
    def broad_rate(self) -> Decimal | None:
        return None if self.suppressed else percent(self.satisfied + self.basic, self.satisfaction_answers)

    @property
    def strict_rate(self) -> Decimal | None:
        return None if self.suppressed else percent(self.satisfied, self.satisfaction_answers)

    def as_dict(self) -> dict:
        """The API's shape (counts and shares only; a suppressed group carries the notice)."""
        data = {
            "survey": self.survey.pk,
            "title": self.survey.title,
            "respondents": self.respondents,
            "suppressed": self.suppressed,
            "notice": SUPPRESSED if self.suppressed else "",
            "satisfaction_rate": _str(self.broad_rate),
            "satisfaction_rate_definition": BROAD_DEFINITION,
            "strict_satisfaction_rate": _str(self.strict_rate),
            "strict_satisfaction_rate_definition": STRICT_DEFINITION,
            "average_score": _str(None if self.suppressed else self.average_score),
            "questions": [],
        }
        for row in self.questions:
            data["questions"].append(
                {
                    "question": row.question.pk,
                    "text": row.question.text,
                    "kind": row.question.kind,
                    "answered": None if row.suppressed else row.answered,
                    "suppressed": row.suppressed,
                    "cells": [
                        {"label": c.label, "count": c.count, "share": _str(c.share)} for c in row.cells
                    ],
                    "average": _str(row.average),
                    "texts": row.texts,
                }
            )
        if self.previous is not None:
            data["previous"] = {
                "survey": self.previous.survey.pk,
                "title": self.previous.survey.title,
                "satisfaction_rate": _str(self.previous.broad_rate),
                "strict_satisfaction_rate": _str(self.previous.strict_rate),
                "suppressed": self.previous.suppressed,
            }
        return data


def _str(value) -> str | None:
    return None if value is None else str(value)


def _labels(question) -> list[tuple[str, str]]:
    if question.kind == QuestionKind.SATISFACTION:
        return list(Satisfaction.choices)
    if question.kind == QuestionKind.GRADE:
        return list(ReviewGrade.choices)
    return [(option, option) for option in question.options]


def _question_result(question, answers: list[Answer]) -> QuestionResult:
    answered = len(answers)
    row = QuestionResult(question, answered, suppressed=answered < MIN_GROUP)
    if row.suppressed:
        return row
    if question.kind == QuestionKind.RATING:
        scores = [a.score for a in answers if a.score is not None]
        row.average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None
    elif question.kind == QuestionKind.TEXT:
        row.texts = sorted(a.text for a in answers if a.text)  # sorted: no submission order shown
    else:
        counts = Counter()
        for answer in answers:
            counts.update(answer.choices if question.kind == QuestionKind.MULTIPLE else [answer.choice])
        row.cells = [
            Cell(label, counts[value], percent(counts[value], answered)) for value, label in _labels(question)
        ]
    return row


def survey_results(survey: Survey, *, with_previous: bool = True) -> SurveyResults:
    """Everything the results page shows, suppressed below `MIN_GROUP` respondents."""
    respondents = Response.objects.filter(survey=survey).count()
    result = SurveyResults(survey, respondents, suppressed=respondents < MIN_GROUP)
    if with_previous:
        previous = previous_survey(survey)
        result.previous = survey_results(previous, with_previous=False) if previous else None
    if result.suppressed:
        return result
    answers = Answer.objects.filter(response__survey=survey).only(
        "question_id", "choice", "choices", "score", "text"
    )
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    for question in survey.questions.select_related("person"):
        result.questions.append(_question_result(question, by_question.get(question.pk, [])))
    sat = Counter(
        a.choice
        for q in survey.questions.all()
        if q.kind == QuestionKind.SATISFACTION
        for a in by_question.get(q.pk, [])
    )
    result.satisfied, result.basic = sat[Satisfaction.SATISFIED], sat[Satisfaction.BASIC]
    result.satisfaction_answers = sum(sat.values())
    scores = [
        a.score
        for q in survey.questions.all()
        if q.kind == QuestionKind.RATING
        for a in by_question.get(q.pk, [])
        if a.score is not None
    ]
    result.average_score = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None
    return result


def previous_survey(survey: Survey) -> Survey | None:
    """The same owner's previous survey of the same kind and target (over time)."""
    return (
        Survey.objects.filter(
            organization=survey.organization,
            kind=survey.kind,
            target_organization=survey.target_organization,
            opens_on__lt=survey.opens_on,
        )
        .exclude(status__in=[SurveyStatus.CANCELLED, SurveyStatus.DRAFT])
        .order_by("-opens_on", "-pk")
        .first()
    )


@dataclass
class ComparisonRow:
    survey: Survey
    respondents: int
    suppressed: bool
    broad_rate: Decimal | None
    strict_rate: Decimal | None


def compare_targets(surveys) -> list[ComparisonRow]:
    """One row per survey (e.g. the same kind across target units): counted in two grouped queries."""
    surveys = list(surveys)
    ids = [s.pk for s in surveys]
    respondents = dict(
        Response.objects.filter(survey_id__in=ids).order_by().values_list("survey_id").annotate(n=Count("id"))
    )
    sat = (
        Answer.objects.filter(response__survey_id__in=ids, question__kind=QuestionKind.SATISFACTION)
        .order_by()
        .values("response__survey_id")
        .annotate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(choice=Satisfaction.SATISFIED)),
            basic=Count("id", filter=Q(choice=Satisfaction.BASIC)),
        )
    )
    counts = {row["response__survey_id"]: row for row in sat}
    rows = []
    for survey in surveys:
        n = respondents.get(survey.pk, 0)
        c = counts.get(survey.pk, {"total": 0, "satisfied": 0, "basic": 0})
        hidden = n < MIN_GROUP
        rows.append(
            ComparisonRow(
                survey,
                n,
                hidden,
                None if hidden else percent(c["satisfied"] + c["basic"], c["total"]),
                None if hidden else percent(c["satisfied"], c["total"]),
            )
        )
    return rows


# --- export ----------------------------------------------------------------------------------------------


def results_xlsx(result: SurveyResults) -> bytes:
    workbook = xlsx.new_workbook()
    summary = xlsx.add_sheet(workbook, "汇总", ["项目", "数值", "说明"], {"项目": 20, "数值": 16, "说明": 60})
    xlsx.append_row(summary, ["测评名称", result.survey.title, ""])
    xlsx.append_row(summary, ["参评人数", result.respondents, ""])
    if result.suppressed:
        xlsx.append_row(summary, ["结果", SUPPRESSED, ""])
        return xlsx.to_bytes(workbook)
    xlsx.append_row(summary, ["满意率", _str(result.broad_rate), BROAD_DEFINITION])
    xlsx.append_row(summary, ["满意率（严格口径）", _str(result.strict_rate), STRICT_DEFINITION])
    xlsx.append_row(summary, ["平均分", _str(result.average_score), "评分题（0–100）全部作答的平均值"])
    sheet = xlsx.add_sheet(
        workbook, "分题统计", ["序号", "题目", "作答人数", "选项", "人数", "占比%", "平均分"]
    )
    texts = xlsx.add_sheet(workbook, "意见建议", ["题目", "意见建议"], {"意见建议": 80})
    for row in result.questions:
        q = row.question
        if row.suppressed:
            xlsx.append_row(sheet, [q.position, q.text, "", SUPPRESSED, "", "", ""])
            continue
        if not row.cells:
            xlsx.append_row(sheet, [q.position, q.text, row.answered, "", "", "", _str(row.average)])
        for cell in row.cells:
            xlsx.append_row(
                sheet, [q.position, q.text, row.answered, cell.label, cell.count, _str(cell.share), ""]
            )
        for text in row.texts:
            xlsx.append_row(texts, [q.text, text])
    return xlsx.to_bytes(workbook)


# --- computed sources for the targets/evaluation rubrics ---------------------------------------------------


def _rated_surveys(organization, year: int):
    return Survey.objects.filter(
        Q(target_organization=organization) | Q(target_organization__isnull=True, organization=organization),
        kind__in=RATED_KINDS,
        closes_on__year=year,
    ).exclude(status__in=[SurveyStatus.CANCELLED, SurveyStatus.DRAFT])


def _link(organization, year: int) -> str:
    return reverse("surveys:survey_list") + f"?target={organization.pk}&year={year}"


@register_source(
    "surveys.satisfaction_rate",
    "群众满意率",
    "%",
    link=_link,
    note=f"当年截止的群众测评、满意度调查中以该党组织为测评对象的满意度题：{BROAD_DEFINITION}；"
    f"参评不足{MIN_GROUP}人不计。",
)
def satisfaction_rate(organization, year: int):
    surveys = list(_rated_surveys(organization, year))
    rows = [row for row in compare_targets(surveys) if not row.suppressed]
    if not rows:
        return None
    sat = Answer.objects.filter(
        response__survey__in=[row.survey for row in rows], question__kind=QuestionKind.SATISFACTION
    ).aggregate(
        total=Count("id"),
        good=Count("id", filter=Q(choice__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
    )
    return percent(sat["good"], sat["total"])


@register_source(
    "surveys.average_score",
    "群众测评平均分",
    "分",
    link=_link,
    note=f"当年截止的群众测评、满意度调查中以该党组织为测评对象的评分题（0–100）平均分；参评不足{MIN_GROUP}人不计。",
)
def average_score(organization, year: int):
    rows = [row for row in compare_targets(_rated_surveys(organization, year)) if not row.suppressed]
    if not rows:
        return None
    found = Answer.objects.filter(
        response__survey__in=[row.survey for row in rows],
        question__kind=QuestionKind.RATING,
        score__isnull=False,
    ).aggregate(avg=Avg("score"))["avg"]
    return None if found is None else Decimal(str(found))


# --- 民主评议党员 counts --------------------------------------------------------------------------------


def grade_counts(decisions) -> list[tuple[str, int]]:
    """Counts per grade (in grade order, never per person ranked)."""
    found = Counter(decisions.values_list("grade", flat=True))
    return [(label, found[value]) for value, label in ReviewGrade.choices]
