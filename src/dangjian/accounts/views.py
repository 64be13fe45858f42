"""Log in, log out, change password (forced at first login and after 90 days)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect

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
