"""The rubric editor (考核细则): a committee creates a rubric, edits its sections, items and rating scale,
and publishes it. Every write goes through the services; a version already used by an assessment is
never changed: the services copy it into a new version and edit the copy (the editor says so).

The editor works without JavaScript (plain forms, redirects); with htmx an item's form opens in place,
and a write answers with the editor's body (`_editor.html`), or with the form and its errors.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.generic import TemplateView, View

from dangjian.accounts.scope import get_scope
from dangjian.core.views import ScopedViewMixin

from . import services
from .forms import (
    BAND_ROWS,
    PRESETS,
    BandFormSet,
    ItemForm,
    RubricForm,
    ScaleNameForm,
    SectionForm,
    band_initial,
    committees,
)
from .models import Rubric, RubricItem, RubricSection


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def add_errors(form, error) -> None:
    """A service's refusal as errors of the fields it names (the rest as the form's own errors)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "无权执行此操作。")
    elif hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


def sources_by_key() -> dict:
    from dangjian.targets.sources import SOURCES

    return SOURCES


def bands_forms(version, data=None, preset=None):
    """(scale name form, band rows) of a version, or of a ready-made scale."""
    if preset in PRESETS:
        scale_name, bands = PRESETS[preset]
    else:
        scale_name, bands = version.scale_name, [(b.label, b.min_score) for b in version.bands.all()]
    total = version.total_points() if version.pk else None
    scale = ScaleNameForm(data, initial={"scale_name": scale_name}, prefix="scale")
    # Bound rows carry no initial values: a row equal to its initial value would count as empty.
    initial = band_initial(bands) if data is None else None
    rows = BandFormSet(data, initial=initial, prefix="bands", total=total or None)
    return scale, rows


def editor_context(rubric, **extra) -> dict:
    version = rubric.latest_version()
    scale, rows = extra.pop("bands", None) or bands_forms(version)
    return {
        "nav": "evaluation",
        "rubric": rubric,
        "version": version,
        "frozen": version.frozen,
        "sections": version.sections.prefetch_related("items"),
        "sources": sources_by_key(),
        "section_form": extra.pop("section_form", None) or SectionForm(prefix="section"),
        "scale_form": scale,
        "band_rows": rows,
        "band_count": BAND_ROWS,
        "presets": PRESETS,
        **extra,
    }


class RubricListView(ScopedViewMixin, TemplateView):
    """考核细则 of the committees in scope, with the state of each one's latest version."""

    model = Rubric
    template_name = "evaluation/rubric_list.html"

    def get_context_data(self, **kwargs):
        rubrics = list(self.get_queryset().select_related("organization").prefetch_related("versions"))
        scope = get_scope(self.request.user)
        for rubric in rubrics:
            rubric.latest = max(rubric.versions.all(), key=lambda version: version.number, default=None)
            rubric.editable = scope.covers(rubric.organization.path, "change")
        return super().get_context_data(
            nav="evaluation",
            rubrics=rubrics,
            may_create=committees(self.request.user).exists(),
            **kwargs,
        )


class RubricCreateView(ScopedViewMixin, View):
    """A new rubric (with an empty draft version 1) of a committee the user manages."""

    model = Rubric
    scope_action = "change"

    def get(self, request):
        return self.page(RubricForm(user=request.user))

    def post(self, request):
        form = RubricForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                rubric = services.do_create_rubric(acting_user=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error)
            else:
                messages.success(request, f"已建立考核细则“{rubric.name}”，请添加考核项目和评分细则。")
                return redirect("evaluation:rubric_edit", pk=rubric.pk)
        return self.page(form)

    def page(self, form):
        return render(
            self.request,
            "evaluation/rubric_form.html",
            {"nav": "evaluation", "form": form, "no_committee": not form.fields["organization"].queryset},
        )


class RubricEditView(ScopedViewMixin, TemplateView):
    """The editor: sections, items and rating scale of the latest version (htmx: its body only)."""

    model = Rubric
    scope_action = "change"
    target_kwarg = "pk"
    template_name = "evaluation/rubric_edit.html"

    def get_template_names(self):
        return ["evaluation/_editor.html"] if is_htmx(self.request) else [self.template_name]

    def get_context_data(self, **kwargs):
        preset = self.request.GET.get("preset")
        version = self.target.latest_version()
        return super().get_context_data(
            **editor_context(self.target, bands=bands_forms(version, preset=preset)), **kwargs
        )


class EditorWriteView(ScopedViewMixin, View):
    """A POST of the editor on a rubric, a section or an item; back to the editor with the outcome."""

    scope_action = "change"
    target_kwarg = "pk"
    done = "已保存。"

    def rubric(self) -> Rubric:
        raise NotImplementedError

    def post(self, request, pk):
        rubric = self.rubric()
        before = rubric.latest_version()
        try:
            failed = self.perform(request)
        except (ValidationError, PermissionDenied) as error:
            messages.error(
                request, "；".join(getattr(error, "messages", None) or [str(error) or "无权执行此操作。"])
            )
            return self.back(rubric)
        if failed is not None:
            return failed
        after = rubric.latest_version()
        if after.pk != before.pk:
            messages.info(
                request,
                f"第{before.number}版已被考核使用，保持不变；本次修改保存在新的第{after.number}版中。",
            )
        messages.success(request, self.done)
        return self.back(rubric)

    def back(self, rubric):
        if is_htmx(self.request):
            return editor_response(self.request, rubric)
        return redirect("evaluation:rubric_edit", pk=rubric.pk)

    def perform(self, request):
        """Write; return None, or a response showing a form's errors."""
        raise NotImplementedError


