"""The escalation ladder's numbers. In Django settings,
`TASK_ESCALATION = {"reminder_working_days": 2, "bulletin_working_days": 3}` overrides the defaults; a task
may carry its own."""

from dataclasses import dataclass, fields, replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Ladder:
    # 提醒: this many working days before the deadline (0: on the deadline day itself).
    reminder_working_days: int = 2
    # 通报: units still overdue this many working days after the deadline go on the issuer's draft.
    bulletin_working_days: int = 3


def ladder() -> Ladder:
    overrides = getattr(settings, "TASK_ESCALATION", {}) or {}
    unknown = set(overrides) - {f.name for f in fields(Ladder)}
    if unknown:
        raise ImproperlyConfigured(f"TASK_ESCALATION: unknown names {sorted(unknown)}")
    return replace(Ladder(), **overrides)
