"""Demo 汇报材料 (issue #8, report drafts), demo scale only; run last (after every capability's records).

The 教育局党委 gets its 党组织基本情况汇报 for the past year (modelled on the 丰南区教育局党委 report in the
seeds: 党总支N个，党支部N个，党员N名，其中…), drafted by its administrator, and the county committee a
yearly 党建工作情况汇报; the 教育局党委 also keeps its own copy of the basic template. Every figure is
computed from the seeded records and traceable; every write goes through `reports.services`.
"""

import datetime

from dangjian.accounts.models import User
from dangjian.core.figures import Period
from dangjian.reports import services
from dangjian.reports.models import ReportTemplate


def seed_reports(plan, today: datetime.date, seed: int) -> str:
    education = plan.landmarks["education"].instance
    root = plan.landmarks["root"].instance
    period = Period.year(today.year - 1)
    admin = User.objects.filter(username="jiaoyu_zzb").first()
    basic = ReportTemplate.objects.get(code="basic-info", organization__isnull=True)
    own = services.do_create_template(
        acting_user=admin,
        organization=education,
        name="教育系统党组织基本情况汇报",
        kind=basic.kind,
        title="抓班子 带队伍 抓党建 促工作——{{ org.name }}党建工作汇报材料",
        body=basic.body,
        description="由内置“党组织基本情况汇报”复制，标题按本局习惯修改。",
    )
    drafts = [
        services.do_create_draft(acting_user=admin, organization=education, template=basic, period=period),
        services.do_create_draft(acting_user=admin, organization=education, template=own, period=period),
        services.do_create_draft(
            acting_user=None,
            organization=root,
            template=ReportTemplate.objects.get(code="work-report", organization__isnull=True),
            period=period,
        ),
    ]
    placed = sum(draft.figures.count() for draft in drafts)
    return (
        f"汇报材料：{len(drafts)}份草稿（{education.name}基本情况汇报等），"
        f"共标注{placed}个数字；党委自有模板1个"
    )
