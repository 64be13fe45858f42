"""Demo data of 推优 and youth cohorts (issue #5, youth part), demo scale only: the demo village's 团支部
recommends six young people (three waiting, two taken as activist candidates — their development files
opened through the services, step 1 checked by the engine — and one 未采纳), and the demo town runs a
青年马克思主义者培养工程 cohort with five trainees from the village, their mentors and practice activities,
two of them 结业. Every write goes through `youth.services` (scoped, audited)."""

import datetime
import random
from datetime import timedelta
from decimal import Decimal

from dangjian.development.engine import add_months
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.youth import services

from .plan import Plan

NAMES = ["林晓雨", "赵子涵", "陈思远", "周欣怡", "吴浩然", "郑佳琪"]
PRACTICES = ["社区志愿服务", "乡村振兴调研", "红色教育基地讲解", "防汛值守", "政策宣讲"]


def seed_youth(plan: Plan, today: datetime.date, seed: int) -> str:
    rng = random.Random(seed * 37 + 11)
    town = plan.landmarks["town"].instance
    village = plan.landmarks["village"].instance
    youth = services.do_create_youth_organization(
        acting_user=None, organization=village, name=f"{village.name.removesuffix('党支部')}团支部"
    )
    accepted = rejected = 0
    for i, name in enumerate(NAMES):
        recommended_on = today - timedelta(days=20 + 30 * i)
        born = add_months(recommended_on, -12 * rng.randint(19, 26) - rng.randint(0, 11))
        attendees = rng.randint(15, 30)
        recommendation = services.do_create_recommendation(
            acting_user=None,
            organization=village,
            youth_organization=youth,
            name=name,
            sex="female" if i % 2 else "male",
            birth_date=born,
            education="",
            occupation=rng.choice(["村团支部委员", "返乡创业青年", "乡村教师", "大学生村官"]),
            recommended_on=recommended_on,
            attendees=attendees,
            votes_for=attendees - rng.randint(0, 3),
            votes_against=0,
            opinion="该同志政治立场坚定，学习和工作积极，在团员中威信较高，经团员大会表决，同意推荐为入党积极分子人选。",
            document=f"推优会议记录（{recommended_on:%Y年%m月}）",
        )
        if i in (0, 1):  # recent: their files wait for the talk within its month
            services.do_accept_recommendation(
                recommendation,
                acting_user=None,
                decided_on=today - timedelta(days=5),
                applied_on=today - timedelta(days=8),
            )
            accepted += 1
        elif i == 5:
            services.do_reject_recommendation(
                recommendation,
                acting_user=None,
                decided_on=recommended_on + timedelta(days=7),
                reason="本人尚未递交入党申请书，待递交后再按程序办理。",
            )
            rejected += 1
    cohort = services.do_create_cohort(
        acting_user=None,
        organization=town,
        name="青年马克思主义者培养工程",
        tier="other",
        year=today.year,
        required_practice_hours=Decimal("16"),
    )
    members = list(
        Member.objects.filter(organization=village, status=MemberStatus.FULL).order_by("-birth_date", "id")[
            :5
        ]
    )
    completed = 0
    for i, member in enumerate(members):
        trainee = services.do_add_trainee(
            cohort, acting_user=None, member=member, mentor=f"{town.name}组织委员"
        )
        for j in range(2 + i % 3):
            services.do_record_practice(
                trainee,
                acting_user=None,
                title=PRACTICES[(i + j) % len(PRACTICES)],
                date=today - timedelta(days=10 + 15 * j),
                hours=Decimal(rng.choice([4, 6, 8])),
            )
        if i < 2 and services.progress(trainee).complete:
            services.do_complete_trainee(trainee, acting_user=None, completed_on=today)
            completed += 1
    return (
        f"推优：{len(NAMES)}人（列为入党积极分子人选{accepted}人，未采纳{rejected}人）；"
        f"青年培养班次1期，培养对象{len(members)}人，结业{completed}人"
    )
