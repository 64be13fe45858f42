"""Demo data of surveys (issue #7, surveys part), demo scale only: the 教育局党委's public 群众满意度测评
of this year (40 responses through one-use links, 满意率 above 90%) and of last year (for the comparison
over time), a town's small survey of 3 responses (its results suppressed: fewer than 5), and last year's
民主评议党员 of the demo village branch (peer votes by the members who have a login, the branch's final
decision for every 正式党员, a reason for 基本合格). Every write goes through `surveys.services`."""

import datetime
import random

from dangjian.members.models import Member
from dangjian.surveys import services
from dangjian.surveys.choices import Audience, QuestionKind, ReviewGrade, SurveyKind
from dangjian.surveys.results import survey_results

from .plan import Plan

QUESTIONS = [
    (QuestionKind.SATISFACTION, "您对本单位党组织服务群众工作是否满意？", True, []),
    (QuestionKind.SATISFACTION, "您对党员干部工作作风是否满意？", True, []),
    (QuestionKind.RATING, "请为党组织班子的整体表现打分（0–100）", True, []),
    (
        QuestionKind.SINGLE,
        "您主要通过什么渠道了解党组织的工作？",
        False,
        ["公开栏", "微信群", "入户走访", "其他"],
    ),
    (QuestionKind.TEXT, "您对党组织工作的意见建议", False, []),
]
OPINIONS = ["希望多开展送教下乡活动", "办事流程再简化一些", "党员示范岗作用明显", "建议定期公开工作进展"]


def _survey(organization, title, opens_on, closes_on, questions=QUESTIONS):
    survey = services.do_create_survey(
        acting_user=None,
        organization=organization,
        title=title,
        kind=SurveyKind.SATISFACTION,
        audience=Audience.PUBLIC,
        opens_on=opens_on,
        closes_on=closes_on,
        intro="本问卷不记名，请根据您的真实感受填写。",
    )
    for kind, text, required, options in questions:
        services.do_add_question(
            survey, acting_user=None, kind=kind, text=text, required=required, options=options
        )
    services.do_open_survey(survey, acting_user=None)
    return survey


def _respond(survey, count: int, rng: random.Random, weights, day):
    questions = list(survey.questions.order_by("position"))
    for token in services.do_issue_tokens(survey, acting_user=None, count=count):
        values = {}
        for q in questions:
            if q.kind == QuestionKind.SATISFACTION:
                values[q.pk] = rng.choices(["satisfied", "basic", "unsatisfied"], weights)[0]
            elif q.kind == QuestionKind.RATING:
                values[q.pk] = rng.randint(80, 100)
            elif q.kind == QuestionKind.SINGLE:
                values[q.pk] = rng.choice(q.options)
            elif rng.random() < 0.3:
                values[q.pk] = rng.choice(OPINIONS)
        services.do_submit_public(token, values, today=day)


def _review(village, year: int, rng: random.Random) -> tuple[int, dict]:
    """Last year's 民主评议党员 of the village: peer votes, then a decision for every 正式党员."""
    opens_on, closes_on = datetime.date(year, 12, 1), datetime.date(year, 12, 20)
    review = services.do_open_review_round(
        acting_user=None, organization=village, year=year, opens_on=opens_on, closes_on=closes_on
    )
    questions = list(review.survey.questions.select_related("person"))
    voters = Member.objects.filter(organization=village, user__isnull=False)
    for voter in voters:
        votes = {
            q.pk: rng.choice(["excellent", "qualified", "qualified"]) for q in questions if q.person != voter
        }
        services.do_submit_member(review.survey, votes, user=voter.user, today=closes_on)
    members = [q.person for q in questions]
    excellent = set(rng.sample(members, max(1, len(members) // 5)))  # 优秀 ≤ 1/3
    basic = next((m for m in members if m not in excellent), None)
    counts = {}
    for member in members:
        grade, reason = ReviewGrade.QUALIFIED, ""
        if member in excellent:
            grade = ReviewGrade.EXCELLENT
        elif member == basic:
            grade, reason = (
                ReviewGrade.BASIC,
                "参加组织生活不够经常，发挥先锋模范作用不够，已当面指出并明确整改要求。",
            )
        services.do_decide_member(
            review,
            acting_user=None,
            member=member,
            grade=grade,
            reason=reason,
            decided_on=datetime.date(year, 12, 25),
        )
        counts[grade.label] = counts.get(grade.label, 0) + 1
    services.do_conclude_round(review, acting_user=None, concluded_on=datetime.date(year, 12, 26))
    return voters.count(), counts


def seed_surveys(plan: Plan, today: datetime.date, seed: int) -> str:
    rng = random.Random(seed * 53 + 7)
    education = plan.landmarks["education"].instance
    town = plan.landmarks["town"].instance
    village = plan.landmarks["village"].instance
    last = today.year - 1
    before = _survey(
        education,
        f"{education.name}{last}年度群众满意度测评",
        datetime.date(last, 11, 1),
        datetime.date(last, 11, 30),
    )
    _respond(before, 30, rng, (60, 28, 12), datetime.date(last, 11, 15))
    services.do_close_survey(before, acting_user=None)
    current = _survey(
        education,
        f"{education.name}{today.year}年度群众满意度测评",
        today - datetime.timedelta(days=20),
        today + datetime.timedelta(days=10),
    )
    _respond(current, 40, rng, (78, 20, 2), today)
    small = _survey(
        town,
        f"{town.name}便民服务站满意度测评",
        today - datetime.timedelta(days=5),
        today + datetime.timedelta(days=25),
    )
    _respond(small, 3, rng, (70, 25, 5), today)
    voters, counts = _review(village, last, rng)
    rate = survey_results(current, with_previous=False).broad_rate
    grades = "、".join(f"{label}{n}人" for label, n in counts.items())
    return (
        f"群众测评：{education.name}满意度测评答卷40份（满意率{rate}%，上年答卷30份），"
        f"{town.name}小样本测评答卷3份（不足5人不予显示）；"
        f"民主评议党员：{village.name}{last}年度互评{voters}人参评，支部评定{grades}"
    )
