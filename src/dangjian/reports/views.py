"""Pages of 汇报材料: templates, drafts (editor with marked figures and stale flags), export, tracing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.core.figures import figures
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin

from . import export, services
from .forms import DraftCreateForm, DraftForm, TemplateForm
from .models import ReportDraft, ReportTemplate
from .rendering import TOKEN_RE, blocks
from .tracing import record_row, trace, trace_url

PAGE_SIZE = 50


def error_text(error) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "无权执行此操作。"
    return "；".join(error.messages)


# --- templates ----------------------------------------------------------------------------------


class TemplateListView(ScopedViewMixin, TemplateView):
    """Built-in templates and those of the committees in scope."""

    model = ReportTemplate
    template_name = "reports/template_list.html"

    def get_context_data(self, **kwargs):
        rows = self.get_queryset().select_related("organization")
        scope = get_scope(self.request.user)
        return super().get_context_data(templates=rows, may_change=scope.allows("change"), **kwargs)


class TemplateDetailView(ScopedViewMixin, TemplateView):
    model = ReportTemplate
    target_kwarg = "pk"
    template_name = "reports/template_detail.html"

    def get_context_data(self, **kwargs):
        template = self.target
        scope = get_scope(self.request.user)
        may_change = not template.is_builtin and scope.covers(template.organization.path, "change")
        return super().get_context_data(
            template=template, may_change=may_change, may_copy=scope.allows("change"), **kwargs
        )


class TemplateAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    """New committee template; `?copy=<pk>` starts from a template the user can read."""

    model = ReportTemplate
    scope_action = "change"
    form_class = TemplateForm
    template_name = "reports/template_form.html"
    extra_context = {"title": "新建汇报材料模板"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        source_pk = self.request.GET.get("copy", "")
        if not source_pk.isdigit():
            return {"is_active": True}
        source = get_object_or_404(ReportTemplate.objects.visible_to(self.request.user), pk=source_pk)
        fields = ("kind", "title", "body", "description")
        return {
            "name": f"{source.name}（本党委）",
            "is_active": True,
            **{f: getattr(source, f) for f in fields},
        }

    def perform(self, form):
        return services.do_create_template(acting_user=self.request.user, **form.cleaned_data)


class TemplateEditView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = ReportTemplate
    scope_action = "change"
    target_kwarg = "pk"
    form_class = TemplateForm
    template_name = "reports/template_form.html"

    def get_queryset(self):
        return super().get_queryset().filter(organization__isnull=False)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "editing": True}

    def get_initial(self):
        t = self.target
        return {f: getattr(t, f) for f in ("name", "kind", "title", "body", "description", "is_active")}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"修改模板：{self.target.name}", **kwargs)

    def perform(self, form):
        return services.do_update_template(self.target, acting_user=self.request.user, **form.cleaned_data)


# --- drafts -------------------------------------------------------------------------------------


class DraftListView(ScopedViewMixin, TemplateView):
    model = ReportDraft
    template_name = "reports/draft_list.html"

    def get_context_data(self, **kwargs):
        rows = self.get_queryset().select_related("organization", "template", "created_by")
        page = Paginator(rows, PAGE_SIZE).get_page(self.request.GET.get("page"))
        may_change = get_scope(self.request.user).allows("change")
        return super().get_context_data(page=page, may_change=may_change, **kwargs)


class DraftAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = ReportDraft
    scope_action = "change"
    form_class = DraftCreateForm
    template_name = "reports/draft_add.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {}
        if self.request.GET.get("template", "").isdigit():
            initial["template"] = int(self.request.GET["template"])
        return initial

    def perform(self, form):
        data = form.cleaned_data
        return services.do_create_draft(
            acting_user=self.request.user,
            organization=data["organization"],
            template=data["template"],
            period=data["period"],
        )


def marked(text: str, uses: dict, stale: dict) -> str:
    """A block's HTML: text escaped, each figure a link carrying what it counts (data attributes)."""
    html, last = [], 0
    for match in TOKEN_RE.finditer(text):
        html.append(escape(text[last : match.start()]))
        last = match.end()
        use = uses.get(match.group(1))
        if use is None:
            html.append(format_html('<span class="report-figure-missing">{}</span>', match.group(0)))
            continue
        figure = figures.get(use.key)
        html.append(
            format_html(
                '<a class="report-figure{}" href="{}" data-number="{}" data-key="{}" data-label="{}" '
                'data-description="{}" data-org="{}" data-period="{}" data-value="{}" data-now="{}">{}</a>',
                " report-figure-stale" if use.number in stale else "",
                trace_url(use.key, use.organization, use.period),
                use.number,
                use.key,
                figure.label if figure else use.key,
                figure.description if figure else "（该数字已不再登记）",
                use.organization.name,
                str(use.period),
                use.value,
                stale.get(use.number, use.value),
                use.text,
            )
        )
    html.append(escape(text[last:]))
    return mark_safe("".join(html))  # noqa: S308 - every piece above is escaped


