"""Forms of the 督导检查 pages. Model rules are checked once, by the services."""

from django import forms
from django.core.exceptions import ValidationError

from dangjian.accounts.models import User
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import ChecklistGroup, InterviewKind, SamplePopulation, Severity, UnitInspectionStatus
from .models import InspectionPlan

PEOPLE_HELP = "填写登录账号，多人用逗号或顿号分隔"


class PlanForm(forms.ModelForm):
    units = forms.ModelMultipleChoiceField(
        label="检查范围（被检查单位）",
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="组织单位的下级党组织；也可在分配督导组时加入",
    )

    class Meta:
        model = InspectionPlan
        fields = ["organization", "name", "starts_on", "ends_on", "method"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "method": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        committees = (
            Organization.objects.visible_to(user, "change")
            .active()
            .filter(kind__in=["committee", "working_committee", "leading_group"])
        )
        self.fields["organization"].queryset = committees.order_by("path")
        units = Organization.objects.visible_to(user, "change").active().exclude(kind="party_group")
        if plan is not None:
            del self.fields["organization"]
            units = units.in_subtree(plan.organization).exclude(pk=plan.organization_id)
            self.initial["units"] = list(plan.units.values_list("pk", flat=True))
        self.fields["units"].queryset = units.exclude(depth=1).order_by("path")

    def _post_clean(self):
        """The service validates the model (full_clean)."""


class ChecklistItemForm(forms.Form):
    group = forms.ChoiceField(label="检查方式", choices=ChecklistGroup.choices)
    content = forms.CharField(label="检查内容", max_length=300)
    scoring = forms.CharField(label="评分标准", max_length=300, required=False)
    max_points = forms.DecimalField(label="分值", max_digits=5, decimal_places=1, min_value=0, initial=10)


def users_from(text: str, label: str) -> list:
    names = [name.strip() for name in text.replace("、", ",").replace("，", ",").split(",") if name.strip()]
    users = {user.username: user for user in User.objects.filter(username__in=names, is_active=True)}
    missing = [name for name in names if name not in users]
    if missing:
        raise ValidationError(f"{label}：找不到账号 {'、'.join(missing)}。")
    return [users[name] for name in dict.fromkeys(names)]


class TeamForm(forms.Form):
    name = forms.CharField(label="督导组名称", max_length=50, help_text="如：第一督导组")
    leader = forms.CharField(label="组长（登录账号）", max_length=150)
    members = forms.CharField(label="组员（登录账号）", required=False, help_text=PEOPLE_HELP)

    def clean_leader(self):
        return users_from(self.cleaned_data["leader"], "组长")[0]

    def clean_members(self):
        return users_from(self.cleaned_data.get("members") or "", "组员")


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="被检查单位", queryset=Organization.objects.none())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = plan.units.exclude(
            pk__in=plan.assignments.in_force().values("unit_id")
        ).order_by("path")


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="检查日期", widget=DateInput(), required=False)
    status = forms.ChoiceField(label="状态", choices=UnitInspectionStatus.choices)
    summary = forms.CharField(label="检查情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(label="方式", choices=InterviewKind.choices)
    held_on = forms.DateField(label="日期", widget=DateInput())
    participants = forms.IntegerField(label="参加人数", min_value=1)
    summary = forms.CharField(label="情况摘要", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FindingForm(forms.Form):
    severity = forms.ChoiceField(label="问题程度", choices=Severity.choices)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 2}))
    found_on = forms.DateField(label="发现日期", widget=DateInput())
    evidence = forms.FileField(
        label="佐证材料（可选）", required=False, help_text="JPG、PNG、PDF；可选，不上传不影响任何结果"
    )


class SampleForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label="抽查单位（每个单位为一层）",
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    population = forms.ChoiceField(label="抽查对象", choices=SamplePopulation.choices)
    per_unit = forms.IntegerField(label="每单位抽取人数", min_value=0, required=False)
    total = forms.IntegerField(label="或：抽取总人数（按各单位人数比例分配）", min_value=1, required=False)
    notes_from = forms.DateField(label="学习笔记、心得撰写期间：自", widget=DateInput(), required=False)
    notes_to = forms.DateField(label="至", widget=DateInput(), required=False)
    activities_per_unit = forms.IntegerField(
        label="每单位抽查组织生活（次）", min_value=0, initial=0, required=False
    )
    seed = forms.IntegerField(
        label="随机种子（可选）", min_value=0, required=False, help_text="留空则随机生成并记录，可据以复现"
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units

    def clean(self):
        data = super().clean()
        if (data.get("per_unit") is None) == (data.get("total") is None):
            raise ValidationError("“每单位抽取人数”和“抽取总人数”须填写且只填写一项。")
        return data

    def spec(self):
        from .sampling import SampleSpec

        data = self.cleaned_data
        try:
            return SampleSpec(
                population=data["population"],
                per_unit=data.get("per_unit"),
                total=data.get("total"),
                notes_from=data.get("notes_from"),
                notes_to=data.get("notes_to"),
                activities_per_unit=data.get("activities_per_unit") or 0,
            )
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RectifyForm(forms.Form):
    deadline = forms.DateField(label="整改期限", widget=DateInput(), required=False)
    working_days = forms.IntegerField(label="或：自今日起工作日数", min_value=1, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("deadline") is None) == (data.get("working_days") is None):
            raise ValidationError("“整改期限”和“工作日数”须填写且只填写一项。")
        return data


class CloseFindingForm(forms.Form):
    comment = forms.CharField(label="验收意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
