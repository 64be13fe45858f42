"""Forms of the study pages (the same fields the services take)."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from dangjian.activities.models import Activity
from dangjian.core.tree import subtree_q
from dangjian.members.models import Member
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import HOURS_PRESETS, CompletionMethod, NoteKind, ReviewMark
from .models import Course, CourseSession, StudyItem, StudyPlan

STUDY_SESSION = "study_session"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MembersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class PlanForm(forms.ModelForm):
    class Meta:
        model = StudyPlan
        fields = ["year", "quarter", "title", "source_document"]


class ItemForm(forms.ModelForm):
    link = forms.URLField(label="链接", required=False, assume_scheme="https")

    class Meta:
        model = StudyItem
        fields = ["kind", "title", "source", "link", "text", "due_on", "audience", "audience_organization"]
        widgets = {"due_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        below = Organization.objects.filter(subtree_q(plan.organization.path)).only("pk", "name")
        self.fields["audience_organization"].queryset = below
        self.fields["audience_organization"].required = False


class CompletionForm(forms.Form):
    """学完: the members (ticked), the day, alone or at a 集中学习 session."""

    members = MembersField(label="党员", queryset=Member.objects.none())
    method = forms.ChoiceField(
        label="学习方式", choices=CompletionMethod.choices, initial=CompletionMethod.ALONE
    )
    studied_on = forms.DateField(label="学习日期", required=False, widget=DateInput())
    activity = forms.ModelChoiceField(label="集中学习活动", queryset=Activity.objects.none(), required=False)

    def __init__(self, *args, members, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["activity"].queryset = activities
        self.fields["studied_on"].initial = timezone.localdate()


class OwnCompletionForm(forms.Form):
    studied_on = forms.DateField(label="学习日期", widget=DateInput())


def study_sessions_for(user):
    """Standing 集中学习 activities the user may record for (the last year's)."""
    since = timezone.localdate().replace(day=1, month=1)
    return (
        Activity.objects.visible_to(user, "change")
        .current()
        .filter(activity_type__code=STUDY_SESSION, held_on__gte=since.replace(year=since.year - 1))
        .select_related("organization")
        .order_by("-held_on")
    )


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["name", "kind", "starts_on", "ends_on", "required_hours"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class SessionForm(forms.ModelForm):
    hours = forms.TypedChoiceField(label="学时", choices=HOURS_PRESETS, coerce=Decimal)

    class Meta:
        model = CourseSession
        fields = ["held_on", "title", "hours"]
        widgets = {"held_on": DateInput()}


class EnrollForm(forms.Form):
    members = MembersField(label="学员", queryset=Member.objects.none())

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class SessionAttendanceForm(forms.Form):
    absent = MembersField(label="缺勤学员", queryset=Member.objects.none(), required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = members


class NoteForm(forms.Form):
    """Type the text, or upload a .docx/.txt; an editor may enter a member's paper note."""

    member = MemberChoiceField(label="党员", queryset=Member.objects.none())
    kind = forms.ChoiceField(label="类别", choices=NoteKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 12}))
    upload = forms.FileField(
        label="或上传文件", required=False, help_text="Word 文档（.docx）或文本文件（.txt），正文自动读取。"
    )
    written_on = forms.DateField(label="撰写日期", widget=DateInput())
    item = forms.ModelChoiceField(label="关联学习篇目", queryset=StudyItem.objects.none(), required=False)
    course = forms.ModelChoiceField(label="关联培训班", queryset=Course.objects.none(), required=False)

    def __init__(self, *args, members, items, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["item"].queryset = items
        self.fields["course"].queryset = courses
        self.fields["written_on"].initial = timezone.localdate()
        if members.count() == 1:
            self.fields["member"].initial = members.first()
            self.fields["member"].widget = forms.HiddenInput()


class ReviewForm(forms.Form):
    mark = forms.ChoiceField(label="评阅等次", choices=ReviewMark.choices)
    comment = forms.CharField(label="评阅意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    """The period of the totals (default: this year so far)."""

    first = forms.DateField(label="起", required=False, widget=DateInput())
    last = forms.DateField(label="止", required=False, widget=DateInput())

    def period(self):
        today = timezone.localdate()
        first, last = today.replace(month=1, day=1), today
        if self.is_valid():
            first = self.cleaned_data["first"] or first
            last = self.cleaned_data["last"] or last
        return (first, last) if first <= last else (last, first)
