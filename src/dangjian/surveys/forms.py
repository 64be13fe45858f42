"""Forms of the survey pages, and the answer form built from a survey's questions."""

from django import forms

from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import QuestionKind, ReviewGrade, Satisfaction
from .models import Question, ReviewDecision, Survey


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = [
            "organization",
            "title",
            "kind",
            "target_kind",
            "target_organization",
            "audience",
            "opens_on",
            "closes_on",
            "intro",
        ]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "intro": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "change").active().order_by("path")
        self.fields["organization"].queryset = orgs
        self.fields["target_organization"].queryset = orgs
        self.fields["target_organization"].help_text = "不填即为组织单位本级"


class SurveyEditForm(SurveyForm):
    class Meta(SurveyForm.Meta):
        fields = ["title", "opens_on", "closes_on", "intro"]

    def __init__(self, *args, user, **kwargs):
        forms.ModelForm.__init__(self, *args, **kwargs)


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label="选项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="单选、多选题每行一个选项",
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "required"]


QR_MAX = 500


class TokenForm(forms.Form):
    count = forms.IntegerField(label="生成数量", min_value=1, max_value=50_000, initial=100)
    output = forms.ChoiceField(
        label="输出方式",
        choices=[("xlsx", "链接清单（Excel）"), ("qr", "二维码打印页（至多500个）")],
        initial="xlsx",
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("output") == "qr" and (data.get("count") or 0) > QR_MAX:
            raise forms.ValidationError(f"二维码打印页一次至多生成{QR_MAX}个。")
        return data


class RoundForm(forms.Form):
    organization = forms.ModelChoiceField(label="党支部", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    opens_on = forms.DateField(label="互评开始日期", widget=DateInput())
    closes_on = forms.DateField(label="互评截止日期", widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "change").active().order_by("path")
        self.fields["organization"].queryset = orgs.filter(pk__in=[o.pk for o in orgs if o.holds_members])


class DecisionForm(forms.ModelForm):
    class Meta:
        model = ReviewDecision
        fields = ["grade", "reason", "decided_on"]
        widgets = {"decided_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 2})}


def answer_form(survey: Survey, *, data=None, skip_person=None) -> forms.Form:
    """A form with one field `q<id>` per question (the member's own 评议 question left out)."""
    form = forms.Form(data=data)
    for question in survey.questions.select_related("person"):
        if skip_person is not None and question.person_id == skip_person.pk:
            continue
        name, label = f"q{question.pk}", f"{question.position}. {question.text}"
        required = question.required
        if question.kind in (QuestionKind.SATISFACTION, QuestionKind.GRADE, QuestionKind.SINGLE):
            choices = {
                QuestionKind.SATISFACTION: Satisfaction.choices,
                QuestionKind.GRADE: ReviewGrade.choices,
            }.get(question.kind) or [(o, o) for o in question.options]
            field = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect, required=required
            )
        elif question.kind == QuestionKind.MULTIPLE:
            field = forms.MultipleChoiceField(
                label=label,
                choices=[(o, o) for o in question.options],
                widget=forms.CheckboxSelectMultiple,
                required=required,
            )
        elif question.kind == QuestionKind.RATING:
            field = forms.IntegerField(label=label, min_value=0, max_value=100, required=required)
        else:
            field = forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 3}), required=required)
        form.fields[name] = field
    return form
