"""Notes and reflections (学习笔记、心得体会): write or upload, read, review; the points switch."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView, FormView

from dangjian.accounts.scope import get_scope
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin
from dangjian.members.models import Member

from . import services
from .forms import NoteForm, ReviewForm
from .models import Course, Note, StudyItem
from .views import OrganizationPageMixin


class NoteCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    """写笔记/心得: a 党员 for themself; an editor for a member of their branch (a paper note typed in)."""

    model = Note
    form_class = NoteForm
    template_name = "study/note_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.members().exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def members(self):
        scope = get_scope(self.request.user)
        editable = Member.objects.visible_to(self.request.user, "change").active()
        return (editable | Member.objects.filter(pk__in=scope.member_ids)).order_by("name_pinyin")

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "members": self.members(),
            "items": StudyItem.objects.visible_to(user)
            .filter(plan__published=True)
            .order_by("-due_on")[:100],
            "courses": Course.objects.visible_to(user).order_by("-starts_on")[:50],
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "nav": "study"}

    def perform(self, form):
        data = dict(form.cleaned_data)
        member = data.pop("member")
        upload = data.pop("upload")
        if upload is None:
            data.pop("upload", None)
        note = services.do_write_note(acting_user=self.request.user, member=member, upload=upload, **data)
        messages.success(self.request, f"已保存，共{note.char_count}字。")
        return note


class NoteDetailView(ScopedViewMixin, DetailView):
    """A note with its reviews; the review form for a branch admin or an inspector in scope."""

    model = Note
    template_name = "study/note_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("member", "organization", "item", "course", "activity")

    def get_context_data(self, **kwargs):
        note = self.object
        return {
            **super().get_context_data(**kwargs),
            "nav": "study",
            "reviews": note.reviews.select_related("reviewer"),
            "can_review": services.may_review(self.request.user, note.organization),
            "review_form": ReviewForm(),
        }


class NoteReviewView(ScopedViewMixin, View):
    model = Note
    target_kwarg = "pk"

    def post(self, request, pk):
        if not services.may_review(request.user, self.target.organization):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if form.is_valid():
            services.do_review_note(self.target, acting_user=request.user, **form.cleaned_data)
            messages.success(request, "评阅意见已保存。")
        else:
            messages.error(request, "请选择评阅等次。")
        return redirect(self.target.get_absolute_url())


class PointsSettingView(OrganizationPageMixin, View):
    """Switch 学习积分 on or off for an organization's subtree."""

    scope_action = "change"
    grant_action = "change"

    def post(self, request, pk):
        enabled = request.POST.get("enabled") == "on"
        services.do_set_points(self.target, acting_user=request.user, enabled=enabled)
        state = "启用" if enabled else "关闭"
        messages.success(
            request, f"已为{self.target.name}及其下级组织{state}学习积分（仅党员本人可见，不作考核依据）。"
        )
        return redirect("study:organization", pk=self.target.pk)
