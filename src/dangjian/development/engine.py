"""The rules of 发展党员 (《中国共产党发展党员工作细则》, rules.md §4) as plain Python: no database.

A development file is a birth date and a list of steps, each with its number (1–25, rules.md §4.1), its
date and step-specific fields. `check` returns every violation (with a Chinese message citing the rule),
the stage the person has reached and, for each next step, its earliest and latest date. The service that
records a step, the pages and `dangjian development check FILE.json` all call this one function.

Step-specific fields (documented for users in docs/development-check.md):
  3, 7  recommendations, optional; where a committee requires 双推双考 (models.DualRequirement):
        party_recommendation, public_recommendation {"participants", "for"},
        written_exam, interview {"score", "pass_mark"} (see `dual_problems`)
  5     mentors: [{"name", "status": "full"|"probationary", "under_probation_discipline": bool}]
  9     sponsors: [{"name", "status", "under_probation_discipline", "rights_restored", "full_since"}]
  10    conclusion: "passed" | "failed"
  11    days, hours
  13    passed: bool
  15,23 eligible, present, for, against, abstain, written_for (the vote)
  17    delayed: bool (the committee meeting was delayed: 6 months instead of 3)
  23    outcome: "confirm" | "extend" | "cancel"; months (extension)
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

STEPS = {
    1: "递交入党申请书",
    2: "派人谈话",
    3: "推荐和确定入党积极分子",
    4: "上级党委备案",
    5: "指定培养联系人",
    6: "培养教育考察",
    7: "确定发展对象",
    8: "报上级党委备案",
    9: "确定入党介绍人",
    10: "进行政治审查",
    11: "开展集中培训",
    12: "支部委员会审查",
    13: "上级党委预审",
    14: "填写入党志愿书",
    15: "支部大会讨论（接收预备党员）",
    16: "上级党委派人谈话",
    17: "上级党委审批",
    18: "再上一级党委组织部门备案",
    19: "编入党支部和党小组",
    20: "入党宣誓",
    21: "继续教育考察",
    22: "提出转正申请",
    23: "支部大会讨论（转正）",
    24: "上级党委审批（转正）",
    25: "材料归档",
}

STAGES = {
    "applicant": "入党申请人",
    "activist": "入党积极分子",
    "candidate": "发展对象",
    "probationary": "预备党员",
    "full": "正式党员",
    "cancelled": "取消预备党员资格",
}

# The stage a person is in once a step is done.
STAGE_AFTER = {1: "applicant", 3: "activist", 7: "candidate", 17: "probationary"}

# Steps that may be recorded more than once: the half-yearly assessment, the probation's education,
# and the confirmation round again after an extension of probation.
REPEATABLE = {6, 21}
CONFIRMATION_ROUND = {22, 23, 24}

OUTCOMES = {"confirm": "按期转正", "extend": "延长预备期", "cancel": "取消预备党员资格"}


@dataclass(frozen=True)
class Limits:
    """The numbers of the rules. The UNCONFIRMED ones of rules.md §4.2 are settings
    (`DEVELOPMENT_LIMITS` in Django settings overrides any of these by name)."""

    min_age_years: int = 18  # art.5
    talk_within_months: int = 1  # art.7
    applicant_min_months: int | None = None  # UNCONFIRMED: many local rules 6; the 细则 sets none
    assessment_every_months: int = 6  # art.11
    education_min_months: int = 12  # art.13
    mentors_min: int = 1  # art.9
    mentors_max: int = 2  # art.9
    sponsors: int = 2  # art.14–15
    training_min_days: int = 3  # art.17
    training_min_hours: int = 24  # art.17
    pre_review_within_months: int | None = 1  # UNCONFIRMED: "usually within a month", local
    approval_within_months: int = 3  # 细则: 3 months from the branch's resolution
    approval_delayed_within_months: int = 6  # … at most 6 when the committee's meeting is delayed
    probation_months: int = 12  # art.32
    extension_min_months: int = 6  # art.32
    extension_max_months: int = 12  # art.32
    extensions_max: int = 1  # art.32: once
    confirmation_application_days_before: int = 7  # UNCONFIRMED: "预备期满前一周"
    confirmation_application_late_months: int = 1  # UNCONFIRMED: late up to a month
    confirmation_approval_within_months: int = 3  # art.34


@dataclass
class Step:
    no: int
    date: date
    fields: dict = field(default_factory=dict)
    index: int = 0  # position in the caller's list (violations point at it)

    @property
    def name(self) -> str:
        return STEPS.get(self.no, "")


@dataclass
class Violation:
    index: int | None  # the step concerned (None: the file as a whole)
    no: int | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "no": self.no, "code": self.code, "message": self.message}


@dataclass
class Window:
    no: int
    earliest: date | None
    latest: date | None
    overdue: bool = False

    @property
    def name(self) -> str:
        return STEPS[self.no]

    def as_dict(self) -> dict:
        return {
            "no": self.no,
            "name": self.name,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "overdue": self.overdue,
        }


@dataclass
class Result:
    violations: list[Violation]
    stage: str
    next_steps: list[Window]
    probation_end: date | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "stage": self.stage,
            "stage_label": STAGES.get(self.stage, ""),
            "probation_end": self.probation_end.isoformat() if self.probation_end else None,
            "violations": [v.as_dict() for v in self.violations],
            "next_steps": [w.as_dict() for w in self.next_steps],
        }


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def fmt(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def vote_problems(fields: dict, what: str) -> list[tuple[str, str]]:
    """Impossible numbers, quorum, majority (支部工作条例 art.11; 细则第二十、二十一条): (code, message).

    The same rule as `activities.models.Decision.vote_problems`: more than half of the eligible members
    present; more than half of the eligible members in favour, the written opinions of absent eligible
    members counted."""
    try:
        eligible = int(fields["eligible"])
        present = int(fields["present"])
        votes_for = int(fields["for"])
    except (KeyError, TypeError, ValueError):
        return [("vote_missing", f"{what}须填写应到会、实到会有表决权党员人数和赞成票数（细则第二十一条）")]
    against = int(fields.get("against") or 0)
    abstain = int(fields.get("abstain") or 0)
    written = int(fields.get("written_for") or 0)
    if min(eligible, present, votes_for, against, abstain, written) < 0:
        return [("vote_numbers", f"{what}的票数不能为负数")]
    if present > eligible:
        return [("vote_numbers", f"{what}实到会有表决权党员{present}名，多于应到会的{eligible}名")]
    if votes_for + against + abstain > present:
        return [("vote_numbers", f"{what}赞成、反对、弃权票数之和多于实到会有表决权党员{present}名")]
    if written > eligible - present:
        return [("vote_numbers", f"{what}书面意见只能来自未到会的有表决权党员（至多{eligible - present}份）")]
    problems = []
    if present * 2 <= eligible:
        problems.append(
            (
                "quorum",
                f"{what}到会有表决权党员{present}名，未超过应到会{eligible}名的半数，不能进行表决"
                "（细则第二十条）",
            )
        )
    in_favour = votes_for + written
    if in_favour * 2 <= eligible:
        problems.append(
            (
                "majority",
                f"{what}赞成票{in_favour}票（含书面意见{written}票），未超过应到会有表决权党员{eligible}名的"
                "半数，未通过（细则第二十一条）",
            )
        )
    return problems


def _member_problems(person: dict, role: str, on: date, *, sponsor: bool) -> list[tuple[str, str]]:
    name = person.get("name") or "（未填姓名）"
    problems = []
    if person.get("status", "full") != "full":
        article = "细则第十四条" if sponsor else "细则第九条"
        problems.append((f"{role}_not_full", f"{role}{name}不是正式党员（{article}）"))
    elif sponsor and person.get("full_since"):
        since = parse_date(person["full_since"])
        if since > on:
            problems.append(
                (
                    f"{role}_not_full",
                    f"{role}{name}于{fmt(since)}转正，确定时（{fmt(on)}）尚不是正式党员（细则第十四条）",
                )
            )
    if sponsor and person.get("under_probation_discipline") and not person.get("rights_restored"):
        problems.append(
            (
                "sponsor_discipline",
                f"{role}{name}受留党察看处分、尚未恢复党员权利，不能担任入党介绍人（细则第十五条）",
            )
        )
    return problems


def parse_date(value) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _as_steps(steps) -> list[Step]:
    out = []
    for i, s in enumerate(steps):
        if isinstance(s, Step):
            out.append(Step(s.no, s.date, dict(s.fields), index=i))
        else:
            fields = {k: v for k, v in s.items() if k not in ("no", "date")}
            out.append(Step(int(s["no"]), parse_date(s["date"]), fields, index=i))
    return out


def check(
    birth_date: date | None, steps, *, limits: Limits | None = None, today: date | None = None
) -> Result:
    """Every violation of the file, its stage, and the window of each next step (overdue against `today`)."""
    lim = limits or Limits()
    items = _as_steps(steps)
    violations: list[Violation] = []

    def bad(step: Step | None, code: str, message: str):
        violations.append(Violation(step.index if step else None, step.no if step else None, code, message))

    for s in items:
        if s.no not in STEPS:
            bad(s, "unknown_step", f"第{s.index + 1}项：步骤编号{s.no}不存在（应为1–25）")
    items = [s for s in items if s.no in STEPS]
    items.sort(key=lambda s: (s.date, s.no, s.index))

    done: dict[int, list[Step]] = {}  # number → the steps of that number, in date order

    def last(no: int) -> Step | None:
        return done[no][-1] if done.get(no) else None

    def first(no: int) -> Step | None:
        return done[no][0] if done.get(no) else None

    extensions = 0
    probation_end: date | None = None
    cancelled = False

    for s in items:
        label = f"第{s.no}步「{s.name}」（{fmt(s.date)}）"
        # Order ---------------------------------------------------------------------------------------
        prev = s.no - 1
        if s.no > 1 and not done.get(prev):
            bad(
                s,
                "order",
                f"{label}顺序错误：须先完成第{prev}步「{STEPS[prev]}」（细则规定的发展程序）",
            )
        count = len(done.get(s.no, []))
        rounds = 1 + extensions if s.no in CONFIRMATION_ROUND else 1  # after an extension, a new round
        if count and s.no not in REPEATABLE and count >= rounds:
            bad(s, "repeated", f"{label}已经记录过，不能重复")
        elif s.no in CONFIRMATION_ROUND and count and done.get(prev):
            # the second round: its predecessor is the first round's approval (22) or this round's step
            behind = len(done.get(24, [])) < count if s.no == 22 else len(done[prev]) <= count
            if behind:
                bad(s, "order", f"{label}顺序错误：须先完成上一环节（延长预备期后的转正程序）")
        if cancelled and s.no not in (24, 25):
            bad(s, "cancelled", f"{label}：已取消预备党员资格，不能再进行此步骤")

        # Time rules of the step ----------------------------------------------------------------------
        if s.no == 1 and birth_date is not None:
            adult = add_months(birth_date, 12 * lim.min_age_years)
            if s.date < adult:
                bad(
                    s,
                    "age",
                    f"{label}：申请人未满{lim.min_age_years}周岁（{fmt(adult)}年满），不能申请入党"
                    "（细则第五条）",
                )
        if s.no == 2 and first(1):
            latest = add_months(first(1).date, lim.talk_within_months)
            if s.date > latest:
                bad(
                    s,
                    "talk_late",
                    f"{label}：应在收到入党申请书后一个月内派人谈话（最迟{fmt(latest)}）（细则第七条）",
                )
        if s.no == 3 and first(1) and lim.applicant_min_months:
            earliest = add_months(first(1).date, lim.applicant_min_months)
            if s.date < earliest:
                bad(
                    s,
                    "applicant_too_short",
                    f"{label}：递交申请书满{lim.applicant_min_months}个月后方可确定为入党积极分子"
                    f"（最早{fmt(earliest)}）（本地规定）",
                )
        if s.no == 5:
            mentors = s.fields.get("mentors") or []
            if not lim.mentors_min <= len(mentors) <= lim.mentors_max:
                bad(
                    s,
                    "mentors_count",
                    f"{label}：培养联系人应为{lim.mentors_min}至{lim.mentors_max}名正式党员，"
                    f"记录了{len(mentors)}名（细则第九条）",
                )
            for m in mentors:
                for code, msg in _member_problems(m, "培养联系人", s.date, sponsor=False):
                    bad(s, code, f"{label}：{msg}")
        if s.no in (6, 7) and first(3):
            anchor = max([first(3).date] + [x.date for x in done.get(6, [])])
            latest = add_months(anchor, lim.assessment_every_months)
            if s.date > latest:
                bad(
                    s,
                    "assessment_gap",
                    f"{label}：入党积极分子每半年须考察一次，上次考察或确定为积极分子在{fmt(anchor)}，"
                    f"本次应不晚于{fmt(latest)}（细则第十一条）",
                )
        if s.no == 7 and first(3):
            earliest = add_months(first(3).date, lim.education_min_months)
            if s.date < earliest:
                bad(
                    s,
                    "education_too_short",
                    f"{label}：培养教育考察时间不足一年（自{fmt(first(3).date)}确定为积极分子起，"
                    f"最早{fmt(earliest)}）（细则第十三条）",
                )
        if s.no == 9:
            sponsors = s.fields.get("sponsors") or []
            if len(sponsors) != lim.sponsors:
                bad(
                    s,
                    "sponsors_count",
                    f"{label}：入党介绍人应为{lim.sponsors}名正式党员，记录了{len(sponsors)}名（细则第十四条）",
                )
            for p in sponsors:
                for code, msg in _member_problems(p, "入党介绍人", s.date, sponsor=True):
                    bad(s, code, f"{label}：{msg}")
        if s.no == 10 and s.fields.get("conclusion", "passed") != "passed":
            bad(s, "review_failed", f"{label}：政治审查不合格的，不能发展入党（细则·政治审查）")
        if s.no == 11:
            days = float(s.fields.get("days") or 0)
            hours = float(s.fields.get("hours") or 0)
            if days < lim.training_min_days and hours < lim.training_min_hours:
                bad(
                    s,
                    "training_short",
                    f"{label}：集中培训时间一般不少于{lim.training_min_days}天或{lim.training_min_hours}学时"
                    f"（记录{days:g}天、{hours:g}学时）（细则第十七条）",
                )
        if s.no == 12 and last(10) and last(10).fields.get("conclusion", "passed") != "passed":
            bad(s, "review_failed", f"{label}：政治审查不合格，不能进入接收预备党员程序（细则·政治审查）")
        if s.no == 13:
            if lim.pre_review_within_months and last(12):
                latest = add_months(last(12).date, lim.pre_review_within_months)
                if s.date > latest:
                    bad(
                        s,
                        "pre_review_late",
                        f"{label}：上级党委应在{lim.pre_review_within_months}个月内完成预审"
                        f"（最迟{fmt(latest)}）（本地规定）",
                    )
            if s.fields.get("passed") is False:
                bad(s, "pre_review_failed", f"{label}：预审未通过，不能发放入党志愿书（细则第十九条）")
        if s.no == 14 and last(13) and last(13).fields.get("passed") is False:
            bad(s, "pre_review_failed", f"{label}：预审未通过，不能填写入党志愿书（细则第十九条）")
        if s.no in (15, 23):
            what = "支部大会表决（接收预备党员）" if s.no == 15 else "支部大会表决（转正）"
            for code, msg in vote_problems(s.fields, what):
                bad(s, code, f"{label}：{msg}")
        if s.no == 15:
            probation_end = add_months(s.date, lim.probation_months)
        if s.no == 17 and first(15):
            months = (
                lim.approval_delayed_within_months if s.fields.get("delayed") else lim.approval_within_months
            )
            latest = add_months(first(15).date, months)
            if s.date > latest:
                bad(
                    s,
                    "approval_late",
                    f"{label}：上级党委应在支部大会通过后{months}个月内审批（最迟{fmt(latest)}）（细则）",
                )
        if s.no in (20, 21) and probation_end and s.date > probation_end:
            bad(
                s,
                "after_probation",
                f"{label}：应在预备期内进行（预备期至{fmt(probation_end)}）（细则第三十二条）",
            )
        if s.no == 22 and probation_end:
            earliest = probation_end - _days(lim.confirmation_application_days_before)
            latest = add_months(probation_end, lim.confirmation_application_late_months)
            if not earliest <= s.date <= latest:
                bad(
                    s,
                    "application_window",
                    f"{label}：转正申请应在预备期满前{lim.confirmation_application_days_before}天至期满后"
                    f"{lim.confirmation_application_late_months}个月内提出（{fmt(earliest)}至{fmt(latest)}）"
                    "（本地规定）",
                )
        if s.no == 23:
            if probation_end and s.date < probation_end:
                bad(
                    s,
                    "before_probation_end",
                    f"{label}：预备期{fmt(probation_end)}才满，支部大会不能提前讨论转正（细则第三十二条）",
                )
            outcome = s.fields.get("outcome", "confirm")
            if outcome not in OUTCOMES:
                bad(s, "outcome", f"{label}：讨论结果应为按期转正、延长预备期或取消预备党员资格")
            elif outcome == "extend":
                extensions += 1
                months = int(s.fields.get("months") or 0)
                if extensions > lim.extensions_max:
                    bad(s, "extension_twice", f"{label}：预备期只能延长一次（细则第三十二条）")
                if not lim.extension_min_months <= months <= lim.extension_max_months:
                    bad(
                        s,
                        "extension_length",
                        f"{label}：延长预备期应为{lim.extension_min_months}至{lim.extension_max_months}个月，"
                        f"记录为{months}个月（细则第三十二条）",
                    )
                if probation_end and months > 0:
                    probation_end = add_months(probation_end, months)
            elif outcome == "cancel":
                cancelled = True
        if s.no == 24 and last(23):
            latest = add_months(last(23).date, lim.confirmation_approval_within_months)
            if s.date > latest:
                bad(
                    s,
                    "confirmation_approval_late",
                    f"{label}：上级党委应在{lim.confirmation_approval_within_months}个月内审批转正"
                    f"（最迟{fmt(latest)}）（细则第三十四条）",
                )

        done.setdefault(s.no, []).append(s)

    stage = _stage(done, cancelled)
    next_steps = _windows(done, lim, probation_end, cancelled)
    if today:
        for w in next_steps:
            w.overdue = bool(w.latest and w.latest < today)
    return Result(violations, stage, next_steps, probation_end)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _stage(done: dict, cancelled: bool) -> str:
    if cancelled:
        return "cancelled"
    if done.get(24) and done[23][-1].fields.get("outcome", "confirm") == "confirm":
        return "full"
    stage = "applicant" if done else ""
    for no, name in STAGE_AFTER.items():
        if done.get(no):
            stage = name
    return stage


def _windows(done: dict, lim: Limits, probation_end, cancelled: bool) -> list[Window]:
    """The next steps with their earliest and latest dates (None: no limit in the rules)."""

    def d(no):
        return done[no][-1].date if done.get(no) else None

    if not done:
        return [Window(1, None, None)]
    outcome = done[23][-1].fields.get("outcome", "confirm") if done.get(23) else None
    approved = len(done.get(24, [])) >= len(done.get(23, [])) > 0
    if cancelled or (approved and outcome == "confirm"):
        if not approved:
            return [Window(24, d(23), add_months(d(23), lim.confirmation_approval_within_months))]
        return [] if done.get(25) else [Window(25, d(24), None)]
    top = max(done)
    if top == 24 and outcome == "extend" and approved and len(done.get(22, [])) < len(done[24]) + 1:
        top = 21  # after the extension: education goes on, then a new application
    if top == 25:
        return []
    if top in (5, 6):
        anchor = max(d(3), d(6) or d(3))
        windows = [Window(6, d(top), add_months(anchor, lim.assessment_every_months))]
        if top == 6:
            windows.append(Window(7, max(d(6), add_months(d(3), lim.education_min_months)), None))
        return windows
    if top == 1:
        return [Window(2, d(1), add_months(d(1), lim.talk_within_months))]
    if top == 2:
        earliest = d(2)
        if lim.applicant_min_months:
            earliest = max(earliest, add_months(d(1), lim.applicant_min_months))
        return [Window(3, earliest, None)]
    if top == 12:
        latest = add_months(d(12), lim.pre_review_within_months) if lim.pre_review_within_months else None
        return [Window(13, d(12), latest)]
    if top in (15, 16):
        months = lim.approval_within_months
        return [Window(top + 1, d(top), add_months(done[15][0].date, months))]
    if top == 19:
        return [Window(20, d(19), probation_end)]
    if top in (20, 21):
        windows = [Window(21, d(top), probation_end)]
        if done.get(21) and probation_end:
            windows.append(
                Window(
                    22,
                    max(d(21), probation_end - _days(lim.confirmation_application_days_before)),
                    add_months(probation_end, lim.confirmation_application_late_months),
                )
            )
        return windows
    if top == 22:
        return [Window(23, max(d(22), probation_end) if probation_end else d(22), None)]
    if top == 23:
        return [Window(24, d(23), add_months(d(23), lim.confirmation_approval_within_months))]
    return [Window(top + 1, d(top), None)]


DUAL_RECOMMENDATIONS = {"party_recommendation": "党员推荐", "public_recommendation": "群众推荐"}
DUAL_EXAMS = {"written_exam": "笔试", "interview": "面试"}


def _number(value):
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def dual_problems(no: int, fields: dict, owner: str = "上级党委") -> list[tuple[str, str]]:
    """双推双考 (a committee's requirement, not the 细则's): the fields of step 3 or 7 must carry
    `party_recommendation` and `public_recommendation` ({"participants": N, "for": M}: M of N recommended)
    and `written_exam` and `interview` ({"score": S, "pass_mark": P}, S ≥ P). (code, message) pairs."""
    what = f"第{no}步「{STEPS.get(no, '')}」"
    rule = f"（{owner}双推双考要求）"
    out: list[tuple[str, str]] = []
    for key, label in DUAL_RECOMMENDATIONS.items():
        item = fields.get(key)
        item = item if isinstance(item, dict) else {}
        participants, votes_for = _number(item.get("participants")), _number(item.get("for"))
        if participants is None or votes_for is None:
            out.append(("dual_missing", f"{what}须填写{label}的参加人数和推荐票数{rule}"))
        elif participants <= 0 or votes_for < 0 or votes_for > participants:
            out.append(
                (
                    "dual_numbers",
                    f"{what}{label}的推荐票数{item.get('for')}与参加人数{item.get('participants')}不符{rule}",
                )
            )
        elif votes_for == 0:
            out.append(("dual_not_recommended", f"{what}{label}无人推荐{rule}"))
    for key, label in DUAL_EXAMS.items():
        item = fields.get(key)
        item = item if isinstance(item, dict) else {}
        score, mark = _number(item.get("score")), _number(item.get("pass_mark"))
        if score is None or mark is None:
            out.append(("dual_missing", f"{what}须填写{label}成绩和合格分数线{rule}"))
        elif score < mark:
            out.append(
                (
                    "dual_failed",
                    f"{what}{label}成绩{item.get('score')}分，低于合格分数线{item.get('pass_mark')}分{rule}",
                )
            )
    return out
