"""Pages of 目标责任: the year's targets in scope, a target with its indicators, commitment, children's
roll-up and evaluation, and the forms that write through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import FormView, TemplateView

from dangjian.accounts.scope import get_scope
from dangjian.audit.choices import AuditAction
from dangjian.audit.services import record
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin, clean_query
from dangjian.core.xlsx import xlsx_response

from . import services
from .choices import UNIT_SUGGESTIONS, TargetStatus
from .filtersets import TargetFilterSet
from .forms import (
    ActualForm,
    DecomposeForm,
    EvaluateChildrenForm,
    EvaluationForm,
    IndicatorForm,
    SignForm,
    TargetEditForm,
    TargetForm,
    UploadForm,
    WithdrawForm,
)
from .models import Commitment, Evaluation, Indicator, Target
from .rollup import rollup, rollup_xlsx
from .sources import SOURCES

PAGE_SIZE = 100


def error_text(error) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or "无权执行此操作。"
    return "；".join(error.messages)


def form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}：{v[0]}".lstrip("：")
        for k, v in form.errors.items()
    )


class TargetListView(ScopedViewMixin, TemplateView):
    """目标责任一览: the targets in scope of a year (default this year), filtered as in the API."""

    model = Target
    template_name = "targets/target_list.html"

    def get_context_data(self, **kwargs):
        data = clean_query(self.request.GET)
        data.setdefault("year", str(timezone.localdate().year))
        rows = self.get_queryset().select_related(
            "organization", "issued_by", "responsible_member", "parent__organization"
        )
        filterset = TargetFilterSet(data, queryset=rows, request=self.request)
        found = filterset.qs.order_by("organization__path", "responsible_member_id", "id")
        page = Paginator(found, PAGE_SIZE).get_page(self.request.GET.get("page"))
        year = int(data["year"]) if data["year"].isdigit() else timezone.localdate().year
        # A parent target the reader may not open (an upper level's) is named, not linked.
        parent_ids = {t.parent_id for t in page.object_list if t.parent_id}
        readable = set(self.get_queryset().filter(pk__in=parent_ids).values_list("pk", flat=True))
        return super().get_context_data(
            nav="targets",
            page=page,
            readable_parents=readable,
            filterset=filterset,
            year=year,
            years=range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
            statuses=TargetStatus.choices,
            selected_status=data.get("status", ""),
            can_change=get_scope(self.request.user).allows("change"),
            **kwargs,
        )


class TargetCreateView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Target
    scope_action = "change"
    form_class = TargetForm
    template_name = "targets/form.html"
    extra_context = {
        "title": "制定目标责任书",
        "intro": "先建草稿并添加指标，下达后可逐级分解到下级党组织或党员个人。",
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_target(acting_user=self.request.user, **form.cleaned_data)


class TargetEditView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Target
    scope_action = "change"
    target_kwarg = "pk"
    form_class = TargetEditForm
    template_name = "targets/form.html"
    extra_context = {"title": "修改目标责任书"}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.target}

    def perform(self, form):
        return services.do_change_target(self.target, acting_user=self.request.user, **form.cleaned_data)


def detail_context(request, target) -> dict:
    """What the target page shows (see targets/target_detail.html)."""
    scope, user = get_scope(request.user), request.user
    indicators = list(target.indicators.select_related("actual_by").order_by("position", "id"))
    for indicator in indicators:
        source = SOURCES.get(indicator.source_key)
        indicator.source = source
        indicator.source_url = source.url(target.organization, target.year) if source else ""
    evaluation = Evaluation.objects.filter(target=target).select_related("evaluator").first()
    return {
        "nav": "targets",
        "target": target,
        "indicators": indicators,
        "ancestors": _ancestors(target),
        "commitments": list(target.commitments.select_related("signed_by")),
        "found": rollup(target),
        "evaluation": evaluation,
        "scores": list(evaluation.scores.order_by("indicator__position", "indicator_id"))
        if evaluation
        else [],
        "may_change": scope.covers(target.organization.path, "change") and target.is_open,
        "may_issue": scope.covers(target.issued_by.path, "change") and target.is_open,
        "may_evaluate_children": scope.covers(target.organization.path, "change"),
        "children_form": EvaluateChildrenForm(initial={"evaluated_on": timezone.localdate()}),
        "may_confirm": services.may_confirm(user, target),
        "actual_form": ActualForm(),
        "sign_form": SignForm(),
        "upload_form": UploadForm(),
        "withdraw_form": WithdrawForm(),
        "open": target.is_open,
        "signable": target.status in (TargetStatus.ISSUED, TargetStatus.SIGNED),
    }


def _ancestors(target) -> list[Target]:
    chain, current = [], target.parent
    while current is not None and len(chain) < 10:
        chain.insert(0, current)
        current = current.parent
    return chain


class TargetDetailView(ScopedViewMixin, View):
    model = Target
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "issued_by", "responsible_member")

    def get(self, request, pk):
        return render(request, "targets/target_detail.html", detail_context(request, self.target))


class TargetActionView(ScopedViewMixin, View):
    """POST on one target or indicator from the target page; back to the page with the outcome."""

    model = Target
    scope_action = "change"
    target_kwarg = "pk"
    form_class = None
    done = ""

    def target_page(self):
        target = self.target if isinstance(self.target, Target) else self.target.target
        return redirect("targets:target_detail", pk=target.pk)

    def get(self, request, pk):
        return self.target_page()

    def post(self, request, pk):
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            messages.error(request, form_errors(form))
            return self.target_page()
        try:
            self.perform(form.cleaned_data if form else {})
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, self.done)
        return self.target_page()


class TargetIssueView(TargetActionView):
    done = "已下达。"

    def perform(self, data):
        services.do_issue_target(self.target, acting_user=self.request.user)


class TargetWithdrawView(TargetActionView):
    form_class = WithdrawForm
    done = "已撤回（含由此分解的下级目标，记录保留）。"

    def perform(self, data):
        services.do_withdraw_target(self.target, acting_user=self.request.user, reason=data["reason"])


class ComputedRefreshView(TargetActionView):
    done = "已从记录重新计算。"

    def perform(self, data):
        children = list(Target.objects.visible_to(self.request.user, "change").filter(parent=self.target))
        changed = services.do_refresh_computed([self.target, *children], acting_user=self.request.user)
        self.done = f"已从记录重新计算（{changed}项数值有变化）。"


class ChildrenEvaluateView(TargetActionView):
    """年终考评 of every child target not yet evaluated, by the rule, in one go."""

    form_class = EvaluateChildrenForm

    def perform(self, data):
        found = services.do_evaluate_children(self.target, acting_user=self.request.user, **data)
        self.done = f"已按规则考评{len(found)}个下级目标。"


class CommitmentSignView(TargetActionView):
    """电子确认: offered to whoever sees the target; the service decides who is the responsible user."""

    scope_action = "view"
    form_class = SignForm
    done = "已电子确认。"

    def perform(self, data):
        services.do_sign_commitment(self.target, acting_user=self.request.user, **data)


class CommitmentUploadView(TargetActionView):
    form_class = UploadForm
    done = "已上传签字责任书。"

    def perform(self, data):
        services.do_upload_commitment(
            self.target, acting_user=self.request.user, kind=data["kind"], upload=data["file"]
        )


class ActualEnterView(TargetActionView):
    model = Indicator
    form_class = ActualForm
    done = "已填报实际值。"

    def perform(self, data):
        services.do_enter_actual(self.target, acting_user=self.request.user, **data)


class IndicatorAddView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Target
    scope_action = "change"
    target_kwarg = "pk"
    form_class = IndicatorForm
    template_name = "targets/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"添加指标：{self.target}",
            units=UNIT_SUGGESTIONS,
            back=self.target.get_absolute_url(),
            **kwargs,
        )

    def perform(self, form):
        services.do_add_indicator(self.target, acting_user=self.request.user, **form.cleaned_data)
        return self.target


class IndicatorEditView(ScopedViewMixin, ServiceFormMixin, FormView):
    model = Indicator
    scope_action = "change"
    target_kwarg = "pk"
    form_class = IndicatorForm
    template_name = "targets/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target}

    def get_context_data(self, **kwargs):
        back = self.target.target.get_absolute_url()
        return super().get_context_data(
            title=f"修改指标：{self.target.name}", units=UNIT_SUGGESTIONS, back=back
        )

    def perform(self, form):
        services.do_change_indicator(self.target, acting_user=self.request.user, **form.cleaned_data)
        return self.target.target


class TargetDecomposeView(ScopedViewMixin, ServiceFormMixin, FormView):
    """逐级分解 to child organizations (none chosen: every direct child) or members."""

    model = Target
    scope_action = "change"
    target_kwarg = "pk"
    form_class = DecomposeForm
    template_name = "targets/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "target": self.target}

    def get_context_data(self, **kwargs):
        children = "、".join(org.name for org in services.default_children(self.target)) or "无"
        return super().get_context_data(
            title=f"逐级分解：{self.target}",
            intro=f"不选下级党组织和党员时分解到全部直属下级（{children}）。比率类指标（%）只能各下级相同；"
            "总量类指标可平均分配或按各下级在册党员人数分配（舍入差额计入最后一个）。",
            back=self.target.get_absolute_url(),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        children = services.do_decompose_target(
            self.target,
            acting_user=self.request.user,
            organizations=list(data["organizations"]) or None,
            members=list(data["members"]),
            split=form.splits(),
        )
        messages.success(self.request, f"已分解到{len(children)}个下级目标。")
        return self.target


class TargetEvaluateView(ScopedViewMixin, ServiceFormMixin, FormView):
    """年终考评 by the issuing organization (the figures are refreshed from the records first)."""

    model = Target
    scope_action = "change"
    target_kwarg = "pk"
    form_class = EvaluationForm
    template_name = "targets/evaluate.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "target": self.target}

    def get_context_data(self, **kwargs):
        indicators = list(self.target.indicators.order_by("position", "id"))
        rows = [(i, services.score_indicator(i, i.actual_value)) for i in indicators]
        return super().get_context_data(nav="targets", target=self.target, rows=rows, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        services.do_evaluate_target(
            self.target,
            acting_user=self.request.user,
            evaluated_on=data["evaluated_on"],
            comment=data["comment"],
            overrides=form.overrides(),
            finalize=data["finalize"],
        )
        messages.success(self.request, "已考评。" if data["finalize"] else "已保存考评草稿。")
        return self.target


class RollupExportView(ScopedViewMixin, View):
    """.xlsx of a target's roll-up (汇总 and 明细), audited as an export."""

    model = Target
    target_kwarg = "pk"

    def get(self, request, pk):
        target = self.target
        content = rollup_xlsx(target, rollup(target))
        record(AuditAction.EXPORT, target, acting_user=request.user, message="导出目标分解汇总")
        return xlsx_response(content, f"{target.year}年{target.title}汇总（{target.organization.name}）.xlsx")


class CommitmentDownloadView(ScopedViewMixin, View):
    model = Commitment
    target_kwarg = "pk"

    def get(self, request, pk):
        commitment = self.target
        if not commitment.file:
            raise PermissionDenied("电子确认没有文件。")
        response = FileResponse(commitment.file.open("rb"), content_type=commitment.content_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=commitment.original_name
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
