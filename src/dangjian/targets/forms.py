"""Forms of the 目标责任 pages. Choice lists come from `visible_to()`; the services validate the rest."""

from django import forms
from django.utils import timezone

from dangjian.core.tree import subtree_q
from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import CommitmentKind
from .models import Indicator, Target, plain
from .services import SPLITS
from .sources import source_choices


def _organizations(user):
    return (
        Organization.objects.visible_to(user, "change")
        .active()
        .exclude(kind=OrganizationKind.PARTY_GROUP)
        .order_by("path")
    )


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["organization", "year", "title", "issued_by", "responsible_member", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations(user)
        self.fields["issued_by"].queryset = _organizations(user)
        self.fields["issued_by"].required = False
        self.fields["issued_by"].help_text = "留空为责任党组织本身"
        self.fields["responsible_member"].queryset = Member.objects.visible_to(user).active()
        self.fields["year"].initial = timezone.localdate().year

    def _post_clean(self):
        """The service validates the model (full_clean), so its messages are reported once."""


class TargetEditForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["title", "responsible_member", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org = self.instance.organization
        self.fields["responsible_member"].queryset = (
            Member.objects.visible_to(user).active().filter(subtree_q(org.path, "organization__path"))
        )

    def _post_clean(self):
        """The service validates the model."""


class IndicatorForm(forms.ModelForm):
    source_key = forms.ChoiceField(label="计算口径", required=False)

    class Meta:
        model = Indicator
        fields = [
            *("position", "name", "unit", "comparison", "target_value", "points", "scoring"),
            *("rollup", "source_kind", "source_key"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_key"].choices = [("", "—（填报的指标不选）"), *source_choices()]
        self.fields["unit"].widget.attrs["list"] = "unit-suggestions"

    def _post_clean(self):
        """The service validates the model."""


class ActualForm(forms.Form):
    value = forms.DecimalField(label="实际值", max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label="说明", max_length=200, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤回原因", max_length=200)


class SignForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=CommitmentKind.choices)
    statement = forms.CharField(label="确认内容", max_length=500, required=False)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=CommitmentKind.choices)
    file = forms.FileField(label="签字扫描件（PDF、JPG、PNG）")


class EvaluateChildrenForm(forms.Form):
    evaluated_on = forms.DateField(label="考评日期", widget=DateInput())
    comment = forms.CharField(label="考评意见", max_length=500, required=False)


class DecomposeForm(forms.Form):
    """To which children (default: every direct child) or members, and how each total is split."""

    organizations = forms.ModelMultipleChoiceField(
        label="下级党组织", queryset=Organization.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label="责任人（党员个人）", queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args, user, target, **kwargs):
        super().__init__(*args, **kwargs)
        org = target.organization
        self.fields["organizations"].queryset = (
            _organizations(user).filter(subtree_q(org.path)).exclude(pk=org.pk)
        )
        self.fields["members"].queryset = (
            Member.objects.visible_to(user)
            .active()
            .filter(subtree_q(org.path, "organization__path"), organization__depth__lte=org.depth + 1)
        )
        self.indicators = list(target.indicators.order_by("position", "id"))
        for indicator in self.indicators:
            self.fields[f"split_{indicator.pk}"] = forms.ChoiceField(
                label=f"“{indicator.name}”目标值（{plain(indicator.target_value)}{indicator.unit}）",
                choices=list(SPLITS.items()),
                initial="same",
            )

    def splits(self) -> dict:
        return {i.pk: self.cleaned_data[f"split_{i.pk}"] for i in self.indicators}


class EvaluationForm(forms.Form):
    """考评: the date, a comment, and for any indicator a score other than the rule's, with a reason."""

    evaluated_on = forms.DateField(label="考评日期", widget=DateInput())
    comment = forms.CharField(label="考评意见", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    finalize = forms.BooleanField(
        label="定稿（定稿后目标为“已考评”，得分和所用数据不再变化）", required=False
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluated_on"].initial = timezone.localdate()
        self.indicators = list(target.indicators.order_by("position", "id"))
        for indicator in self.indicators:
            self.fields[f"score_{indicator.pk}"] = forms.DecimalField(
                label=f"“{indicator.name}”调整得分（满分{plain(indicator.points)}）",
                max_digits=6,
                decimal_places=2,
                min_value=0,
                max_value=indicator.points,
                required=False,
                help_text="留空按规则计分",
            )
            self.fields[f"reason_{indicator.pk}"] = forms.CharField(
                label=f"“{indicator.name}”调整理由", max_length=200, required=False
            )

    def overrides(self) -> dict:
        data = self.cleaned_data
        return {
            i.pk: (data[f"score_{i.pk}"], data[f"reason_{i.pk}"])
            for i in self.indicators
            if data.get(f"score_{i.pk}") is not None
        }
