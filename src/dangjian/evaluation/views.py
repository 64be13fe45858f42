"""Pages of 考核评价: assessments (progress, conflicts, ranking, .xlsx), a unit's score sheet, appeals.

Assessments are read through their committee (`Assessment.objects.visible_to`); an assessed unit reads
its own score sheet (`AssessmentUnit.objects.visible_to`), and the ranking of the other units only when
the committee's setting allows it. Organizations are ranked, never people.
"""

from collections import Counter
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import ListView, TemplateView, View

from dangjian.accounts.scope import get_scope
from dangjian.core import xlsx
from dangjian.core.views import ScopedViewMixin

from . import services, sheets
from .choices import AssessmentStatus, RankingVisibility, ScoreSource, ScoringMethod
from .forms import AssessmentForm, AssessorsForm, committees
from .models import Appeal, Assessment, AssessmentUnit, ItemScore, Rubric, RubricItem
from .sheets import committee_sees
from .views_rubrics import add_errors, sources_by_key


def reason(error) -> str:
    """A service's refusal as one line (an invalid number: 请填写数字)."""
    if isinstance(error, ArithmeticError):
        return "请填写数字。"
    return "；".join(getattr(error, "messages", None) or [str(error)])


def ranking(assessment):
    return assessment.units.select_related("organization").order_by("rank", "organization__path")


class ItemRowsFormMixin:
    """A score sheet form of one row per item (``item_<pk>``, ``comment_<pk>``), saved all or nothing.

    Each refused row is named (第N项“…”) in a message and beside its field; when any row is refused nothing
    is saved and the page comes back with what the person typed, so a sheet is never half-written.
    """

    noun = ""  # 评分 / 自评, in the confirmation
    url_name = ""

    def stored(self, unit) -> dict:
        """The rows already saved, by item id."""
        raise NotImplementedError

    def stored_value(self, item, row) -> str:
        return "" if row is None else str(row.points)

    def save_row(self, unit, item, raw: str, comment: str) -> bool:
        """Store one filled row; say whether anything was stored."""
        raise NotImplementedError

    def get_context_data(self, errors=None, **kwargs):
        unit = self.target
        stored = self.stored(unit)
        posted = self.request.POST if errors else None
        rows = []
        for item in unit.assessment.version.items().select_related("section"):
            row = stored.get(item.pk)
            rows.append(
                SimpleNamespace(
                    item=item,
                    value=posted.get(f"item_{item.pk}", "") if posted else self.stored_value(item, row),
                    comment=posted.get(f"comment_{item.pk}", "") if posted else getattr(row, "comment", ""),
                    error=(errors or {}).get(item.pk, ""),
                )
            )
        return super().get_context_data(unit=unit, assessment=unit.assessment, rows=rows, **kwargs)

    def post(self, request, pk):
        unit = self.target
        errors, saved = {}, 0
        with transaction.atomic():
            for item in unit.assessment.version.items():
                raw = request.POST.get(f"item_{item.pk}", "").strip()
                if not raw:
                    continue
                comment = request.POST.get(f"comment_{item.pk}", "")
                try:
                    saved += bool(self.save_row(unit, item, raw, comment))
                except (ValidationError, PermissionDenied, ArithmeticError) as error:
                    errors[item.pk] = reason(error)
                    messages.error(request, f"第{item.position}项“{item.text[:15]}”：{errors[item.pk]}")
            if errors:
                transaction.set_rollback(True)
        if errors:
            messages.warning(request, f"有{len(errors)}项未通过校验，本次填写均未保存，请修改后重新提交。")
            return self.render_to_response(self.get_context_data(errors=errors))
        if saved:
            messages.success(request, f"已保存{saved}项{self.noun}。")
        return redirect(self.url_name, pk=unit.pk)


