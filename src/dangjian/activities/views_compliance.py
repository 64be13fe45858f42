"""Compliance pages (what is due, the committee's heat map, one organization's verdicts, the .xlsx
export) and the yearly ledger. Verdicts come from `compliance.compute` alone."""

from collections import defaultdict

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.core import xlsx
from dangjian.organizations.models import Organization

from . import compliance, ledger, reporting
from .querysets import ledger_activities, year_bounds
from .views import GrantRequiredMixin, OrganizationPageMixin

# How many of the user's organizations the 待办 page computes at once.
DUE_ORGANIZATIONS = 10
# Above this many organizations in a subtree, the 待办 page sums the branches up instead of listing them.
DUE_LIST_ORGANIZATIONS = 200
FIRST_YEAR = 2018  # the 支部工作条例 came into force on 2018-10-28


def chosen_year(request) -> int:
    value = request.GET.get("year", "")
    today = timezone.localdate()
    year = int(value) if value.isdigit() else today.year
    return year if FIRST_YEAR <= year <= today.year + 1 else today.year


def year_choices() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


class DueView(GrantRequiredMixin, LoginRequiredMixin, TemplateView):
    """The branch's 待办: this month's and this quarter's requirements with the days left."""

    scope_action = "view"
    template_name = "activities/due.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        chosen = self.request.GET.get("organization", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            orgs = [get_object_or_404(Organization.objects.visible_to(user), pk=chosen)]
        else:
            orgs = list(Organization.objects.grant_roots(user)[:DUE_ORGANIZATIONS])
        today = timezone.localdate()
        scope = get_scope(user)
        sections = []
        for org in orgs:
            matrix = compliance.compute(org, today, today, today=today)
            visible = reporting.visible_ids(matrix, scope)
            if len(visible) > DUE_LIST_ORGANIZATIONS:
                # A committee over many branches: its own items, and each rule summed up below it.
                cells = reporting.cells_of(matrix, org.pk)
                summary = reporting.due_summary(matrix, visible - {org.pk}, today)
            else:
                cells, summary = reporting.visible_cells(matrix, scope), None
            groups = reporting.due_items(matrix, cells, today)
            sections.append((org, groups, scope.covers(org.path, "change"), summary))
        context.update(sections=sections, today=today, nav="compliance")
        return context


class ComplianceIndexView(GrantRequiredMixin, LoginRequiredMixin, View):
    """合规情况: the heat map of the user's highest organization."""

    scope_action = "view"

    def get(self, request):
        root = Organization.objects.grant_roots(request.user).first()
        if root is None:
            raise Http404("没有可查看的党组织。")
        return redirect("activities:compliance_matrix", pk=root.pk)


class YearMatrixMixin(OrganizationPageMixin):
    """The compliance matrix of the organization's subtree for one calendar year."""

    def year_matrix(self):
        self.year = chosen_year(self.request)
        first, last = year_bounds(self.year)
        matrix = compliance.compute(self.target, first, last)
        return matrix, reporting.visible_cells(matrix, get_scope(self.request.user))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "years": year_choices(), "nav": "compliance"}


class ComplianceMatrixView(YearMatrixMixin, TemplateView):
    """A committee's heat map: its organizations × periods for a chosen rule (a page of rows at a time,
    or only those with a miss), its direct children summed up, and the misses ranked.

    Works on the engine's flat lists: a city's half a million cells are never built for this page."""

    template_name = "activities/compliance_matrix.html"
    rows_per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.year = chosen_year(self.request)
        first, last = year_bounds(self.year)
        matrix = compliance.compute(self.target, first, last)
        scope = get_scope(self.request.user)
        visible = reporting.visible_ids(matrix, scope)
        applied = {block.rule.pk for block in matrix.blocks if visible.intersection(block.org_ids)}
        rules = [rule for rule in matrix.rules if rule.pk in applied]
        chosen = self.request.GET.get("rule", "")
        rule = next((r for r in rules if str(r.pk) == chosen), rules[0] if rules else None)
        only_missed = self.request.GET.get("missed") == "1"
        ids = reporting.heat_map_ids(matrix, rule, visible, only_missed=only_missed) if rule else []
        page = Paginator(ids, self.rows_per_page).get_page(self.request.GET.get("page"))
        columns, rows = reporting.heat_map(matrix, rule, page.object_list) if rule else ([], [])
        totals = reporting.totals(matrix, visible)
        context.update(
            year=self.year,
            rules=rules,
            rule=rule,
            only_missed=only_missed,
            page=page,
            columns=columns,
            rows=rows,
            totals=[(reporting.VERDICT_LABELS[v], n, reporting.VERDICT_CSS[v]) for v, n in totals.items()],
            children=reporting.by_child(matrix, self.target, visible),
            misses=reporting.misses_ranked(matrix, visible),
            can_export=scope.covers(self.target.path, "export"),
            can_spot_check=scope.covers(self.target.path, "manage_tree"),
        )
        return context


class ComplianceDetailView(YearMatrixMixin, TemplateView):
    """Drill-down: one organization's verdicts for the year, with reasons and the activities that count."""

    template_name = "activities/compliance_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix, cells = self.year_matrix()
        org = self.target
        by_rule = defaultdict(list)
        for cell in cells:
            if cell.organization_id == org.pk:
                by_rule[cell.rule.pk].append(cell)
        groups = [
            (rule, reporting.evidence_by_window(org, rule, by_rule[rule.pk]))
            for rule in matrix.rules
            if rule.pk in by_rule
        ]
        context.update(year=self.year, groups=groups)
        return context


class ComplianceExportView(YearMatrixMixin, View):
    """The whole matrix of the subtree for the year, as .xlsx."""

    scope_action = "export"

    def get(self, request, pk):
        matrix, cells = self.year_matrix()
        title = (
            f"{self.target.name}{self.year}年度组织生活制度落实情况（导出于{timezone.localdate():%Y-%m-%d}）"
        )
        content = reporting.matrix_xlsx(matrix, cells, title)
        return xlsx.xlsx_response(content, f"{self.target.name}{self.year}年组织生活制度落实情况.xlsx")


class LedgerMixin(OrganizationPageMixin):
    def ledger(self):
        year = self.kwargs["year"]
        if not FIRST_YEAR <= year <= timezone.localdate().year:
            raise Http404("年度超出范围。")
        return year, ledger_activities(self.target, year)


class LedgerView(LedgerMixin, TemplateView):
    """台账 of a year, printable."""

    template_name = "activities/ledger.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, activities = self.ledger()
        context.update(
            year=year,
            years=year_choices(),
            title=ledger.ledger_title(self.target, year),
            entries=ledger.entries(activities),
            can_export=get_scope(self.request.user).covers(self.target.path, "export"),
        )
        return context


class LedgerDocxView(LedgerMixin, View):
    scope_action = "export"

    def get(self, request, pk, year):
        year, activities = self.ledger()
        response = HttpResponse(
            ledger.ledger_docx(self.target, year, activities), content_type=ledger.DOCX_CONTENT_TYPE
        )
        filename = f"{ledger.ledger_title(self.target, year)}.docx"
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
        response["Cache-Control"] = "no-store"
        return response


class LedgerXlsxView(LedgerMixin, View):
    scope_action = "export"

    def get(self, request, pk, year):
        year, activities = self.ledger()
        content = ledger.ledger_xlsx(self.target, year, activities)
        return xlsx.xlsx_response(content, f"{ledger.ledger_title(self.target, year)}.xlsx")
