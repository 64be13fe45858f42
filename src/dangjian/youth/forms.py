"""Forms of the 推优 and cohort pages."""

from django import forms

from dangjian.members.models import Member
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization
from dangjian.study.models import Course

from .models import Cohort, Recommendation, YouthOrganization


class YouthOrganizationForm(forms.Form):
    organization = forms.ModelChoiceField(label="所属党组织", queryset=Organization.objects.none())
    name = forms.CharField(label="团组织名称", max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change").active().order_by("path")
        )


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = [
            "organization",
            "youth_organization",
            "name",
            "sex",
            "birth_date",
            "education",
            "occupation",
            "recommended_on",
            "attendees",
            "votes_for",
            "votes_against",
            "opinion",
            "document",
        ]
        widgets = {
            "birth_date": DateInput(),
            "recommended_on": DateInput(),
            "opinion": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change").branches().active().order_by("path")
        )
        self.fields["youth_organization"].queryset = YouthOrganization.objects.visible_to(user).filter(
            active=True
        )

    def _post_clean(self):
        """The service validates the model (full_clean), so its messages are reported once."""


class AcceptForm(forms.Form):
    decided_on = forms.DateField(label="处理日期", widget=DateInput())
    applied_on = forms.DateField(
        label="递交入党申请书日期", widget=DateInput(), required=False, help_text="新建发展党员档案时填写"
    )
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    development_file = forms.IntegerField(
        label="已有发展党员档案编号", required=False, help_text="本人已有进行中的档案时填写，不再新建"
    )


class RejectForm(forms.Form):
    decided_on = forms.DateField(label="处理日期", widget=DateInput())
    reason = forms.CharField(label="未采纳原因", max_length=500)


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = ["organization", "name", "tier", "year", "required_practice_hours", "courses"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change").active().order_by("path")
        )
        self.fields["courses"].queryset = Course.objects.visible_to(user).order_by("-starts_on", "name")
        self.fields["courses"].required = False

    def _post_clean(self):
        """The service validates the model."""


class TraineeForm(forms.Form):
    member = forms.ModelChoiceField(label="党员（名册）", queryset=Member.objects.none(), required=False)
    name = forms.CharField(
        label="姓名", max_length=50, required=False, help_text="不在党员名册的青年填写姓名"
    )
    mentor = forms.CharField(label="导师", max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.visible_to(user).order_by("name_pinyin")


class PracticeForm(forms.Form):
    title = forms.CharField(label="实践内容", max_length=200)
    date = forms.DateField(label="日期", widget=DateInput())
    hours = forms.DecimalField(label="时长（小时）", max_digits=5, decimal_places=1, min_value=0.5)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label="结业日期", widget=DateInput())
