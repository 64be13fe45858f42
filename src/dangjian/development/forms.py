"""Forms of the development pages: open a file; record a step (its step-specific fields by number)."""

from django import forms
from django.utils import timezone

from dangjian.members.choices import ETHNICITY_CHOICES, Education, MemberCategory, MemberStatus, Sex
from dangjian.members.models import Member
from dangjian.organizations.choices import BRANCH_KINDS
from dangjian.organizations.forms import DateInput
from dangjian.organizations.models import Organization

from . import engine
from .engine import DUAL_EXAMS

STEP_CHOICES = [(no, f"第{no}步 {name}") for no, name in engine.STEPS.items()]
VOTE_STEPS = {15, 23}


class OpenFileForm(forms.Form):
    """A person who has handed in an application (递交入党申请书): who, where, and when they applied."""

    organization = forms.ModelChoiceField(label="党支部", queryset=Organization.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    birth_date = forms.DateField(label="出生日期", widget=DateInput())
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DateInput(), required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=[("", "—"), *ETHNICITY_CHOICES], required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—"), *Education.choices], required=False)
    category = forms.ChoiceField(
        label="人员类别", choices=[("", "—"), *MemberCategory.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change").branches().active().order_by("path")
        )


class CloseFileForm(forms.Form):
    closed_on = forms.DateField(label="终止日期", widget=DateInput())
    reason = forms.CharField(
        label="终止原因", max_length=500, help_text="如：本人撤回申请、取消入党积极分子资格"
    )


class StepForm(forms.Form):
    """Record one step. Only the fields of the chosen step are read (the others are ignored)."""

    no = forms.TypedChoiceField(label="步骤", choices=STEP_CHOICES, coerce=int)
    date = forms.DateField(label="日期", widget=DateInput())
    people = forms.CharField(label="有关人员", required=False, help_text="谈话人、审查人等，用顿号或逗号分隔")
    documents = forms.CharField(label="材料", required=False, help_text="如：入党申请书、思想汇报、审查结论")
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # 3 / 7 双推双考 (where a committee requires it: models.DualRequirement)
    party_participants = forms.IntegerField(label="党员推荐参加人数", required=False, min_value=0)
    party_for = forms.IntegerField(label="党员推荐票数", required=False, min_value=0)
    public_participants = forms.IntegerField(label="群众推荐参加人数", required=False, min_value=0)
    public_for = forms.IntegerField(label="群众推荐票数", required=False, min_value=0)
    written_score = forms.DecimalField(
        label="笔试成绩", required=False, min_value=0, max_digits=5, decimal_places=1
    )
    written_pass_mark = forms.DecimalField(
        label="笔试合格分数线", required=False, min_value=0, max_digits=5, decimal_places=1
    )
    interview_score = forms.DecimalField(
        label="面试成绩", required=False, min_value=0, max_digits=5, decimal_places=1
    )
    interview_pass_mark = forms.DecimalField(
        label="面试合格分数线", required=False, min_value=0, max_digits=5, decimal_places=1
    )
    # 5 培养联系人 / 9 入党介绍人: chosen from the branch's roster (status and 转正日期 from the roster)
    members = forms.ModelMultipleChoiceField(
        label="培养联系人或入党介绍人", queryset=Member.objects.none(), required=False
    )
    # 10 政治审查 / 13 预审
    conclusion = forms.ChoiceField(
        label="政治审查结论", choices=[("passed", "合格"), ("failed", "不合格")], required=False
    )
    pre_review_passed = forms.TypedChoiceField(
        label="预审结果",
        choices=[("1", "通过"), ("0", "未通过")],
        coerce=lambda v: v == "1",
        required=False,
    )
    # 11 集中培训
    days = forms.DecimalField(label="培训天数", required=False, min_value=0, max_digits=5, decimal_places=1)
    hours = forms.DecimalField(label="培训学时", required=False, min_value=0, max_digits=5, decimal_places=1)
    # 15 / 23 支部大会表决
    eligible = forms.IntegerField(label="应到会有表决权党员", required=False, min_value=0)
    present = forms.IntegerField(label="实到会有表决权党员", required=False, min_value=0)
    votes_for = forms.IntegerField(label="赞成", required=False, min_value=0)
    against = forms.IntegerField(label="反对", required=False, min_value=0)
    abstain = forms.IntegerField(label="弃权", required=False, min_value=0)
    written_for = forms.IntegerField(label="书面意见赞成", required=False, min_value=0)
    # 17 审批
    delayed = forms.BooleanField(label="上级党委会议推迟（审批期限6个月）", required=False)
    # 23 转正讨论
    outcome = forms.ChoiceField(label="讨论结果", choices=list(engine.OUTCOMES.items()), required=False)
    months = forms.IntegerField(label="延长月数", required=False, min_value=1, max_value=24)
    override_reason = forms.CharField(
        label="例外放行理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="仅上级党委组织管理员可填；填写后记录规则引擎拒绝的步骤，并记入审计日志",
    )

    def __init__(self, *args, file, may_override=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.file = file
        self.fields["members"].queryset = Member.objects.filter(
            organization=file.organization,
            status__in=[MemberStatus.FULL, MemberStatus.PROBATIONARY],
        ).order_by("name_pinyin")
        if not may_override:
            del self.fields["override_reason"]
        if file.next_step and not self.is_bound:
            self.fields["no"].initial = file.next_step
            self.fields["date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        no = data.get("no")
        if no in VOTE_STEPS:
            for name in ("eligible", "present", "votes_for"):
                if data.get(name) is None:
                    self.add_error(name, "支部大会表决须填写此项。")
        if no == 23 and data.get("outcome") == "extend" and not data.get("months"):
            self.add_error("months", "延长预备期须填写月数。")
        if no in (5, 9) and not data.get("members"):
            self.add_error("members", "请选择培养联系人或入党介绍人。")
        return data

    def step_fields(self) -> dict:
        """The step-specific fields the engine reads, in the format of docs/development-check.md."""
        data = self.cleaned_data
        no = data["no"]
        fields: dict = {}
        if no in (5, 9):
            key = "mentors" if no == 5 else "sponsors"
            fields[key] = [
                {
                    "name": m.name,
                    "member_id": m.pk,
                    "status": "full" if m.status == MemberStatus.FULL else "probationary",
                    "full_since": m.confirmed_on.isoformat() if m.confirmed_on else None,
                }
                for m in data["members"]
            ]
        if no in (3, 7):
            fields.update(self.dual_fields())
        if no == 10:
            fields["conclusion"] = data.get("conclusion") or "passed"
        if no == 11:
            fields["days"] = float(data.get("days") or 0)
            fields["hours"] = float(data.get("hours") or 0)
        if no == 13:
            fields["passed"] = data.get("pre_review_passed") is not False
        if no in VOTE_STEPS:
            fields.update(
                eligible=data["eligible"],
                present=data["present"],
                against=data.get("against") or 0,
                abstain=data.get("abstain") or 0,
                written_for=data.get("written_for") or 0,
            )
            fields["for"] = data["votes_for"]
        if no == 17:
            fields["delayed"] = bool(data.get("delayed"))
        if no == 23:
            fields["outcome"] = data.get("outcome") or "confirm"
            if fields["outcome"] == "extend":
                fields["months"] = data.get("months")
        return fields

    DUAL = {
        "party_recommendation": ("participants", "party_participants", "for", "party_for"),
        "public_recommendation": ("participants", "public_participants", "for", "public_for"),
        "written_exam": ("score", "written_score", "pass_mark", "written_pass_mark"),
        "interview": ("score", "interview_score", "pass_mark", "interview_pass_mark"),
    }

    def dual_fields(self) -> dict:
        """双推双考 as the engine reads it (engine.dual_problems); only the parts that were filled in."""
        data = self.cleaned_data
        out = {}
        for key, (a, field_a, b, field_b) in self.DUAL.items():
            first, second = data.get(field_a), data.get(field_b)
            if first is None and second is None:
                continue
            number = (lambda v: float(v) if v is not None else None) if key in DUAL_EXAMS else (lambda v: v)
            out[key] = {a: number(first), b: number(second)}
        return out

    @staticmethod
    def split(text: str) -> list[str]:
        for sep in "、，,;；":
            text = text.replace(sep, "\n")
        return [part.strip() for part in text.splitlines() if part.strip()]


class PlanForm(forms.Form):
    """A year's development plan (发展计划) of a committee or branch; the optional counts are of the total."""

    organization = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    total = forms.IntegerField(label="发展党员计划数", min_value=0)
    women = forms.IntegerField(label="其中女性", min_value=0, required=False)
    young = forms.IntegerField(label="其中35岁及以下", min_value=0, required=False)
    college = forms.IntegerField(label="其中大专及以上学历", min_value=0, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change")
            .exclude(kind="party_group")
            .active()
            .order_by("path")
        )
        self.fields["year"].initial = timezone.localdate().year


class DualRequirementForm(forms.Form):
    """A committee requires 双推双考 for its subtree from a date."""

    organization = forms.ModelChoiceField(label="党委（党总支）", queryset=Organization.objects.none())
    for_activists = forms.BooleanField(label="确定入党积极分子（第3步）", required=False)
    for_candidates = forms.BooleanField(label="确定发展对象（第7步）", required=False)
    valid_from = forms.DateField(label="施行日期", widget=DateInput())
    note = forms.CharField(label="说明", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.visible_to(user, "change")
            .exclude(kind__in=[*BRANCH_KINDS, "party_group"])
            .active()
            .order_by("path")
        )


class EndDualRequirementForm(forms.Form):
    valid_until = forms.DateField(label="停止日期", widget=DateInput())
