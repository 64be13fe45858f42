"""Pages of 组织工作观察员 and 意见建议: the committee's observers and public codes, the responsible
organization's inbox and handling page, the submitter's own page, statistics, and the public form."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope, root_paths
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.organizations.models import Organization

from . import public, services
from .choices import FeedbackChannel
from .forms import (
    CloseForm,
    EndTermForm,
    FollowUpForm,
    InAppFeedbackForm,
    InboxFilterForm,
    LinkForm,
    ObserverForm,
    PublicFeedbackForm,
    RateForm,
    ReplyForm,
    RouteForm,
    StatsForm,
)
from .models import Feedback, FeedbackLink, Observer
from .stats import feedback_stats
from .xlsx import stats_workbook

PAGE_SIZE = 50
NO_STORE = "no-store"


def error_text(error) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "无权执行此操作。"
    return "；".join(error.messages)


# --- observers and public codes (the committee) ---------------------------------------------------


class ObserverListView(ScopedViewMixin, TemplateView):
    """组织工作观察员 appointed by the organizations in scope, serving and ended."""

    model = Observer
    template_name = "feedback/observer_list.html"

    def get_context_data(self, **kwargs):
        rows = self.get_queryset().select_related("organization").prefetch_related("observed")
        today = timezone.localdate()
        return super().get_context_data(observers=rows, today=today, **kwargs)


class ObserverAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Observer
    scope_action = "change"
    form_class = ObserverForm
    template_name = "feedback/form.html"
    extra_context = {
        "title": "聘任组织工作观察员",
        "intro": "观察员在任期内可对所观察的党组织（含下级）提出意见建议；任期终止后记录保留。",
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_appoint_observer(acting_user=self.request.user, **form.cleaned_data)


class ObserverDetailView(ScopedViewMixin, View):
    model = Observer
    target_kwarg = "pk"

    def get(self, request, pk):
        observer = self.target
        return render(
            request,
            "feedback/observer_detail.html",
            {
                "observer": observer,
                "today": timezone.localdate(),
                "feedback": Feedback.objects.visible_to(request.user).filter(observer=observer),
                "may_change": get_scope(request.user).covers(observer.organization.path, "change"),
                "end_form": EndTermForm(initial={"ended_on": timezone.localdate()}),
            },
        )


class ObserverEndView(ScopedViewMixin, View):
    model = Observer
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        form = EndTermForm(request.POST)
        if form.is_valid():
            try:
                services.do_end_observer_term(self.target, acting_user=request.user, **form.cleaned_data)
                messages.success(request, "已终止该观察员的任期。")
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
        else:
            messages.error(request, "请填写终止日期。")
        return redirect(self.target.get_absolute_url())


class LinkListView(ScopedViewMixin, TemplateView):
    """公开码: what the posters print; anyone may submit through them without login."""

    model = FeedbackLink
    template_name = "feedback/link_list.html"

    def get_context_data(self, **kwargs):
        links = self.get_queryset().select_related("organization")
        changeable = set(
            FeedbackLink.objects.visible_to(self.request.user, "change").values_list("pk", flat=True)
        )
        return super().get_context_data(links=links, changeable=changeable, **kwargs)


class LinkDeactivateView(ScopedViewMixin, View):
    model = FeedbackLink
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, pk):
        try:
            services.do_deactivate_feedback_link(self.target, acting_user=request.user)
            messages.success(request, "已停用该公开码。")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return redirect("feedback:link_list")


class LinkAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = FeedbackLink
    scope_action = "change"
    form_class = LinkForm
    template_name = "feedback/form.html"
    extra_context = {
        "title": "生成意见建议公开码",
        "intro": "公开码印在海报上，群众扫码或输入网址即可匿名提交。",
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_feedback_link(acting_user=self.request.user, **form.cleaned_data)

    def redirect_after(self):
        return redirect("feedback:link_list")


# --- the responsible organization --------------------------------------------------------------------


class FeedbackListView(ScopedViewMixin, TemplateView):
    """意见建议 inbox: the items the organizations in scope are responsible for; overdue marked."""

    model = Feedback
    template_name = "feedback/feedback_list.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        form = InboxFilterForm(self.request.GET or None)
        rows = self.get_queryset().select_related("organization")
        if form.is_valid():
            if form.cleaned_data["status"]:
                rows = rows.filter(status=form.cleaned_data["status"])
            if form.cleaned_data["overdue"]:
                rows = rows.overdue_on(today)
        page = Paginator(rows.order_by("-submitted_on", "-id"), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(page=page, form=form, today=today, query=query.urlencode(), **kwargs)


class FeedbackDetailView(ScopedViewMixin, View):
    model = Feedback
    target_kwarg = "pk"

    def get(self, request, pk):
        feedback = self.target
        scope = get_scope(request.user)
        can_view_pi = scope.covers(feedback.organization.path, "view_pi")
        show_contact = bool(feedback.contact) and can_view_pi and request.GET.get("contact") == "1"
        if show_contact:
            from dangjian.audit import services as audit

            audit.record("view_pi", feedback, acting_user=request.user, message="查看提交人联系方式")
        response = render(
            request,
            "feedback/feedback_detail.html",
            {
                "feedback": feedback,
                "today": timezone.localdate(),
                "routes": feedback.routes.select_related("from_organization", "to_organization", "routed_by"),
                "replies": feedback.replies.select_related("organization", "answered_by"),
                "may_change": scope.covers(feedback.organization.path, "change"),
                "route_form": RouteForm(user=request.user),
                "reply_form": ReplyForm(initial={"answered_on": timezone.localdate()}),
                "close_form": CloseForm(initial={"closed_on": timezone.localdate()}),
                "can_view_pi": can_view_pi,
                "show_contact": show_contact,
            },
        )
        return no_store(response) if show_contact else response


class FeedbackActionView(ScopedViewMixin, View):
    """POST of one handling step (route, reply, close) on an item in the user's change scope."""

    model = Feedback
    scope_action = "change"
    target_kwarg = "pk"
    form_class = None
    done = ""

    def form_kwargs(self):
        return {}

    def perform(self, data):
        raise NotImplementedError

    def post(self, request, pk):
        form = self.form_class(request.POST, **self.form_kwargs())
        if not form.is_valid():
            messages.error(
                request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items())
            )
        else:
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                self.perform(data)
                messages.success(request, self.done)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
        found = Feedback.objects.visible_to(request.user).filter(pk=pk).exists()
        return redirect(self.target.get_absolute_url() if found else "feedback:feedback_list")


