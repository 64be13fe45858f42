"""Password rules of 等保 level 3: at least three of four character classes (length is checked by
Django's MinimumLengthValidator, 12 by default)."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda ch: ch in string.punctuation or not ch.isalnum()),
)


def character_classes(password: str) -> int:
    """How many of the four classes (lower, upper, digit, symbol) the password uses."""
    return sum(any(test(ch) for ch in password) for _, test in CLASSES)


class PasswordPolicyValidator:
    """≥3 of 4 character classes and at most 128 characters."""

    def validate(self, password, user=None):
        policy = settings.SECURITY_POLICY
        if len(password) > policy["password_max_length"]:
            raise ValidationError(
                f"密码不能超过{policy['password_max_length']}个字符。", code="password_too_long"
            )
        if character_classes(password) < policy["password_min_classes"]:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{policy['password_min_classes']}类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return "密码须包含大写字母、小写字母、数字、符号中的至少3类。"
