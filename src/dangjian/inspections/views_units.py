"""Pages of one unit's inspection: checklist results, interviews, findings and samples, and a finding's
page. Read by whoever sees the unit; the forms post to the services, which let only the unit's team (in
the plan's period) or the plan's committee record (403 otherwise)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView

from dangjian.core.views import ScopedViewMixin

from . import services
from .access import administers, may_record, require_recorder, require_verifier
from .forms import CloseFindingForm, FindingForm, InterviewForm, RectifyForm, VisitForm
from .models import ChecklistResult, Finding, Sample, UnitInspection
from .views import report


class UnitMixin(ScopedViewMixin):
    model = UnitInspection
    target_kwarg = "pk"

    def get_queryset(self):
        return super().get_queryset().select_related("plan", "plan__organization", "unit")


class UnitDetailView(UnitMixin, TemplateView):
    """One unit under a plan: the checklist with its results, interviews, findings and samples."""

    template_name = "inspections/unit_detail.html"

    def get_context_data(self, **kwargs):
        inspection, user = self.target, self.request.user
        plan = inspection.plan
        results = {
            r.item_id: r
            for r in ChecklistResult.objects.filter(unit_inspection=inspection).select_related("checked_by")
        }
        items = [
            (item, results.get(item.pk))
            for item in plan.checklist.filter(active=True).order_by("order", "id")
        ]
        samples = (
            Sample.objects.visible_to(user).filter(plan=plan, units=inspection.unit).order_by("-drawn_at")
        )
        return super().get_context_data(
            inspection=inspection,
            plan=plan,
            items=items,
            interviews=inspection.interviews.order_by("held_on", "id"),
            findings=inspection.findings.order_by("found_on", "id"),
            samples=samples,
            may_record=may_record(user, plan, inspection.unit) and plan.status == "active",
            visit_form=VisitForm(
                initial={
                    "visited_on": inspection.visited_on,
                    "status": inspection.status,
                    "summary": inspection.summary,
                }
            ),
            interview_form=InterviewForm(),
            finding_form=FindingForm(),
            **kwargs,
        )


class UnitActionView(UnitMixin, View):
    """POST on one unit's inspection; a refused form comes back as a message on the unit's page."""

    form_class = None
    done = ""

    def get(self, request, pk):
        return redirect(self.target)

    def post(self, request, pk):
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            errors = [
                f"{form.fields[k].label}：{v[0]}" if k in form.fields else v[0]
                for k, v in form.errors.items()
            ]
            messages.error(request, "；".join(errors))
            return redirect(self.target)
        try:
            self.perform(form.cleaned_data if form is not None else request.POST)
        except ValidationError as error:
            report(request, error)
        else:
            messages.success(request, self.done)
        return redirect(self.target)


class VisitView(UnitActionView):
    form_class = VisitForm
    done = "已保存检查情况。"

    def perform(self, data):
        services.do_record_visit(self.target, acting_user=self.request.user, **data)


class ResultsView(UnitActionView):
    """POST `score_<item id>` and `remark_<item id>` for the items checked (all saved, or none)."""

    done = "已保存检查结果。"

    @transaction.atomic
    def perform(self, data):
        inspection = self.target
        require_recorder(self.request.user, inspection.plan, inspection.unit)
        saved = 0
        for item in inspection.plan.checklist.filter(active=True):
            raw = (data.get(f"score_{item.pk}") or "").strip()
            if not raw:
                continue
            try:
                score = Decimal(raw)
            except InvalidOperation:
                raise ValidationError(f"“{item.content}”的得分须为数字。") from None
            try:
                services.do_record_result(
                    inspection,
                    item,
                    acting_user=self.request.user,
                    score=score,
                    remark=data.get(f"remark_{item.pk}", ""),
                )
            except ValidationError as error:
                raise ValidationError(
                    [f"“{item.content}”：{message}" for message in error.messages]
                ) from None
            saved += 1
        if not saved:
            raise ValidationError("请至少填写一项得分。")


class InterviewAddView(UnitActionView):
    form_class = InterviewForm
    done = "已记录座谈访谈。"

    def perform(self, data):
        services.do_record_interview(self.target, acting_user=self.request.user, **data)


class FindingAddView(UnitActionView):
    form_class = FindingForm
    done = "已列入问题清单。"

    def perform(self, data):
        services.do_record_finding(self.target, acting_user=self.request.user, **data)


class FindingMixin(ScopedViewMixin):
    model = Finding
    target_kwarg = "pk"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("unit_inspection__plan__organization", "unit_inspection__unit")
        )


class FindingDetailView(FindingMixin, TemplateView):
    template_name = "inspections/finding_detail.html"

    def get_context_data(self, **kwargs):
        finding, user = self.target, self.request.user
        inspection = finding.unit_inspection
        try:
            require_verifier(user, inspection.plan, inspection.unit)
            may_verify = True
        except PermissionDenied:  # the page is read-only for this user
            may_verify = False
        return super().get_context_data(
            finding=finding,
            inspection=inspection,
            plan=inspection.plan,
            assignment=finding.rectification,
            may_verify=may_verify,
            may_issue=administers(user, inspection.plan),
            rectify_form=RectifyForm(),
            close_form=CloseFindingForm(),
            **kwargs,
        )


class FindingEvidenceView(FindingMixin, View):
    """The evidence file, served only through the scoped finding."""

    def get(self, request, pk):
        finding = self.target
        if not finding.evidence:
            raise Http404
        response = FileResponse(finding.evidence.open("rb"), content_type=finding.evidence_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=finding.evidence_name
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class FindingActionView(FindingMixin, View):
    """POST on a finding; refused forms come back as a message on its page (403 for a stranger)."""

    form_class = None

    def get(self, request, pk):
        return redirect(self.target)

    def post(self, request, pk):
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(
                request, "；".join(message for errors in form.errors.values() for message in errors)
            )
            return redirect(self.target)
        try:
            self.perform(form.cleaned_data)
        except ValidationError as error:
            report(request, error)
        return redirect(self.target)


class FindingRectifyView(FindingActionView):
    """限期整改: the plan's committee issues the 整改 task to the unit."""

    form_class = RectifyForm

    def perform(self, data):
        finding = services.do_issue_rectification(self.target, acting_user=self.request.user, **data)
        messages.success(self.request, f"已交办整改，期限{finding.rectification.deadline}。")


class FindingCloseView(FindingActionView):
    """销号: the unit's team (or the committee) verifies and closes; the 整改 task is confirmed done."""

    form_class = CloseFindingForm

    def perform(self, data):
        services.do_close_finding(self.target, acting_user=self.request.user, **data)
        messages.success(self.request, "已验收销号。")
