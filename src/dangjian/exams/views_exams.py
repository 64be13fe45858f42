"""Exams: set one, follow it, sit it (the member's page), and the results."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.audit import services as audit
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.core.xlsx import xlsx_response
from dangjian.organizations.models import Organization

from . import results, services
from .choices import ExamState
from .forms import CancelForm, ExamForm
from .models import Attempt, Exam, Question
from .views import ExamsPageMixin

NAMES_PER_PAGE = 200


def answers_released(exam: Exam, now=None) -> bool:
    """The correct answers are shown once the exam has closed for everyone."""
    return exam.state(now) in (ExamState.CLOSED, ExamState.CANCELLED)


class ExamListView(ScopedViewMixin, ListView):
    """考试: the exams the user follows or may sit, with the member's own sheets."""

    model = Exam
    template_name = "exams/exam_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "paper")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        member = services.member_of(user)
        mine = {}
        if member is not None:
            for attempt in Attempt.objects.filter(member=member, exam__in=context["object_list"]):
                mine.setdefault(attempt.exam_id, []).append(attempt)
        scope = get_scope(user)
        context.update(
            nav="exams",
            member=member,
            rows=[
                (exam, services.may_sit(exam, member), mine.get(exam.pk, []))
                for exam in context["object_list"]
            ],
            can_change=scope.allows("change"),
            can_view=scope.allows("view"),
            now=timezone.now(),
        )
        return context


class ExamCreateView(ServiceFormMixin, ExamsPageMixin, FormView):
    model = Exam
    scope_action = "change"
    form_class = ExamForm
    template_name = "exams/form.html"
    extra_context = {"title": "发布考试"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_exam(acting_user=self.request.user, **form.cleaned_data)


class ExamDetailView(ScopedViewMixin, DetailView):
    """An exam: its terms; for a sitter, the start button and their sheets; for a role, the results."""

    model = Exam
    template_name = "exams/exam_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "paper")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        exam = self.object
        user = self.request.user
        scope = get_scope(user)
        member = services.member_of(user)
        services.close_expired(exam)
        attempts = list(Attempt.objects.filter(exam=exam, member=member)) if member else []
        open_attempt = next((a for a in attempts if a.is_open), None)
        context.update(
            nav="exams",
            state=exam.state(),
            may_sit=services.may_sit(exam, member),
            attempts=attempts,
            open_attempt=open_attempt,
            attempts_left=max(exam.attempts_allowed - len(attempts), 0),
            can_change=scope.covers(exam.organization.path, "change") and not exam.cancelled_at,
            can_view_results=scope.allows("view"),
            cancel_form=CancelForm(),
        )
        return context


class ExamCancelView(ExamsPageMixin, View):
    model = Exam
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = CancelForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("请填写取消原因。")
            services.do_cancel_exam(self.target, acting_user=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, "考试已取消；已有的答卷保留。")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.target.get_absolute_url())


class ExamStartView(ScopedViewMixin, View):
    """开始作答 (POST): the server records the start; resumes an unfinished sheet."""

    model = Exam
    target_kwarg = "pk"

    def post(self, request, pk):
        member = services.member_of(request.user)
        if not services.may_sit(self.target, member):
            raise PermissionDenied("您不在本次考试的参考范围内。")
        try:
            attempt = services.do_start_attempt(self.target, member=member, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.target.get_absolute_url())
        return redirect("exams:attempt_take", pk=attempt.pk)


def sheet_rows(attempt: Attempt, *, reveal: bool):
    """One row per question in the order drawn, options in the order this member sees them:
    (number, question, points, [(shown letter, original letter, text, chosen, correct)], response, mark)."""
    questions = Question.objects.in_bulk([item["question"] for item in attempt.items])
    rows = []
    for number, item in enumerate(attempt.items, 1):
        question = questions[item["question"]]
        response = attempt.responses.get(str(question.pk), "")
        order = item.get("order") or "ABCDEF"[: len(question.options)]
        options = [
            (
                "ABCDEF"[shown],
                letter,
                question.options["ABCDEF".index(letter)],
                letter in response,
                reveal and letter in question.answer,
            )
            for shown, letter in enumerate(order)
        ]
        mark = attempt.marks.get(str(question.pk))
        rows.append((number, question, item["points"], options, response, mark))
    return rows


class AttemptMixin(ScopedViewMixin):
    model = Attempt
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().select_related("exam", "exam__paper", "member")

    def own(self):
        if self.target.member.user_id != self.request.user.pk:
            raise Http404
        return self.target


def posted_responses(post) -> dict:
    """{question id: response} from the sheet's fields q<id> (checkboxes: several values)."""
    responses = {}
    for key in post:
        if key.startswith("q") and key[1:].isdigit():
            responses[key[1:]] = "".join(post.getlist(key))
    return responses


