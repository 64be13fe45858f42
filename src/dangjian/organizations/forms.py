from django import forms

from dangjian.core.tree import subtree_q

from .choices import ALLOWED_PARENT_KINDS, OrganizationKind
from .models import Organization
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = EDITABLE_FIELDS
        widgets = {
            "founded_on": DateInput(),
            "term_started_on": DateInput(),
            "term_ends_on": DateInput(),
            "remarks": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"term_ends_on": "留空则按任期自动计算：村、社区5年，其他3年。"}

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None and parent.is_branch:
            self.fields["kind"].choices = [(OrganizationKind.PARTY_GROUP, OrganizationKind.PARTY_GROUP.label)]


class OrganizationMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label="新上级组织", queryset=Organization.objects.none())
    moved_on = forms.DateField(label="调整日期", widget=DateInput())
    document_number = forms.CharField(label="批准文号", required=False, max_length=100)
    reason = forms.CharField(label="调整原因", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [kind for kind in ALLOWED_PARENT_KINDS[OrganizationKind(organization.kind)] if kind]
        self.fields["new_parent"].queryset = (
            Organization.objects.visible_to(user, "manage_tree")
            .active()
            .filter(kind__in=kinds)
            .exclude(subtree_q(organization.path))
        )
