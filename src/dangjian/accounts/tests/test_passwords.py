"""Password rules (security.md A2/A3): ≥12 characters, ≥3 of 4 classes, ≤128, not common, not like the
username; forced change at first login and after 90 days."""

import gzip
import string
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dangjian.accounts.models import User
from dangjian.accounts.services import do_create_user
from dangjian.accounts.validators import character_classes
from dangjian.audit.models import AuditEvent
from dangjian.core.testing import PASSWORD

COMMON = frozenset(
    gzip.open(Path(password_validation.__file__).parent / "common-passwords.txt.gz", "rt").read().split()
)
CLASSES_MESSAGE = "密码须包含大写字母、小写字母、数字、符号中的至少3类。"
NEW_PASSWORD = "Yanan-Pagoda-1937!"


def codes(password, user=None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_policy_numbers_are_in_one_place():
    policy = settings.SECURITY_POLICY
    assert (policy["password_min_length"], policy["password_max_length"], policy["password_min_classes"]) == (
        12,
        128,
        3,
    )
    assert policy["password_max_age_days"] == 90


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        (PASSWORD, []),
        ("Ab1!Ab1!Ab1", ["password_too_short"]),
        ("Ab1!Ab1!Ab1!", []),
        ("abcdefghijk1", ["password_too_simple"]),
        ("abcdefghijkL", ["password_too_simple"]),
        ("abcdefghijK1", []),
        ("abcdefghijk!1", []),
        ("ABCDEFGHIJK-1", []),
        ("正确的马电池订书钉Ab1", []),
        ("Password1234", ["password_too_common"]),
        ("Qwertyuiop12", ["password_too_common"]),
        ("A1!" + "x" * 125, []),
        ("A1!" + "x" * 126, ["password_too_long"]),
        ("123456789012", ["password_entirely_numeric", "password_too_simple"]),
    ],
)
def test_password_rules(password, expected):
    assert sorted(codes(password)) == sorted(expected)


def test_password_too_simple_message_is_chinese():
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("abcdefghijk1")
    assert caught.value.messages == [CLASSES_MESSAGE]


def test_password_too_long_message_is_chinese():
    with pytest.raises(ValidationError) as caught:
        password_validation.validate_password("A1!" + "x" * 126)
    assert caught.value.messages == ["密码不能超过128个字符。"]


def test_password_like_the_username_is_refused():
    user = User(username="zhangsanfeng", last_name="张", first_name="三丰")
    assert codes("Zhangsanfeng1!", user) == ["password_too_similar"]
    assert codes(PASSWORD, user) == []


@pytest.mark.parametrize(
    ("password", "classes"),
    [
        ("abc", 1),
        ("aB", 2),
        ("aB1", 3),
        ("aB1 ", 4),
        ("aB1!", 4),
        ("汉字aB", 2),
        ("", 0),
    ],  # CJK letters have no case: no class
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " 汉字"


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=PRINTABLE, max_size=140))
def test_any_accepted_password_meets_every_rule(password):
    try:
        password_validation.validate_password(password)
    except ValidationError:
        return
    assert 12 <= len(password) <= 128
    assert character_classes(password) >= 3
    assert password.lower().strip() not in COMMON
    assert password.isdigit() is False


# --- forced change -------------------------------------------------------------------------------


def change_password(client, old=PASSWORD, new=NEW_PASSWORD):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


@pytest.fixture
def new_user(db, client):
    user = do_create_user(
        username="zhou_ba", password=PASSWORD, last_name="周", first_name="八", acting_user=None
    )
    client.post(reverse("login"), {"username": "zhou_ba", "password": PASSWORD})
    return user


def test_new_accounts_must_change_the_initial_password(new_user):
    assert new_user.must_change_password is True


@pytest.mark.parametrize("path", ["/", "/members/", "/organizations/", "/quality/"])
def test_first_login_sends_every_page_to_password_change(new_user, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_password_change_page_explains_why(new_user, client):
    html = client.get(reverse("password_change")).content.decode()
    assert "首次登录或密码已过期，请先修改密码。" in html


def test_after_the_change_pages_open(new_user, client):
    response = change_password(client)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = User.objects.get(pk=new_user.pk)
    assert user.must_change_password is False
    assert user.check_password(NEW_PASSWORD) is True
    assert AuditEvent.objects.filter(action="password_change", user=user).count() == 1


def test_a_weak_new_password_is_refused_on_the_page(new_user, client):
    response = change_password(client, new="abcdefghijk1")
    assert response.status_code == 200
    assert CLASSES_MESSAGE in response.content.decode()
    assert client.get("/").status_code == 302


def test_password_older_than_90_days_must_change(world, client_as):
    user = world.users["town_a_admin"]
    client = client_as("town_a_admin")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    assert client.get("/").status_code == 200
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    assert change_password(client).status_code == 302
    assert client.get("/").status_code == 200


def test_first_login_also_blocks_the_api(new_user, client):
    from dangjian.accounts.choices import RoleChoices
    from dangjian.accounts.services import do_grant_role
    from dangjian.organizations.services import do_create_organization

    root = do_create_organization(parent=None, acting_user=None, code="R", name="县委", kind="committee")
    do_grant_role(user=new_user, role=RoleChoices.ORG_ADMIN, organization=root, acting_user=None)
    assert client.get(reverse("members-api:member-list")).status_code == 403
