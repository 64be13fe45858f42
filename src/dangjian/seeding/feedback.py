"""Demo data of 组织工作观察员 and 意见建议 (issue #7, feedback part; seed S17: 聘任干部监督信息员担任首批组织
工作观察员，掌握基层党员干部群众对组织工作的意见和建议), demo scale only: the county committee appoints ten
observers for the demo town and the education committee (one term already ended; the demo 党员 login is one of
them), public codes for the demo village and town, and feedback in every state — 待分办, 办理中 (one routed
county → town → village, one overdue), 已答复 (in time and late), 已办结 with the submitters' ratings — two of
them anonymous through a public code. Every write goes through `feedback.services` (scoped, audited)."""

import datetime
import random
from datetime import timedelta

from dangjian.accounts.models import User
from dangjian.feedback import services
from dangjian.feedback.choices import FeedbackChannel
from dangjian.members.models import Member

NAMES = ["刘建国", "王秀英", "张卫东", "李春梅", "陈志强", "杨丽华", "黄德明", "赵雪芳"]
AFFILIATIONS = [
    "县人大代表",
    "县政协委员",
    "退休老干部",
    "乡村教师",
    "村务监督委员会主任",
    "个体工商户",
    "社区网格员",
    "企业职工",
]

# (days ago, where, category, subject, content, what happens)
ITEMS = [
    (
        3,
        "village",
        "service",
        "便民服务点周末无人值班",
        "村便民服务点周末经常关门，群众办事不便，建议安排轮流值班。",
        "pending",
    ),
    (
        2,
        "town",
        "conduct",
        "会议通知过于频繁",
        "镇里要求村干部参加的会议较多，建议合并同类会议，减少文山会海。",
        "pending_public",
    ),
    (
        12,
        "root",
        "cadres",
        "村干部培训内容偏理论",
        "建议培训多安排乡村振兴实务和群众工作方法。",
        "routed_twice",
    ),
    (
        45,
        "town",
        "organization",
        "三会一课记录不规范",
        "个别支部三会一课记录内容雷同，建议加强督促指导。",
        "overdue",
    ),
    (
        30,
        "village",
        "education",
        "流动党员学习跟不上",
        "外出务工党员难以参加集中学习，建议提供线上学习资料并定期联系。",
        "answered_in_time",
    ),
    (
        60,
        "town",
        "service",
        "党群服务中心开放时间",
        "党群服务中心中午不开放，建议错时延时服务。",
        "answered_late",
    ),
    (
        70,
        "village",
        "organization",
        "党务公开栏内容陈旧",
        "公开栏内容半年未更新，建议按月更新党费收缴和发展党员公示。",
        "closed_satisfied",
    ),
    (80, "town", "cadres", "驻村干部在岗情况", "个别驻村干部在村时间少，建议加强考勤管理。", "closed_basic"),
    (
        90,
        "village",
        "conduct",
        "办事需要多次跑腿",
        "开具证明需要跑村里和镇里多次，建议一次告知所需材料。",
        "closed_unsatisfied_public",
    ),
    (
        40,
        "education",
        "education",
        "教师党员学习时间冲突",
        "集中学习安排在上课时间，建议调整到课后。",
        "closed_satisfied_member",
    ),
]


def _observers(root, town, education, village, today, rng):
    """Ten observers appointed by the county committee; the last one's term ended; the demo 党员 is one."""
    starts = today - timedelta(days=330)
    observers = []
    member_user = User.objects.filter(username="dangyuan").first()
    member = Member.objects.filter(user=member_user).first() if member_user else None
    people = [(name, None) for name in NAMES]
    members = list(Member.objects.filter(organization=village).exclude(pk=getattr(member, "pk", None))[:1])
    people += [(m.name, m) for m in members] + ([(member.name, member)] if member else [])
    for i, (name, person) in enumerate(people):
        observers.append(
            services.do_appoint_observer(
                acting_user=None,
                organization=root,
                name=name,
                member=person,
                phone="" if person else f"139{rng.randint(10000000, 99999999)}",
                affiliation="" if person else AFFILIATIONS[i % len(AFFILIATIONS)],
                term_starts_on=starts,
                term_ends_on=starts + timedelta(days=3 * 365),
                observed=[education] if i % 3 == 2 else [town],
            )
        )
    services.do_end_observer_term(
        observers[len(NAMES) - 1],
        acting_user=None,
        ended_on=today - timedelta(days=20),
        reason="工作调动，解聘",
    )
    return [o for o in observers if o.status == "serving"], member


