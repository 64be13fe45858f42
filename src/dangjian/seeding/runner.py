"""One seed run: plan, bulk-write, mark the root with the scale, and write one audit event."""

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from dangjian.activities.models import Activity, Attendance
from dangjian.activities.services import do_record_spot_check
from dangjian.audit.choices import AuditAction
from dangjian.audit.services import record
from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization

from .activities import Life, create_study_quota_rules, create_town_rule, first_town, plan_life
from .builders import city_counties, county_plan, rng_for
from .development import seed_development
from .development_plans import seed_development_plans
from .evaluation import seed_evaluation
from .exams import seed_exams
from .feedback import seed_feedback
from .inspections import seed_inspections
from .originality import seed_originality
from .people import add_years
from .plan import OrgNode
from .reports import seed_reports
from .study import seed_demo_extras, seed_study_county
from .surveys import seed_surveys
from .targets import seed_targets
from .tasks import seed_tasks
from .users import Login, create_demo_users
from .writer import forget_people, write_activities, write_organizations, write_subtree
from .youth import seed_youth

SCALES = ("demo", "county", "city")
DEFAULT_SEED = 2026
# The scale is recorded in the root organization's 备注, where `bench` finds it again.
MARKER = "系统生成的演示/测试数据：dangjian seed --scale {scale} --seed {seed}"
MARKER_RE = re.compile(r"dangjian seed --scale (demo|county|city) --seed (\d+)")


class SeedRefused(Exception):
    """The database already holds organizations; seeding only ever adds to an empty tree."""


@dataclass
class SeedResult:
    """What a run wrote, for the command's summary."""

    scale: str
    seed: int
    organizations: int = 0
    members: int = 0
    positions: int = 0
    activities: int = 0
    attendance: int = 0
    seconds: float = 0.0
    planted: list[str] = field(default_factory=list)
    # Deliberate gaps in the demo's organizational life, for the compliance pages.
    activity_gaps: list[str] = field(default_factory=list)
    logins: list[Login] = field(default_factory=list)


def existing_data() -> tuple[str, int | None] | None:
    """(scale, seed) of the seeded tree in the database, ("unknown", None) for real data, None if empty."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return None
    found = MARKER_RE.search(root.remarks)
    return (found[1], int(found[2])) if found else ("unknown", None)


def seed(scale: str, seed: int = DEFAULT_SEED, *, log: Callable[[str], None] = lambda line: None):
    """Fill an empty database with the tree of `scale`; refuses if any organization exists."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    started = time.perf_counter()
    with transaction.atomic():
        if Organization.objects.exists():
            raise SeedRefused("数据库中已有党组织数据。")
        today = timezone.localdate()
        result = SeedResult(scale, seed)
        root = _seed_city(result, today, log) if scale == "city" else _seed_county(result, today, log)
        record(
            AuditAction.IMPORT,
            root.instance,
            acting_user=None,
            message=(
                f"dangjian seed --scale {scale} --seed {seed}：批量写入党组织{result.organizations}个、"
                f"党员{result.members}名、职务{result.positions}条、组织生活{result.activities}次"
                f"（出席记录{result.attendance}条）（批量写入，仅记此一条审计）"
            ),
        )
    _analyze()
    result.seconds = time.perf_counter() - started
    return result


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL; autovacuum would get there later)."""
    if connection.vendor != "postgresql":
        return
    models = (Organization, Member, Position, Activity, Attendance)
    tables = ", ".join(model._meta.db_table for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _mark(root: OrgNode, scale: str, seed: int) -> None:
    root.remarks = MARKER.format(scale=scale, seed=seed)


def _seed_county(result: SeedResult, today: datetime.date, log) -> OrgNode:
    plan = county_plan(result.scale, result.seed, today)
    _mark(plan.root, result.scale, result.seed)
    _add(result, write_subtree(plan.root))
    result.planted = plan.planted
    demo = result.scale == "demo"
    life = _seed_life(result, plan.root, today, demo=demo)
    study = seed_study_county(result.seed, plan.root, life, today, demo=demo)
    log(f"学习培训：{study.summary()}")
    log(
        f"{plan.root.name}：党组织{result.organizations}个，党员{result.members}名，"
        f"组织生活{result.activities}次（出席记录{result.attendance}条）"
    )
    if demo:
        result.logins = create_demo_users(plan, today)
        log(seed_exams(plan, today, result.seed))
        log(seed_demo_extras(study, plan))
        log(seed_originality(plan, today))
        create_study_quota_rules(plan.root, today)
        _fail_spot_check(life)
        log(seed_development(plan, today, result.seed))
        log(seed_youth(plan, today, result.seed))
        log(seed_development_plans(plan, today))
        log(seed_tasks(plan, today, result.seed))
        log(seed_targets(plan, today, result.seed))
        log(seed_inspections(plan, today, result.seed))
        log(seed_surveys(plan, today, result.seed))
        log(seed_feedback(plan, today, result.seed))
        log(seed_evaluation(plan, today, result.seed))
        log(seed_reports(plan, today, result.seed))
        log("供“组织生活合规”演示的缺漏：")
        for line in life.gaps:
            log(f"  · {line}")
    return plan.root


def _seed_life(result: SeedResult, county: OrgNode, today: datetime.date, *, demo=False, nodes=None) -> Life:
    """A year of organizational life for `county` (or for `nodes`), and its town's fixed-day rule."""
    town = first_town(county)
    rng = rng_for(result.seed, f"life:{county.code}")
    life = plan_life(
        nodes or county.walk(), rng, today, fixed_day_town=town, demo_root=county if demo else None
    )
    if town is not None and nodes is None:
        create_town_rule(town)
    activities, attendance = write_activities(life.activities, timezone.now())
    result.activities += activities
    result.attendance += attendance
    result.activity_gaps += life.gaps
    return life


def _fail_spot_check(life: Life) -> None:
    """The demo 县委组织部 fails one 主题党日 on a spot check, so it stops counting."""
    from dangjian.accounts.models import User

    do_record_spot_check(
        Activity.objects.get(pk=life.spot_check.pk),
        result="failed",
        comment="会议记录只有标题，无议程和发言要点，判定不合格。",
        acting_user=User.objects.get(username="xianwei_zzb"),
        seed="demo",
    )


def _seed_city(result: SeedResult, today: datetime.date, log) -> OrgNode:
    root, count, counties = city_counties(result.seed, today)
    _mark(root, result.scale, result.seed)
    for number, (county, planted) in enumerate(counties, 1):
        started = time.perf_counter()
        written = write_subtree(county)
        _add(result, written)
        result.planted += planted
        before = result.activities
        life = _seed_life(result, county, today)
        log(f"{county.name}学习培训：" + seed_study_county(result.seed, county, life, today).summary())
        forget_people(county)
        log(
            f"[{number}/{count}] {county.name}：党组织{written[0]}个，党员{written[1]}名，"
            f"组织生活{result.activities - before}次，用时{time.perf_counter() - started:.1f}秒"
        )
    _dates(root, today)
    result.organizations += write_organizations([root])
    _seed_life(result, root, today, nodes=[root])  # the 市委's own 民主生活会
    return root


def _dates(root: OrgNode, today: datetime.date) -> None:
    root.founded_on = datetime.date(1949, 10, 1)
    root.term_started_on = today - datetime.timedelta(days=700)
    root.term_ends_on = add_years(root.term_started_on, 5)
    root.has_committee = True


def _add(result: SeedResult, written: tuple[int, int, int]) -> None:
    result.organizations += written[0]
    result.members += written[1]
    result.positions += written[2]
