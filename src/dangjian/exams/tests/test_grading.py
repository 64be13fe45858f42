"""Grading of each kind of question (grading.py): exact for single and true/false, all-or-nothing for
multiple choice, normalized match for fill-in."""

from decimal import Decimal

import pytest

from dangjian.exams import grading


@pytest.mark.parametrize(
    ("response", "correct"),
    [("A", True), ("a", True), ("Ａ", True), ("B", False), ("", False)],
)
def test_single_choice_is_exact(response, correct):
    stored = grading.clean_response("single", response, 4)
    assert grading.is_correct("single", "A", stored) is correct


@pytest.mark.parametrize(
    ("response", "points"),
    [("ABD", "3"), ("DBA", "3"), ("A、B、D", "3"), ("AB", "0"), ("ABCD", "0"), ("ABE", "0"), ("", "0")],
)
def test_multiple_choice_is_all_or_nothing(response, points):
    stored = grading.clean_response("multiple", response, 5)
    assert grading.mark("multiple", "ABD", stored, Decimal(3)) == Decimal(points)


@pytest.mark.parametrize(
    ("response", "correct"),
    [("对", False), ("错", True), ("×", True), ("错误", True), ("F", True), ("", False)],
)
def test_true_false(response, correct):
    stored = grading.clean_response("true_false", response, 0)
    assert grading.is_correct("true_false", "错", stored) is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        ("民主集中制", True),
        (" 民主 集中制 ", True),
        ("民主集中制\u3000", True),
        ("民主", False),
        ("", False),
    ],
)
def test_fill_in_is_normalized(response, correct):
    assert (
        grading.is_correct("fill_in", "民主集中制", grading.clean_response("fill_in", response, 0)) is correct
    )


def test_fill_in_accepts_any_alternative_full_or_half_width():
    answer = grading.clean_answer("fill_in", "ＳＭ４｜sm-4 | 国密四号", 0)
    assert answer == "ＳＭ４|sm-4|国密四号"
    for response in ("sm4", "SM4", "Sm-4", "国密四号"):
        assert grading.is_correct("fill_in", answer, response), response
    assert not grading.is_correct("fill_in", answer, "sm5")


@pytest.mark.parametrize(
    ("kind", "answer", "options", "message"),
    [
        ("single", "AB", 4, "单选题只能有一个答案"),
        ("multiple", "A", 4, "多选题至少应有两个答案"),
        ("single", "E", 4, "答案“E”没有对应的选项"),
        ("single", "1", 4, "答案只能填写选项字母（A–D）"),
        ("true_false", "可能", 0, "判断题的答案只能是“对”或“错”"),
        ("fill_in", " | ", 0, "请填写正确答案（多个可接受的答案用“|”分隔）"),
    ],
)
def test_written_answers_are_checked(kind, answer, options, message):
    with pytest.raises(grading.AnswerError, match=message):
        grading.clean_answer(kind, answer, options)


def test_a_single_choice_response_with_several_letters_scores_nothing():
    """A crafted request sending every letter for a single choice must not match the answer."""
    assert grading.clean_response("single", "ABCD", 4) == ""
    assert grading.mark("single", "A", grading.clean_response("single", "ABCD", 4), Decimal(2)) == 0
