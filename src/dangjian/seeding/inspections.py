"""Demo 督导检查 (issue #6, inspections), demo scale only: the county committee's inspection of this year
with three 督导组 of three (the demo inspector `dudao` leads the first, on two units of the education
committee; the county's organization department leads the second, on the demo village and a neighbour;
the education committee's administrator the third), a checklist in 听、查、看、访 groups, results,
interviews and visits at four units, a stratified sample of leading cadres and their notes (seed
recorded), and findings of each severity: rectification tasks issued to the units, one reported done and
closed (销号) by its team, the others in progress. Every write goes through `inspections.services`."""

import datetime
import random
from decimal import Decimal

from dangjian.accounts.models import User
from dangjian.accounts.services import do_create_user
from dangjian.inspections import services
from dangjian.inspections.models import Finding
from dangjian.inspections.sampling import SampleSpec
from dangjian.organizations.models import Organization
from dangjian.tasks.services import do_report_progress
from dangjian.tasks.workdays import WorkCalendar

from .plan import Plan
from .users import DEMO_PASSWORD

CHECKLIST = [
    ("listen", "听取党组织书记抓基层党建工作情况汇报", "汇报全面、问题查摆具体得满分", 10),
    ("listen", "巡听旁听一次组织生活（随机，不打招呼）", "程序规范、质量较高得满分", 10),
    ("review", "查阅“三会一课”会议记录和台账", "每缺一次扣1分", 20),
    ("review", "查阅领导干部学习笔记、心得体会", "抽查情况按篇数和质量评分", 15),
    ("review", "查阅发展党员档案材料", "程序不规范每份扣2分", 10),
    ("observe", "查看党员活动阵地和党务公开栏", "阵地规范、公开及时得满分", 10),
    ("visit", "个别访谈党员群众，了解满意度", "按访谈反映情况评分", 15),
    ("visit", "电话抽查党员对主题党日内容知晓情况", "知晓率80%以上得满分", 10),
]
FINDINGS = [
    ("grave", "支部委员会未按规定每月召开，全年缺少4次会议记录"),
    ("serious", "部分领导干部学习笔记内容雷同，心得体会篇数不足"),
    ("serious", "党员发展档案中政治审查材料不齐全"),
    ("minor", "党务公开栏内容未及时更新"),
    ("minor", "主题党日活动记录中缺少参加人员签到"),
    ("minor", "党员活动室制度上墙不规范"),
]
INSPECTORS = [
    ("dudao_li", "李", "明"),
    ("dudao_zhao", "赵", "静"),
    ("dudao_sun", "孙", "伟"),
    ("dudao_zhou", "周", "芳"),
    ("dudao_wu", "吴", "强"),
    ("dudao_zheng", "郑", "丽"),
]


def _inspectors() -> list[User]:
    """Six cadres drawn into the teams (抽调干部): logins without a role of their own."""
    return [
        do_create_user(
            username=username,
            password=DEMO_PASSWORD,
            last_name=last,
            first_name=first,
            acting_user=None,
            must_change_password=False,
        )
        for username, last, first in INSPECTORS
    ]


def _units(plan: Plan) -> tuple[list[Organization], list[Organization]]:
    """(education units, town units): top-level units under the education committee (not its office and
    retirees), and the demo village with a neighbouring branch of the demo town."""
    education = plan.landmarks["education"].instance
    village = plan.landmarks["village"].instance
    town = plan.landmarks["town"].instance
    schools = [
        unit
        for unit in Organization.objects.children_of(education).order_by("path")
        if "机关" not in unit.name and "离退休" not in unit.name
    ]
    neighbours = [
        unit
        for unit in Organization.objects.children_of(town).branches().order_by("path")
        if unit.pk != village.pk and "机关" not in unit.name
    ]
    return schools[:4], [village, *neighbours[:1]]