class AssessmentListView(ScopedViewMixin, ListView):
    model = Assessment
    template_name = "evaluation/assessment_list.html"
    paginate_by = 50

    def get_queryset(self):
        own = AssessmentUnit.objects.visible_to(self.request.user).values("assessment_id")
        mine = Assessment.objects.visible_to(self.request.user)
        return (
            Assessment.objects.filter(Q(pk__in=mine.values("pk")) | Q(pk__in=own))
            .select_related("organization", "version__rubric")
            .order_by("-year", "organization__path", "pk")
        )

    def get_context_data(self, **kwargs):
        data = super().get_context_data(**kwargs)
        pks = [assessment.pk for assessment in data["page_obj"]]
        # A unit's reader (a branch, an inspector of a town) opens its own score sheets, not the committee's
        # whole assessment or rubric, which would be a 404.
        data["readable"] = set(
            Assessment.objects.visible_to(self.request.user).filter(pk__in=pks).values_list("pk", flat=True)
        )
        sheets = AssessmentUnit.objects.visible_to(self.request.user).filter(assessment_id__in=pks)
        data["may_create"] = committees(self.request.user).exists()
        data["sheets"] = {}
        for unit_pk, assessment_pk in sheets.order_by("pk").values_list("pk", "assessment_id"):
            data["sheets"].setdefault(assessment_pk, unit_pk)
        return data


class AssessmentDetailView(ScopedViewMixin, TemplateView):
    """Progress, conflicts to reconcile, ranking with rank change and the distribution per rating."""

    model = Assessment
    target_kwarg = "pk"
    template_name = "evaluation/assessment_detail.html"

    def get_context_data(self, **kwargs):
        assessment = self.target
        units = list(ranking(assessment))
        published = assessment.status == AssessmentStatus.PUBLISHED
        may_manage = get_scope(self.request.user).covers(assessment.organization.path, "change")
        return super().get_context_data(
            assessment=assessment,
            units=units,
            self_done=sum(1 for unit in units if unit.self_submitted_at),
            conflicts=services.conflicts(assessment) if assessment.status == AssessmentStatus.SCORING else [],
            distribution=sorted(Counter(unit.rating for unit in units if unit.rating).items())
            if published
            else [],
            bands=assessment.version.bands.all(),
            may_manage=may_manage,
            assessors_form=AssessorsForm(assessment=assessment)
            if may_manage and assessment.status != AssessmentStatus.PUBLISHED
            else None,
            appeals=Appeal.objects.filter(unit__assessment=assessment).select_related(
                "unit__organization", "item"
            ),
            **kwargs,
        )


class AssessorsView(ScopedViewMixin, View):
    """更改评分人 (POST from the assessment page, the committee) until the results are published."""

    model = Assessment
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = AssessorsForm(request.POST, assessment=self.target)
        if not form.is_valid():
            messages.error(request, "；".join(form.errors["assessors"]))
            return redirect(self.target.get_absolute_url())
        try:
            services.do_set_assessors(self.target, form.cleaned_data["assessors"], acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, reason(error))
        else:
            names = "、".join(user.get_username() for user in form.cleaned_data["assessors"]) or "未指定"
            messages.success(request, f"评分人已更新：{names}。")
        return redirect(self.target.get_absolute_url())


class AssessmentExportView(ScopedViewMixin, View):
    """The ranking as .xlsx."""

    model = Assessment
    target_kwarg = "pk"

    def get(self, request, pk):
        assessment = self.target
        workbook = xlsx.new_workbook()
        sheet = xlsx.add_sheet(
            workbook, "考核结果", ["名次", "党组织", "自评得分", "考核得分", "等次", "上次名次", "位次变化"]
        )
        for unit in ranking(assessment):
            xlsx.append_row(
                sheet,
                [
                    unit.rank,
                    unit.organization.name,
                    unit.self_score,
                    unit.final_score,
                    unit.rating,
                    unit.previous_rank,
                    unit.rank_change,
                ],
            )
        return xlsx.xlsx_response(xlsx.to_bytes(workbook), f"{assessment.name}.xlsx")


class UnitSheetView(ScopedViewMixin, TemplateView):
    """评分表 of one unit: every item with its points, where points were lost and the evidence (printable)."""

    model = AssessmentUnit
    target_kwarg = "pk"
    template_name = "evaluation/unit_sheet.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("assessment__organization", "assessment__version", "organization")
        )

    def get_context_data(self, **kwargs):
        unit = self.target
        assessment = unit.assessment
        committee = committee_sees(self.request.user, assessment)
        public = committee or assessment.ranking_visibility == RankingVisibility.PUBLIC
        return super().get_context_data(
            unit=unit,
            assessment=assessment,
            sheet=sheets.sheet_rows(unit),
            shows_rank=sheets.rank_shown(self.request.user, unit),
            ranking=list(ranking(assessment))
            if public and assessment.status == AssessmentStatus.PUBLISHED
            else [],
            appeals=unit.appeals.select_related("item"),
            may_appeal=assessment.status == AssessmentStatus.PUBLISHED
            and get_scope(self.request.user).covers(unit.organization.path, "change"),
            may_self_assess=assessment.status == AssessmentStatus.SELF_ASSESSMENT
            and get_scope(self.request.user).covers(unit.organization.path, "change"),
            **kwargs,
        )