class AttemptTakeView(AttemptMixin, TemplateView):
    """The member's sheet: every question on one page; 保存 and 交卷 post it (answers are also saved as
    they change, by htmx, see exam.js). The remaining time is shown; the server's deadline decides."""

    template_name = "exams/attempt_take.html"

    def get(self, request, pk):
        attempt = self.own()
        services.close_expired(attempt.exam)
        attempt.refresh_from_db()
        if not attempt.is_open:
            return redirect("exams:attempt_detail", pk=attempt.pk)
        return super().get(request, pk)

    def get_context_data(self, **kwargs):
        attempt = self.target
        remaining = max(int((attempt.deadline - timezone.now()).total_seconds()), 0)
        return {
            **super().get_context_data(**kwargs),
            "nav": "exams",
            "attempt": attempt,
            "rows": sheet_rows(attempt, reveal=False),
            "remaining": remaining,
        }

    def post(self, request, pk):
        attempt = self.own()
        responses = posted_responses(request.POST)
        submit = request.POST.get("action") == "submit"
        try:
            if submit:
                attempt = services.do_submit_attempt(attempt, responses, acting_user=request.user)
            else:
                services.do_save_answers(attempt, responses, acting_user=request.user)
        except ValidationError as error:
            message = " ".join(error.messages)
            if request.htmx:
                response = HttpResponse(message, status=200)
                response["HX-Redirect"] = attempt.get_absolute_url()
                return response
            messages.error(request, message)
            return redirect("exams:attempt_detail", pk=attempt.pk)
        if request.htmx:
            return HttpResponse(f"已自动保存（{timezone.localtime():%H:%M:%S}）")
        if submit:
            messages.success(request, f"已交卷，得分 {attempt.score} 分。")
            return redirect("exams:attempt_detail", pk=attempt.pk)
        messages.success(request, "答案已保存。")
        return redirect("exams:attempt_take", pk=attempt.pk)


class AttemptDetailView(AttemptMixin, DetailView):
    """A sheet's result: the member's own (or one in an admin's scope). The correct answers appear once
    the exam has closed."""

    template_name = "exams/attempt_detail.html"

    def get_object(self, queryset=None):
        services.close_expired(self.target.exam)
        self.target.refresh_from_db()
        return self.target

    def get_context_data(self, **kwargs):
        attempt = self.object
        reveal = answers_released(attempt.exam) and not attempt.is_open
        return {
            **super().get_context_data(**kwargs),
            "nav": "exams",
            "attempt": attempt,
            "reveal": reveal,
            "rows": sheet_rows(attempt, reveal=reveal) if not attempt.is_open else [],
        }


# Results -------------------------------------------------------------------------------------------


class ExamResultsMixin(ExamsPageMixin):
    """The results of one exam for an organization (`?org=`): inside the exam's subtree and the user's
    scope; default the highest of those."""

    model = Exam
    target_kwarg = "pk"

    def root(self) -> Organization:
        exam = self.target
        visible = Organization.objects.visible_to(self.request.user).filter(
            path__startswith=exam.organization.path
        )
        value = self.request.GET.get("org", "")
        if value:
            if not value.isdigit():
                raise Http404
            return get_object_or_404(visible, pk=value)
        scope = get_scope(self.request.user)
        if scope.covers(exam.organization.path):
            return exam.organization
        root = visible.order_by("depth", "path").first()
        if root is None:
            raise Http404
        return root


class ExamResultsView(ExamResultsMixin, TemplateView):
    """统计 (sat, not sat, average, pass rate, bands) by child organization, with drill-down, and the
    names by organization and name — never ranked by score."""

    template_name = "exams/exam_results.html"

    def get_context_data(self, **kwargs):
        exam = self.target
        services.close_expired(exam)
        root = self.root()
        total, rows = results.statistics(exam, root)
        names = Paginator(list(results.result_rows(exam, root)), NAMES_PER_PAGE)
        return {
            **super().get_context_data(**kwargs),
            "exam": exam,
            "root": root,
            "total": total,
            "rows": rows,
            "bands": [label for _, _, label in results.SCORE_BANDS],
            "names": names.get_page(self.request.GET.get("page")),
            "can_export": get_scope(self.request.user).covers(root.path, "export"),
        }


class ExamExportView(ExamResultsMixin, View):
    scope_action = "export"

    def get_queryset(self):
        return Exam.objects.visible_to(self.request.user)

    def get(self, request, pk):
        exam = self.target
        root = self.root()
        if not get_scope(request.user).covers(root.path, "export"):
            raise Http404
        services.close_expired(exam)
        content = results.export_bytes(exam, root)
        audit.record("export", exam, acting_user=request.user, message=f"导出考试成绩（{root.name}）")
        return xlsx_response(content, f"{exam.title}-{root.name}-成绩统计.xlsx")
