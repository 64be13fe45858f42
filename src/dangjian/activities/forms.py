import copy
import secrets
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind, UnitCategory
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .attachments import ACCEPTED_LABEL, EXTENSIONS, OPTIONAL_NOTE, max_bytes, max_per_activity, megabytes
from .choices import (
    AbsenceReason,
    AttachmentKind,
    AttendeeScope,
    MemberScope,
    Period,
    RuleMeasure,
    SpotCheckResult,
)
from .models import ActivityType, Decision
from .querysets import members_of, theme_prefill
from .services import ACTIVITY_FIELDS, EDITABLE_ACTIVITY_FIELDS


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ActivityForm(forms.Form):
    """One activity, as the secretary writes it up (the same fields the service takes)."""

    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    activity_type = forms.ModelChoiceField(
        label="活动类型", queryset=ActivityType.objects.filter(is_active=True)
    )
    held_on = forms.DateField(label="日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", required=False, widget=TimeInput())
    end_time = forms.TimeField(label="结束时间", required=False, widget=TimeInput())
    place = forms.CharField(label="地点", max_length=100, required=False)
    host = MemberChoiceField(label="主持人", queryset=Member.objects.none(), required=False)
    recorder = MemberChoiceField(label="记录人", queryset=Member.objects.none(), required=False)
    theme = forms.CharField(label="主题", max_length=200)
    agenda = forms.CharField(label="议程", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label="会议记录", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    notice = forms.CharField(label="落实的上级通知", max_length=200, required=False)
    decisions = forms.CharField(
        label="决议事项",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项；需要表决的事项请在下方“表决事项”中填写。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organization.objects.visible_to(user, "change").active()
        self.fields["organization"].queryset = orgs
        # Changing the organization or the type reloads the form (htmx): host and recorder then list the
        # organization's members, and a 主题党日 gets the theme published from above.
        for name in ("organization", "activity_type"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": reverse("activities:activity_add"),
                    "hx-trigger": "change",
                    "hx-target": "#activity-form",
                    "hx-select": "#activity-form",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-params": "not csrfmiddlewaretoken",
                }
            )
        organization = self._chosen(orgs, "organization")
        if organization is not None:
            for name in ("host", "recorder"):
                self.fields[name].queryset = members_of(organization)
        else:
            self.fields["host"].help_text = "请先选择党组织。"
        if not self.is_bound and not self.initial.get("theme"):
            activity_type = self._chosen(self.fields["activity_type"].queryset, "activity_type")
            day = forms.DateField().to_python(self.initial.get("held_on")) or timezone.localdate()
            self.initial.update(theme_prefill(organization, activity_type, day))

    def _chosen(self, queryset, name):
        """The object picked for `name` (submitted, or the initial value), among `queryset`."""
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        if isinstance(value, queryset.model):
            return value
        return queryset.filter(pk=value).first() if str(value or "").isdigit() else None

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ACTIVITY_FIELDS}

    def decision_lines(self) -> list[dict]:
        lines = (line.strip() for line in self.cleaned_data.get("decisions", "").splitlines())
        return [{"text": line} for line in lines if line]