class UnitSheetExportView(UnitSheetView):
    """The score sheet as .xlsx (items, points, lost points and why, evidence links, totals, rank)."""

    def get(self, request, pk):
        unit = self.target
        content = sheets.sheet_xlsx(
            unit,
            sheets.sheet_rows(unit),
            show_rank=sheets.rank_shown(request.user, unit),
            absolute=request.build_absolute_uri,
        )
        return xlsx.xlsx_response(content, f"{unit.assessment.name}-{unit.organization.name}评分表.xlsx")


class AppealForm(forms.Form):
    item = forms.ModelChoiceField(label="申诉细则", queryset=RubricItem.objects.none())
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 3}))


class AppealAddView(ScopedViewMixin, View):
    """申诉 by the unit (POST from its score sheet)."""

    model = AssessmentUnit
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        unit = self.target
        form = AppealForm(request.POST)
        form.fields["item"].queryset = unit.assessment.version.items()
        if not form.is_valid():
            messages.error(request, "请选择申诉细则并填写申诉理由。")
            return redirect(unit.get_absolute_url())
        try:
            services.do_file_appeal(
                unit, form.cleaned_data["item"], form.cleaned_data["reason"], acting_user=request.user
            )
        except (ValidationError, PermissionDenied, ArithmeticError) as error:
            messages.error(request, reason(error))
        else:
            messages.success(request, "申诉已提交，等待考核单位处理。")
        return redirect(unit.get_absolute_url())


class AppealDecideView(ScopedViewMixin, View):
    """The committee decides an appeal: 维持 or 改分 (POST from the assessment page)."""

    model = Assessment
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk, appeal_pk):
        appeal = get_object_or_404(Appeal.objects.filter(unit__assessment=self.target), pk=appeal_pk)
        try:
            services.do_decide_appeal(
                appeal,
                request.POST.get("decision", ""),
                new_points=request.POST.get("new_points") or None,
                note=request.POST.get("note", ""),
                acting_user=request.user,
            )
        except (ValidationError, PermissionDenied, ArithmeticError) as error:
            messages.error(request, reason(error))
        else:
            messages.success(request, "申诉已处理。")
        return redirect(self.target.get_absolute_url())


class RubricDetailView(ScopedViewMixin, TemplateView):
    """A rubric's versions, the latest version's sections, items and rating scale."""

    model = Rubric

    target_kwarg = "pk"
    template_name = "evaluation/rubric_detail.html"

    def get_context_data(self, **kwargs):
        rubric = self.target
        version = rubric.latest_version()
        return super().get_context_data(
            rubric=rubric,
            version=version,
            versions=rubric.versions.order_by("-number"),
            sections=version.sections.prefetch_related("items"),
            bands=version.bands.all(),
            sources=sources_by_key(),
            may_edit=get_scope(self.request.user).covers(rubric.organization.path, "change"),
            **kwargs,
        )


class UnitScoreView(ItemRowsFormMixin, ScopedViewMixin, TemplateView):
    """评分表 of an assessor for one unit: points of each assessed item, occurrences of each deduction
    item; computed items are shown as computed. The service refuses anyone not named as assessor."""

    model = AssessmentUnit
    target_kwarg = "pk"
    template_name = "evaluation/unit_score.html"
    noun = "评分"
    url_name = "evaluation:unit_score"

    def stored(self, unit):
        if not self.request.user.is_authenticated:
            return {}
        return {row.item_id: row for row in ItemScore.objects.filter(unit=unit, assessor=self.request.user)}

    def stored_value(self, item, row):
        if row is not None and item.method == ScoringMethod.DEDUCTION:
            return str(int(row.value))
        return super().stored_value(item, row)

    def save_row(self, unit, item, raw, comment):
        if item.method == ScoringMethod.COMPUTED:
            return False
        key = "occurrences" if item.method == ScoringMethod.DEDUCTION else "points"
        services.do_score_item(unit, item, acting_user=self.request.user, comment=comment, **{key: raw})
        return True


