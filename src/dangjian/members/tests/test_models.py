"""The member record: derived fields, encrypted storage of 身份证号 and phone (E2), masking (P3)."""

import re
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from dangjian.core.crypto import crypto_provider
from dangjian.members.models import Member, name_pinyin

ID_PATTERN = re.compile(r"\d{17}[\dXx]")


def raw_row(member) -> dict:
    """The member's row exactly as stored, read past the ORM."""
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [member.pk])  # noqa: S608 - fixed table name
        columns = [col[0] for col in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [("张三丰", "zhangsanfeng", "zsf"), ("李四", "lisi", "ls"), ("欧阳娜娜", "ouyangnana", "oynn")],
)
def test_name_pinyin(name, full, initials):
    assert name_pinyin(name) == (full, initials)


def test_derived_fields_follow_the_name_and_numbers(world):
    zhang = world["zhang"]
    provider = crypto_provider()
    assert zhang.name_pinyin == "zhangsanfeng"
    assert zhang.name_initials == "zsf"
    assert zhang.id_number_index == provider.blind_index(zhang.id_number, "id_number")
    assert zhang.phone_index == provider.blind_index("13812345678", "phone")


def test_id_number_and_phone_are_encrypted_in_the_database(world):
    zhang = world["zhang"]
    row = raw_row(zhang)
    assert row["id_number"] != zhang.id_number
    assert row["phone"] != "13812345678"
    assert row["id_number"].startswith("k1:") is True
    assert "13812345678" not in row["phone"]
    assert ID_PATTERN.search(row["id_number"]) is None
    assert Member.objects.get(pk=zhang.pk).id_number == zhang.id_number  # decrypts on read


def test_no_id_number_anywhere_in_the_member_table(world):
    table = connection.ops.quote_name(Member._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table name
        dump = repr(cursor.fetchall())
    assert ID_PATTERN.search(dump) is None
    for phone in ("13812345678", "13900001111", "13700002222", "13600003333"):
        assert phone not in dump


def test_the_same_id_number_encrypts_differently_but_indexes_the_same(world):
    provider = crypto_provider()
    number = world["zhang"].id_number
    assert provider.encrypt(number) != provider.encrypt(number)
    assert provider.blind_index(number, "id_number") == world["zhang"].id_number_index


def test_the_blind_index_is_unique_in_the_database(world):
    copy = Member.objects.get(pk=world["zhang"].pk)
    copy.pk = None
    copy.user = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


def test_masks(world):
    zhang = world["zhang"]
    assert zhang.masked_id_number == zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:]
    assert zhang.masked_phone == "138****5678"
    assert Member(phone="").masked_phone == ""


@pytest.mark.parametrize(
    ("day", "age"),
    [(date(2020, 5, 5), 39), (date(2020, 5, 6), 40), (date(2021, 1, 1), 40)],
)
def test_age_on(world, day, age):
    assert world["zhang"].age_on(day) == age


def test_probation_is_one_year(world):
    li = world["li"]
    end = li.joined_on.replace(year=li.joined_on.year + 1)
    assert li.probation_overdue(end) is False
    assert li.probation_overdue(date.fromordinal(end.toordinal() + 1)) is True
    assert world["zhang"].probation_overdue(date(2100, 1, 1)) is False


def test_active_statuses(world):
    assert set(Member.objects.active().values_list("name", flat=True)) == {"张三丰", "李四", "王五", "赵六"}
    assert world["li"].is_active is True


def test_a_branch_with_members_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world["a2"].delete()