class VoteForm(forms.Form):
    """A decision taken by vote (支部党员大会): the counts the quorum and majority rules need."""

    text = forms.CharField(label="表决事项", required=False, max_length=500)
    eligible = forms.IntegerField(label="应到会有表决权党员", min_value=0, required=False)
    present_eligible = forms.IntegerField(label="实到会有表决权党员", min_value=0, required=False)
    votes_for = forms.IntegerField(label="赞成", min_value=0, required=False)
    votes_against = forms.IntegerField(label="反对", min_value=0, required=False)
    abstentions = forms.IntegerField(label="弃权", min_value=0, required=False)
    written_for = forms.IntegerField(label="书面意见赞成", min_value=0, required=False)

    COUNTS = ("eligible", "present_eligible", "votes_for", "votes_against", "abstentions", "written_for")

    def clean(self):
        data = super().clean()
        if not data.get("text"):
            return data
        for name in ("eligible", "present_eligible", "votes_for"):
            if data.get(name) is None:
                self.add_error(name, "表决事项须填写此项。")
        if not self.errors:
            check_vote(self, Decision(voted=True, **{name: data.get(name) for name in self.COUNTS}))
        return data

    def decision(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("text"):
            return None
        return {"text": data["text"], "voted": True, **{name: data.get(name) for name in self.COUNTS}}


VoteFormSet = forms.formset_factory(VoteForm, extra=2, max_num=20)


def check_vote(form, decision: Decision) -> None:
    """The vote checks of `Decision.clean` (impossible numbers), as errors on the form's fields."""
    try:
        decision.clean()
    except ValidationError as error:
        form.add_error(None, error)


class AttendanceForm(forms.Form):
    """The whole attendance on one screen: everyone present unless a reason marks them absent."""

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        choices = [("", "出席"), *AbsenceReason.choices]
        self.rows = []
        for row in activity.attendance.select_related("member").order_by("member__name_pinyin"):
            name = f"absent_{row.member_id}"
            self.fields[name] = forms.ChoiceField(
                label=row.member.name, choices=choices, required=False, initial=row.absence_reason
            )
            label = f"{row.member.name}缺席说明"
            self.fields[f"note_{row.member_id}"] = forms.CharField(
                label=label,
                max_length=100,
                required=False,
                initial=row.absence_note,
                widget=forms.TextInput(attrs={"aria-label": label}),
            )
            self.rows.append((row, name))
        self.fields["files"] = attachment_files_field("上传签到表扫描件（可选）", note=True)
        if activity.activity_type.attendee_scope == AttendeeScope.NAMED:
            listed = [row.member_id for row, _ in self.rows]
            self.fields["add_members"] = forms.ModelMultipleChoiceField(
                label="增加参加人员",
                queryset=members_of(activity.organization).exclude(pk__in=listed),
                required=False,
            )

    def bound_rows(self):
        return [(row, self[name], self[f"note_{row.member_id}"]) for row, name in self.rows]

    def absent(self) -> dict[int, tuple[str, str]]:
        """{member id: (reason, note)} of the members marked absent."""
        data = self.cleaned_data
        return {
            row.member_id: (data[name], data[f"note_{row.member_id}"])
            for row, name in self.rows
            if data[name]
        }

    def added(self) -> list[int]:
        return [m.pk for m in self.cleaned_data.get("add_members") or []]


class CancelForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


# Correcting a recorded activity (修改) ----------------------------------------------------------------


class ActivityEditForm(forms.Form):
    """What a correction may change (the organization, type and date may not: see the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, activity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(
            {name: copy.deepcopy(ActivityForm.base_fields[name]) for name in EDITABLE_ACTIVITY_FIELDS}
        )
        # The members the create form offers, and whoever was chosen then (they may have moved since).
        chosen = [pk for pk in (activity.host_id, activity.recorder_id) if pk]
        offered = Member.objects.filter(
            Q(pk__in=members_of(activity.organization).values("pk")) | Q(pk__in=chosen)
        ).order_by("name_pinyin")
        for name in ("host", "recorder"):
            self.fields[name].queryset = offered

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_ACTIVITY_FIELDS}


class DecisionForm(forms.Form):
    """One decision of the activity (an existing one keeps its hidden id; a blank extra line adds none)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label="决议内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    voted = forms.BooleanField(label="经表决", required=False)
    eligible = forms.IntegerField(label="应到会有表决权党员", min_value=0, required=False)
    present_eligible = forms.IntegerField(label="实到会有表决权党员", min_value=0, required=False)
    votes_for = forms.IntegerField(label="赞成", min_value=0, required=False)
    votes_against = forms.IntegerField(label="反对", min_value=0, required=False)
    abstentions = forms.IntegerField(label="弃权", min_value=0, required=False)
    written_for = forms.IntegerField(label="书面意见赞成", min_value=0, required=False)

    COUNTS = VoteForm.COUNTS

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip():
            if data.get("id") or data.get("voted") or any(data.get(n) is not None for n in self.COUNTS):
                self.add_error("text", "请填写决议内容（决议不能删除，有误的请改正内容）。")
            return data
        counts = {name: data.get(name) for name in self.COUNTS}
        if not data.get("voted"):
            if any(value is not None for value in counts.values()):
                self.add_error("voted", "填写了表决票数的，请勾选“经表决”。")
            return data
        for name in ("eligible", "present_eligible", "votes_for"):
            if counts[name] is None:
                self.add_error(name, "表决事项须填写此项。")
        if not self.errors:
            check_vote(self, Decision(voted=True, **counts))
        return data

    def line(self) -> dict | None:
        """The decision for `do_update_activity` (None for a blank extra line)."""
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("text", "").strip():
            return None
        fields = {name: data.get(name) for name in ("text", "voted", *self.COUNTS)}
        fields["text"] = fields["text"].strip()
        return {"id": data["id"], **fields} if data.get("id") else fields


DecisionFormSet = forms.formset_factory(DecisionForm, extra=2, max_num=50)


def decision_initial(activity) -> list[dict]:
    """The activity's decisions as the formset's initial lines."""
    return [
        {"id": d.pk, "text": d.text, "voted": d.voted, **{name: getattr(d, name) for name in VoteForm.COUNTS}}
        for d in activity.decisions.order_by("order", "pk")
    ]


class SheetForm(forms.Form):
    """签到表 and minutes template: which meeting, on which day."""

    activity_type = forms.ModelChoiceField(
        label="活动类型", queryset=ActivityType.objects.filter(is_active=True), required=False
    )
    held_on = forms.DateField(label="日期", widget=DateInput(), required=False)


class RuleForm(forms.Form):
    """A local rule for the organization's subtree (it may only tighten the rules above)."""

    name = forms.CharField(label="制度名称", max_length=100)
    activity_type = forms.ModelChoiceField(
        label="活动类型", queryset=ActivityType.objects.filter(is_active=True)
    )
    organization_kinds = forms.MultipleChoiceField(
        label="适用组织类别",
        choices=OrganizationKind.choices,
        initial=[OrganizationKind.BRANCH],
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    unit_categories = forms.MultipleChoiceField(
        label="适用单位类别",
        choices=UnitCategory.choices,
        required=False,
        help_text="不选为全部单位类别。",
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    requires_committee = forms.BooleanField(label="仅适用于设委员会的组织", required=False)
    measure = forms.ChoiceField(
        label="计量",
        choices=RuleMeasure.choices,
        initial=RuleMeasure.ACTIVITIES,
        required=False,
        help_text="按每名党员计量（学习篇目、学时）时，活动类型选“集中学习”，不设固定日和出席率。",
    )
    member_scope = forms.ChoiceField(
        label="适用党员", choices=MemberScope.choices, initial=MemberScope.ALL, required=False
    )
    period = forms.ChoiceField(label="周期", choices=Period.choices)
    min_count = forms.IntegerField(
        label="每周期至少次数", min_value=1, initial=1, help_text="按每名党员计量时为每人至少篇数或学时。"
    )
    fixed_day = forms.IntegerField(
        label="固定日", min_value=1, max_value=28, required=False, help_text="如主题党日每月1日，填1。"
    )
    tolerance_days = forms.IntegerField(label="固定日允许偏差（天）", min_value=0, initial=0)
    min_attendance_percent = forms.DecimalField(
        label="最低出席率（%）", min_value=0, max_value=100, decimal_places=1, required=False
    )
    valid_from = forms.DateField(label="施行日期", widget=DateInput())
    valid_to = forms.DateField(label="废止日期", widget=DateInput(), required=False)
    source = forms.CharField(label="依据", max_length=200, help_text="文件名称和文号。")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        percent = data.pop("min_attendance_percent")
        data["min_attendance_rate"] = None if percent is None else (percent / 100).quantize(Decimal("0.001"))
        data["measure"] = data.get("measure") or RuleMeasure.ACTIVITIES
        data["member_scope"] = data.get("member_scope") or MemberScope.ALL
        return data


class SampleForm(forms.Form):
    """抽查: draw a reproducible random sample of activities in a subtree."""

    organization = forms.ModelChoiceField(label="抽查范围", queryset=Organization.objects.none())
    first = forms.DateField(label="开始日期", widget=DateInput())
    last = forms.DateField(label="结束日期", widget=DateInput())
    size = forms.IntegerField(label="抽取数量", min_value=1, max_value=200, required=False, initial=10)
    rate = forms.DecimalField(
        label="或抽取比例（%）", min_value=1, max_value=100, decimal_places=1, required=False
    )
    seed = forms.CharField(
        label="抽样种子", max_length=40, help_text="同一种子、同一批记录抽出的样本相同，可复核。"
    )

    def __init__(self, *args, user, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "manage_tree")
            .active()
            .in_subtree(organization)
            .exclude(kind=OrganizationKind.PARTY_GROUP)
        )
        today = timezone.localdate()
        self.fields["organization"].initial = organization.pk
        self.fields["first"].initial = today.replace(month=1, day=1)
        self.fields["last"].initial = today
        self.fields["seed"].initial = secrets.token_hex(4)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            self.add_error("last", "结束日期不能早于开始日期。")
        if (data.get("size") is None) == (data.get("rate") is None):
            self.add_error("size", "请填写抽取数量或抽取比例（二选一）。")
        return data

    def sample_size(self) -> dict:
        """`size` or `rate` (a share) for draw_sample."""
        rate = self.cleaned_data.get("rate")
        return {"size": self.cleaned_data["size"]} if rate is None else {"rate": float(rate) / 100}


class SpotCheckForm(forms.Form):
    result = forms.ChoiceField(label="结论", choices=SpotCheckResult.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见", required=False, max_length=500)
    seed = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


# Attachments ---------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe); the service checks each of them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(EXTENSIONS)}))
        kwargs.setdefault("allow_empty_file", True)  # refused by the service, with the file's name
        kwargs.setdefault("error_messages", {"required": "请选择要上传的文件。"})
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def attachment_files_field(label: str, *, required: bool = False, note: bool = False) -> MultipleFileField:
    """Files to attach; the help text says what is accepted (and, with `note`, that it is optional)."""
    limits = f"单个文件不超过 {megabytes(max_bytes())}，每次活动最多 {max_per_activity()} 个"
    help_text = f"支持 {ACCEPTED_LABEL}，{limits}。" + (OPTIONAL_NOTE if note else "")
    return MultipleFileField(label=label, required=required, help_text=help_text)


class AttachmentForm(forms.Form):
    """Upload files (several at once) to an activity."""

    kind = forms.ChoiceField(label="附件类别", choices=AttachmentKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"] = attachment_files_field("附件", required=True)


class AttachmentRemoveForm(forms.Form):
    reason = forms.CharField(label="移除原因", max_length=200)
