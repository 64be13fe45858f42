"""Drawing questions for a paper by its rules, reproducibly: the same seed and the same bank give the
same questions in the same order (random.Random seeded with a string is stable across runs and
platforms), and each examinee's own draw, when the paper asks for one, is seeded from the paper's seed."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from .choices import CHOICE_KINDS, OPTION_LETTERS, QuestionKind
from .models import Question

KIND_ORDER = list(QuestionKind.values)


@dataclass(frozen=True)
class Drawn:
    question: Question
    points: Decimal


def draw(rules, seed: str) -> list[Drawn]:
    """Questions for `rules` (PaperRule-like: bank, kind, category, count, points_each), grouped by kind
    in the usual order (单选, 多选, 判断, 填空); ValidationError naming the rule that cannot be met."""
    rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    chosen: list[Drawn] = []
    taken: set[int] = set()
    for number, rule in enumerate(rules, 1):
        pool = Question.objects.active().filter(bank=rule.bank, kind=rule.kind)
        if rule.category:
            pool = pool.filter(category=rule.category)
        candidates = [q for q in pool.order_by("pk") if q.pk not in taken]
        if len(candidates) < rule.count:
            category = f"（分类“{rule.category}”）" if rule.category else ""
            raise ValidationError(
                f"第{number}条规则：题库「{rule.bank}」中可用的{QuestionKind(rule.kind).label}{category}"
                f"只有{len(candidates)}道，少于要求的{rule.count}道。"
            )
        for question in rng.sample(candidates, rule.count):
            taken.add(question.pk)
            chosen.append(Drawn(question, rule.points_each))
    chosen.sort(key=lambda item: KIND_ORDER.index(item.question.kind))  # stable: draw order within a kind
    return chosen


def option_order(question: Question, rng: random.Random) -> str:
    """The option letters in the order one examinee sees them ("" = as written)."""
    if question.kind not in CHOICE_KINDS:
        return ""
    letters = list(OPTION_LETTERS[: len(question.options)])
    rng.shuffle(letters)
    return "".join(letters)
