"""Pages of surveys (owners: list, create, questions, links, results) and of 民主评议党员 rounds; the
members' answer page; the public one-use-link form (no login)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope, paths_q
from dangjian.core import xlsx
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin

from . import ratelimit, results, services
from .forms import DecisionForm, QuestionForm, RoundForm, SurveyEditForm, SurveyForm, TokenForm, answer_form
from .models import ReviewDecision, ReviewRound, Survey, SurveyToken


def managed(user, action="view"):
    """Surveys through the user's grants only (a 党员's own member surveys are answered, not managed)."""
    return Survey.objects.filter(paths_q(get_scope(user).paths.get(action, []), "organization__path"))


def add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def run(request, fn, *args, **kwargs) -> bool:
    """Run a service from a button; its refusal becomes a message."""
    try:
        fn(*args, acting_user=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return False
    return True


class SurveyListView(ScopedViewMixin, TemplateView):
    """测评一览: the surveys in scope (a 党员: the member surveys open to them), with a comparison of
    the rated surveys across target units (suppressed below 5 respondents)."""

    model = Survey
    template_name = "surveys/survey_list.html"

    def get_context_data(self, **kwargs):
        rows = self.get_queryset().select_related("organization", "target_organization")
        target, year = self.request.GET.get("target"), self.request.GET.get("year")
        if target and target.isdigit():
            rows = rows.filter(target_organization_id=target)
        if year and year.isdigit():
            rows = rows.filter(closes_on__year=int(year))
        rows = list(rows.order_by("-opens_on", "id")[:200])
        managed_ids = set(
            managed(self.request.user).filter(pk__in=[s.pk for s in rows]).values_list("pk", flat=True)
        )
        comparison = results.compare_targets(
            [s for s in rows if s.pk in managed_ids and s.kind in results.RATED_KINDS]
        )
        return super().get_context_data(
            surveys=rows,
            managed_ids=managed_ids,
            comparison=comparison,
            may_change=get_scope(self.request.user).allows("change"),
            suppressed_text=results.SUPPRESSED,
            **kwargs,
        )


class SurveyAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Survey
    scope_action = "change"
    form_class = SurveyForm
    template_name = "surveys/form.html"
    extra_context = {"title": "新建测评"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_survey(acting_user=self.request.user, **form.cleaned_data)


class SurveyEditView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Survey
    scope_action = "change"
    target_kwarg = "pk"
    form_class = SurveyEditForm
    template_name = "surveys/form.html"
    extra_context = {"title": "修改测评"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.target}

    def perform(self, form):
        return services.do_update_survey(self.target, acting_user=self.request.user, **form.cleaned_data)


class SurveyDetailView(ScopedViewMixin, View):
    """A survey: its questions and, for its owners, the actions (questions, publish, links, results)."""

    model = Survey
    target_kwarg = "pk"

    def get(self, request, pk, question_form=None):
        survey = self.target
        may_manage = managed(request.user).filter(pk=survey.pk).exists()
        member = services.member_of(request.user)
        return render(
            request,
            "surveys/survey_detail.html",
            {
                "survey": survey,
                "questions": survey.questions.select_related("person"),
                "may_manage": may_manage,
                "may_change": managed(request.user, "change").filter(pk=survey.pk).exists(),
                "question_form": question_form or QuestionForm(),
                "token_form": TokenForm(),
                "tokens_issued": SurveyToken.objects.filter(survey=survey).count() if may_manage else 0,
                "may_answer": services.may_answer(survey, member) and survey.accepts_on(timezone.localdate()),
                "answered": services.has_participated(survey, request.user),
            },
        )


class QuestionAddView(ScopedViewMixin, View):
    model = Survey
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = QuestionForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            options = data.pop("options_text", "").splitlines()
            try:
                services.do_add_question(self.target, acting_user=request.user, options=options, **data)
            except (ValidationError, PermissionDenied) as error:
                add_errors(form, error if isinstance(error, ValidationError) else ValidationError(str(error)))
            else:
                messages.success(request, "已添加题目。")
                return redirect(self.target)
        return render_detail(request, self.target, form)


def render_detail(request, survey, question_form):
    view = SurveyDetailView()
    view.request, view.target = request, survey
    return view.get(request, survey.pk, question_form=question_form)


class SurveyOpenView(ScopedViewMixin, View):
    model = Survey
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        if run(request, services.do_open_survey, self.target):
            messages.success(request, "测评已发布。")
        return redirect(self.target)


class SurveyCloseView(SurveyOpenView):
    def post(self, request, pk):
        if run(request, services.do_close_survey, self.target):
            messages.success(request, "测评已结束。")
        return redirect(self.target)


class TokenIssueView(ScopedViewMixin, View):
    """Generate N one-use public links and download them as .xlsx (the tokens are shown only here)."""

    model = Survey
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = TokenForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
            return redirect(self.target)
        try:
            tokens = services.do_issue_tokens(
                self.target, acting_user=request.user, count=form.cleaned_data["count"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
            return redirect(self.target)
        links = [request.build_absolute_uri(reverse("surveys:public_form", args=[token])) for token in tokens]
        if form.cleaned_data["output"] == "qr":
            import segno

            codes = [(link, segno.make(link, error="m").svg_inline(scale=3)) for link in links]
            response = render(request, "surveys/token_sheet.html", {"survey": self.target, "codes": codes})
            response["Cache-Control"] = "no-store"
            return response
        workbook = xlsx.new_workbook()
        sheet = xlsx.add_sheet(workbook, "匿名链接", ["序号", "链接"], {"链接": 80})
        for index, link in enumerate(links, 1):
            xlsx.append_row(sheet, [index, link])
        return xlsx.xlsx_response(xlsx.to_bytes(workbook), f"{self.target.title}-匿名链接.xlsx")


class ResultsView(ScopedViewMixin, View):
    """Results for the owners and those above them (never a 党员's view; never individual responses)."""

    model = Survey
    target_kwarg = "pk"

    def get_queryset(self):
        return managed(self.request.user)

    def get(self, request, pk):
        return render(request, "surveys/results.html", {"result": results.survey_results(self.target)})


class ResultsExportView(ResultsView):
    def get(self, request, pk):
        content = results.results_xlsx(results.survey_results(self.target))
        return xlsx.xlsx_response(content, f"{self.target.title}-测评结果.xlsx")


class AnswerView(ScopedViewMixin, View):
    """A member answers a member survey through their login (participation recorded, answers anonymous)."""

    model = Survey
    target_kwarg = "pk"

    def get(self, request, pk, form=None):
        member = services.member_of(request.user)
        if not services.may_answer(self.target, member):
            raise Http404
        form = form or answer_form(self.target, skip_person=member)
        return render(
            request,
            "surveys/answer.html",
            {
                "survey": self.target,
                "form": form,
                "answered": services.has_participated(self.target, request.user),
            },
        )

    def post(self, request, pk):
        member = services.member_of(request.user)
        if not services.may_answer(self.target, member):
            raise Http404
        form = answer_form(self.target, data=request.POST, skip_person=member)
        if form.is_valid():
            try:
                services.do_submit_member(self.target, form.cleaned_data, user=request.user)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, "提交成功，感谢参与。您的答卷不记名。")
                return redirect("surveys:survey_list")
        return self.get(request, pk, form=form)


