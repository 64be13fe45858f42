"""The public (no login) side: a per-client rate limit and a duplicate guard, both in Django's cache.

The client is known only by a salted hash of its IP address, kept in the cache for the window and never
written to the database (an anonymous submission stores no IP). With several app processes the cache must
be shared (Redis through REDIS_URL); a per-process LocMemCache limits each process separately.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from dangjian.core.middleware import client_ip

# Submissions per client per window, and the window for "the same content again" (seconds).
SUBMIT_LIMIT = getattr(settings, "FEEDBACK_PUBLIC_SUBMIT_LIMIT", (5, 3600))
FOLLOW_UP_LIMIT = getattr(settings, "FEEDBACK_PUBLIC_FOLLOW_UP_LIMIT", (20, 3600))
DUPLICATE_WINDOW = getattr(settings, "FEEDBACK_PUBLIC_DUPLICATE_WINDOW", 600)

RATE_MESSAGE = "提交过于频繁，请稍后再试（每个网络地址每小时最多提交{limit}次）。"
DUPLICATE_MESSAGE = "相同内容刚刚已经提交过，请勿重复提交；如需补充，请修改内容后再提交。"


def _hash(*parts: str) -> str:
    text = "\x1f".join([settings.SECRET_KEY, *parts])
    return hashlib.sha256(text.encode()).hexdigest()


def client_key(request) -> str:
    return _hash("client", client_ip(request) or "")


def over_limit(request, bucket: str, limit: tuple[int, int]) -> bool:
    """Count one attempt of this client in `bucket`; True when it exceeds `limit` (count, seconds)."""
    count, seconds = limit
    key = f"feedback:rate:{bucket}:{client_key(request)}"
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) > count
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return False


def _duplicate_key(request, organization_id: int, content: str) -> str:
    normal = "".join(content.split())
    return "feedback:dup:" + _hash(client_key(request), str(organization_id), normal)


def is_duplicate(request, organization_id: int, content: str) -> bool:
    return cache.get(_duplicate_key(request, organization_id, content)) is not None


def remember(request, organization_id: int, content: str) -> None:
    cache.set(_duplicate_key(request, organization_id, content), 1, DUPLICATE_WINDOW)


def refusal(request, organization_id: int, content: str) -> str:
    """The message refusing this public submission, or "" (then the attempt is counted)."""
    if is_duplicate(request, organization_id, content):
        return DUPLICATE_MESSAGE
    if over_limit(request, "submit", SUBMIT_LIMIT):
        return RATE_MESSAGE.format(limit=SUBMIT_LIMIT[0])
    return ""
