"""Forms of the observer and feedback pages."""

from django import forms

from dangjian.core.tree import STEPLEN, ancestor_paths, subtree_q
from dangjian.members.models import Member
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import FeedbackCategory, FeedbackStatus, Satisfaction


def changeable_organizations(user):
    return Organization.objects.visible_to(user, "change").active().order_by("path")


class ObserverForm(forms.Form):
    organization = forms.ModelChoiceField(label="聘任党组织", queryset=Organization.objects.none())
    member = forms.ModelChoiceField(label="党员（如为党员）", queryset=Member.objects.none(), required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False, help_text="选择党员时可不填")
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    affiliation = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    term_starts_on = forms.DateField(label="任期开始", widget=DateInput())
    term_ends_on = forms.DateField(label="任期届满", widget=DateInput())
    observed = forms.ModelMultipleChoiceField(
        label="观察的党组织", queryset=Organization.objects.none(), help_text="含其下级党组织"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = changeable_organizations(user)
        self.fields["organization"].queryset = organizations.exclude(kind="party_group")
        self.fields["observed"].queryset = organizations
        self.fields["member"].queryset = Member.objects.visible_to(user).order_by("name")


class EndTermForm(forms.Form):
    ended_on = forms.DateField(label="终止日期", widget=DateInput())
    reason = forms.CharField(label="终止原因", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class LinkForm(forms.Form):
    organization = forms.ModelChoiceField(label="受理党组织", queryset=Organization.objects.none())
    title = forms.CharField(label="说明", max_length=100, required=False, help_text="如：张贴于村务公开栏")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = changeable_organizations(user)


class PublicFeedbackForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=FeedbackCategory.choices)
    subject = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="意见建议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 6}))
    contact = forms.CharField(
        label="联系方式（自愿填写）",
        max_length=50,
        required=False,
        help_text="仅承办党组织可见，用于回访；不填写也可凭回访码查看答复。",
    )


class InAppFeedbackForm(forms.Form):
    """An observer's or a member's submission: as which role, to which organization."""

    source = forms.ChoiceField(label="提交身份")
    organization = forms.ModelChoiceField(label="提交给", queryset=Organization.objects.none())
    category = forms.ChoiceField(label="类别", choices=FeedbackCategory.choices)
    subject = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="意见建议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, observers, member, **kwargs):
        super().__init__(*args, **kwargs)
        sources, exact, subtrees = [], set(), set()
        for observer in observers:
            sources.append((f"observer:{observer.pk}", f"组织工作观察员（{observer.organization.name}聘任）"))
            exact.add(observer.organization.path)  # the appointing committee, which routes it
            subtrees.update(org.path for org in observer.observed.all())
        if member is not None:
            sources.append(("member", "党员"))
            own = member.organization.path
            exact.update([*ancestor_paths(own), own])  # the member's organization and those above
        self.fields["source"].choices = sources
        # Observed organizations with their direct children (the service accepts any of the subtree).
        query = Organization.objects.filter(path__in=exact)
        for path in subtrees:
            query |= Organization.objects.filter(subtree_q(path), depth__lte=len(path) // STEPLEN + 1)
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=query.values("pk")
        ).order_by("path")


class RouteForm(forms.Form):
    to_organization = forms.ModelChoiceField(label="分办至", queryset=Organization.objects.none())
    reason = forms.CharField(label="分办说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = changeable_organizations(user)


class ReplyForm(forms.Form):
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(
        label="整改或办理措施", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    answered_on = forms.DateField(label="答复日期", widget=DateInput(), required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label="办结说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    closed_on = forms.DateField(label="办结日期", widget=DateInput(), required=False)


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label="对答复的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )


class FollowUpForm(forms.Form):
    code = forms.CharField(label="回访码", max_length=20)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *FeedbackStatus.choices], required=False)
    overdue = forms.BooleanField(label="仅看逾期未答复", required=False)


class StatsForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="党组织", queryset=Organization.objects.none(), required=False
    )
    first = forms.DateField(label="提交日期自", widget=DateInput(), required=False)
    last = forms.DateField(label="至", widget=DateInput(), required=False)

    def __init__(self, *args, user, action="view", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user, action).order_by("path")
