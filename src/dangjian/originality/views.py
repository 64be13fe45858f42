"""Pages of the originality check: run a check, its pairs, one pair side by side; the reference corpus."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import DetailView, TemplateView

from dangjian.organizations.models import Organization

from . import engine, reading, services, sources
from .access import checker_q, may_check_anywhere, may_manage_references
from .choices import SourceKind
from .forms import CheckForm, ReferenceImportForm, WithdrawForm
from .models import OriginalityCheck, ReferenceText, SimilarPair

PAGE_CHECKS = 50


class CheckerMixin(LoginRequiredMixin):
    """Anonymous → login; no role that reads notes for review (anywhere) → 403; out of scope → 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_check_anywhere(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CheckListView(CheckerMixin, TemplateView):
    """The form to run a check and the checks run in the user's scope."""

    template_name = "originality/check_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        checks = (
            OriginalityCheck.objects.filter(checker_q(user))
            .select_related("organization", "requested_by")
            .order_by("-created_at", "-id")[:PAGE_CHECKS]
        )
        return super().get_context_data(
            form=CheckForm(user=user), checks=checks, limit=services.MAX_PAGE_TEXTS, **kwargs
        )


class CheckRunView(CheckerMixin, View):
    """POST: run the check now (synchronously, up to MAX_PAGE_TEXTS notes) and show its pairs."""

    def get(self, request):
        return redirect("originality:check_list")

    def post(self, request):
        user = request.user
        form = CheckForm(request.POST, user=user)
        organization_id = request.POST.get("organization")
        if organization_id and not form.fields["organization"].queryset.filter(pk=organization_id).exists():
            if Organization.objects.filter(pk=organization_id).exists():
                raise Http404  # out of scope: as if it did not exist
        if form.is_valid():
            data = form.cleaned_data
            count = sources.notes_for_check(
                user, data["organization"], data["start"], data["end"], data["kind"]
            ).count()
            if count > services.MAX_PAGE_TEXTS:
                form.add_error(None, _too_many(count, data))
            else:
                try:
                    check = services.do_run_check(
                        acting_user=user,
                        organization=data["organization"],
                        start=data["start"],
                        end=data["end"],
                        kind=data["kind"],
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, getattr(error, "messages", None) or str(error))
                else:
                    return redirect(check)
        checks = OriginalityCheck.objects.filter(checker_q(user)).select_related("organization")[:PAGE_CHECKS]
        context = {"form": form, "checks": checks, "limit": services.MAX_PAGE_TEXTS}
        return render(request, "originality/check_list.html", context, status=200)


def _too_many(count: int, data) -> str:
    seconds = services.estimate_seconds(count)
    org = data["organization"]
    return (
        f"所选范围内有 {count} 篇，超过页面即时检测上限 {services.MAX_PAGE_TEXTS} 篇"
        f"（预计需 {seconds:.0f} 秒）。"
        f"请缩小范围或时段，或由管理员在服务器上运行："
        f"dangjian originality run --org {org.code} --from {data['start']} --to {data['end']}"
    )


def scoped_checks(user):
    return OriginalityCheck.objects.filter(checker_q(user)).select_related("organization", "requested_by")


def scoped_pairs(user):
    return SimilarPair.objects.filter(checker_q(user, "check_run__organization__path"))


