"""党内统计 pages: pick an organization and a date, read the tables, export them, compare two dates, and
open any count cell to list the records it counts. Read by the grants over the organization (a 党员's
view of their own branch does not reach them); anything outside is a 404."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from dangjian.accounts.scope import get_scope, scope_q
from dangjian.core.views import ScopedViewMixin
from dangjian.core.xlsx import xlsx_response
from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization
from dangjian.surveys.models import ReviewDecision

from .compare import compare_tables
from .engine import BASIS, Params, cell_records, compute_tables, layouts
from .exporting import comparison_xlsx, header_rows, tables_xlsx
from .layout import TOTAL
from .params import day_and_start, table_keys, two_days

PAGE_SIZE = 100


def statistic_organizations(user):
    """Organizations whose statistics `user` may read: by a grant (view), never the 党小组."""
    return Organization.objects.filter(scope_q(user, "view", "path")).exclude(
        kind=OrganizationKind.PARTY_GROUP
    )


class StatisticsMixin(ScopedViewMixin):
    model = Organization
    target_kwarg = "pk"

    def get_queryset(self):
        return statistic_organizations(self.request.user)


def _subtitle(organization, day, start) -> str:
    return (
        f"{organization.name}（含下级党组织）　统计截止日：{day:%Y年%-m月%-d日}　"
        f"统计期：{start:%Y年%-m月%-d日}起　{BASIS}"
    )


class IndexView(LoginRequiredMixin, TemplateView):
    """Choose the organization (in scope) and the reference date; then the tables open."""

    template_name = "statistics/index.html"

    def get(self, request, *args, **kwargs):
        if not get_scope(request.user).allows("view"):
            raise PermissionDenied
        if request.GET.get("organization"):
            day, start = day_and_start(request.GET)
            pk = request.GET["organization"]
            if not pk.isdigit():
                raise Http404
            query = urlencode({"date": day.isoformat(), "start": start.isoformat()})
            return redirect(f"{reverse('statistics:tables', args=[pk])}?{query}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        day, start = day_and_start({})
        organizations = statistic_organizations(self.request.user).order_by("path")[:2000]
        return {
            **super().get_context_data(**kwargs),
            "organizations": organizations,
            "day": day,
            "start": start,
        }


class TablesView(StatisticsMixin, TemplateView):
    """Every table (or `?table=` ones) of the organization's subtree on `?date=`, period from `?start=`."""

    template_name = "statistics/tables.html"

    def get(self, request, *args, **kwargs):
        day, start = day_and_start(request.GET)
        tables = compute_tables(self.target, day, start, keys=table_keys(request.GET))
        base = {"date": day.isoformat(), "start": start.isoformat()}
        cell_url = reverse("statistics:cell", args=[self.target.pk])
        context = {
            "organization": self.target,
            "day": day,
            "start": start,
            "basis": BASIS,
            "query": urlencode(base),
            "tables": [rendered(table, cell_url, base) for table in tables],
        }
        return self.render_to_response(self.get_context_data(**context))


def rendered(table, cell_url: str, base: dict, *, comparison=None) -> dict:
    """What the template needs: merged headers, and per row the cells with their links (count cells)."""
    first, second = header_rows(table, collapse=True)
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            cell = {"value": table.value(row.key, column.key), "url": ""}
            if comparison is not None:
                cell["change"] = comparison.change(row.key, column.key)
            elif column.measure == "n" and cell["value"]:
                query = {**base, "table": table.key, "row": row.key, "column": column.key}
                cell["url"] = f"{cell_url}?{urlencode(query)}"
            cells.append(cell)
        rows.append({"label": row.label, "total": row.key == TOTAL, "cells": cells})
    return {"table": table, "first": first, "second": second, "rows": rows}


class ExportView(StatisticsMixin, TemplateView):
    """The same tables as .xlsx: one sheet per table, the header cells merged as printed."""

    def get(self, request, *args, **kwargs):
        day, start = day_and_start(request.GET)
        tables = compute_tables(self.target, day, start, keys=table_keys(request.GET))
        content = tables_xlsx(tables, _subtitle(self.target, day, start))
        return xlsx_response(content, f"党内统计_{self.target.name}_{day:%Y%m%d}.xlsx")


class CompareView(StatisticsMixin, TemplateView):
    """Two reference dates (`?date_a=`, `?date_b=`): each cell's later value, change and rate of change;
    `?format=xlsx` exports it."""

    template_name = "statistics/compare.html"

    def get(self, request, *args, **kwargs):
        before, after = two_days(request.GET)
        comparisons = compare_tables(self.target, before, after, keys=table_keys(request.GET))
        if request.GET.get("format") == "xlsx":
            subtitle = (
                f"{self.target.name}（含下级党组织）　"
                f"{before:%Y年%-m月%-d日}与{after:%Y年%-m月%-d日}比较　{BASIS}"
            )
            return xlsx_response(
                comparison_xlsx(comparisons, subtitle),
                f"党内统计比较_{self.target.name}_{before:%Y%m%d}_{after:%Y%m%d}.xlsx",
            )
        context = {
            "organization": self.target,
            "before": before,
            "after": after,
            "basis": BASIS,
            "query": urlencode({"date_a": before.isoformat(), "date_b": after.isoformat()}),
            "tables": [rendered(c.table, "", {}, comparison=c) for c in comparisons],
        }
        return self.render_to_response(self.get_context_data(**context))


def visible_records(kind: str, records, user):
    """The cell's records the reader may open (a member counted on a past date may be elsewhere now)."""
    members = Member.objects.visible_to(user).values("pk")
    if kind == "member":
        return records.filter(pk__in=members).select_related("organization")
    if kind == "organization":
        return records.filter(pk__in=Organization.objects.visible_to(user).values("pk"))
    if kind == "decision":
        visible = ReviewDecision.objects.visible_to(user).values("pk")
        return records.filter(Q(pk__in=visible)).select_related("member", "round__organization")
    return records.filter(member__in=members).select_related("member", "session__course__organization")


class CellView(StatisticsMixin, TemplateView):
    """The records one cell counts (`?table=&row=&column=` with the table's `date` and `start`)."""

    template_name = "statistics/cell.html"

    def get(self, request, *args, **kwargs):
        day, start = day_and_start(request.GET)
        # Without a cell named: all members on the roll on the date (表3's 总计).
        table = _layout(self.target, day, start, request.GET.get("table") or "members")
        row = _line(table.rows, request.GET.get("row") or TOTAL)
        column = _line(table.columns, request.GET.get("column") or TOTAL)
        found = cell_records(self.target, day, start, table.key, row.key, column.key)
        if found is None:
            raise BadRequest("该栏是合计数（学时、期数），不是记录的条数。")
        kind, records = found
        total = records.count()
        shown = visible_records(kind, records, request.user).order_by("pk")
        page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "organization": self.target,
            "table": table,
            "row": row,
            "column": column,
            "day": day,
            "start": start,
            "kind": kind,
            "total": total,
            "page": page,
            "hidden": total - page.paginator.count,
            "back": f"{reverse('statistics:tables', args=[self.target.pk])}?"
            + urlencode({"date": day.isoformat(), "start": start.isoformat()}),
            "page_query": urlencode({k: v for k, v in request.GET.items() if k != "page"}),
        }
        return self.render_to_response(self.get_context_data(**context))


def _layout(organization, day, start, key):
    for table in layouts(Params(organization, day, start)):
        if table.key == key:
            return table
    raise BadRequest("没有这张统计表。")


def _line(lines, key):
    for line in lines:
        if line.key == key:
            return line
    raise BadRequest("没有这一栏。")
