"""Per-IP rate limit of the public survey form and API (Django's cache: Redis when REDIS_URL is set,
shared by every worker; a process-local LocMemCache otherwise, so each process counts on its own).

`SURVEY_PUBLIC_RATE` (settings, or the environment variable DANGJIAN_SURVEY_PUBLIC_RATE) is
"<requests>/<seconds>", default 30/60; "off" disables it (the load benchmark on loopback).
"""

import os
import time

from django.conf import settings
from django.core.cache import cache

DEFAULT = "30/60"


def _rate() -> tuple[int, int] | None:
    value = os.environ.get("DANGJIAN_SURVEY_PUBLIC_RATE") or getattr(settings, "SURVEY_PUBLIC_RATE", DEFAULT)
    if value == "off":
        return None
    count, seconds = value.split("/")
    return int(count), int(seconds)


def client_ip(request) -> str:
    from dangjian.core import request_context

    ctx = request_context.current()
    return (ctx.ip_address if ctx and ctx.ip_address else None) or request.META.get("REMOTE_ADDR", "")


def allow(request) -> bool:
    """Count one public submission of this IP in the current window; False once over the limit."""
    rate = _rate()
    if rate is None:
        return True
    count, seconds = rate
    key = f"surveys:rate:{client_ip(request)}:{int(time.time()) // seconds}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        used = 1
    return used <= count