def seed_feedback(plan, today: datetime.date, seed: int) -> str:
    rng = random.Random(seed * 53 + 7)
    places = {key: plan.landmarks[key].instance for key in ("root", "education", "town", "village")}
    root, town, village = places["root"], places["town"], places["village"]
    serving, member = _observers(root, town, places["education"], village, today, rng)
    for organization, title in ((village, "村党群服务中心公开栏"), (town, "镇政务服务大厅")):
        services.do_create_feedback_link(acting_user=None, organization=organization, title=title)
    town_observer = next(o for o in serving if o.observed.filter(pk=town.pk).exists())
    education_observer = next(o for o in serving if o.observed.filter(pk=places["education"].pk).exists())
    for days, where, category, subject, content, fate in ITEMS:
        submitted_on = today - timedelta(days=days)
        organization = places[where]
        if fate.endswith("_public"):
            feedback, code = services.do_submit_feedback(
                acting_user=None,
                channel=FeedbackChannel.PUBLIC,
                organization=organization,
                category=category,
                subject=subject,
                content=content,
                submitted_on=submitted_on,
                contact="电话联系" if rng.random() < 0.5 else "",
            )
        elif fate.endswith("_member") and member is not None and member.user is not None:
            # The demo 党员 login submits about their own branch.
            feedback, code = services.do_submit_feedback(
                acting_user=member.user,
                channel=FeedbackChannel.MEMBER,
                organization=village,
                category=category,
                subject=subject,
                content=content,
                submitted_on=submitted_on,
            )
        else:
            observer = education_observer if where == "education" else town_observer
            feedback, code = services.do_submit_feedback(
                acting_user=None,
                channel=FeedbackChannel.OBSERVER,
                observer=observer,
                organization=organization,
                category=category,
                subject=subject,
                content=content,
                submitted_on=submitted_on,
            )
        _handle(feedback, fate, places, submitted_on, today, code)
    return (
        f"组织工作观察员：{len(NAMES) + (2 if member else 1)}名（1名任期已终止）；"
        f"意见建议：{len(ITEMS)}条（待分办、办理中、已答复、已办结均有，含逾期1条、匿名2条）"
    )


def _handle(feedback, fate, places, submitted_on, today, code):
    """Move one item along its demo fate through the services (answers dated in the past)."""
    if fate.startswith("pending"):
        return
    if fate == "routed_twice":
        services.do_route_feedback(
            feedback,
            acting_user=None,
            to_organization=places["town"],
            reason="属镇党委职责",
            routed_on=submitted_on + timedelta(days=1),
        )
        services.do_route_feedback(
            feedback,
            acting_user=None,
            to_organization=places["village"],
            reason="请村党支部具体办理",
            routed_on=submitted_on + timedelta(days=2),
        )
        return
    services.do_route_feedback(
        feedback,
        acting_user=None,
        to_organization=feedback.organization,
        reason="本级办理",
        routed_on=submitted_on + timedelta(days=1),
    )
    if fate == "overdue":
        return
    late = fate == "answered_late"
    answered_on = feedback.due_on + timedelta(days=3) if late else submitted_on + timedelta(days=7)
    services.do_reply_feedback(
        feedback,
        acting_user=None,
        text="感谢您的意见建议。经研究，已作如下安排，并将持续改进。",
        measures="已召开专题会议研究，明确责任人和完成时限。",
        answered_on=min(answered_on, today),
    )
    if not fate.startswith("closed"):
        return
    rating = {"satisfied": "satisfied", "basic": "basic", "unsatisfied": "unsatisfied"}[fate.split("_")[1]]
    services.do_rate_reply(
        feedback, acting_user=None, satisfaction=rating, rated_on=answered_on + timedelta(days=2)
    )
    services.do_close_feedback(
        feedback,
        acting_user=None,
        note="已答复并回访，按程序办结。",
        closed_on=answered_on + timedelta(days=3),
    )
