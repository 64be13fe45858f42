"""A year of organizational life for a seeded county: 三会一课, 主题党日, 组织生活会… with attendance.

Planned in pure Python from the organization plan, for the twelve months up to today, with one
`random.Random` per county (so the county scale is exactly that county in the city). Most branches meet
their rules; about 5–10 % of required meetings are missing (a few branches are chronically behind), a
few are held late or, in the town with a fixed-day rule, on the wrong day. The expected attendees follow
`activities.services.expected_members` (the roster on the day); the writer stores them in bulk.
At demo scale a handful of deliberate gaps are planted for the compliance pages (`Life.gaps`).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dangjian.activities.choices import AbsenceReason, AttendeeScope
from dangjian.members.choices import COMMITTEE_TITLES, PositionTitle
from dangjian.organizations.choices import BRANCH_KINDS, COMMITTEE_KINDS, OrganizationKind
from dangjian.organizations.choices import UnitCategory as Unit

from .plan import OrgNode

Kind = OrganizationKind
SEEDED_MONTHS = 12
MISS = 0.03  # share of required meetings a branch in good standing leaves out
BEHIND_SHARE = 0.05  # branches chronically behind …
BEHIND_MISS = 0.3  # … and how much they leave out
LATE = 0.02  # held in the first days of the next period instead
THEME_DAY_EARLY = 0.85  # 主题党日 on the 1st–3rd (0.95 where a town rule fixes the 1st)
STUDY_SESSIONS = [0, 1, 1, 2, 2, 3, 4]  # 集中学习 a year, drawn per branch
FIXED_DAY, FIXED_TOLERANCE = 1, 2  # the town rule: 主题党日 on the 1st, ±2 days
RATE_PLACES = Decimal("0.0001")

SCOPES = {
    "general_meeting": AttendeeScope.BRANCH,
    "committee_meeting": AttendeeScope.COMMITTEE,
    "group_meeting": AttendeeScope.PARTY_GROUP,
    "party_lesson": AttendeeScope.BRANCH,
    "theme_day": AttendeeScope.BRANCH,
    "life_meeting": AttendeeScope.BRANCH,
    "member_review": AttendeeScope.BRANCH,
    "leadership_life_meeting": AttendeeScope.COMMITTEE,
    "study_session": AttendeeScope.BRANCH,
}
THEME_DAY_BY_MONTH = {
    1: "新年新气象：重温入党誓词",
    2: "走访慰问困难党员和老党员",
    3: "学习雷锋精神 开展志愿服务",
    4: "清明祭英烈 传承红色基因",
    5: "弘扬劳动精神 争做岗位先锋",
    6: "安全生产月：排查身边安全隐患",
    7: "庆祝中国共产党成立105周年 重温入党誓词",
    8: "庆祝建军99周年 走访慰问退役军人",
    9: "学习《中国共产党纪律处分条例》",
    10: "喜迎国庆 讲好身边的发展故事",
    11: "回顾支部全年工作 对照“三会一课”查缺补漏",
    12: "国家宪法日：学习宪法 弘扬宪法精神",
}
THEMES = {
    "theme_day": [
        "学习习近平新时代中国特色社会主义思想",
        "学习党章 遵守党章",
        "党纪学习教育专题学习",
        "我为群众办实事：走访群众 收集诉求",
        "人居环境整治志愿服务",
        "重温入党誓词 过政治生日",
    ],
    "committee_meeting": [
        "研究本月支部工作安排",
        "研究发展党员工作",
        "研究党费收缴和使用情况",
        "研究主题党日活动方案",
        "研究为民办实事事项",
        "研究困难党员帮扶事项",
    ],
    "general_meeting": [
        "通报支部本季度工作 部署下季度任务",
        "学习传达上级会议精神",
        "讨论接收预备党员",
        "讨论预备党员转正",
        "民主议事：讨论本单位重要事项",
    ],
    "party_lesson": [
        "书记讲党课：坚定理想信念 践行初心使命",
        "书记讲党课：全面从严治党永远在路上",
        "书记讲党课：以学铸魂 以学增智 以学正风 以学促干",
        "书记讲党课：发扬斗争精神 增强斗争本领",
        "党课：做新时代合格共产党员",
    ],
    "group_meeting": [
        "学习上级文件精神",
        "党员谈心交流",
        "开展批评和自我批评",
        "学习党的创新理论",
        "讨论小组近期工作",
    ],
    "study_session": [
        "集中学习：习近平总书记重要讲话精神",
        "集中学习：《中国共产党章程》",
        "集中学习：观看警示教育片",
        "集中学习：乡村振兴和民生政策",
        "集中学习：安全生产法律法规",
    ],
}
PLACES = {
    Unit.RURAL: ["村党群服务中心", "村委会会议室", "村党员活动室"],
    Unit.COMMUNITY: ["社区党群服务中心", "社区会议室"],
    Unit.SCHOOL: ["学校会议室", "学校党员活动室"],
    Unit.GOVERNMENT: ["机关会议室", "机关党员活动室"],
    Unit.INSTITUTION: ["单位会议室", "党员活动室"],
    Unit.STATE_ENTERPRISE: ["公司会议室", "公司党员活动室"],
    Unit.PRIVATE_ENTERPRISE: ["公司会议室", "园区党群服务中心"],
    Unit.SOCIAL_ORGANIZATION: ["协会会议室", "党群服务中心"],
}
RED_SITES = ["乐亭县李大钊纪念馆", "唐山抗震纪念馆", "冀东烈士陵园", "潘家峪惨案纪念馆"]
START_TIMES = {Unit.RURAL: [(9, 0), (19, 30)], Unit.SCHOOL: [(16, 0)], Unit.COMMUNITY: [(9, 0), (15, 0)]}
DEFAULT_START_TIMES = [(9, 0), (15, 0)]
ABSENCE = [AbsenceReason.SICK, AbsenceReason.PERSONAL, AbsenceReason.OFFICIAL, AbsenceReason.OTHER]
ABSENCE_WEIGHTS = [30, 45, 15, 10]
RETIREE_ABSENCE_WEIGHTS = [60, 30, 0, 10]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def seeded_first_day(today: datetime.date) -> datetime.date:
    """The first day of the seeded year: the first of the month eleven months before today's."""
    return add_months(month_start(today), 1 - SEEDED_MONTHS)


