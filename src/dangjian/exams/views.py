"""Question banks (with import) and papers. Exams, taking them and results: views_exams.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from dangjian.accounts.scope import get_scope
from dangjian.audit.models import AuditEvent
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.core.xlsx import xlsx_response

from . import services
from .choices import QuestionKind
from .forms import BankForm, ImportForm, PaperForm, QuestionForm, RuleFormSet
from .importing import import_questions, template_bytes
from .models import Paper, Question, QuestionBank


class GrantRequiredMixin:
    """403 for a user who holds `scope_action` nowhere (a 党员 reads no bank or paper: they hold the
    answers); a target outside the grants stays a 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).allows(self.scope_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ExamsPageMixin(GrantRequiredMixin, ScopedViewMixin):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("nav", "exams")
        context.setdefault("can_change", get_scope(self.request.user).allows("change"))
        return context


# Banks and questions -------------------------------------------------------------------------------


class QuestionBankListView(ExamsPageMixin, ListView):
    """题库: those of the user's organizations and those shared from above."""

    model = QuestionBank
    template_name = "exams/bank_list.html"
    paginate_by = 50

    def get_queryset(self):
        active = Count("questions", filter=Q(questions__is_active=True))
        queryset = super().get_queryset().select_related("organization").annotate(active_count=active)
        return queryset.order_by("organization__path", "name")


class QuestionBankCreateView(ServiceFormMixin, ExamsPageMixin, FormView):
    model = QuestionBank
    scope_action = "change"
    form_class = BankForm
    template_name = "exams/form.html"
    extra_context = {"title": "新建题库"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_bank(acting_user=self.request.user, **form.cleaned_data)


class QuestionBankDetailView(ExamsPageMixin, DetailView):
    """A bank's questions, filtered by kind, category and state; retire and import from here."""

    model = QuestionBank
    template_name = "exams/bank_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bank = self.object
        params = self.request.GET
        questions = bank.questions.all()
        if params.get("kind") in QuestionKind.values:
            questions = questions.filter(kind=params["kind"])
        if params.get("category"):
            questions = questions.filter(category=params["category"])
        if params.get("retired") != "1":
            questions = questions.filter(is_active=True)
        context.update(
            questions=questions,
            kinds=QuestionKind.choices,
            categories=bank.questions.exclude(category="").values_list("category", flat=True).distinct(),
            can_change=get_scope(self.request.user).covers(bank.organization.path, "change"),
            history=AuditEvent.objects.for_object(bank)[:20],
        )
        return context


class BankActionMixin(ServiceFormMixin, ExamsPageMixin):
    model = QuestionBank
    scope_action = "change"
    target_kwarg = "pk"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "bank": self.target}

    def redirect_after(self):
        return redirect(self.target.get_absolute_url())


class QuestionCreateView(BankActionMixin, FormView):
    form_class = QuestionForm
    template_name = "exams/question_form.html"

    def perform(self, form):
        return services.do_create_question(
            self.target, acting_user=self.request.user, **form.service_fields()
        )


class QuestionEditView(ServiceFormMixin, ExamsPageMixin, FormView):
    model = Question
    scope_action = "change"
    target_kwarg = "pk"
    form_class = QuestionForm
    template_name = "exams/question_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "bank": self.target.bank, "question": self.target}

    def perform(self, form):
        return services.do_update_question(
            self.target, acting_user=self.request.user, **form.service_fields()
        )

    def redirect_after(self):
        return redirect(self.target.bank.get_absolute_url())


class QuestionRetireView(ExamsPageMixin, View):
    """停用 (POST): the question is not drawn any more; papers that hold it keep it."""

    model = Question
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        services.do_retire_question(self.target, acting_user=request.user)
        messages.success(request, "试题已停用，不再参与抽题；已组成的试卷不受影响。")
        return redirect(self.target.bank.get_absolute_url())


class QuestionImportView(BankActionMixin, FormView):
    """导入试题: the result (every error with row and column, or the counts) on the same page."""

    form_class = ImportForm
    template_name = "exams/question_import.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        result = import_questions(
            upload, self.target, acting_user=self.request.user, dry_run=form.cleaned_data["dry_run"]
        )
        if result.ok:
            messages.success(self.request, result.summary())
            if not result.dry_run:
                return redirect(self.target.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=ImportForm(), result=result))


class QuestionImportTemplateView(GrantRequiredMixin, ScopedViewMixin, View):
    model = QuestionBank
    scope_action = "change"

    def get(self, request):
        return xlsx_response(template_bytes(), "试题导入模板.xlsx")


# Papers --------------------------------------------------------------------------------------------


class PaperListView(ExamsPageMixin, ListView):
    model = Paper
    template_name = "exams/paper_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization")


class PaperCreateView(ServiceFormMixin, ExamsPageMixin, FormView):
    """组卷: rules (bank, kind, category, N questions × points); drawn at once, the seed recorded."""

    model = Paper
    scope_action = "change"
    form_class = PaperForm
    template_name = "exams/paper_form.html"
    rules = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.rules = RuleFormSet(request.POST, prefix="rule", form_kwargs={"user": request.user})
        if form.is_valid() and self.rules.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        rules = self.rules or RuleFormSet(prefix="rule", form_kwargs={"user": self.request.user})
        return {**super().get_context_data(**kwargs), "rules": rules}

    def perform(self, form):
        rules = [rule.cleaned_data for rule in self.rules.forms if rule.cleaned_data.get("bank")]
        return services.do_create_paper(acting_user=self.request.user, rules=rules, **form.cleaned_data)


class PaperDetailView(ExamsPageMixin, DetailView):
    model = Paper
    template_name = "exams/paper_detail.html"

    def get_context_data(self, **kwargs):
        items = self.object.items.select_related("question")
        return {**super().get_context_data(**kwargs), "items": items, "rules": self.object.rules.all()}


class PaperPrintView(PaperDetailView):
    """The printable paper; `?answers=1` adds the answers and explanations (for the examiners)."""

    template_name = "exams/paper_print.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "with_answers": self.request.GET.get("answers") == "1"}
