"""修改: correct a recorded activity and its decisions (edit lines and add new ones, never delete).

The organization, the type and the date are not offered: they decide who was expected and which rule
period counts, so a wrong one is put right by 作废 and recording again (the page links there).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView

from . import services
from .forms import ActivityEditForm, DecisionFormSet, decision_initial
from .views import ActivityActionMixin


class ActivityEditView(ActivityActionMixin, FormView):
    """The activity's write-up and its decisions in one form, saved in one call (or not at all)."""

    form_class = ActivityEditForm
    template_name = "activities/activity_edit.html"
    decisions = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "activity": self.target}

    def get_initial(self):
        activity = self.target
        initial = {name: getattr(activity, name) for name in services.EDITABLE_ACTIVITY_FIELDS}
        return {**initial, "version": activity.version}

    def decision_formset(self, data=None):
        return DecisionFormSet(data, prefix="decision", initial=decision_initial(self.target))

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        self.decisions = self.decision_formset(request.POST)
        if form.is_valid() and self.decisions.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        decisions = self.decisions if self.decisions is not None else self.decision_formset()
        return {**super().get_context_data(**kwargs), "decisions": decisions}

    def perform(self, form):
        lines = [line for line in (f.line() for f in self.decisions.forms) if line]
        return services.do_update_activity(
            self.target,
            acting_user=self.request.user,
            version=form.cleaned_data["version"],
            decisions=lines,
            **form.service_fields(),
        )

    def redirect_after(self):
        for decision in self.object.decisions.all():
            for problem in decision.vote_problems():
                messages.warning(self.request, f"决议“{decision.text[:30]}”：{problem}")
        messages.success(self.request, "活动记录已修改。")
        return redirect(self.object.get_absolute_url())