class FeedbackRouteView(FeedbackActionView):
    form_class = RouteForm
    done = "已分办。"

    def form_kwargs(self):
        return {"user": self.request.user}

    def perform(self, data):
        services.do_route_feedback(self.target, acting_user=self.request.user, **data)


class FeedbackReplyView(FeedbackActionView):
    form_class = ReplyForm
    done = "已答复。"

    def perform(self, data):
        services.do_reply_feedback(self.target, acting_user=self.request.user, **data)


class FeedbackCloseView(FeedbackActionView):
    form_class = CloseForm
    done = "已办结。"

    def perform(self, data):
        services.do_close_feedback(self.target, acting_user=self.request.user, **data)


# --- the submitter (an observer or a member, logged in) --------------------------------------------


def serving_observers(user):
    return (
        Observer.objects.filter(user=user)
        .serving_on(timezone.localdate())
        .select_related("organization")
        .prefetch_related("observed")
    )


class MyFeedbackView(LoginRequiredMixin, TemplateView):
    """我的意见建议: the user's own submissions with their answers, and their observer terms."""

    template_name = "feedback/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        own = (
            Feedback.objects.filter(submitted_by=user)
            .select_related("organization")
            .prefetch_related("replies")
            .order_by("-submitted_on", "-id")
        )
        terms = Observer.objects.filter(user=user).select_related("organization").prefetch_related("observed")
        return super().get_context_data(
            own=own, terms=terms, today=timezone.localdate(), rate_form=RateForm(), **kwargs
        )