@method_decorator(never_cache, name="dispatch")
class PublicFormView(View):
    """The public one-use-link form, no login (NOT_SCOPED: the token is the only key; it opens one
    survey's questions and nothing else). Rate-limited per IP; a used token gets a clear message."""

    template_name = "surveys/public_form.html"

    def _token(self, token):
        found = (
            SurveyToken.objects.select_related("survey").filter(token_hash=services.hash_token(token)).first()
        )
        if found is None:
            raise Http404
        return found

    def get(self, request, token, form=None, status=200):
        found = self._token(token)
        survey = found.survey
        notice = ""
        if found.used:
            notice = services.USED_MESSAGE
        elif not survey.accepts_on(timezone.localdate()):
            notice = services.CLOSED_MESSAGE
        context = {"survey": survey, "form": form or answer_form(survey), "notice": notice}
        return render(request, self.template_name, context, status=status)

    def post(self, request, token):
        if not ratelimit.allow(request):
            return render(
                request, "surveys/public_done.html", {"message": "提交过于频繁，请稍后再试。"}, status=429
            )
        found = self._token(token)
        form = answer_form(found.survey, data=request.POST)
        if form.is_valid():
            try:
                services.do_submit_public(token, form.cleaned_data)
            except ValidationError as error:
                if error.messages and error.messages[0] in (services.USED_MESSAGE, services.CLOSED_MESSAGE):
                    return render(
                        request, "surveys/public_done.html", {"message": error.messages[0]}, status=409
                    )
                add_errors(form, error)
            else:
                return render(request, "surveys/public_done.html", {"message": "提交成功，感谢您的参与！"})
        return self.get(request, token, form=form, status=400)


