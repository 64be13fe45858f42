"""Demo 发展党员计划 and 双推双考 (issue #5): the demo town's plans for last year and this year (last year's
met, this year's not yet) and its first branches' plans for this year, sized from the seeded admissions; and
the town's 双推双考 requirement for selecting candidates (step 7) from today. Through the services."""

import datetime

from dangjian.development import services
from dangjian.development.statistics import admission_totals, admissions
from dangjian.organizations.models import Organization

from .plan import Plan


def seed_development_plans(plan: Plan, today: datetime.date) -> str:
    """Write the demo plans and requirement; returns a line for the seed log."""
    town = plan.landmarks["town"].instance
    lines = []
    for year, extra in ((today.year - 1, 0), (today.year, 2)):
        done = admission_totals(admissions(town, datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
        total = done["total"] + extra
        services.do_set_plan(
            acting_user=None,
            organization=town,
            year=year,
            total=total,
            women=min(total, done["women"] + extra // 2),
            young=min(total, done["young"] + extra),
            note="演示数据",
        )
        lines.append(f"{year}年计划{total}名、已发展{done['total']}名")
    for branch in Organization.objects.in_subtree(town).branches().order_by("path")[:3]:
        done = admission_totals(admissions(branch, datetime.date(today.year, 1, 1), today))
        services.do_set_plan(acting_user=None, organization=branch, year=today.year, total=done["total"] + 1)
    services.do_set_dual_requirement(
        acting_user=None,
        organization=town,
        valid_from=today,
        for_candidates=True,
        note="确定发展对象实行党员推荐、群众推荐和笔试、面试（演示数据）",
    )
    return f"发展党员计划：{town.name}" + "，".join(lines) + "；该镇自今日起确定发展对象实行双推双考"
