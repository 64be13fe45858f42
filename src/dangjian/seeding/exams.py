"""Demo exams: a bank of questions on the 党章 and the 支部工作条例, a closed county exam with results, and
an open exam the demo member `dangyuan` can sit.

The questions quote the texts factually (the 党章 as amended in 2022; the 《中国共产党支部工作条例（试行）》
of 2018; see ../shared/domain/rules.md §1–§3). The closed exam's answer sheets are simulated (each member
answers each question correctly with a probability of their own) and graded by the real grading code;
they are written in bulk, one audit row each.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from dangjian.audit import services as audit
from dangjian.exams import grading, services
from dangjian.exams.choices import OPTION_LETTERS, AttemptEnd
from dangjian.exams.models import Attempt, Question
from dangjian.members.models import Member

from .plan import Plan

CHARTER, RULES = "党章", "支部工作条例"
# (kind, category, stem, options, answer, explanation)
QUESTIONS = [
    (
        "single",
        CHARTER,
        "党的最高领导机关是：",
        ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处", "中央军事委员会"],
        "A",
        "党章第十条。",
    ),
    ("single", CHARTER, "预备党员的预备期为：", ["半年", "一年", "两年", "三年"], "B", "党章第七条。"),
    (
        "single",
        CHARTER,
        "党的全国代表大会每几年举行一次？",
        ["三年", "四年", "五年", "六年"],
        "C",
        "党章第十九条。",
    ),
    (
        "single",
        CHARTER,
        "党员没有正当理由，连续几个月不参加党的组织生活、不交纳党费或不做党所分配的工作，就被认为是自行脱党？",
        ["三个月", "六个月", "九个月", "十二个月"],
        "B",
        "党章第九条。",
    ),
    ("single", CHARTER, "留党察看最长不超过：", ["一年", "两年", "三年", "五年"], "B", "党章第四十一条。"),
    (
        "single",
        CHARTER,
        "申请入党的人，要有几名正式党员作介绍人？",
        ["一名", "两名", "三名", "四名"],
        "B",
        "党章第五条。",
    ),
    (
        "single",
        RULES,
        "凡是有正式党员几人以上的，应当成立党支部？",
        ["二人", "三人", "五人", "七人"],
        "B",
        "支部工作条例第四条。",
    ),
    (
        "single",
        RULES,
        "党支部党员人数一般不超过：",
        ["30人", "50人", "70人", "100人"],
        "B",
        "支部工作条例第四条。",
    ),
    (
        "single",
        RULES,
        "有正式党员几人以上的党支部，应当设立党支部委员会？",
        ["3人", "5人", "7人", "9人"],
        "C",
        "支部工作条例第二十一条。",
    ),
    (
        "single",
        RULES,
        "党支部委员会一般由几人组成（一般不超过7人）？",
        ["2至3人", "3至5人", "5至7人", "7至9人"],
        "B",
        "支部工作条例第二十一条。",
    ),
    (
        "single",
        RULES,
        "村、社区党支部委员会每届任期：",
        ["3年", "4年", "5年", "6年"],
        "C",
        "支部工作条例第二十二条。",
    ),
    (
        "single",
        RULES,
        "党支部书记一般应当具有几年以上党龄？",
        ["半年", "1年", "2年", "3年"],
        "B",
        "支部工作条例第二十三条。",
    ),
    (
        "single",
        RULES,
        "党支部党员大会进行表决，须有多少有表决权的党员到会方可进行？",
        ["三分之一以上", "半数以上", "三分之二以上", "全体"],
        "B",
        "支部工作条例第十一条。",
    ),
    (
        "single",
        RULES,
        "《中国共产党支部工作条例（试行）》印发于：",
        ["2016年", "2017年", "2018年", "2019年"],
        "C",
        "2018年10月印发施行。",
    ),
    (
        "multiple",
        CHARTER,
        "预备党员的权利，除了没有哪些权利以外，同正式党员一样？",
        ["表决权", "选举权", "被选举权", "知情权"],
        "ABC",
        "党章第七条。",
    ),
    (
        "multiple",
        CHARTER,
        "下列属于党的纪律处分的有：",
        ["警告", "严重警告", "留党察看", "开除党籍", "通报表扬"],
        "ABCD",
        "党章第四十条：警告、严重警告、撤销党内职务、留党察看、开除党籍。",
    ),
    (
        "multiple",
        CHARTER,
        "党的纪律主要包括：",
        ["政治纪律", "组织纪律", "廉洁纪律", "群众纪律", "工作纪律", "生活纪律"],
        "ABCDEF",
        "党章第四十条。",
    ),
    (
        "multiple",
        RULES,
        "“三会一课”包括：",
        ["支部党员大会", "支部委员会", "党小组会", "党课", "民主生活会"],
        "ABCD",
        "支部工作条例第十条。",
    ),
    ("true_false", CHARTER, "凡是有正式党员三人以上的，都应当成立党的基层组织。", [], "对", "党章第三十条。"),
    (
        "true_false",
        CHARTER,
        "党的基层委员会、总支部委员会、支部委员会每届任期三年至五年。",
        [],
        "对",
        "党章第三十一条。",
    ),
    (
        "true_false",
        CHARTER,
        "预备党员预备期满，党的支部应当及时讨论他能否转为正式党员。",
        [],
        "对",
        "党章第七条。",
    ),
    ("true_false", CHARTER, "党员必须按照规定交纳党费。", [], "对", "党章第八条。"),
    ("true_false", CHARTER, "党徽党旗是中国共产党的象征和标志。", [], "对", "党章第十一章。"),
    ("true_false", CHARTER, "党的中央委员会每届任期三年。", [], "错", "每届任期五年（党章第二十条）。"),
    (
        "true_false",
        RULES,
        "正式党员不足3人的单位，可以与邻近单位的党员成立联合党支部。",
        [],
        "对",
        "支部工作条例第四条。",
    ),
    ("true_false", RULES, "党支部党员大会一般每季度召开1次。", [], "对", "支部工作条例第十一条。"),
    (
        "true_false",
        RULES,
        "党支部委员会会议一般每季度召开1次。",
        [],
        "错",
        "一般每月召开1次（支部工作条例第十二条）。",
    ),
    ("true_false", RULES, "党小组会一般每月召开1次。", [], "对", "支部工作条例第十三条。"),
    ("true_false", RULES, "民主评议党员一般每年开展一次。", [], "对", "支部工作条例第十八条。"),
    (
        "true_false",
        RULES,
        "临时党支部可以发展党员、收缴党费。",
        [],
        "错",
        "临时党支部一般不发展党员、不处分处置党员、不收缴党费（支部工作条例第八条）。",
    ),
    ("true_false", RULES, "预备党员在党支部党员大会上有表决权。", [], "错", "预备党员没有表决权。"),
    (
        "fill_in",
        CHARTER,
        "中国共产党党员必须是年满____岁的中国工人、农民、军人、知识分子和其他社会阶层的先进分子。",
        [],
        "十八|18",
        "党章第一条。",
    ),
    ("fill_in", CHARTER, "党的根本组织原则是____。", [], "民主集中制", "党章第十条。"),
    (
        "fill_in",
        CHARTER,
        "预备党员的预备期，从____通过他为预备党员之日算起。",
        [],
        "支部大会|支部党员大会|党支部党员大会",
        "党章第七条。",
    ),
    ("fill_in", CHARTER, "党员的党龄，从预备期满____之日算起。", [], "转为正式党员", "党章第七条。"),
    ("fill_in", CHARTER, "发展党员，必须经过党的支部，坚持____的原则。", [], "个别吸收", "党章第五条。"),
    ("fill_in", RULES, "党支部每月相对固定1天开展____。", [], "主题党日", "支部工作条例第十六条。"),
    (
        "fill_in",
        RULES,
        "组织生活会一般每年召开____次，一般安排在第四季度。",
        [],
        "1|一",
        "支部工作条例第十七条。",
    ),
    (
        "fill_in",
        RULES,
        "党支部委员之间、委员和党员之间、党员和党员之间，每年谈心谈话一般不少于____次。",
        [],
        "1|一",
        "支部工作条例第十九条。",
    ),
]
RULES_OF_PAPER = [("single", 10, 3), ("multiple", 4, 5), ("true_false", 10, 3), ("fill_in", 5, 4)]
SAT_SHARE = 0.86  # of the county's members sat the closed exam


def seed_exams(plan: Plan, today: datetime.date, seed: int) -> str:
    """Bank, papers, a closed exam with results, an open one; returns a line for the seed log."""
    root = plan.landmarks["root"].instance
    town = plan.landmarks["town"].instance
    bank = services.do_create_bank(
        acting_user=None,
        organization=root,
        name="党章和支部工作条例知识题库",
        description="依据《中国共产党章程》和《中国共产党支部工作条例（试行）》编写。",
    )
    for kind, category, stem, options, answer, explanation in QUESTIONS:
        services.do_create_question(
            bank,
            acting_user=None,
            kind=kind,
            stem=stem,
            options=options,
            answer=answer,
            explanation=explanation,
            category=category,
        )
    rules = [
        {"bank": bank, "kind": kind, "category": "", "count": count, "points_each": Decimal(points)}
        for kind, count, points in RULES_OF_PAPER
    ]
    paper = services.do_create_paper(
        acting_user=None,
        organization=root,
        title="党章和支部工作条例知识测试卷（A卷）",
        rules=rules,
        seed=seed,
    )
    now = timezone.now()
    opened = now - datetime.timedelta(days=60)
    closed = services.do_create_exam(
        acting_user=None,
        organization=root,
        title=f"{today.year}年党章和支部工作条例知识测试",
        paper=paper,
        opens_at=opened,
        closes_at=opened + datetime.timedelta(days=7),
        time_limit_minutes=60,
        pass_mark=Decimal(60),
        instructions="全县党员参加，开卷，独立完成。",
    )
    sheets = _simulate(closed, random.Random(f"dangjian-seed:{seed}:exams"))
    practice = services.do_create_paper(
        acting_user=None,
        organization=town,
        title="支部工作条例练习卷（每人单独抽题）",
        rules=[{**rule, "count": min(rule["count"], 5)} for rule in rules],
        seed=seed + 1,
        draw_per_examinee=True,
        shuffle_options=True,
    )
    services.do_create_exam(
        acting_user=None,
        organization=town,
        title="支部工作条例学习测试（进行中）",
        paper=practice,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        time_limit_minutes=30,
        pass_mark=Decimal(36),
        attempts_allowed=2,
    )
    return f"考试：题库{len(QUESTIONS)}题，已结束的考试答卷{sheets}份，{town.name}一场进行中的考试"


def _simulate(exam, rng: random.Random) -> int:
    """Answer sheets of most active members of the exam's subtree, graded by the grading module."""
    items = [
        {"question": pq.question_id, "points": str(pq.points), "order": ""}
        for pq in exam.paper.items.order_by("order")
    ]
    questions = Question.objects.in_bulk([item["question"] for item in items])
    members = Member.objects.active().in_subtree(exam.organization).order_by("pk").only("pk")
    sheets = []
    for member in members:
        if rng.random() > SAT_SHARE:
            continue
        skill = rng.uniform(0.45, 0.98)
        started = exam.opens_at + datetime.timedelta(minutes=rng.randrange(0, 7 * 24 * 60 - 60))
        responses, marks = {}, {}
        for item in items:
            question = questions[item["question"]]
            right = rng.random() < skill
            response = question.answer.split("|")[0] if right else _wrong(question, rng)
            responses[str(question.pk)] = response
            marks[str(question.pk)] = str(
                grading.mark(question.kind, question.answer, response, Decimal(item["points"]))
            )
        score = sum((Decimal(v) for v in marks.values()), Decimal(0))
        ended = started + datetime.timedelta(minutes=rng.randrange(12, 58))
        sheets.append(
            Attempt(
                exam=exam,
                member=member,
                number=1,
                started_at=started,
                deadline=started + datetime.timedelta(minutes=exam.time_limit_minutes),
                ended_at=ended,
                ended_how=AttemptEnd.SUBMITTED,
                draw_seed=str(exam.paper.seed),
                items=items,
                responses=responses,
                marks=marks,
                score=score,
                passed=score >= exam.pass_mark,
                saved_at=ended,
            )
        )
    audit.bulk_create_audited(Attempt, sheets, acting_user=None, message="演示数据：模拟答卷")
    return len(sheets)


def _wrong(question: Question, rng: random.Random) -> str:
    if question.kind == "true_false":
        return "错" if question.answer == "对" else "对"
    if question.kind == "fill_in":
        return rng.choice(["不清楚", ""])
    letters = OPTION_LETTERS[: len(question.options)]
    wrong = [letter for letter in letters if letter not in question.answer]
    if question.kind == "single":
        return rng.choice(wrong)
    return question.answer[:-1] if rng.random() < 0.7 or not wrong else question.answer + rng.choice(wrong)