class DraftDetailView(ScopedViewMixin, View):
    """The editor: one textarea with the block markup, a preview with marked figures, stale flags."""

    model = ReportDraft
    target_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        """Saving needs a change grant somewhere (403 without one, as every write page)."""
        user = request.user
        if request.method == "POST" and user.is_authenticated and not get_scope(user).allows("change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk, form=None):
        draft = self.target
        may_change = get_scope(request.user).covers(draft.organization.path, "change")
        form = form or DraftForm(initial={f: getattr(draft, f) for f in services.DRAFT_FIELDS})
        return render(request, "reports/draft_detail.html", self.context(draft, form, may_change))

    def context(self, draft, form, may_change):
        uses = {str(use.number): use for use in draft.figures.select_related("organization")}
        stale = {use.number: now for use, now in services.stale_figures(draft)}
        preview = [(block.kind, marked(block.text, uses, stale)) for block in blocks(draft.body)]
        in_body = {match.group(1) for match in TOKEN_RE.finditer(draft.body)}
        rows = [(use, stale.get(use.number), str(use.number) in in_body) for use in uses.values()]
        return {
            "draft": draft,
            "form": form,
            "preview": preview,
            "figure_rows": rows,
            "stale_count": len(stale),
            "may_change": may_change,
        }

    def post(self, request, pk):
        """Save the edits (a change grant over the draft's organization)."""
        draft = get_object_or_404(ReportDraft.objects.visible_to(request.user, "change"), pk=pk)
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                services.do_update_draft(draft, acting_user=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, "已保存。")
                return redirect(draft.get_absolute_url())
        draft.refresh_from_db()
        return render(request, "reports/draft_detail.html", self.context(draft, form, True))


class DraftRefreshView(ScopedViewMixin, View):
    """Refresh one stale figure (`number`) or all of them."""

    model = ReportDraft
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        number = request.POST.get("number", "")
        numbers = [int(number)] if number.isdigit() else None
        try:
            changed = services.do_refresh_figures(self.target, acting_user=request.user, numbers=numbers)
            messages.success(request, f"已更新{len(changed)}个数字。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return redirect(self.target.get_absolute_url())


class DraftExportView(ScopedViewMixin, View):
    """The draft as .docx (default) or PDF (`?format=pdf`), in the official document layout."""

    model = ReportDraft
    target_kwarg = "pk"

    def get(self, request, pk):
        fmt = request.GET.get("format", "docx")
        if fmt not in export.CONTENT_TYPES:
            raise Http404
        try:
            data = export.render(self.target, fmt)
        except export.ExportUnavailable as error:
            messages.error(request, str(error))
            return redirect(self.target.get_absolute_url())
        response = HttpResponse(data, content_type=export.CONTENT_TYPES[fmt])
        filename = f"report-{self.target.pk}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- figures ------------------------------------------------------------------------------------


class FigureListView(ScopedViewMixin, TemplateView):
    """The registered figures a template may place (their keys, units and what they count)."""

    template_name = "reports/figure_list.html"

    def get_queryset(self):
        return ReportTemplate.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        rows = sorted(figures.values(), key=lambda f: f.key)
        return super().get_context_data(figures=rows, **kwargs)


class FigureTraceView(ScopedViewMixin, View):
    """What one figure counted for an organization and period, with its records (paginated)."""

    def get(self, request, key):
        found = trace(request.user, key, request.GET)
        page = None
        if found.records is not None:
            page = Paginator(found.records, PAGE_SIZE).get_page(request.GET.get("page"))
            page.rows = [record_row(obj) for obj in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        link = found.figure.url(found.organization, found.period)
        context = {"trace": found, "page": page, "query": query.urlencode(), "link": link}
        return render(request, "reports/figure_trace.html", context)
