"""Answers and their comparison: one place decides what a written answer means and whether a response
matches it.

- 单选题: one option letter; 多选题: two or more letters, graded all-or-nothing (every correct option and
  no other; a partly right choice scores 0, as in most Party-knowledge tests, and nothing rewards guessing);
- 判断题: 对 or 错 (正确/错误, √/×, T/F, 是/否 are read as the same);
- 填空题: one blank; the accepted answers are separated by ｜ or |. A response matches one of them after
  trimming, dropping inner whitespace, full-width → half-width (NFKC) and case folding.
"""

import re
import unicodedata
from decimal import Decimal

from .choices import CHOICE_KINDS, OPTION_LETTERS, QuestionKind

LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
ALTERNATIVES = re.compile(r"[|｜]")
TRUE_WORDS = {"对", "正确", "√", "✓", "t", "true", "是", "y"}
FALSE_WORDS = {"错", "错误", "×", "✗", "x", "f", "false", "否", "n"}


class AnswerError(ValueError):
    """A written answer (or a response) that cannot mean anything for its kind; the text is Chinese."""


def normalize(text) -> str:
    """The comparison form of a fill-in: NFKC (full-width → half-width), no whitespace, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).casefold()


def parse_letters(text, option_count: int) -> str:
    """Option letters in order without repeats ("c、a" → "AC"); AnswerError if a letter has no option."""
    raw = LETTER_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(text or ""))).upper()
    letters = sorted(set(raw))
    allowed = OPTION_LETTERS[:option_count]
    wrong = [letter for letter in letters if letter not in allowed]
    if wrong:
        if any(letter not in OPTION_LETTERS for letter in wrong):
            raise AnswerError(f"答案只能填写选项字母（{allowed[0]}–{allowed[-1]}）")
        raise AnswerError(f"答案“{''.join(wrong)}”没有对应的选项")
    return "".join(letters)


def parse_true_false(text) -> str:
    word = normalize(text)
    if word in TRUE_WORDS:
        return "对"
    if word in FALSE_WORDS:
        return "错"
    raise AnswerError("判断题的答案只能是“对”或“错”")


def alternatives(text) -> list[str]:
    """The accepted fill-in answers, trimmed, without empty ones."""
    return [part.strip() for part in ALTERNATIVES.split(str(text or "")) if part.strip()]


def clean_answer(kind: str, answer, option_count: int) -> str:
    """The stored form of the correct answer of a question; AnswerError (Chinese) when it cannot be."""
    if kind in CHOICE_KINDS:
        if option_count < 2:
            raise AnswerError("选择题至少需要两个选项")
        letters = parse_letters(answer, option_count)
        if not letters:
            raise AnswerError("请填写正确答案的选项字母")
        if kind == QuestionKind.SINGLE and len(letters) != 1:
            raise AnswerError("单选题只能有一个答案")
        if kind == QuestionKind.MULTIPLE and len(letters) < 2:
            raise AnswerError("多选题至少应有两个答案")
        return letters
    if kind == QuestionKind.TRUE_FALSE:
        return parse_true_false(answer)
    accepted = alternatives(answer)
    if not accepted:
        raise AnswerError("请填写正确答案（多个可接受的答案用“|”分隔）")
    return "|".join(accepted)


def clean_response(kind: str, response, option_count: int) -> str:
    """A member's response in stored form; an unreadable one is stored as empty (it scores nothing)."""
    if response is None:
        return ""
    if isinstance(response, list | tuple):
        response = "".join(str(item) for item in response)
    try:
        if kind in CHOICE_KINDS:
            letters = parse_letters(response, option_count)
            # Several letters for a single choice are no answer (else "ABCD" would always score).
            return "" if kind == QuestionKind.SINGLE and len(letters) > 1 else letters
        if kind == QuestionKind.TRUE_FALSE:
            return parse_true_false(response) if str(response).strip() else ""
    except AnswerError:
        return ""
    return str(response).strip()[:200]


def is_correct(kind: str, answer: str, response: str) -> bool:
    """Whether a stored response matches a stored answer (see the module docstring for each kind)."""
    if not response:
        return False
    if kind == QuestionKind.FILL_IN:
        return normalize(response) in {normalize(alt) for alt in alternatives(answer)}
    return response == answer


def mark(kind: str, answer: str, response: str, points: Decimal) -> Decimal:
    """The points a response earns: all of them when correct, none otherwise."""
    return points if is_correct(kind, answer, response) else Decimal(0)
