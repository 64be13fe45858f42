import re

from django.db.models import Q

from dangjian.core.crypto import crypto_provider
from dangjian.core.querysets import ScopedQuerySet

from .choices import ACTIVE_STATUSES

ID_NUMBER_RE = re.compile(r"^\d{17}[\dXx]$")
PHONE_RE = re.compile(r"^1\d{10}$")
LETTERS_RE = re.compile(r"^[A-Za-z]+$")


def prefix_range(prefix: str) -> tuple[str, str]:
    """(low, high) such that a string starts with `prefix` iff low <= s < high (index-friendly)."""
    return prefix, prefix + "\uffff"


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        """正式 and 预备 members (not those who left, died, were suspended or transferred out)."""
        return self.filter(status__in=ACTIVE_STATUSES)

    def search(self, text: str):
        """Find by 身份证号, phone, pinyin initials (`zsf` → 张三丰), full pinyin, or name prefix.

        Every branch is an exact or prefix match on an indexed column (never a scan).
        """
        text = (text or "").strip()
        if not text:
            return self
        provider = crypto_provider()
        if ID_NUMBER_RE.match(text):
            return self.filter(id_number_index=provider.blind_index(text.upper(), "id_number"))
        if PHONE_RE.match(text):
            return self.filter(phone_index=provider.blind_index(text, "phone"))
        if LETTERS_RE.match(text):
            text = text.lower()
            low, high = prefix_range(text)
            return self.filter(
                Q(name_initials__gte=low, name_initials__lt=high)
                | Q(name_pinyin__gte=low, name_pinyin__lt=high)
            )
        low, high = prefix_range(text)
        return self.filter(name__gte=low, name__lt=high)
