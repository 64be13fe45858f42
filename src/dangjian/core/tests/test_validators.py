"""身份证号 (GB 11643) and phone validators (security.md D1)."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from dangjian.core.validators import (
    id_number_birth_date,
    id_number_sex,
    make_id_number,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

VALID_ID = "11010519491231002X"  # the GB 11643 example number
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31))
sexes = st.sampled_from(["male", "female"])


def _message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


@pytest.mark.parametrize(
    "value", [VALID_ID, "11010519491231002x", " 11010519491231002X ", "１１０１０５１９４９１２３１００２Ｘ"]
)
def test_valid_id_numbers_and_normalisation(value):
    validate_id_number(value)
    assert normalize_id_number(value) == VALID_ID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "应为18位"),
        ("1101051949123100", "应为18位（当前为16位）"),
        ("11010519491231002X1", "应为18位"),
        ("1101051949123100AX", "前17位应为数字"),
        ("11010519491231002Y", "最后一位应为数字或X"),
        ("99010519491231002X", "省份代码无效"),
        ("110105194902300021", "出生日期无效"),
        ("110105189912310026", "出生日期无效"),
        ("110105299912310023", "出生日期无效"),
        ("110105194912310021", "校验位不正确"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong(value, message):
    with pytest.raises(ValidationError) as exc_info:
        validate_id_number(value)
    assert message in _message(exc_info)


def test_county_created_after_birth_is_accepted():
    """130102 (石家庄长安区) exists since 1983; people born earlier keep the code; ric.validate rejects it."""
    number = make_id_number(datetime.date(1950, 5, 1), "male", area_code="130102", seq=11)
    with pytest.raises(ric.ValidationError):
        ric.validate(number)
    validate_id_number(number)


@given(birth_dates, sexes, st.randoms(use_true_random=False))
def test_make_id_number_validates_and_round_trips(birth_date, sex, rng):
    number = make_id_number(birth_date, sex, rng=rng)
    validate_id_number(number)
    assert ric.is_valid(number)
    assert id_number_birth_date(number) == birth_date
    assert id_number_sex(number) == sex


@given(birth_dates, sexes, st.integers(min_value=0, max_value=16), st.sampled_from("0123456789"))
def test_single_digit_change_is_rejected(birth_date, sex, position, digit):
    number = make_id_number(birth_date, sex, rng=random.Random(0))
    changed = number[:position] + digit + number[position + 1 :]
    if changed != number:
        with pytest.raises(ValidationError):
            validate_id_number(changed)


@given(st.text(max_size=25))
def test_validator_never_crashes(text):
    try:
        validate_id_number(text)
    except ValidationError:
        pass
    try:
        validate_phone(text)
    except ValidationError:
        pass


def test_make_id_number_with_explicit_seq():
    assert make_id_number(datetime.date(1949, 12, 31), "female", area_code="110105", seq=2) == VALID_ID


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sex": "M"}, "sex"),
        ({"sex": "male", "seq": 2}, "seq"),
        ({"sex": "female", "seq": 1}, "seq"),
        ({"sex": "male", "seq": 1001}, "seq"),
        ({"sex": "male", "area_code": "1101"}, "area_code"),
    ],
)
def test_make_id_number_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_id_number(datetime.date(1990, 1, 1), **kwargs)


def test_birth_date_and_sex_of_invalid_number_raise():
    with pytest.raises(ValidationError):
        id_number_birth_date("110105194912310021")
    with pytest.raises(ValidationError):
        id_number_sex("123")


@pytest.mark.parametrize(
    ("value", "normalized"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0311-12345678", "0311-12345678"),
        ("010-12345678", "010-12345678"),
        ("0311 1234567", "0311-1234567"),
        ("(0311)12345678", "0311-12345678"),
        ("0311-12345678-801", "0311-12345678-801"),
        ("031112345678", "031112345678"),
    ],
)
def test_valid_phones(value, normalized):
    validate_phone(value)
    assert normalize_phone(value) == normalized


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12812345678",
        "1381234567",
        "138123456789",
        "23812345678",
        "311-12345678",
        "0311-123456",
        "abc",
        "12345",
    ],
)
def test_invalid_phones(value):
    with pytest.raises(ValidationError, match="联系电话格式不正确"):
        validate_phone(value)


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_any_mobile_is_valid(phone):
    validate_phone(phone)
    assert normalize_phone(phone) == phone
