"""Test data for exams, made through the services (acting_user=None: the command line)."""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from dangjian.exams import services
from dangjian.exams.importing import HEADERS

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def make_bank(world, org="town_a", name="党章题库"):
    bank = services.do_create_bank(acting_user=None, organization=world[org], name=name)
    questions = [
        (
            "single",
            "党的最高领导机关是？",
            ["党的全国代表大会和它所产生的中央委员会", "中央政治局", "中央书记处"],
            "A",
        ),
        ("single", "党支部党员大会一般多久召开一次？", ["每月", "每季度", "每半年", "每年"], "B"),
        ("multiple", "支部委员会一般设哪些委员？", ["书记", "组织委员", "宣传委员", "纪检委员"], "ABCD"),
        ("multiple", "预备党员没有哪些权利？", ["表决权", "选举权", "被选举权", "知情权"], "ABC"),
        ("true_false", "预备党员有表决权。", [], "错"),
        ("true_false", "党员必须履行党员义务。", [], "对"),
        ("fill_in", "党的根本组织原则是____。", [], "民主集中制"),
        ("fill_in", "主题党日一般每____开展一次。", [], "月|每月|1个月"),
    ]
    for kind, stem, options, answer in questions:
        services.do_create_question(
            bank, acting_user=None, kind=kind, stem=stem, options=options, answer=answer, category="党章"
        )
    return bank


RULES = [("single", 2, "2"), ("multiple", 2, "3"), ("true_false", 2, "1"), ("fill_in", 2, "4")]


def make_paper(world, bank, org="town_a", seed=42, **options):
    rules = [
        {"bank": bank, "kind": kind, "category": "", "count": count, "points_each": Decimal(points)}
        for kind, count, points in RULES
    ]
    return services.do_create_paper(
        acting_user=None, organization=world[org], title="党章知识测试卷", rules=rules, seed=seed, **options
    )


def make_exam(world, paper, org="town_a", opens=T0, hours=24 * 7, **fields):
    fields.setdefault("time_limit_minutes", 30)
    fields.setdefault("pass_mark", Decimal(12))
    return services.do_create_exam(
        acting_user=None,
        organization=world[org],
        title="党章知识测试",
        paper=paper,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=hours),
        **fields,
    )


def open_exam(world, **options):
    """An exam of A镇党委 open now (for view and API tests that use the real clock)."""
    bank = make_bank(world)
    paper = make_paper(world, bank)
    return make_exam(world, paper, opens=timezone.now() - datetime.timedelta(hours=1), **options)


def correct_responses(attempt) -> dict:
    from dangjian.exams.models import Question

    questions = Question.objects.in_bulk([item["question"] for item in attempt.items])
    return {str(pk): q.answer.split("|")[0] for pk, q in questions.items()}


def sheet(rows, headers=HEADERS) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = "试题"
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(kind, stem, options=(), answer="", explanation="", points=None, category=""):
    options = list(options) + [None] * (6 - len(options))
    return [kind, stem, *options, answer, explanation, points, category]
