"""Tracing a figure: what it counted (description, organization, period, value) and the records.

Shared by the trace page and the API. The organization must lie in one of the user's role grants (a 党员's
view of their own branch does not reach other people's records): anything else is a 404.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.scope import get_scope, root_paths
from dangjian.core.figures import Figure, Period, get_figure
from dangjian.organizations.models import Organization

from .rendering import value_text

DAY_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def trace_url(key: str, organization, period: Period) -> str:
    query = urlencode(
        {"org": organization.pk, "from": period.start.isoformat(), "to": period.end.isoformat()}
    )
    return f"{reverse('reports:figure_trace', args=[key])}?{query}"


def parse_day(text: str, *, end: bool) -> date | None:
    """ "2025-06-30" or "2025-06" (the month's first day, or its last with `end`); None if malformed."""
    if not text or not DAY_RE.match(text):
        return None
    try:
        if len(text) == 7:
            period = Period.months(text, text)
            return period.end if end else period.start
        return date.fromisoformat(text)
    except ValueError:
        return None


def figure_or_404(key: str) -> Figure:
    try:
        return get_figure(key)
    except KeyError:
        raise Http404("未登记的数字。") from None


def organization_for(user, org_param) -> Organization:
    """The organization asked for (pk or code), within the user's grants; default the highest one."""
    rows = Organization.objects.visible_to(user)
    if org_param in (None, ""):
        roots = root_paths(user)
        found = rows.filter(path=roots[0]).first() if roots else None
    elif str(org_param).isdigit():
        found = rows.filter(pk=int(org_param)).first()
    else:
        found = rows.filter(code=str(org_param)).first()
    if found is None or not get_scope(user).covers(found.path, "view"):
        raise Http404("无此党组织或无权查看。")
    return found


def period_from(params) -> Period:
    today = timezone.localdate()
    start = parse_day(params.get("from", ""), end=False) or date(today.year, 1, 1)
    end = parse_day(params.get("to", ""), end=True) or date(today.year, 12, 31)
    if end < start:
        start, end = end, start
    return Period(start, end)


@dataclass
class Trace:
    figure: Figure
    organization: Organization
    period: Period
    value: Any
    records: Any  # QuerySet of the counted records, or None when the figure lists none

    @property
    def value_text(self) -> str:
        return value_text(self.value)


def trace(user, key: str, params) -> Trace:
    figure = figure_or_404(key)
    organization = organization_for(user, params.get("org"))
    period = period_from(params)
    records = figure.trace(organization, period)
    if records is not None:
        if hasattr(records, "visible_to"):
            records = records.visible_to(user)
        if not records.ordered:
            records = records.order_by("pk")
    return Trace(figure, organization, period, figure.value(organization, period), records)


def record_row(obj) -> dict:
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return {"id": obj.pk, "type": obj._meta.verbose_name, "text": str(obj), "url": url}
