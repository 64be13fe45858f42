from django import forms

from dangjian.accounts.scope import get_scope
from dangjian.core.figures import Period
from dangjian.organizations.choices import COMMITTEE_KINDS
from dangjian.organizations.models import Organization

from .choices import DraftStatus, TemplateKind
from .models import ReportTemplate

MONTH_HELP = "格式：YYYY-MM，例如 2025-01。"


def month_field(label):
    return forms.RegexField(
        label=label,
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        help_text=MONTH_HELP,
        error_messages={"invalid": f"{label}格式应为YYYY-MM（如2025-01）。"},
    )


class TemplateForm(forms.Form):
    organization = forms.ModelChoiceField(label="所属党委", queryset=Organization.objects.none())
    name = forms.CharField(label="模板名称", max_length=100)
    kind = forms.ChoiceField(label="材料类别", choices=TemplateKind.choices)
    title = forms.CharField(label="标题模板", max_length=200)
    body = forms.CharField(
        label="正文模板",
        widget=forms.Textarea(attrs={"rows": 22, "class": "font-monospace"}),
        help_text="Jinja2 写法（安全沙箱）。可用：{{ org.name }}、{{ period.name }}、children、"
        '{{ figure("members.total") }}、{{ figure("study.notes.chars", "yu", org=child) }}、'
        'has("键")、value("键")（仅用于条件判断）。',
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user, "change").filter(
            kind__in=COMMITTEE_KINDS
        )
        if editing:
            del self.fields["organization"]


class DraftCreateForm(forms.Form):
    template = forms.ModelChoiceField(label="模板", queryset=ReportTemplate.objects.none())
    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    start = month_field("起始月份")
    end = month_field("截止月份")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ReportTemplate.objects.visible_to(user).active()
        self.fields["organization"].queryset = Organization.objects.visible_to(user, "change").exclude(
            kind="party_group"
        )
        self.user = user

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError("截止月份不能早于起始月份。")
            data["period"] = Period.months(data["start"], data["end"])
        organization = data.get("organization")
        if organization is not None and not get_scope(self.user).covers(organization.path, "change"):
            self.add_error("organization", "无权为该党组织起草汇报材料。")
        return data


class DraftForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "report-body"}),
        help_text="每行一段。以“一、”“（一）”“1.”开头的行是各级标题。〔数:N〕是标注的数字，请勿改动其中编号；"
        "输入〔数:members.total〕或〔数:study.notes.chars|yu〕可插入新的数字。",
    )
    issuer = forms.CharField(label="落款", max_length=100, required=False)
    issued_on = forms.DateField(
        label="成文日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label="状态", choices=DraftStatus.choices)
