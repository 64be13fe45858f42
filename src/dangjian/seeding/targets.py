"""Demo 目标责任 (issue #6), demo scale only. The county committee issues the 教育局党委 its
党建工作目标责任书 for last year and this year: 组织生活合规率 and 党员人均学时 computed from the seeded
records, 主题党日次数 computed, 党员志愿服务 and 党建品牌创建 entered. Each is decomposed to every direct
child of the education committee (the first 中心校党总支 on to its schools, and its first school to the
school's 书记 personally: "schools to teachers"). Last year's (before the seeded records begin, so every
figure was reported by the units: entered) were all signed and evaluated at year end;
this year's are partly signed (one by an uploaded scan) with figures entered by some. Every write goes
through `targets.services` (operator at the command line, audited)."""

import datetime
import random
from collections import Counter
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.members.choices import PositionTitle
from dangjian.members.models import Member, Position
from dangjian.organizations.choices import OrganizationKind
from dangjian.targets import services
from dangjian.targets.choices import Grade
from dangjian.targets.models import Target

from .plan import Plan

TITLE = "党建工作目标责任书"
CONTENT = (
    "围绕中心抓党建、抓好党建促中心，实行“目标牵引、方案带动、评估推动”：规范落实“三会一课”等组织生活制度，"
    "抓好党员教育培训，开展主题党日和党员志愿服务，每个学校党组织创建一个党建品牌。"
)
# (fields, split when decomposed)
INDICATORS = [
    (
        {"name": "组织生活合规率", "unit": "%", "target_value": "90", "points": "25"},
        {"source_kind": "computed", "source_key": "compliance_rate"},
        "same",
    ),
    (
        {"name": "党员人均学时", "unit": "学时", "target_value": "8", "points": "25", "rollup": "mean"},
        {"source_kind": "computed", "source_key": "study_hours_per_member"},
        "same",
    ),
    (
        {"name": "主题党日开展次数", "unit": "次", "target_value": "12", "points": "20", "rollup": "mean"},
        {"source_kind": "computed", "source_key": "theme_days"},
        "same",
    ),
    ({"name": "党员志愿服务", "unit": "次", "target_value": "0", "points": "20"}, {}, "members"),
    (
        {
            "name": "党建品牌创建",
            "unit": "个",
            "target_value": "1",
            "points": "10",
            "scoring": "all_or_nothing",
        },
        {},
        "same",
    ),
]
PDF = b"%PDF-1.4\n% demo: signed responsibility letter\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _issue(root, education, year: int, members_total: int, *, computed: bool = True) -> Target:
    target = services.do_create_target(
        acting_user=None, organization=education, issued_by=root, year=year, title=TITLE, content=CONTENT
    )
    for position, (fields, source, _split) in enumerate(INDICATORS, 1):
        values = {**fields, **(source if computed else {}), "position": position}
        if fields["name"] == "党员志愿服务":  # two per member a year, the total split by member count
            values["target_value"] = str(2 * members_total)
        values["target_value"] = Decimal(values["target_value"])
        values["points"] = Decimal(values["points"])
        services.do_add_indicator(target, acting_user=None, **values)
    return services.do_issue_target(target, acting_user=None, issued_on=datetime.date(year, 1, 15))


def _cascade(target: Target) -> list[Target]:
    """To every direct child; the first 中心校党总支 on to its schools, the first school to its 书记."""
    splits = {i.pk: INDICATORS[n][2] for n, i in enumerate(target.indicators.order_by("position", "id"))}
    children = services.do_decompose_target(
        target, acting_user=None, split=splits, issued_on=target.issued_on
    )
    general = next((c for c in children if c.organization.kind == OrganizationKind.GENERAL_BRANCH), None)
    found = list(children)
    if general is not None and services.default_children(general):
        general_splits = {i.pk: "same" for i in general.indicators.all()}
        schools = services.do_decompose_target(general, acting_user=None, split=general_splits)
        found += schools
        secretary = (
            Position.objects.current()
            .filter(organization=schools[0].organization, title=PositionTitle.SECRETARY)
            .select_related("member__organization")
            .first()
        )
        if secretary is not None:
            found += services.do_decompose_target(schools[0], acting_user=None, members=[secretary.member])
    return found


def _enter(rng: random.Random, targets: list[Target], share: float) -> int:
    entered = 0
    for target in targets:
        if rng.random() > share:
            continue
        for indicator in target.indicators.filter(source_kind="entered"):
            low = float(indicator.target_value) * 0.75
            value = Decimal(round(rng.uniform(low, float(indicator.target_value) * 1.25)))
            if indicator.unit == "%":
                value = min(value, Decimal(100))
            services.do_enter_actual(indicator, acting_user=None, value=value, note="演示数据")
            entered += 1
    return entered


def _sign(rng: random.Random, targets: list[Target], share: float, *, upload_first: bool) -> int:
    signed = 0
    for target in targets:
        if rng.random() > share:
            continue
        kind = "pledge" if target.responsible_member_id else "responsibility"
        if upload_first and signed == 0:
            scan = SimpleUploadedFile("目标责任书（签字）.pdf", PDF, content_type="application/pdf")
            services.do_upload_commitment(target, acting_user=None, kind=kind, upload=scan)
        else:
            services.do_sign_commitment(target, acting_user=None, kind=kind)
        signed += 1
    return signed


def seed_targets(plan: Plan, today: datetime.date, seed: int) -> str:
    """Write the demo targets; returns a line for the seed log."""
    rng = random.Random(seed * 53 + 7)
    root = plan.landmarks["root"].instance
    education = plan.landmarks["education"].instance
    members_total = Member.objects.active().in_subtree(education).count()
    last, this = today.year - 1, today.year

    # The seeded records start this year: last year's figures were reported by each unit (entered).
    previous = _issue(root, education, last, members_total, computed=False)
    earlier = _cascade(previous)
    _enter(rng, [previous, *earlier], share=1.0)
    _sign(rng, [previous, *earlier], share=1.0, upload_first=False)
    grades = []
    for target in sorted(earlier, key=lambda t: -len(t.organization.path)) + [previous]:
        target.refresh_from_db()
        evaluation = services.do_evaluate_target(
            target,
            acting_user=None,
            evaluated_on=datetime.date(last, 12, 28),
            comment="按目标责任书逐项考评（演示数据）。",
        )
        grades.append(evaluation)

    current = _issue(root, education, this, members_total)
    children = _cascade(current)
    services.do_refresh_computed([current, *children], acting_user=None)
    entered = _enter(rng, children, share=0.6)
    signed = _sign(rng, [current, *children], share=0.6, upload_first=True)
    counts = Counter(e.get_grade_display() for e in grades)
    grades_text = "、".join(f"{label}{counts[label]}份" for label in Grade.labels if counts[label])
    return (
        f"目标责任：{education.name}{this}年{TITLE}（{len(INDICATORS)}项指标）逐级分解{len(children)}份，"
        f"已签订{signed}份，填报实际值{entered}项；{last}年{len(grades)}份（实际值由各单位填报）已考评（{grades_text}）"
    )
