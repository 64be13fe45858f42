"""Server-side masking of 身份证号 and phone numbers (security.md P3)."""

import datetime
import logging
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.core.logging import RedactPIFilter
from dangjian.core.masking import mask_id_number, mask_phone, redact_pi
from dangjian.core.validators import make_id_number

ID_PATTERN = re.compile(r"\d{17}[\dXx]")
id_numbers = st.builds(
    make_id_number,
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    st.sampled_from(["male", "female"]),
    rng=st.randoms(use_true_random=False),
)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


def _shown(masked: str) -> int:
    return sum(1 for char in masked if char != "*")


def test_mask_id_number_example():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert len(mask_id_number("11010519491231002X")) == 18


@pytest.mark.parametrize(
    ("value", "masked"), [(None, ""), ("", ""), ("123", "***"), ("1234567890123", "*" * 13)]
)
def test_mask_id_number_short_input_is_fully_masked(value, masked):
    assert mask_id_number(value) == masked


def test_mask_id_number_old_15_digit_id():
    assert mask_id_number("110105491231002") == "110********1002"


@given(st.text())
def test_mask_id_number_never_reveals_more_than_7(text):
    masked = mask_id_number(text)
    assert _shown(masked) <= 7
    assert not ID_PATTERN.search(masked)


@given(id_numbers)
def test_mask_of_real_ids_keeps_first_3_and_last_4(number):
    masked = mask_id_number(number)
    assert masked == number[:3] + "*" * 11 + number[-4:]


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 13812345678", "138****5678"),
        ("0311-12345678", "031********78"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@given(st.text())
def test_mask_phone_reveals_at_most_7(text):
    assert _shown(mask_phone(text)) <= 7


@given(id_numbers, mobiles, st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=10))
def test_redact_pi_masks_ids_and_mobiles_in_free_text(number, mobile, filler):
    text = f"用户{filler}身份证{number}，手机：{mobile}{filler}"
    redacted = redact_pi(text)
    assert number not in redacted
    assert mobile not in redacted
    assert mask_id_number(number) in redacted
    assert mask_phone(mobile) in redacted


@given(st.text(alphabet="0123456789Xx -+abc中", max_size=80))
def test_redact_pi_output_never_contains_an_id_pattern(text):
    assert not ID_PATTERN.search(redact_pi(text))


@given(st.text())
def test_redact_pi_output_never_contains_an_id_pattern_unicode(text):
    assert not ID_PATTERN.search(redact_pi(text))


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("id=11010519491231002x end", "id=110***********002x end"),
        ("tel 138-1234-5678.", "tel 138****5678."),
        ("+8613812345678", "+86138****5678"),
        ("order 12345 at 2024-01-02", "order 12345 at 2024-01-02"),
        ("11010519491231002X11010519491231002X", "110***********002X110***********002X"),
    ],
)
def test_redact_pi_examples(text, redacted):
    assert redact_pi(text) == redacted


def test_log_filter_redacts():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "查询 %s", ("11010519491231002X",), None)
    RedactPIFilter().filter(record)
    assert record.getMessage() == "查询 110***********002X"


def test_a_mobile_followed_by_a_letter_x_is_still_masked():
    """Found by Hypothesis in CI: "13000000000X" was left in clear."""
    assert redact_pi("手机：13000000000X") == "手机：130****0000X"
    assert redact_pi("电话8613800001111x") == "电话86138****1111x"