def seed_inspections(plan: Plan, today: datetime.date, seed: int) -> str:
    """Write the demo inspection; returns a line for the seed log."""
    rng = random.Random(seed * 53 + 7)
    root = plan.landmarks["root"].instance
    schools, villages = _units(plan)
    starts_on = max(today - datetime.timedelta(days=20), datetime.date(today.year, 1, 1))
    ends_on = min(today + datetime.timedelta(days=25), datetime.date(today.year, 12, 31))
    inspection = services.do_create_plan(
        acting_user=None,
        organization=root,
        name=f"{today.year}年度基层党建工作督导检查",
        units=[*schools, *villages],
        starts_on=starts_on,
        ends_on=ends_on,
        method="听取汇报、查阅资料台账、实地查看、个别访谈、座谈、随机抽查不打招呼、巡听旁听",
    )
    items = [
        services.do_add_checklist_item(
            inspection,
            acting_user=None,
            group=group,
            content=content,
            scoring=scoring,
            max_points=Decimal(points),
        )
        for group, content, scoring, points in CHECKLIST
    ]
    cadres = _inspectors()
    leaders = [User.objects.get(username=name) for name in ("dudao", "xianwei_zzb", "jiaoyu_zzb")]
    assignments = [schools[:2], villages, schools[2:4]]
    teams = []
    for number, (leader, units) in enumerate(zip(leaders, assignments, strict=True)):
        team = services.do_create_team(
            inspection,
            acting_user=None,
            name=f"第{'一二三'[number]}督导组",
            leader=leader,
            members=cadres[2 * number : 2 * number + 2],
        )
        for unit in units:
            services.do_assign_unit(team, unit, acting_user=None)
        teams.append(team)
    inspection = services.do_start_plan(inspection, acting_user=None)
    visited = _visit(inspection, items, [*schools[:2], *villages], rng, starts_on, today)
    sample = services.do_draw_sample(
        inspection,
        acting_user=None,
        units=[*schools, *villages],
        spec=SampleSpec(
            "leading_cadres", per_unit=6, notes_from=datetime.date(today.year, 1, 1), notes_to=today
        ),
        seed=seed,
    )
    closed = _findings(inspection, visited, teams[1], rng, today, ends_on)
    issued = Finding.objects.filter(unit_inspection__plan=inspection, rectification__isnull=False).count()
    return (
        f"督导检查：{inspection.name}，3个督导组（dudao任第一督导组组长），检查{len(visited)}个单位；"
        f"{sample.description}；问题{len(FINDINGS)}个，交办整改{issued}个，已销号{closed}个"
    )


def _visit(inspection, items, units, rng, starts_on, today) -> list:
    """Results, an interview or two and the visit at each unit, dated within the period up to today."""
    visited = []
    for index, unit in enumerate(units):
        unit_inspection = inspection.unit_inspections.get(unit=unit)
        day = min(starts_on + datetime.timedelta(days=2 + 3 * index), today)
        for item in items:
            lost = Decimal(rng.choice([0, 0, 1, 2, 3]))
            services.do_record_result(
                unit_inspection, item, acting_user=None, score=max(item.max_points - lost, Decimal("0"))
            )
        services.do_record_interview(
            unit_inspection,
            acting_user=None,
            kind="group",
            held_on=day,
            participants=rng.randint(6, 15),
            summary="召开党员群众座谈会，了解基层党建工作开展情况",
        )
        services.do_record_interview(
            unit_inspection, acting_user=None, kind="individual", held_on=day, participants=rng.randint(2, 5)
        )
        services.do_record_visit(
            unit_inspection,
            acting_user=None,
            visited_on=day,
            status="done",
            summary="听取汇报，查阅“三会一课”记录、发展党员档案和学习笔记，实地查看活动阵地，个别访谈党员群众。",
        )
        visited.append(unit_inspection)
    return visited


def _findings(inspection, visited, village_team, rng, today, ends_on) -> int:
    """Each finding at a visited unit; all but the last are issued as 整改 tasks; the first reported done by
    the demo village and closed by its team."""
    deadline = max(min(today + datetime.timedelta(days=20), datetime.date(today.year, 12, 31)), today)
    village_inspection = next(u for u in visited if u.unit_id == village_team.assignments.first().unit_id)
    findings = []
    for index, (severity, description) in enumerate(FINDINGS):
        unit_inspection = village_inspection if index == 0 else visited[index % len(visited)]
        findings.append(
            services.do_record_finding(
                unit_inspection,
                acting_user=None,
                severity=severity,
                description=description,
                found_on=unit_inspection.visited_on,
            )
        )
    if not WorkCalendar.load().knows(deadline.year):
        return 0  # a deadline in a year the working-day calendar does not know is refused, never guessed
    for finding in findings[:-1]:
        services.do_issue_rectification(finding, acting_user=None, deadline=deadline)
    first = findings[0]
    first.refresh_from_db()
    do_report_progress(
        first.rectification,
        acting_user=None,
        text="已补开支部委员会会议并完善会议记录。",
        percent=100,
        final=True,
    )
    services.do_close_finding(first, acting_user=village_team.leader, comment="经督导组核实，整改到位。")
    return 1
