from django import forms
from django.utils import timezone

from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from . import sources
from .access import checker_q


class CheckForm(forms.Form):
    """Run a check: a subtree, a period and optionally one kind of note."""

    organization = forms.ModelChoiceField(label="检测范围", queryset=Organization.objects.none())
    start = forms.DateField(label="撰写日期自", widget=DateInput())
    end = forms.DateField(label="至", widget=DateInput())
    kind = forms.ChoiceField(label="类别", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user)
            .filter(checker_q(user, "path"))
            .active()
            .exclude(kind=OrganizationKind.PARTY_GROUP)
            .order_by("path")
        )
        self.fields["kind"].choices = [("", "学习笔记和心得体会"), *sources.kind_choices()]
        today = timezone.localdate()
        self.fields["start"].initial = today.replace(month=1, day=1)
        self.fields["end"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "截止日期不能早于起始日期。")
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); each is read and checked on import."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.docx,.zip"}))
        kwargs.setdefault("error_messages", {"required": "请选择要导入的文件。"})
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ReferenceImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="适用范围", queryset=Organization.objects.none(), help_text="本级及下级党组织的检测都会比对"
    )
    source = forms.CharField(label="来源", max_length=300, required=False, help_text="网站名称、网址或书刊")
    files = MultipleFileField(
        label="文件", help_text="Word 文档（.docx）、文本文件（.txt），或它们的压缩包（.zip）；可多选"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "manage_users").active().order_by("path")
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="停用原因", max_length=200)
