"""Forms of the extensions; their fields are the services' lists of editable fields."""

from django import forms
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.organizations.choices import COMMITTEE_KINDS
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from . import services
from .choices import LIFE_MEETING_KINDS, THEME_PUBLISHER_KINDS
from .preparation import LifeMeetingPreparation, Opinion, RectificationItem, SelfExamination
from .themes import ThemeNotice


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class ThemeNoticeForm(forms.ModelForm):
    month = forms.DateField(label="月份", input_formats=["%Y-%m", "%Y-%m-%d"], widget=MonthInput())

    class Meta:
        model = ThemeNotice
        fields = services.THEME_FIELDS
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        publishers = Organization.objects.visible_to(user, "manage_tree").active()
        self.fields["organization"].queryset = publishers.filter(kind__in=THEME_PUBLISHER_KINDS)


class ThemeNoticeEditForm(forms.ModelForm):
    """Corrections only: the publisher and the month stay."""

    class Meta:
        model = ThemeNotice
        fields = ["title", "document_number", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


class PreparationForm(forms.ModelForm):
    class Meta:
        model = LifeMeetingPreparation
        fields = services.PREPARATION_FIELDS
        widgets = {"started_on": DateInput(), "planned_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.visible_to(user, "change").active()
        self.fields["organization"].queryset = organizations.filter(
            kind__in=LIFE_MEETING_KINDS | COMMITTEE_KINDS
        )
        self.fields["activity_type"].queryset = services.life_meeting_types()
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["started_on"].initial = today


class OpinionForm(forms.ModelForm):
    class Meta:
        model = Opinion
        fields = services.OPINION_FIELDS
        widgets = {"collected_on": DateInput(), "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, preparation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collected_on"].initial = timezone.localdate()


class SelfExaminationForm(forms.ModelForm):
    class Meta:
        model = SelfExamination
        fields = services.SELF_EXAMINATION_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("study_and_work", "problems_and_causes", "measures")
        }

    def __init__(self, *args, preparation, **kwargs):
        super().__init__(*args, **kwargs)
        done = preparation.self_examinations.values("member_id")
        self.fields["member"].queryset = services.participants(preparation).exclude(pk__in=done)


class RectificationItemForm(forms.ModelForm):
    class Meta:
        model = RectificationItem
        fields = services.RECTIFICATION_FIELDS
        widgets = {
            "deadline": DateInput(),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, preparation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Member.objects.active().in_subtree(preparation.organization)
