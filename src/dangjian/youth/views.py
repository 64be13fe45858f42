"""Pages of 推优 (youth organizations recommending young people to a branch) and youth training cohorts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.development.models import DevelopmentFile

from . import services
from .choices import RecommendationStatus
from .forms import (
    AcceptForm,
    CohortForm,
    CompleteForm,
    PracticeForm,
    RecommendationForm,
    RejectForm,
    TraineeForm,
    YouthOrganizationForm,
)
from .models import Cohort, CohortMember, Recommendation, YouthOrganization

PAGE_SIZE = 100


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class RecommendationListView(ScopedViewMixin, TemplateView):
    """推优一览: the recommendations to the branches in scope, and the youth organizations."""

    model = Recommendation
    template_name = "youth/recommendation_list.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", "")
        rows = self.get_queryset().select_related("organization", "youth_organization", "development_file")
        if status in RecommendationStatus.values:
            rows = rows.filter(status=status)
        page = Paginator(rows.order_by("organization__path", "-recommended_on", "id"), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        youth = YouthOrganization.objects.visible_to(self.request.user).select_related("organization")
        return super().get_context_data(
            page=page,
            statuses=RecommendationStatus.choices,
            selected_status=status,
            youth_organizations=youth,
            **kwargs,
        )


class YouthOrganizationAddView(ScopedViewMixin, FormView):
    model = YouthOrganization
    scope_action = "change"
    form_class = YouthOrganizationForm
    template_name = "youth/form.html"
    extra_context = {"title": "登记团组织"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            services.do_create_youth_organization(acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, "已登记团组织。")
        return redirect("youth:recommendation_list")


class RecommendationAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Recommendation
    scope_action = "change"
    form_class = RecommendationForm
    template_name = "youth/form.html"
    extra_context = {
        "title": "登记推优",
        "intro": "团组织召开团员大会（或团支部委员会）推荐优秀团员作入党积极分子人选。推优对象须未满28周岁；"
        "赞成票须超过到会人数的半数。",
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.do_create_recommendation(acting_user=self.request.user, **data)


class RecommendationDetailView(ScopedViewMixin, View):
    model = Recommendation
    target_kwarg = "pk"

    def get(self, request, pk, accept_form=None, reject_form=None):
        recommendation = self.target
        return render(
            request,
            "youth/recommendation_detail.html",
            {
                "recommendation": recommendation,
                "may_change": Recommendation.objects.visible_to(request.user, "change")
                .filter(pk=recommendation.pk)
                .exists(),
                "accept_form": accept_form or AcceptForm(),
                "reject_form": reject_form or RejectForm(),
            },
        )


class RecommendationAcceptView(RecommendationDetailView):
    """POST: 列为入党积极分子人选 — the development file is opened (or linked) and the link kept."""

    scope_action = "change"

    def post(self, request, pk):
        form = AcceptForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            file_id = data.pop("development_file")
            try:
                if file_id is not None:
                    file = (
                        DevelopmentFile.objects.visible_to(request.user, "change").filter(pk=file_id).first()
                    )
                    if file is None:
                        raise ValidationError(
                            {"development_file": "找不到该发展党员档案（或不在您的管理范围）。"}
                        )
                    data["development_file"] = file
                services.do_accept_recommendation(self.target, acting_user=request.user, **data)
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error) or "无权执行此操作。")
            else:
                messages.success(request, "已列为入党积极分子人选，发展党员档案已关联。")
                return redirect("youth:recommendation_detail", pk=pk)
        return self.get(request, pk, accept_form=form)


class RecommendationRejectView(RecommendationDetailView):
    scope_action = "change"

    def post(self, request, pk):
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                services.do_reject_recommendation(self.target, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "已记为未采纳（记录保留）。")
                return redirect("youth:recommendation_detail", pk=pk)
        return self.get(request, pk, reject_form=form)


class CohortListView(ScopedViewMixin, TemplateView):
    model = Cohort
    template_name = "youth/cohort_list.html"

    def get_context_data(self, **kwargs):
        cohorts = (
            self.get_queryset().select_related("organization").order_by("-year", "organization__path", "id")
        )
        page = Paginator(cohorts, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, **kwargs)


class CohortAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Cohort
    scope_action = "change"
    form_class = CohortForm
    template_name = "youth/form.html"
    extra_context = {"title": "新建青年培养班次"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_cohort(acting_user=self.request.user, **form.cleaned_data)


class CohortDetailView(ScopedViewMixin, View):
    """A cohort: its courses, trainees with mentor, practice hours, courses completed and completion."""

    model = Cohort
    target_kwarg = "pk"

    def get(self, request, pk, trainee_form=None, errors=None):
        cohort = self.target
        trainees = list(cohort.trainees.select_related("member").prefetch_related("practices"))
        found = services.progress_for(cohort, trainees)
        return render(
            request,
            "youth/cohort_detail.html",
            {
                "cohort": cohort,
                "courses": cohort.courses.order_by("starts_on", "id"),
                "rows": [(t, found[t.pk]) for t in trainees],
                "may_change": Cohort.objects.visible_to(request.user, "change").filter(pk=cohort.pk).exists(),
                "trainee_form": trainee_form or TraineeForm(user=request.user),
                "practice_form": PracticeForm(),
                "complete_form": CompleteForm(),
                "errors": errors or [],
            },
        )


class TraineeAddView(CohortDetailView):
    scope_action = "change"

    def post(self, request, pk):
        form = TraineeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.do_add_trainee(self.target, acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "已加入培养对象。")
                return redirect("youth:cohort_detail", pk=pk)
        return self.get(request, pk, trainee_form=form)


class TraineeActionView(ScopedViewMixin, View):
    """POST on one trainee: record a practice activity, or completion (refused unless the rule is met)."""

    model = CohortMember
    scope_action = "change"
    target_kwarg = "pk"
    form_class = None

    def get(self, request, pk):
        return redirect("youth:cohort_detail", pk=self.target.cohort_id)

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(form.cleaned_data)
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, self.done)
        else:
            messages.error(
                request,
                "；".join(
                    f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items() if k in form.fields
                ),
            )
        return redirect("youth:cohort_detail", pk=self.target.cohort_id)


class PracticeAddView(TraineeActionView):
    form_class = PracticeForm
    done = "已记录实践活动。"

    def perform(self, data):
        services.do_record_practice(self.target, acting_user=self.request.user, **data)


class TraineeCompleteView(TraineeActionView):
    form_class = CompleteForm
    done = "已记录结业。"

    def perform(self, data):
        services.do_complete_trainee(self.target, acting_user=self.request.user, **data)