@dataclass(eq=False)
class PlannedActivity:
    """One activity to be written, with who is expected and who was absent (index → (reason, note))."""

    org: OrgNode
    type_code: str
    held_on: datetime.date
    theme: str
    place: str
    start_time: datetime.time
    host: Any = None  # Person
    recorder: Any = None
    expected: list = field(default_factory=list)
    absent: dict = field(default_factory=dict)
    pk: int | None = None  # the written Activity's id

    @property
    def present_count(self) -> int:
        return len(self.expected) - len(self.absent)

    @property
    def attendance_rate(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.present_count) / len(self.expected)).quantize(RATE_PLACES)

    def end_time(self) -> datetime.time:
        minutes = self.start_time.hour * 60 + self.start_time.minute + 90
        return datetime.time(min(23, minutes // 60), minutes % 60)


@dataclass
class Life:
    """A county's planned year: its activities, the town with a fixed-day rule, the planted gaps."""

    activities: list[PlannedActivity]
    fixed_day_town: OrgNode | None
    gaps: list[str] = field(default_factory=list)
    spot_check: PlannedActivity | None = None  # demo: the activity a committee will fail


def first_town(root: OrgNode) -> OrgNode | None:
    """The county's first 乡镇党委 (the demo's 稻地镇): it fixes its 主题党日 on the 1st."""
    return next(
        (c for c in root.children if c.kind == Kind.COMMITTEE and c.unit_category == Unit.RURAL), None
    )


class LifePlanner:
    """Plans the organizational life of every organization in `nodes` (a county, or the city's root)."""

    def __init__(self, rng, today: datetime.date, *, fixed_day_town: OrgNode | None = None):
        self.rng = rng
        self.today = today
        self.first = seeded_first_day(today)
        self.months = [add_months(self.first, n) for n in range(SEEDED_MONTHS)]
        self.fixed_paths = (fixed_day_town.path,) if fixed_day_town else ()
        self.activities: list[PlannedActivity] = []
        self.exemplary: set[int] = set()  # demo targets: no random gaps, only the planted ones
        self.rosters: dict[int, list] = {}  # 党小组 → its members (they are listed in the branch)

    def plan(self, nodes) -> list[PlannedActivity]:
        for node in nodes:
            if node.is_branch:
                self._branch(node)
            elif node.kind in COMMITTEE_KINDS:
                miss, late = self._standing(node)
                self._yearly(node, "leadership_life_meeting", miss, late)
        return self.activities

    def _standing(self, node: OrgNode) -> tuple[float, float]:
        """(share of meetings missed, share held late): most are in good standing, a few behind."""
        behind = self.rng.random() < BEHIND_SHARE
        if id(node) in self.exemplary:
            return 0.0, 0.0
        return (BEHIND_MISS if behind else MISS), LATE

    # Schedules ------------------------------------------------------------------------------------
    def _branch(self, node: OrgNode) -> None:
        miss, late = self._standing(node)
        for month in self.months:
            self._theme_day(node, month, miss)
        if node.has_committee:
            self._periodic(node, "committee_meeting", self._monthly(), miss, late, days=(3, 26))
        self._periodic(node, "general_meeting", self._quarterly(), miss, late, days=(5, 28))
        self._periodic(node, "party_lesson", self._quarterly(), miss, late, days=(5, 28))
        self._yearly(node, "life_meeting", miss, late, combined="member_review")
        for _ in range(self.rng.choice(STUDY_SESSIONS)):
            self.add(node, "study_session", self._day_between(self.first, self.today))
        for group in node.children:
            if group.kind == Kind.PARTY_GROUP:
                self.rosters[id(group)] = [p for p in node.members if p.group is group]
                self._periodic(group, "group_meeting", self._monthly(), miss, late, days=(5, 25))

    def _monthly(self):
        return [(month, month_end(month)) for month in self.months]

    def _quarterly(self):
        start = datetime.date(self.first.year, (self.first.month - 1) // 3 * 3 + 1, 1)
        windows = []
        while start <= self.today:
            # A quarter cut by the start of the seeded year holds its meeting in the months we have.
            windows.append((max(start, self.first), add_months(start, 3) - datetime.timedelta(days=1)))
            start = add_months(start, 3)
        return windows

    def _periodic(self, node, code, windows, miss, late, *, days) -> None:
        """One activity per window, on a day between days[0] and days[1] of one of its months."""
        rng = self.rng
        for start, end in windows:
            roll = rng.random()
            if roll < miss:
                continue
            if roll < miss + late:
                day = end + datetime.timedelta(days=rng.randint(1, 10))  # held in the next period
            else:
                month = self._day_between(start, end).replace(day=1)
                last = month_end(month).day
                day = max(start, month.replace(day=rng.randint(min(days[0], last), min(days[1], last))))
            self.add(node, code, day)

    def _theme_day(self, node: OrgNode, month: datetime.date, miss: float) -> None:
        rng = self.rng
        if rng.random() < miss:
            return
        early = 0.95 if node.path.startswith(self.fixed_paths) else THEME_DAY_EARLY
        if id(node) in self.exemplary:
            early = 1.0
        day = rng.randint(1, 3) if rng.random() < early else rng.randint(4, 15)
        self.add(node, "theme_day", month.replace(day=day))

    def _yearly(self, node, code, miss, late, *, combined: str | None = None) -> None:
        """A past year's cycle in December (a few late, in January); this year's from October on."""
        rng = self.rng
        for year in range(self.first.year - 1, self.today.year + 1):
            roll = rng.random()
            if roll < miss * 2:  # a yearly meeting is left out more often than a monthly one
                continue
            if year == self.today.year:
                month = rng.choices([10, 11, 12], weights=[15, 35, 50])[0]
                day = datetime.date(year, month, rng.randint(8, 28))
            elif roll < miss * 2 + late * 2:
                day = datetime.date(year + 1, 1, rng.randint(5, 25))
            else:
                day = datetime.date(year, 12, rng.randint(10, 30))
            self.add(node, code, day)
            if combined:  # 民主评议党员 the same day, or a few days later
                self.add(node, combined, day + datetime.timedelta(days=rng.choice([0, 0, 0, 1, 3, 7])))

    def _day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # One activity ---------------------------------------------------------------------------------
    def add(self, node: OrgNode, code: str, day: datetime.date) -> None:
        """Plan one activity of `code` held by `node` on `day` (nothing if outside the seeded year)."""
        if not self.first <= day <= self.today:
            return  # not held yet, or before the seeded year
        rng = self.rng
        place = rng.choice(PLACES.get(node.unit_category, PLACES[Unit.INSTITUTION]))
        if code == "theme_day" and rng.random() < 0.08:
            place = rng.choice(RED_SITES)
        hour, minute = rng.choice(START_TIMES.get(node.unit_category, DEFAULT_START_TIMES))
        group = node.kind == Kind.PARTY_GROUP
        activity = PlannedActivity(
            org=node,
            type_code=code,
            held_on=day,
            theme=self._theme(code, day),
            place=place,
            start_time=datetime.time(hour, minute),
            host=holder(node, PositionTitle.GROUP_LEADER) if group else holder(node, *HOSTS),
            recorder=None if group else holder(node, *RECORDERS),
            expected=expected_people(node, SCOPES[code], day, self.rosters.get(id(node), node.members)),
        )
        self._attendance(activity, retirees=node.retirees)
        self.activities.append(activity)

    def _theme(self, code: str, day: datetime.date) -> str:
        if code in YEARLY_NAMES:
            cycle = day.year - 1 if day.month < 6 else day.year
            return f"{cycle}年度{YEARLY_NAMES[code]}"
        if code == "theme_day" and self.rng.random() < 0.6:
            return THEME_DAY_BY_MONTH[day.month]
        return self.rng.choice(THEMES[code])

    def _attendance(self, activity: PlannedActivity, *, retirees: bool) -> None:
        """About 85–95 % present; the host always; members working away (流动党员) mostly not."""
        rng = self.rng
        share = rng.uniform(0.04, 0.14)
        weights = RETIREE_ABSENCE_WEIGHTS if retirees else ABSENCE_WEIGHTS
        for index, person in enumerate(activity.expected):
            if person is activity.host:
                continue
            if person.is_unreachable:
                activity.absent[index] = (AbsenceReason.OTHER, "失联党员")
            elif person.is_mobile and rng.random() < 0.7:
                activity.absent[index] = (AbsenceReason.OTHER, "外出务工")
            elif rng.random() < share:
                activity.absent[index] = (rng.choices(ABSENCE, weights=weights)[0], "")


HOSTS = (PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY)
RECORDERS = (PositionTitle.ORGANIZATION_MEMBER, PositionTitle.PROPAGANDA_MEMBER)
YEARLY_NAMES = {
    "life_meeting": "组织生活会",
    "member_review": "民主评议党员",
    "leadership_life_meeting": "领导班子民主生活会",
}


def holder(node: OrgNode, *titles):
    """The person holding the first of `titles` that is filled in `node`, or None."""
    for title in titles:
        for person, held, _ in node.positions:
            if held == title:
                return person
    return None


def expected_people(node: OrgNode, scope: str, day: datetime.date, roster: list) -> list:
    """The plan's `activities.services.expected_members`: who is on the roster on `day`.

    `roster` is the branch's members, or a 党小组's; a committee's expected are its members in office.
    Members who have since left (出党、去世、转出…) were still expected before they left.
    """
    if scope == AttendeeScope.COMMITTEE:
        roster = [p for p, title, started in node.positions if title in COMMITTEE_TITLES and started <= day]
    return [p for p in roster if p.joined_on <= day and (p.is_active or p.status_changed_on > day)]


def plan_life(nodes, rng, today: datetime.date, *, fixed_day_town=None, demo_root=None) -> Life:
    """The year of every organization in `nodes`; `demo_root`: also plant the demo's deliberate gaps."""
    planner = LifePlanner(rng, today, fixed_day_town=fixed_day_town)
    gaps = DemoGaps(demo_root, fixed_day_town, today) if demo_root is not None else None
    if gaps:
        planner.exemplary = {id(node) for node in gaps.targets()}
    life = Life(planner.plan(nodes), fixed_day_town)
    if gaps:
        gaps.plant(life, planner)
    return life


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """(first day, last day, label) of the calendar quarter holding `day`."""
    start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    end = add_months(start, 3) - datetime.timedelta(days=1)
    return start, end, f"{day.year}年第{(day.month - 1) // 3 + 1}季度"


class DemoGaps:
    """The demo's deliberate gaps, on named organizations, for the compliance pages (and the tests).

    Every target is otherwise exemplary (no random gaps), so what the pages show is exactly this list.
    """

    def __init__(self, root: OrgNode, town: OrgNode, today: datetime.date):
        self.today = today
        self.this_month = month_start(today)
        self.town = town
        villages = [c for c in town.children if c.is_branch and c.unit_category == Unit.RURAL]
        self.village, self.missed_theme, self.checked, self.wrong_day = villages[:4]
        branches = [n for n in root.walk() if n.is_branch]
        self.office = next(n for n in branches if n.unit_category == Unit.GOVERNMENT and n.has_committee)
        self.school = next(
            n for n in branches if n.unit_category == Unit.SCHOOL and not n.remarks and not n.retirees
        )
        self.behind = next(n for n in branches if n.remarks == "民办学校党支部")
        self.no_life, self.late_life = [n for n in branches if n.unit_category == Unit.COMMUNITY][:2]
        self.group_branch = next(n for n in branches if n.children)
        self.group = self.group_branch.children[0]

    def targets(self) -> list[OrgNode]:
        return [
            self.village,
            self.missed_theme,
            self.checked,
            self.wrong_day,
            self.office,
            self.school,
            self.behind,
            self.no_life,
            self.late_life,
            self.group_branch,
        ]

    def month(self, back: int) -> datetime.date:
        """The first day of the month `back` months before this one."""
        return add_months(self.this_month, -back)

    def plant(self, life: Life, planner: LifePlanner) -> None:
        self.life, self.planner = life, planner
        self._due_at_the_branch_home()
        self._missed()
        self._late_and_wrong_day()
        self._behind()
        spot = self.month(2)
        life.spot_check = next(
            a
            for a in life.activities
            if a.org is self.checked and a.type_code == "theme_day" and month_start(a.held_on) == spot
        )
        self._gap(self.checked, f"{month_label(spot)}主题党日经县委组织部抽查不合格，不计入")

    def _gap(self, node: OrgNode, text: str) -> None:
        self.life.gaps.append(f"{node.name}：{text}")

    def _drop(self, node: OrgNode, codes, start: datetime.date, end: datetime.date) -> int:
        codes = (codes,) if isinstance(codes, str) else codes
        keep = [
            a
            for a in self.life.activities
            if not (a.org is node and a.type_code in codes and start <= a.held_on <= end)
        ]
        dropped = len(self.life.activities) - len(keep)
        self.life.activities[:] = keep
        return dropped

    def _drop_month(self, node: OrgNode, code: str, month: datetime.date) -> None:
        self._drop(node, code, month, month_end(month))

    def _due_at_the_branch_home(self) -> None:
        """The demo secretary's branch: this month's 支委会 and this quarter's 党课 still to hold."""
        village, start, (quarter, end, _) = self.village, self.this_month, quarter_of(self.today)
        due = []
        if village.has_committee:
            self._drop(village, "committee_meeting", start, self.today)
            due.append(f"本月支部委员会会议（{month_end(start):%m月%d日}截止）")
        self._drop(village, "party_lesson", quarter, self.today)
        due.append(f"本季度党课（{end:%m月%d日}截止）")
        self._gap(village, "尚未召开" + "、".join(due) + "，支部首页列为待办")

    def _missed(self) -> None:
        month = self.month(3)
        self._drop_month(self.missed_theme, "theme_day", month)
        self._gap(self.missed_theme, f"{month_label(month)}主题党日未开展")
        months = [self.month(8), self.month(7)]
        for month in months:
            self._drop_month(self.office, "committee_meeting", month)
        self._gap(self.office, f"{'、'.join(map(month_label, months))}支部委员会会议未召开")
        start, end, label = quarter_of(self.month(6))
        self._drop(self.school, "general_meeting", start, end)
        self._gap(self.school, f"{label}支部党员大会未召开")
        year = self.today.year - 1
        cycle = (datetime.date(year, 1, 1), datetime.date(year + 1, 1, 31))
        self._drop(self.no_life, ("life_meeting", "member_review"), *cycle)
        self._gap(self.no_life, f"{year}年度组织生活会、民主评议党员均未开展")
        month = self.month(4)
        self._drop_month(self.group, "group_meeting", month)
        self._gap(self.group, f"{month_label(month)}党小组会未召开")

    def _late_and_wrong_day(self) -> None:
        year = self.today.year - 1
        cycle = (datetime.date(year, 1, 1), datetime.date(year + 1, 1, 31))
        self._drop(self.late_life, ("life_meeting", "member_review"), *cycle)
        late = datetime.date(year + 1, 1, 16)
        self.planner.add(self.late_life, "life_meeting", late)
        self.planner.add(self.late_life, "member_review", late)
        self._gap(
            self.late_life,
            f"{year}年度组织生活会推迟到{late.year}年{late.month}月{late.day}日召开，{year}年未达标",
        )
        month = self.month(1)
        self._drop_month(self.wrong_day, "theme_day", month)
        self.planner.add(self.wrong_day, "theme_day", month.replace(day=15))
        self._gap(
            self.wrong_day,
            f"{month_label(month)}主题党日在15日开展，不符合{self.town.name}“每月1日”的规定",
        )

    def _behind(self) -> None:
        """A branch chronically behind: four months without a 主题党日, a quarter without a 党课."""
        months = [self.month(back) for back in (10, 7, 5, 2)]
        for month in months:
            self._drop_month(self.behind, "theme_day", month)
        start, end, label = quarter_of(self.month(6))
        self._drop(self.behind, "party_lesson", start, end)
        self._gap(
            self.behind, f"长期落后，{'、'.join(map(month_label, months))}主题党日未开展，{label}党课未开展"
        )


def create_town_rule(town: OrgNode):
    """The town's own, tighter rule (seed-systems S3): 主题党日 on the 1st of each month, ±2 days."""
    from dangjian.activities.models import ActivityType
    from dangjian.activities.services import do_create_rule

    return do_create_rule(
        acting_user=None,
        owner=town.instance,
        name=f"每月{FIXED_DAY}日开展主题党日",
        activity_type=ActivityType.objects.get(code="theme_day"),
        organization_kinds=sorted(BRANCH_KINDS),
        period="month",
        min_count=1,
        fixed_day=FIXED_DAY,
        tolerance_days=FIXED_TOLERANCE,
        valid_from=datetime.date(2023, 1, 1),
        source=f"{town.name}关于每月{FIXED_DAY}日开展主题党日活动的规定（演示数据）",
    )


def create_study_quota_rules(county: OrgNode, today: datetime.date) -> list:
    """The county committee adopts the national 学时 quotas as rules (rules.md §7) from this year on: every
    member ≥ 32 学时 a year, 书记和委员 ≥ 56. Demo only: per-member quotas read every member's study of
    the year (see docs/benchmarks.md), and the demo shows them on the compliance pages."""
    from dangjian.activities.models import ActivityType
    from dangjian.activities.services import do_create_rule

    source = "2019—2023年全国党员教育培训工作规划（每名党员每年≥32学时，基层党组织书记和班子成员≥56学时）"
    common = {
        "acting_user": None,
        "owner": county.instance,
        "activity_type": ActivityType.objects.get(code="study_session"),
        "organization_kinds": sorted(BRANCH_KINDS),
        "measure": "study_hours",
        "period": "year",
        "valid_from": datetime.date(today.year, 1, 1),
        "source": source,
    }
    return [
        do_create_rule(name="党员每年参加学习培训不少于32学时", min_count=32, **common),
        do_create_rule(
            name="书记和委员每年参加学习培训不少于56学时", min_count=56, member_scope="leaders", **common
        ),
    ]
