from django import forms

from dangjian.core.validators import normalize_id_number, normalize_phone, validate_id_number, validate_phone
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import LEAVING_STATUSES, MemberStatus, PositionTitle
from .models import Member
from .services import EDITABLE_FIELDS


class MemberForm(forms.ModelForm):
    """Roster fields; 身份证号 and phone arrive in clear and are stored encrypted by the model field."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Member
        fields = EDITABLE_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "confirmed_on": DateInput(),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 20}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "change").active()
        self.fields["organization"].queryset = orgs.branches()
        self.fields["party_group"].queryset = orgs.filter(kind="party_group")
        self.fields["status"].choices = [
            (value, label) for value, label in MemberStatus.choices if value not in LEAVING_STATUSES
        ]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # Editing never puts the full numbers into the page: the masked value stands for "unchanged".
            self.initial["id_number"] = self.instance.masked_id_number
            self.initial["phone"] = self.instance.masked_phone
            for name in ("id_number", "phone"):
                self.fields[name].help_text = "已脱敏显示；如需更正，请输入完整号码。"

    def _unchanged_masked(self, name: str) -> bool:
        return bool(self.instance.pk) and self.cleaned_data.get(name) == self.initial.get(name)

    def clean_id_number(self):
        if self._unchanged_masked("id_number"):
            return self.instance.id_number
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        return value

    def clean_phone(self):
        if self._unchanged_masked("phone"):
            return self.instance.phone
        value = normalize_phone(self.cleaned_data.get("phone") or "")
        if value:
            validate_phone(value)
        return value


class MemberCreateForm(MemberForm):
    """A new member, optionally arriving by 组织关系转入 from outside the system."""

    transferred_in_from = forms.CharField(
        label="组织关系转入自（系统外单位）", max_length=100, required=False, help_text="新发展的党员留空"
    )
    transferred_in_on = forms.DateField(label="转入日期", required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("transferred_in_from") and not cleaned.get("transferred_in_on"):
            self.add_error("transferred_in_on", "请填写转入日期。")
        return cleaned


class MemberStatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=MemberStatus.choices)
    changed_on = forms.DateField(label="变更日期", widget=DateInput())
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MemberTransferForm(forms.Form):
    to_organization = forms.ModelChoiceField(
        label="转入党支部（系统内）", queryset=Organization.objects.none(), required=False
    )
    to_name = forms.CharField(label="转入单位（系统外）", max_length=100, required=False)
    transferred_on = forms.DateField(label="转接日期", widget=DateInput())
    letter_number = forms.CharField(label="介绍信编号", max_length=50, required=False)
    reason = forms.CharField(label="转接原因", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A transfer may go to any branch in the system (组织关系 can move nationwide).
        self.fields["to_organization"].queryset = Organization.objects.active().branches()


class PositionForm(forms.Form):
    organization = forms.ModelChoiceField(label="任职组织", queryset=Organization.objects.none())
    title = forms.ChoiceField(label="职务", choices=PositionTitle.choices)
    started_on = forms.DateField(label="任职日期", widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user, "change").active()
