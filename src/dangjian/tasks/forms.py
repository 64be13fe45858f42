"""Forms of the 交办督办 pages: they parse and offer choices; the services decide."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from dangjian.members.models import Member
from dangjian.organizations.choices import OrganizationKind
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from .choices import RecipientChoice, Satisfaction, ScheduleDayKind, TaskKind
from .models import KeyTaskList

DEADLINE_MODES = [("date", "指定日期"), ("working_days", "若干个工作日")]


class IssueForm(forms.Form):
    organization = forms.ModelChoiceField(label="交办单位", queryset=Organization.objects.none())
    title = forms.CharField(label="任务名称", max_length=200)
    content = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    kind = forms.ChoiceField(label="类别", choices=TaskKind.choices, initial=TaskKind.ORDINARY)
    source_document = forms.CharField(label="来源文件", max_length=200, required=False)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    key_task_list = forms.ModelChoiceField(
        label="列入重点任务清单", queryset=KeyTaskList.objects.none(), required=False
    )
    issued_on = forms.DateField(label="交办日期", widget=DateInput())
    deadline_mode = forms.ChoiceField(
        label="办结期限", choices=DEADLINE_MODES, initial="working_days", widget=forms.RadioSelect
    )
    deadline = forms.DateField(label="期限日期", required=False, widget=DateInput())
    working_days = forms.IntegerField(label="工作日天数", required=False, min_value=1, max_value=365)
    recipient_choice = forms.ChoiceField(
        label="承办单位",
        choices=RecipientChoice.choices,
        initial=RecipientChoice.ALL_BRANCHES,
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(
        label="组织类别",
        choices=OrganizationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipients = forms.CharField(
        label="指定组织",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "每行一个组织编码或全称"}),
        help_text="每行一个组织编码或组织全称（须为交办单位的下级组织）。",
    )
    attachment = forms.FileField(label="附件（PDF/JPG/PNG，可选）", required=False)
    reminder_working_days = forms.IntegerField(
        label="提前提醒（工作日）", required=False, min_value=0, max_value=60, help_text="留空按系统设置"
    )
    bulletin_working_days = forms.IntegerField(
        label="逾期后通报（工作日）", required=False, min_value=0, max_value=60, help_text="留空按系统设置"
    )

    def __init__(self, *args, user, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        issuers = (
            Organization.objects.visible_to(user, "change")
            .active()
            .exclude(kind=OrganizationKind.PARTY_GROUP)
        )
        self.fields["organization"].queryset = issuers.order_by("path")
        self.fields["key_task_list"].queryset = KeyTaskList.objects.visible_to(user, "change").order_by(
            "-year", "name"
        )
        self.user = user
        self.fields["issued_on"].initial = today

    def clean(self):
        data = super().clean()
        if data.get("deadline_mode") == "date":
            data["working_days"] = None
            if not data.get("deadline"):
                self.add_error("deadline", "请填写期限日期。")
        else:
            data["deadline"] = None
            if not data.get("working_days"):
                self.add_error("working_days", "请填写工作日天数。")
        if data.get("recipient_choice") == RecipientChoice.KINDS and not data.get("kinds"):
            self.add_error("kinds", "请选择组织类别。")
        if data.get("recipient_choice") == RecipientChoice.LIST:
            data["recipients"] = self._listed(data.get("recipients") or "")
        return data

    def _listed(self, text: str) -> list[int]:
        """The organizations named one per line (code or full name), among those the user may change."""
        words = [line.strip() for line in text.splitlines() if line.strip()]
        if not words:
            self.add_error("recipients", "请填写承办单位。")
            return []
        found = Organization.objects.visible_to(self.user, "change").filter(
            models.Q(code__in=words) | models.Q(name__in=words)
        )
        pairs = list(found.values_list("pk", "code", "name"))
        known = {code for _, code, _ in pairs} | {name for _, _, name in pairs}
        missing = [word for word in words if word not in known]
        if missing:
            self.add_error("recipients", f"未找到（或无权交办）：{'、'.join(missing[:10])}")
        return [pk for pk, _, _ in pairs]


class AcceptForm(forms.Form):
    owner_member = forms.ModelChoiceField(
        label="首问负责人（本单位党员）", queryset=Member.objects.none(), required=False
    )
    owner_name = forms.CharField(label="或填写姓名", max_length=50, required=False)
    owner_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_member"].queryset = Member.objects.filter(
            organization=assignment.organization
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("owner_member") and not (data.get("owner_name") or "").strip():
            raise ValidationError("请指定首问负责人。")
        return data


class ProgressForm(forms.Form):
    reported_on = forms.DateField(label="报告日期", widget=DateInput())
    percent = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    text = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(label="佐证材料（PDF/JPG/PNG，可选）", required=False)
    final = forms.BooleanField(label="已全部完成，申请交办单位确认办结", required=False)


class ConfirmForm(forms.Form):
    comment = forms.CharField(label="确认意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "confirm_%s")  # shown beside the return form: ids must differ
        super().__init__(*args, **kwargs)


class ReturnForm(forms.Form):
    comment = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")
        super().__init__(*args, **kwargs)


class FollowUpForm(forms.Form):
    visited_on = forms.DateField(label="回访日期", widget=DateInput())
    satisfaction = forms.ChoiceField(label="满意度", choices=Satisfaction.choices)
    notes = forms.CharField(label="回访情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reopen = forms.BooleanField(label="问题未解决，重新办理", required=False)
    new_deadline = forms.DateField(label="新的办结期限", required=False, widget=DateInput())
    working_days = forms.IntegerField(
        label="或：回访后若干个工作日", required=False, min_value=1, max_value=365
    )

    def clean(self):
        data = super().clean()
        if not data.get("reopen"):
            data["new_deadline"] = data["working_days"] = None
        elif data.get("new_deadline") and data.get("working_days"):
            data["working_days"] = None
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


class BulletinForm(forms.Form):
    text = forms.CharField(label="通报内容", widget=forms.Textarea(attrs={"rows": 12}))


class KeyTaskListForm(forms.Form):
    organization = forms.ModelChoiceField(label="制定单位", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="清单名称", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change")
            .active()
            .exclude(kind=OrganizationKind.PARTY_GROUP)
            .order_by("path")
        )


KIND_WORDS = {
    "放假": ScheduleDayKind.HOLIDAY,
    "休": ScheduleDayKind.HOLIDAY,
    "上班": ScheduleDayKind.WORKING,
    "调休上班": ScheduleDayKind.WORKING,
    "班": ScheduleDayKind.WORKING,
}


def parse_days(text: str) -> list[tuple[date, str, str]]:
    """Lines "2027-10-01~2027-10-07 放假 国庆节" or "2027-09-26 上班 国庆节" → (date, kind, name) each day."""
    days, errors = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        parts = line.replace("至", "~").split()
        if not parts:
            continue
        try:
            first, _, last = parts[0].partition("~")
            start = date.fromisoformat(first)
            end = date.fromisoformat(last) if last else start
            kind = KIND_WORDS[parts[1]]
        except (ValueError, IndexError, KeyError):
            errors.append(
                f"第{number}行格式应为“2027-10-01~2027-10-07 放假 国庆节”或“2027-09-26 上班 国庆节”。"
            )
            continue
        name = parts[2] if len(parts) > 2 else ""
        if end < start or (end - start).days > 31:
            errors.append(f"第{number}行的日期范围不正确。")
            continue
        days += [(date.fromordinal(o), kind, name) for o in range(start.toordinal(), end.toordinal() + 1)]
    if errors:
        raise ValidationError(errors)
    return days


def days_as_text(days) -> str:
    """The inverse of `parse_days` (one line per day) for editing an entered year."""
    words = {ScheduleDayKind.HOLIDAY: "放假", ScheduleDayKind.WORKING: "上班"}
    return "\n".join(f"{d.date:%Y-%m-%d} {words[d.kind]} {d.name}" for d in days)


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source_document = forms.CharField(
        label="依据文件", max_length=200, initial="国务院办公厅关于部分节假日安排的通知"
    )
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    published_on = forms.DateField(label="发布日期", required=False, widget=DateInput())
    days = forms.CharField(
        label="放假和调休上班日期",
        widget=forms.Textarea(
            attrs={"rows": 12, "placeholder": "2027-10-01~2027-10-07 放假 国庆节\n2027-09-26 上班 国庆节"}
        ),
        help_text="每行一段：日期或“起~止” 放假/上班 节日名称。未列出的日子按周一至周五上班、周六周日休息。",
    )

    def clean_days(self):
        return parse_days(self.cleaned_data["days"])
