"""Log in, log out, change password (forced at first login and after 90 days); account management."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, ListView

from dangjian.audit.models import AuditEvent
from dangjian.core.views import ServiceFormMixin

from . import services
from .forms import GrantForm, PasswordResetForm, UserCreateForm
from .models import User
from .scope import get_scope
from .services import do_change_password


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    form_class = PasswordChangeForm

    def form_valid(self, form):
        user = form.user
        do_change_password(user, form.cleaned_data["new_password1"], acting_user=user)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "密码已修改。")
        return redirect("home")


class ManageUsersMixin(LoginRequiredMixin):
    """Account pages: only for roles with `manage_users`; other users' accounts out of scope are 404."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not get_scope(request.user).allows("manage_users"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return User.objects.manageable_by(self.request.user).order_by("username")


class UserListView(ManageUsersMixin, ListView):
    template_name = "accounts/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related("grants__organization")
        text = self.request.GET.get("q", "").strip()
        if text:
            queryset = queryset.filter(Q(username__startswith=text) | Q(last_name__startswith=text))
        return queryset


class UserCreateView(ManageUsersMixin, ServiceFormMixin, FormView):
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.do_create_user_with_grant(acting_user=self.request.user, **form.cleaned_data)

    def redirect_after(self):
        messages.success(self.request, "账号已创建，首次登录须修改初始密码。")
        return redirect("accounts:user_detail", self.object.pk)


class UserDetailView(ManageUsersMixin, ServiceFormMixin, FormView):
    """One account: its grants, add a grant, revoke, reset password, disable, unlock."""

    form_class = GrantForm
    template_name = "accounts/user_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.target = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "target": self.target,
            "grants": self.target.grants.select_related("organization", "granted_by").order_by("-created_at"),
            "reset_form": PasswordResetForm(target=self.target),
            "history": AuditEvent.objects.for_object(self.target)[:30],
        }

    def perform(self, form):
        return services.do_grant_role(user=self.target, acting_user=self.request.user, **form.cleaned_data)

    def redirect_after(self):
        messages.success(self.request, "已授权。")
        return redirect("accounts:user_detail", self.target.pk)


class UserActionView(ManageUsersMixin, View):
    """POST actions on one account: revoke a grant, reset the password, disable/enable, unlock."""

    def post(self, request, pk, action):
        target = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            self.run(action, target, request)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        return redirect("accounts:user_detail", target.pk)

    def run(self, action, target, request):
        acting = request.user
        if action == "revoke":
            grant = get_object_or_404(target.grants.current(), pk=request.POST.get("grant"))
            services.do_revoke_role(grant, acting_user=acting)
            messages.success(request, "授权已撤销。")
        elif action == "reset-password":
            form = PasswordResetForm(request.POST, target=target)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.do_reset_password(target, form.cleaned_data["password"], acting_user=acting)
            messages.success(request, "密码已重置，该用户下次登录须修改密码。")
        elif action in ("disable", "enable"):
            services.do_set_user_active(target, action == "enable", acting_user=acting)
            messages.success(request, "账号已停用。" if action == "disable" else "账号已启用。")
        elif action == "unlock":
            services.do_unlock_user(target, acting_user=acting)
            messages.success(request, "已解除登录锁定。")
        else:
            raise Http404


class ApiTokenView(LoginRequiredMixin, View):
    """The user's own API token: shown once when created; regenerating revokes the old one."""

    template_name = "accounts/api_token.html"

    def get(self, request):
        from rest_framework.authtoken.models import Token

        token = Token.objects.filter(user=request.user).first()
        return render(request, self.template_name, {"token_created": token.created if token else None})

    def post(self, request):
        key = services.do_regenerate_api_token(request.user, acting_user=request.user)
        response = render(request, self.template_name, {"new_key": key, "token_created": timezone.now()})
        response["Cache-Control"] = "no-store"
        return response