class FeedbackSubmitView(LoginRequiredMixin, FormView):
    """An observer (while serving) or a member submits in the app."""

    form_class = InAppFeedbackForm
    template_name = "feedback/submit.html"

    def get_form_kwargs(self):
        self.observers = list(serving_observers(self.request.user))
        self.member = getattr(self.request.user, "member", None)
        return {**super().get_form_kwargs(), "observers": self.observers, "member": self.member}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        source = data.pop("source")
        observer = None
        if source.startswith("observer:"):
            observer = next(o for o in self.observers if str(o.pk) == source.split(":", 1)[1])
        channel = FeedbackChannel.OBSERVER if observer else FeedbackChannel.MEMBER
        try:
            services.do_submit_feedback(
                acting_user=self.request.user, channel=channel, observer=observer, **data
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
            return self.form_invalid(form)
        messages.success(self.request, "已提交，承办党组织答复后可在此查看并评价。")
        return redirect("feedback:mine")


class FeedbackRateView(LoginRequiredMixin, View):
    """The submitting user rates the answer to their own item (others: 404)."""

    def post(self, request, pk):
        feedback = get_object_or_404(Feedback.objects.filter(submitted_by=request.user), pk=pk)
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                services.do_rate_reply(
                    feedback, acting_user=request.user, satisfaction=form.cleaned_data["satisfaction"]
                )
                messages.success(request, "感谢评价。")
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
        else:
            messages.error(request, "请选择评价。")
        return redirect("feedback:mine")


# --- statistics ---------------------------------------------------------------------------------------


def year_start(today: date) -> date:
    return today.replace(month=1, day=1)


class StatsMixin(ScopedViewMixin):
    """The organization (default: the user's highest) and period of the figures; no view grant: 403."""

    model = Organization

    def figures(self):
        user = self.request.user
        if not get_scope(user).allows(self.scope_action):
            raise PermissionDenied
        form = StatsForm(self.request.GET or None, user=user, action=self.scope_action)
        if self.request.GET and not form.is_valid():
            raise Http404("党组织不存在或不在数据范围内。")
        data = form.cleaned_data if form.is_bound else {}
        organization = data.get("organization")
        if organization is None:
            roots = root_paths(user, self.scope_action)
            organization = Organization.objects.filter(path__in=roots).order_by("path").first()
            if organization is None:
                raise PermissionDenied
        today = timezone.localdate()
        first, last = data.get("first") or year_start(today), data.get("last") or today
        return form, feedback_stats(organization, first, last, today=today)


class StatsView(StatsMixin, TemplateView):
    template_name = "feedback/stats.html"

    def get_context_data(self, **kwargs):
        form, stats = self.figures()
        return super().get_context_data(form=form, stats=stats, **kwargs)


class StatsExportView(StatsMixin, View):
    scope_action = "export"

    def get(self, request):
        from dangjian.audit import services as audit
        from dangjian.core.xlsx import xlsx_response

        _form, stats = self.figures()
        audit.record("export", stats.organization, acting_user=request.user, message="导出意见建议统计")
        name = f"意见建议统计_{stats.organization.name}_{stats.first:%Y%m%d}-{stats.last:%Y%m%d}.xlsx"
        return xlsx_response(stats_workbook(stats), name)


# --- the public (no login) ----------------------------------------------------------------------------


def no_store(response):
    response["Cache-Control"] = NO_STORE
    return response


def public_submit(request, code):
    """The public form behind a poster's code: anonymous, rate-limited, duplicates refused."""
    link = get_object_or_404(
        FeedbackLink.objects.select_related("organization"), code=code.upper(), active=True
    )
    form = PublicFeedbackForm(request.POST or None)
    context = {"link": link, "form": form}
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        refusal = public.refusal(request, link.organization_id, content)
        if refusal:
            form.add_error(None, refusal)
        else:
            try:
                feedback, follow_up = services.do_submit_feedback(
                    acting_user=None,
                    channel=FeedbackChannel.PUBLIC,
                    organization=link.organization,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error_text(error))
            else:
                public.remember(request, link.organization_id, content)
                context = {"link": link, "feedback": feedback, "follow_up": follow_up}
                return no_store(render(request, "feedback/public_done.html", context))
    return no_store(render(request, "feedback/public_submit.html", context))


def public_follow_up(request):
    """With the follow-up code (POSTed, never in the URL): the answer, and the rating of it."""
    form = FollowUpForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        if public.over_limit(request, "follow_up", public.FOLLOW_UP_LIMIT):
            form.add_error(None, "查询过于频繁，请稍后再试。")
            return no_store(render(request, "feedback/public_follow_up.html", context))
        code = form.cleaned_data["code"]
        feedback = services.feedback_by_code(code)
        if feedback is None:
            form.add_error("code", "回访码不正确。")
        else:
            if "satisfaction" in request.POST:
                rate = RateForm(request.POST)
                try:
                    if not rate.is_valid():
                        raise ValidationError("请选择评价。")
                    services.do_rate_reply(
                        feedback, acting_user=None, satisfaction=rate.cleaned_data["satisfaction"], code=code
                    )
                    feedback.refresh_from_db()
                    context["rated"] = True
                except (ValidationError, PermissionDenied) as error:
                    context["rate_error"] = error_text(error)
            context.update(feedback=feedback, code=code, replies=feedback.replies.all(), rate_form=RateForm())
    return no_store(render(request, "feedback/public_follow_up.html", context))