def editor_response(request, rubric, **extra):
    """The editor's body, retargeted to replace the whole editor (whatever element sent the request)."""
    response = render(request, "evaluation/_editor.html", editor_context(rubric, **extra))
    response["HX-Retarget"] = "#rubric-editor"
    response["HX-Reswap"] = "outerHTML"
    return response


class SectionAddView(EditorWriteView):
    model = Rubric
    done = "已添加考核项目。"

    def rubric(self):
        return self.target

    def perform(self, request):
        form = SectionForm(request.POST, prefix="section")
        if not form.is_valid():
            if is_htmx(request):
                return editor_response(request, self.target, section_form=form)
            raise ValidationError(form.errors["title"])
        with transaction.atomic():  # a copied version is kept only with the section added to it
            version = services.draft_version(self.target, acting_user=request.user)
            services.do_add_section(version, form.cleaned_data["title"], acting_user=request.user)
        return None


class SectionEditView(EditorWriteView):
    """Rename a section (`title`) or remove it with its items (`remove`)."""

    model = RubricSection
    done = "已修改考核项目。"

    def rubric(self):
        return self.target.version.rubric

    def perform(self, request):
        if request.POST.get("remove"):
            services.do_remove_section(self.target, acting_user=request.user)
            self.done = f"已删除考核项目“{self.target.title}”。"
            return
        form = SectionForm(request.POST, prefix="section")
        if not form.is_valid():
            raise ValidationError(form.errors["title"])
        services.do_change_section(self.target, title=form.cleaned_data["title"], acting_user=request.user)
        return


class ItemFormView(EditorWriteView):
    """GET: the item's form (htmx: the form alone, in place); POST: add or change the item."""

    template_name = "evaluation/item_form.html"

    def get(self, request, pk):
        return self.form_response(self.make_form())

    def form_response(self, form):
        context = {
            "nav": "evaluation",
            "form": form,
            "rubric": self.rubric(),
            "action": request_path(self.request),
            "slot": self.slot(),
            "heading": self.heading(),
        }
        template = "evaluation/_item_form.html" if is_htmx(self.request) else self.template_name
        return render(self.request, template, context)

    def perform(self, request):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.save(form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error)
            else:
                return None
        return self.form_response(form)


def request_path(request) -> str:
    return request.path


class ItemAddView(ItemFormView):
    model = RubricSection
    done = "已添加评分细则。"

    def rubric(self):
        return self.target.version.rubric

    def make_form(self, data=None):
        return ItemForm(data, prefix=f"new{self.target.pk}")

    def slot(self):
        return f"new-item-{self.target.pk}"

    def heading(self):
        return f"在“{self.target.title}”中添加评分细则"

    def save(self, fields):
        with transaction.atomic():  # a copied version is kept only with the item added to it
            section = services.in_draft(self.target, acting_user=self.request.user)
            services.do_add_item(section, acting_user=self.request.user, **fields)


class ItemEditView(ItemFormView):
    model = RubricItem
    done = "已修改评分细则。"

    def rubric(self):
        return self.target.section.version.rubric

    def make_form(self, data=None):
        return ItemForm(data, instance=self.target, prefix=f"item{self.target.pk}")

    def slot(self):
        return f"item-{self.target.pk}"

    def heading(self):
        return f"修改第{self.target.position}项评分细则"

    def save(self, fields):
        services.do_change_item(self.target, acting_user=self.request.user, **fields)


class ItemRemoveView(EditorWriteView):
    model = RubricItem

    def rubric(self):
        return self.target.section.version.rubric

    def perform(self, request):
        services.do_remove_item(self.target, acting_user=request.user)
        self.done = f"已删除评分细则“{self.target.text[:20]}”。"
        return


class BandsView(EditorWriteView):
    """GET (htmx): the rating scale's form, blank or filled with a ready-made scale; POST: save it."""

    model = Rubric
    done = "已保存评定等次。"

    def rubric(self):
        return self.target

    def get(self, request, pk):
        if not is_htmx(request):
            url = redirect("evaluation:rubric_edit", pk=pk).url
            preset = request.GET.get("preset")
            return redirect(f"{url}?preset={preset}" if preset in PRESETS else url)
        scale, rows = bands_forms(self.target.latest_version(), preset=request.GET.get("preset"))
        return render(
            request,
            "evaluation/_bands_form.html",
            {"rubric": self.target, "scale_form": scale, "band_rows": rows},
        )

    def perform(self, request):
        version = self.target.latest_version()
        scale, rows = bands_forms(version, request.POST)
        if scale.is_valid() and rows.is_valid():
            services.do_set_bands(
                version, rows.bands, scale_name=scale.cleaned_data["scale_name"], acting_user=request.user
            )
            return None
        if is_htmx(request):
            return editor_response(request, self.target, bands=(scale, rows))
        return render(
            request, "evaluation/rubric_edit.html", editor_context(self.target, bands=(scale, rows))
        )


class PublishView(EditorWriteView):
    """Publish the latest version (it may then be chosen for an assessment)."""

    model = Rubric

    def rubric(self):
        return self.target

    def perform(self, request):
        version = services.do_publish_version(self.target.latest_version(), acting_user=request.user)
        self.done = f"第{version.number}版已发布，可用于新建考核。"
        return
