from django import forms
from django.contrib.auth import password_validation

from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import RoleChoices


class GrantForm(forms.Form):
    """One role on one organization of the administrator's scope."""

    role = forms.ChoiceField(label="角色", choices=RoleChoices.choices)
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    include_descendants = forms.BooleanField(label="含下级组织", required=False, initial=True)
    expires_on = forms.DateField(label="有效期至", required=False, widget=DateInput(), help_text="督导员必填")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user, "manage_users").active()


class UserCreateForm(GrantForm):
    """A new account with its first role; the initial password must be changed at first login."""

    username = forms.RegexField(
        label="账号",
        max_length=150,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={"invalid": "账号只能包含字母、数字和 _ . -"},
    )
    last_name = forms.CharField(label="姓", max_length=150)
    first_name = forms.CharField(label="名", max_length=150)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False))

    field_order = ["username", "last_name", "first_name", "password", "role", "organization"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if username.lower() in {"admin", "root", "test", "administrator"}:
            raise forms.ValidationError("不能使用通用账号名，请使用实名账号。")
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            from .models import User

            probe = User(
                username=cleaned.get("username", ""),
                last_name=cleaned.get("last_name", ""),
                first_name=cleaned.get("first_name", ""),
            )
            try:
                password_validation.validate_password(cleaned["password"], probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="新的初始密码", widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target

    def clean_password(self):
        password_validation.validate_password(self.cleaned_data["password"], self.target)
        return self.cleaned_data["password"]
