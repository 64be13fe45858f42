"""Pages of 考核评价: assessments (progress, conflicts, ranking, .xlsx), a unit's score sheet, appeals.

Assessments are read through their committee (`Assessment.objects.visible_to`); an assessed unit reads
its own score sheet (`AssessmentUnit.objects.visible_to`), and the ranking of the other units only when
the committee's setting allows it. Organizations are ranked, never people.
"""

from collections import Counter

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import ListView, TemplateView, View

from dangjian.accounts.scope import get_scope
from dangjian.core import xlsx
from dangjian.core.views import ScopedViewMixin

from . import scoring, services
from .choices import AssessmentStatus, RankingVisibility, ScoreSource, ScoringMethod
from .models import Appeal, Assessment, AssessmentUnit, ItemScore, Rubric, RubricItem


def committee_sees(user, assessment) -> bool:
    return get_scope(user).covers(assessment.organization.path, "view")


def reason(error) -> str:
    """A service's refusal as one line (an invalid number: 请填写数字)."""
    if isinstance(error, ArithmeticError):
        return "请填写数字。"
    return "；".join(getattr(error, "messages", None) or [str(error)])


def ranking(assessment):
    return assessment.units.select_related("organization").order_by("rank", "organization__path")


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
        return super().get_context_data(
            assessment=assessment,
            units=units,
            self_done=sum(1 for unit in units if unit.self_submitted_at),
            conflicts=services.conflicts(assessment) if assessment.status == AssessmentStatus.SCORING else [],
            distribution=sorted(Counter(unit.rating for unit in units if unit.rating).items())
            if published
            else [],
            bands=assessment.version.bands.all(),
            appeals=Appeal.objects.filter(unit__assessment=assessment).select_related(
                "unit__organization", "item"
            ),
            **kwargs,
        )


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
        items = list(assessment.version.items().select_related("section"))
        result = scoring.results(assessment, [unit], items)[unit.pk]
        rows = ItemScore.objects.filter(unit=unit).select_related("assessor")
        own = {row.item_id: row for row in rows if row.source == ScoreSource.SELF}
        computed = {row.item_id: row for row in rows if row.source == ScoreSource.COMPUTED}
        sheet = [
            {
                "item": item,
                "points": result.items.get(item.pk),
                "lost": item.points - result.items[item.pk]
                if result.items.get(item.pk) is not None
                else None,
                "self": own.get(item.pk),
                "computed": computed.get(item.pk),
            }
            for item in items
        ]
        committee = committee_sees(self.request.user, assessment)
        shows_rank = committee or assessment.ranking_visibility != RankingVisibility.COMMITTEE
        public = committee or assessment.ranking_visibility == RankingVisibility.PUBLIC
        return super().get_context_data(
            unit=unit,
            assessment=assessment,
            sheet=sheet,
            shows_rank=shows_rank and assessment.status == AssessmentStatus.PUBLISHED,
            ranking=list(ranking(assessment))
            if public and assessment.status == AssessmentStatus.PUBLISHED
            else [],
            appeals=unit.appeals.select_related("item"),
            may_appeal=assessment.status == AssessmentStatus.PUBLISHED
            and get_scope(self.request.user).covers(unit.organization.path, "change"),
            **kwargs,
        )


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
            **kwargs,
        )


class UnitScoreView(ScopedViewMixin, TemplateView):
    """评分表 of an assessor for one unit: points of each assessed item, occurrences of each deduction
    item; computed items are shown as computed. The service refuses anyone not named as assessor."""

    model = AssessmentUnit
    target_kwarg = "pk"
    template_name = "evaluation/unit_score.html"

    def get_context_data(self, **kwargs):
        unit = self.target
        items = list(unit.assessment.version.items().select_related("section"))
        mine = {}
        if self.request.user.is_authenticated:
            rows = ItemScore.objects.filter(unit=unit, assessor=self.request.user)
            mine = {row.item_id: row for row in rows}
        return super().get_context_data(
            unit=unit,
            assessment=unit.assessment,
            rows=[(item, mine.get(item.pk)) for item in items],
            **kwargs,
        )

    def post(self, request, pk):
        unit = self.target
        saved, errors = 0, []
        for item in unit.assessment.version.items():
            raw = request.POST.get(f"item_{item.pk}", "").strip()
            if not raw or item.method == ScoringMethod.COMPUTED:
                continue
            key = "occurrences" if item.method == ScoringMethod.DEDUCTION else "points"
            try:
                services.do_score_item(
                    unit,
                    item,
                    acting_user=request.user,
                    comment=request.POST.get(f"comment_{item.pk}", ""),
                    **{key: raw},
                )
                saved += 1
            except (ValidationError, PermissionDenied, ArithmeticError) as error:
                errors.append(f"第{item.position}项“{item.text[:15]}”：{reason(error)}")
        for message in errors:
            messages.error(request, message)
        if saved:
            messages.success(request, f"已保存{saved}项评分。")
        return redirect("evaluation:unit_score", pk=unit.pk)


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