class ReconcileView(ScopedViewMixin, View):
    """The committee's reconciled points for an item in conflict (POST from the assessment page)."""

    model = Assessment
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        unit = get_object_or_404(self.target.units.all(), pk=request.POST.get("unit") or 0)
        item = get_object_or_404(self.target.version.items(), pk=request.POST.get("item") or 0)
        try:
            services.do_reconcile(
                unit,
                item,
                request.POST.get("points") or "",
                acting_user=request.user,
                comment=request.POST.get("comment", ""),
            )
        except (ValidationError, PermissionDenied, ArithmeticError) as error:
            messages.error(request, reason(error))
        else:
            messages.success(request, f"已复核认定{unit.organization.name}“{item.text[:15]}”。")
        return redirect(self.target.get_absolute_url())


class AssessmentCreateView(ScopedViewMixin, View):
    """新建考核: a published rubric version, the organizations of a subtree of the given kinds, the year,
    assessors and who sees the ranking; created by `services.do_create_assessment`. Choosing a version
    (or a subtree) reloads the form (htmx) with that committee's subtree and assessor candidates."""

    model = Assessment
    scope_action = "change"
    template_name = "evaluation/assessment_form.html"

    def get(self, request):
        initial = {
            key: request.GET.get(key)
            for key in ("version", "subtree", "name", "year")
            if request.GET.get(key)
        }
        if request.GET.getlist("kinds"):
            initial["kinds"] = request.GET.getlist("kinds")
        form = AssessmentForm(initial=initial, user=request.user)
        if form.committee is not None and "name" not in initial:
            version = form.fields["version"].queryset.get(pk=initial["version"])
            form.initial["name"] = f"{form.fields['year'].initial}年度{version.rubric.name}考核"
        return self.page(form)

    def post(self, request):
        form = AssessmentForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                assessment = services.do_create_assessment(**form.create_kwargs(), acting_user=request.user)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, f"已新建考核，被考核单位{assessment.units.count()}个，现为单位自评阶段。"
                )
                return redirect(assessment.get_absolute_url())
        return self.page(form)

    def page(self, form):
        return render(
            self.request,
            self.template_name,
            {"nav": "evaluation", "form": form, "preview": form.preview()},
        )


class AssessmentStageView(ScopedViewMixin, View):
    """The committee moves the assessment on (POST from its page): 开始评分 (closes self-assessment and
    fills the computed items from the records), 重新取数 (refill them), 公布结果 (score, rating, rank)."""

    model = Assessment
    scope_action = "change"
    target_kwarg = "pk"
    STEPS = {
        "start": (services.do_start_scoring, "已开始评分，按记录计算的细则已从记录取数。"),
        "refill": (services.do_fill_computed, "已重新从记录取数。"),
        "finalize": (services.do_finalize, "考核结果已公布：得分、等次和名次已计算。"),
    }

    def post(self, request, pk):
        step = self.STEPS.get(request.POST.get("step", ""))
        if step is None:
            messages.error(request, "请选择要执行的操作。")
            return redirect(self.target.get_absolute_url())
        service, done = step
        try:
            service(self.target, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, reason(error))
        else:
            messages.success(request, done)
        return redirect(self.target.get_absolute_url())


class UnitSelfView(ItemRowsFormMixin, ScopedViewMixin, TemplateView):
    """单位自评: the unit's own points of each item while the assessment is in self-assessment; shown
    beside the final points for comparison, never counted in them."""

    model = AssessmentUnit
    scope_action = "change"
    target_kwarg = "pk"
    template_name = "evaluation/unit_self.html"
    noun = "自评"
    url_name = "evaluation:unit_self"
    extra_context = {"nav": "evaluation"}

    def stored(self, unit):
        return {row.item_id: row for row in unit.scores.filter(source=ScoreSource.SELF)}

    def save_row(self, unit, item, raw, comment):
        services.do_self_assess(unit, item, raw, acting_user=self.request.user, comment=comment)
        return True