# --- 民主评议党员 -------------------------------------------------------------------------------------------


class RoundListView(ScopedViewMixin, TemplateView):
    """民主评议党员 rounds in scope, with the counts per grade rolled up (never a ranking of people)."""

    model = ReviewRound
    template_name = "surveys/round_list.html"

    def get_context_data(self, **kwargs):
        rounds = self.get_queryset().select_related("organization", "survey")
        years = sorted(set(rounds.values_list("year", flat=True)), reverse=True)
        chosen = self.request.GET.get("year", "")
        year = int(chosen) if chosen.isdigit() else (years[0] if years else None)
        decisions = ReviewDecision.objects.visible_to(self.request.user).filter(round__year=year)
        return super().get_context_data(
            rounds=rounds,
            years=years,
            year=year,
            totals=results.grade_counts(decisions.filter(round__in=rounds)),
            may_change=get_scope(self.request.user).allows("change"),
            own=ReviewDecision.objects.filter(member__user=self.request.user).select_related(
                "round__organization"
            ),
            **kwargs,
        )


class RoundAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = ReviewRound
    scope_action = "change"
    form_class = RoundForm
    template_name = "surveys/form.html"
    extra_context = {"title": "开展民主评议党员"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_open_review_round(acting_user=self.request.user, **form.cleaned_data)


class RoundDetailView(ScopedViewMixin, View):
    """A round: the peer votes per member (counts only, by name, suppressed below 5 voters), the branch's
    decisions and the counts per grade."""

    model = ReviewRound
    target_kwarg = "pk"

    def get(self, request, pk):
        review = self.target
        decisions = {d.member_id: d for d in review.decisions.all()}
        votes = results.survey_results(review.survey, with_previous=False)
        rows = [
            {"member": q.question.person, "votes": q, "decision": decisions.get(q.question.person_id)}
            for q in votes.questions
        ] or [
            {"member": m, "votes": None, "decision": decisions.get(m.pk)}
            for m in services.graded_members(review.organization)
        ]
        return render(
            request,
            "surveys/round_detail.html",
            {
                "round": review,
                "rows": rows,
                "voters": votes.respondents,
                "suppressed": votes.suppressed,
                "suppressed_text": results.SUPPRESSED,
                "counts": results.grade_counts(review.decisions.all()),
                "may_change": ReviewRound.objects.visible_to(request.user, "change").filter(pk=pk).exists(),
                "decision_form": DecisionForm(initial={"decided_on": timezone.localdate()}),
            },
        )


class DecisionAddView(ScopedViewMixin, View):
    model = ReviewRound
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = DecisionForm(request.POST)
        member = (
            services.graded_members(self.target.organization).filter(pk=request.POST.get("member")).first()
        )
        if member is None or not form.is_valid():
            messages.error(request, "请选择本支部党员并填写评定等次和日期。")
        elif run(request, services.do_decide_member, self.target, member=member, **form.cleaned_data):
            messages.success(request, f"已记录{member.name}的评定结果。")
        return redirect(self.target)


class RoundConcludeView(DecisionAddView):
    def post(self, request, pk):
        if run(request, services.do_conclude_round, self.target, concluded_on=timezone.localdate()):
            messages.success(request, "民主评议党员已完成评定。")
        return redirect(self.target)
