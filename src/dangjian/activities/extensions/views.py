"""Pages of the extensions: 主题党日 themes, life-meeting preparation, one's notifications."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from dangjian.accounts.scope import get_scope
from dangjian.activities.models import Activity
from dangjian.core.views import ScopedViewMixin, ServiceFormMixin

from . import forms, services
from .notifications import Notification
from .preparation import LifeMeetingPreparation
from .themes import ThemeNotice

TEMPLATES = "activities/extensions/"


# 主题党日 themes ---------------------------------------------------------------------------------------
class ThemeNoticeListView(ScopedViewMixin, ListView):
    """The themes published in the user's scope and above it."""

    model = ThemeNotice
    template_name = TEMPLATES + "themenotice_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization")

    def get_context_data(self, **kwargs):
        can_publish = get_scope(self.request.user).allows("manage_tree")
        return {**super().get_context_data(**kwargs), "can_publish": can_publish}


class ThemeNoticeDetailView(ScopedViewMixin, DetailView):
    model = ThemeNotice
    template_name = TEMPLATES + "themenotice_detail.html"

    def get_context_data(self, **kwargs):
        scope = get_scope(self.request.user)
        can_change = scope.covers(self.object.organization.path, "manage_tree")
        return {**super().get_context_data(**kwargs), "can_change": can_change}


class ThemeNoticeCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    model = ThemeNotice
    scope_action = "manage_tree"
    form_class = forms.ThemeNoticeForm
    template_name = TEMPLATES + "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "title": "发布主题党日主题", "cancel_url": reverse("life:themenotice_list")}

    def perform(self, form):
        return services.do_publish_theme_notice(acting_user=self.request.user, **form.cleaned_data)


class ThemeNoticeEditView(ServiceFormMixin, ScopedViewMixin, FormView):
    model = ThemeNotice
    scope_action = "manage_tree"
    target_kwarg = "pk"
    form_class = forms.ThemeNoticeEditForm
    template_name = TEMPLATES + "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.target}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "title": f"修改：{self.target}", "cancel_url": self.target.get_absolute_url()}

    def perform(self, form):
        return services.do_update_theme_notice(
            self.target, acting_user=self.request.user, **form.cleaned_data
        )


# Life meetings: preparation -----------------------------------------------------------------------
class PreparationListView(ScopedViewMixin, ListView):
    model = LifeMeetingPreparation
    template_name = TEMPLATES + "preparation_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "activity_type", "activity")

    def get_context_data(self, **kwargs):
        can_change = get_scope(self.request.user).allows("change")
        return {**super().get_context_data(**kwargs), "can_change": can_change}


class PreparationCreateView(ServiceFormMixin, ScopedViewMixin, FormView):
    model = LifeMeetingPreparation
    scope_action = "change"
    form_class = forms.PreparationForm
    template_name = TEMPLATES + "form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = "新建组织生活会/民主生活会筹备"
        return {**context, "title": title, "cancel_url": reverse("life:preparation_list")}

    def perform(self, form):
        return services.do_create_preparation(acting_user=self.request.user, **form.cleaned_data)


class PreparationDetailView(ScopedViewMixin, DetailView):
    """The preparation page: before (opinions, talks, self-examinations) and after (rectification)."""

    model = LifeMeetingPreparation
    template_name = TEMPLATES + "preparation_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("organization", "activity_type", "activity")

    def get_context_data(self, **kwargs):
        preparation = self.object
        can_change = get_scope(self.request.user).covers(preparation.organization.path, "change")
        return {
            **super().get_context_data(**kwargs),
            "can_change": can_change,
            "opinions": preparation.opinions.all(),
            "heart_talks": preparation.heart_talks(),
            "self_examinations": preparation.self_examinations.select_related("member"),
            "rectification_items": preparation.rectification_items.select_related("owner"),
            "linkable": services.linkable_activities(preparation) if can_change else [],
        }


class PreparationActionView(ServiceFormMixin, ScopedViewMixin, FormView):
    """A form adding one item to a preparation the user may change."""

    model = LifeMeetingPreparation
    scope_action = "change"
    target_kwarg = "pk"
    template_name = TEMPLATES + "form.html"
    title = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "preparation": self.target}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "title": f"{self.title}：{self.target}",
            "cancel_url": self.target.get_absolute_url(),
        }

    def redirect_after(self):
        return redirect(self.target.get_absolute_url())


class OpinionCreateView(PreparationActionView):
    form_class = forms.OpinionForm
    title = "登记征求意见"

    def perform(self, form):
        return services.do_record_opinion(self.target, acting_user=self.request.user, **form.cleaned_data)


class SelfExaminationCreateView(PreparationActionView):
    form_class = forms.SelfExaminationForm
    title = "登记对照检查材料"

    def perform(self, form):
        return services.do_record_self_examination(
            self.target, acting_user=self.request.user, **form.cleaned_data
        )


class RectificationItemCreateView(PreparationActionView):
    form_class = forms.RectificationItemForm
    title = "新增整改事项"

    def perform(self, form):
        return services.do_add_rectification_item(
            self.target, acting_user=self.request.user, **form.cleaned_data
        )


class PreparationPostView(ScopedViewMixin, View):
    """A POST changing a preparation the user may change; errors come back as messages."""

    model = LifeMeetingPreparation
    scope_action = "change"
    target_kwarg = "pk"

    def post(self, request, **kwargs):
        try:
            text = self.act(request, **kwargs)
            messages.success(request, text)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "；".join(getattr(error, "messages", [str(error)])))
        return redirect(self.target.get_absolute_url())

    def act(self, request, **kwargs) -> str:
        raise NotImplementedError


class RectificationItemCompleteView(PreparationPostView):
    """POST: 销号 one rectification item (today)."""

    def act(self, request, pk, item_pk):
        item = get_object_or_404(self.target.rectification_items, pk=item_pk)
        services.do_complete_rectification_item(item, acting_user=request.user)
        return "整改事项已销号。"


class PreparationLinkView(PreparationPostView):
    """POST: link the preparation to the meeting's record (`activity`: its id)."""

    def act(self, request, pk):
        activity_id = request.POST.get("activity", "")
        activities = Activity.objects.visible_to(request.user)
        activity = activities.filter(pk=activity_id).first() if activity_id.isdigit() else None
        if activity is None:
            raise ValidationError("请选择要关联的会议记录。")
        services.do_link_life_meeting(self.target, activity, acting_user=request.user)
        return "已关联会议记录。"


# Notifications ------------------------------------------------------------------------------------
class NotificationListView(ScopedViewMixin, ListView):
    """One's own notifications, newest first."""

    model = Notification
    template_name = TEMPLATES + "notification_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("organization")


class NotificationReadView(ScopedViewMixin, View):
    """POST: mark one of one's own notifications read (anyone else's is a 404)."""

    model = Notification
    target_kwarg = "pk"

    def post(self, request, pk):
        services.do_mark_notification_read(self.target, acting_user=request.user)
        target = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return redirect(target)
        return redirect("home")
