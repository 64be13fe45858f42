"""Demo data of 发展党员 (issue #5): about 60 development files in the demo town's branches, at every stage,
some overdue; in the demo village branch one step refused (out of order, attempted by the branch secretary)
and one recorded by the county's 组织管理员 as an audited override. Demo scale only.

Every step goes through `development.services` (the engine checks it, the audit trail records it), so the
demo is exactly what the pages would have produced. The timeline of each person is one valid template
(rules.md §4) shifted in time; where it stops decides the stage, and a long pause makes the next step late.
"""

import datetime
import random
from datetime import timedelta

from dangjian.accounts.models import User
from dangjian.core.validators import make_id_number
from dangjian.development import services
from dangjian.development.engine import add_months
from dangjian.members.choices import MemberStatus
from dangjian.members.models import Member
from dangjian.organizations.models import Organization

from .plan import Plan

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
GIVEN = "明华强军平刚杰磊涛敏静丽艳娟霞芳燕玲红梅婷雪琳晨宇浩然欣怡子涵思远佳琪俊杰雨萱"

# How many people stop after how many entries of the template (stage): 60 in all.
CUTS = (
    [1] * 6  # 入党申请人: application only (the talk due within a month)
    + [2] * 6  # 入党申请人: talked to
    + [3, 4, 5, 6, 6, 6, 7, 7, 7, 7, 7, 7]  # 入党积极分子 (under education and half-yearly assessment)
    + [8, 9, 10, 11, 12, 13, 13, 14, 15, 16, 16, 17]  # 发展对象 (entry 17 is step 16, the committee's talk)
    + [18, 19, 20, 21, 22, 23, 24, 24, 25, 25, 26, 26]  # 预备党员 (entry 18 is step 17, the approval)
    + [27] * 12  # 正式党员 (approved, files archived)
)
# Entries after which some people are left waiting past the deadline of their next step.
OVERDUE_AT = {1, 5, 13, 16, 17}


def template(rng: random.Random, eligible: int) -> list[tuple[int, int, dict]]:
    """(step number, days from the application, fields) of one valid complete timeline."""
    vote = {"eligible": eligible, "present": eligible - rng.randint(0, 2), "against": 0, "abstain": 0}
    vote["for"] = vote["present"] - rng.randint(0, 1)
    out: list[tuple[int, int, dict]] = []

    def at(no, day, **fields):
        out.append((no, day, fields))
        return day

    d = at(1, 0)
    d = at(2, d + rng.randint(5, 25))
    d3 = at(3, 183 + rng.randint(0, 40))  # ≥ 6 months as applicant, as many local rules ask
    d = at(4, d3 + rng.randint(3, 10))
    d = at(5, d + rng.randint(0, 5), mentors="roster")
    d = at(6, d3 + 170)
    d = at(6, d3 + 340)
    d = at(7, d3 + 366 + rng.randint(0, 20))
    d = at(8, d + rng.randint(3, 10))
    d = at(9, d + rng.randint(5, 15), sponsors="roster")
    d = at(10, d + rng.randint(20, 40), conclusion="passed")
    d = at(11, d + rng.randint(5, 15), days=3, hours=24)
    d = at(12, d + rng.randint(7, 15))
    d = at(13, d + rng.randint(7, 25), passed=True)
    d = at(14, d + rng.randint(3, 7))
    d15 = at(15, d + rng.randint(7, 15), **vote)
    d = at(16, d15 + rng.randint(10, 30))
    d = at(17, d + rng.randint(10, 30))
    d = at(18, d + rng.randint(3, 10))
    d = at(19, d)
    d = at(20, d + rng.randint(5, 20))
    d = at(21, d + 120)
    d = at(21, d + 120)
    end = d15 + 365  # about a year (the engine counts calendar months)
    d = at(22, end - 5)
    d = at(23, end + rng.randint(2, 10), outcome="confirm", **vote)
    d = at(24, d + rng.randint(20, 50))
    at(25, d + rng.randint(5, 15))
    return out


def _fields(raw: dict, sponsors: list[Member]) -> dict:
    fields = dict(raw)
    for key in ("mentors", "sponsors"):
        if fields.get(key) == "roster":
            fields[key] = [
                {
                    "name": m.name,
                    "member_id": m.pk,
                    "status": "full",
                    "full_since": m.confirmed_on.isoformat(),
                }
                for m in sponsors[:2]
            ]
    return fields


def _record(file, entries, sponsors, *, user=None):
    for no, day, raw in entries:
        services.do_record_step(file, acting_user=user, no=no, date=day, fields=_fields(raw, sponsors))


def seed_development(plan: Plan, today: datetime.date, seed: int) -> str:
    """Write the demo development files; returns a line for the seed log."""
    rng = random.Random(seed * 31 + 5)
    town = plan.landmarks["town"].instance
    village = plan.landmarks["village"].instance
    branches = [village] + [
        b for b in Organization.objects.in_subtree(town).branches().order_by("path") if b.pk != village.pk
    ][:2]
    secretary = User.objects.get(username="zhibu_shuji")
    committee = User.objects.get(username="xianwei_zzb")
    overdue = refused = overridden = 0
    seq = 0
    for i, cut in enumerate(CUTS):
        branch = branches[i % len(branches)]
        roster = list(
            Member.objects.filter(
                organization=branch, status=MemberStatus.FULL, confirmed_on__isnull=False
            ).order_by("confirmed_on", "id")
        )
        entries_all = template(rng, max(len(roster), 3))
        late = cut in OVERDUE_AT and i % 2 == 0
        pause = rng.randint(200, 300) if late else rng.randint(2, 20)
        if cut == len(entries_all):
            pause = rng.randint(20, 400)
        start = today - timedelta(days=entries_all[cut - 1][1] + pause)
        entries = [(no, start + timedelta(days=day), raw) for no, day, raw in entries_all[:cut]]
        sex = "female" if i % 3 else "male"
        born = add_months(start, -12 * rng.randint(19, 35) - rng.randint(0, 11))
        seq += 2
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if i % 2 else "")
        file = services.do_open_file(
            acting_user=None,
            organization=branch,
            name=name,
            sex=sex,
            birth_date=born,
            id_number=make_id_number(
                born, sex, area_code="130102", seq=(seq % 998) + (0 if sex == "female" else 1)
            ),
        )
        sponsors = [m for m in roster if m.confirmed_on < start] or roster
        if i == 12 and branch == village:
            # The talk came late: the applicant worked away from home; the county's 组织管理员 records it
            # with the reason (an audited override), and the file goes on as usual.
            _record(file, entries[:1], sponsors)
            no, day, raw = entries[1]
            services.do_record_step(
                file,
                acting_user=committee,
                no=no,
                date=entries[0][1] + timedelta(days=40),
                fields=raw,
                override_reason="申请人在外务工，返乡后即派人谈话，谈话记录已核实（县委组织部同意补录）",
            )
            _record(file, entries[2:], sponsors)
            overridden += 1
        else:
            _record(file, entries, sponsors)
        if i == 6 and branch == village:
            # The branch secretary tries to record 上级党委备案 before the branch named the activist: refused.
            try:
                services.do_record_step(file, acting_user=secretary, no=4, date=today - timedelta(days=1))
            except services.StepRefused:
                refused += 1
        file.refresh_from_db()
        overdue += file.is_overdue
    return (
        f"发展党员：{len(CUTS)}份档案（{'、'.join(b.name for b in branches)}），逾期{overdue}份；"
        f"{village.name}一次越序被拒绝（审计可查）、一次县委组织部例外放行"
    )
