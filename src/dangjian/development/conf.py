"""The engine's numbers from Django settings: `DEVELOPMENT_LIMITS = {"applicant_min_months": 6, …}` overrides
any field of `engine.Limits` by name (the UNCONFIRMED numbers of rules.md §4.2 are meant to be set here)."""

from dataclasses import fields, replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .engine import Limits


def limits() -> Limits:
    overrides = getattr(settings, "DEVELOPMENT_LIMITS", {}) or {}
    known = {f.name for f in fields(Limits)}
    unknown = set(overrides) - known
    if unknown:
        raise ImproperlyConfigured(f"DEVELOPMENT_LIMITS: unknown names {sorted(unknown)}")
    return replace(Limits(), **overrides)
