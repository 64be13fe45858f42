from django import forms

from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.models import Organization

from .choices import OPTION_LETTERS, QuestionKind
from .models import Exam, Paper, PaperRule, Question, QuestionBank

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _organizations(user):
    return Organization.objects.visible_to(user, "change").active().exclude(kind=OrganizationKind.PARTY_GROUP)


class BankForm(forms.ModelForm):
    class Meta:
        model = QuestionBank
        fields = ["organization", "name", "description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(user)


class QuestionForm(forms.ModelForm):
    """A question with its options as six text boxes (选项A–F)."""

    class Meta:
        model = Question
        fields = ["kind", "stem", "answer", "explanation", "points", "category"]
        widgets = {
            "stem": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        options = list(self.instance.options or []) if self.instance.pk else []
        for index, letter in enumerate(OPTION_LETTERS):
            self.fields[f"option_{letter}"] = forms.CharField(
                label=f"选项{letter}",
                required=False,
                max_length=500,
                initial=options[index] if index < len(options) else "",
            )
        order = ["kind", "stem", *[f"option_{letter}" for letter in OPTION_LETTERS]]
        self.order_fields([*order, "answer", "explanation", "points", "category"])

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        options = [data.pop(f"option_{letter}", "") for letter in OPTION_LETTERS]
        while options and not options[-1]:
            options.pop()
        return {**data, "options": options}

    def _post_clean(self):
        """Validation happens in the service (Question.full_clean with the options)."""


class ImportForm(forms.Form):
    file = forms.FileField(label="试题文件（.xlsx）")
    dry_run = forms.BooleanField(label="仅校验，不导入", required=False)


class PaperForm(forms.ModelForm):
    seed = forms.IntegerField(
        label="抽题种子",
        required=False,
        min_value=1,
        help_text="留空则随机生成并记录；填写相同种子可重现同一次抽题",
    )

    class Meta:
        model = Paper
        fields = ["organization", "title", "description", "draw_per_examinee", "shuffle_options"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(user)
        self.order_fields(["organization", "title", "description", "seed"])


class RuleForm(forms.ModelForm):
    class Meta:
        model = PaperRule
        fields = ["bank", "kind", "category", "count", "points_each"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["bank"].queryset = QuestionBank.objects.visible_to(user).active()
        self.fields["kind"].choices = QuestionKind.choices

    def _post_clean(self):
        """The service checks the rule against the bank when it draws."""


RuleFormSet = forms.formset_factory(RuleForm, extra=4, max_num=20)


class ExamForm(forms.ModelForm):
    class Meta:
        model = Exam
        fields = [
            "organization",
            "title",
            "paper",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "pass_mark",
            "attempts_allowed",
            "instructions",
        ]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(user)
        self.fields["paper"].queryset = Paper.objects.visible_to(user).active()
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        """Validation happens in the service."""


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200)