class CheckDetailView(CheckerMixin, DetailView):
    template_name = "originality/check_detail.html"
    context_object_name = "check"

    def get_queryset(self):
        return scoped_checks(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pairs = list(self.object.pairs.all())
        notes = _shown_notes(self.request.user, {p.first_id for p in pairs} | _note_ids(pairs))
        references = ReferenceText.objects.in_bulk(
            [p.second_id for p in pairs if p.second_source == SourceKind.REFERENCE]
        )
        rows = []
        for pair in pairs:
            first = notes.get(pair.first_id)
            if pair.second_source == SourceKind.NOTE:
                second = notes.get(pair.second_id)
            else:
                second = references.get(pair.second_id)
            if first is None or second is None:
                continue  # no longer readable for this user (moved out of scope): not shown
            rows.append({"pair": pair, "first": first, "second": second, "kind": pair.second_source})
        context.update(rows=rows, hidden=len(pairs) - len(rows))
        return context


def _note_ids(pairs) -> set[int]:
    """The notes on the second side of the pairs (the first side is always a note)."""
    return {p.second_id for p in pairs if p.second_source == SourceKind.NOTE}


def _shown_notes(user, ids) -> dict:
    return sources.shown(sources.visible_notes(user).filter(pk__in=list(ids)))


class PairDetailView(CheckerMixin, DetailView):
    """Two texts side by side, the passages they share highlighted. Printable."""

    template_name = "originality/pair_detail.html"
    context_object_name = "pair"

    def get_queryset(self):
        return scoped_pairs(self.request.user).select_related("check_run__organization")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = self.object
        notes = _shown_notes(self.request.user, {pair.first_id, *_note_ids([pair])})
        first = notes.get(pair.first_id)
        if pair.second_source == SourceKind.NOTE:
            second = notes.get(pair.second_id)
            second_text = second.text if second else ""
        else:
            second = ReferenceText.objects.filter(pk=pair.second_id).first()
            second_text = second.text if second else ""
        if first is None or second is None:
            raise Http404
        spans_first, spans_second = engine.passages(first.text, second_text)
        context.update(
            first=first,
            second=second,
            is_reference=pair.second_source == SourceKind.REFERENCE,
            first_segments=engine.segments(first.text, spans_first),
            second_segments=engine.segments(second_text, spans_second),
            first_share=engine.covered_share(first.text, spans_first),
            second_share=engine.covered_share(second_text, spans_second),
            passages=len(spans_first),
        )
        return context


# Reference corpus ------------------------------------------------------------------------------------
class ReferenceMixin(LoginRequiredMixin):
    """The corpus is kept by 系统管理员; those who run checks read it too."""

    manage = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        user = request.user
        allowed = (
            may_manage_references(user)
            if self.manage
            else (may_manage_references(user) or may_check_anywhere(user))
        )
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        action = "manage_users" if self.manage else "view"
        return ReferenceText.objects.visible_to(self.request.user, action).select_related("organization")


class ReferenceTextListView(ReferenceMixin, TemplateView):
    template_name = "originality/referencetext_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            references=self.get_queryset(), can_manage=may_manage_references(self.request.user), **kwargs
        )


class ReferenceTextDetailView(ReferenceMixin, DetailView):
    template_name = "originality/referencetext_detail.html"
    context_object_name = "reference"

    def get_context_data(self, **kwargs):
        reference = self.object
        return super().get_context_data(
            can_manage=may_manage_references(self.request.user, reference.organization),
            withdraw_form=WithdrawForm(),
            **kwargs,
        )


class ReferenceTextImportView(ReferenceMixin, View):
    manage = True
    template_name = "originality/referencetext_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ReferenceImportForm(user=request.user)})

    def post(self, request):
        form = ReferenceImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            texts = [
                read
                for upload in form.cleaned_data["files"]
                for read in reading.read_upload(upload.name, upload)
            ]
            result = services.do_import_reference_texts(
                acting_user=request.user,
                organization=form.cleaned_data["organization"],
                texts=texts,
                source=form.cleaned_data["source"],
            )
            if not result.errors:
                messages.success(request, f"已导入参考范文 {len(result.created)} 篇。")
                return redirect("originality:referencetext_list")
            for error in result.errors:
                form.add_error(None, error)
        return render(request, self.template_name, {"form": form})


class ReferenceTextWithdrawView(ReferenceMixin, View):
    manage = True

    def post(self, request, pk):
        reference = get_object_or_404(self.get_queryset(), pk=pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写停用原因。")
            return redirect(reference)
        try:
            services.do_withdraw_reference_text(
                reference, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "已停用，今后的检测不再与它比对。")
        return redirect(reference)
