"""Study data for a seeded county (issue #4): plans, completions, a 冬训 course, notes and reflections.

Planned from the organization plan and the county's planned organizational life, with one
`random.Random` per county, and written as plain rows (seeding.writer.insert_rows: COPY on PostgreSQL).

- A county plan of this year (24 recommended items for everyone, 6 for 书记 and 委员 only) and, in the
  first branch with a 党小组, a branch plan (one item for everyone, one for its first 党小组).
- Each member completes most of their items due so far (a diligence of their own), some at a 集中学习
  they attended (the completion names that activity).
- Each 乡镇党委 (and the county's other committees) holds this winter's 党员冬训: five sessions, 24 学时,
  20 required; its active members enrolled, most present.
- Notes and reflections of realistic Chinese text built from sentence fragments, about one for every three
  members (a city: about 100,000), 300–1,400 characters; about 1 % copy another note of the same town with
  light edits (swapped sentences, a changed phrase), for the originality check to find.
- Demo scale only: reviews by the demo secretary and inspector, points switched on in the demo village.
"""

import datetime
import time
from dataclasses import dataclass, field

from django.utils import timezone

from dangjian.members.choices import COMMITTEE_TITLES
from dangjian.organizations.choices import COMMITTEE_KINDS, OrganizationKind
from dangjian.study.models import (
    Course,
    CourseSession,
    Enrollment,
    Note,
    NoteReview,
    SessionAttendance,
    StudyCompletion,
    StudyItem,
    StudyPlan,
)
from dangjian.study.texts import char_count

from .plan import OrgNode
from .writer import insert_rows, next_ids

NOTES_PER_MEMBER = 1 / 3
COPY_SHARE = 0.01
DEMO_COPY_SHARE = 0.05  # the demo's originality page should find a handful
SESSION_SHARE = 0.35  # completions made at a 集中学习 the member attended
COUNTY_ITEMS = [
    ("article", "习近平新时代中国特色社会主义思想学习纲要（{}）", "学习出版社"),
    ("document", "中国共产党章程（第{}部分）", "人民出版社"),
    ("document", "中国共产党支部工作条例（试行）第{}章", "中共中央办公厅"),
    ("article", "党的二十大报告学习辅导（{}）", "人民日报"),
    ("video", "党员教育电视片：榜样{}", "共产党员网"),
    ("document", "中国共产党纪律处分条例（第{}编）", "中共中央"),
]
CADRE_ITEMS = [
    ("document", "关于新形势下党内政治生活的若干准则（{}）", "中共中央"),
    ("article", "领导干部要做到“三严三实”（{}）", "求是"),
]
OPENINGS = [
    "近期，我认真学习了{topic}，",
    "按照支部学习计划安排，我参加了{topic}的集中学习，",
    "通过学习{topic}，",
    "在本次党员冬训中，我系统学习了{topic}，",
    "这段时间我利用业余时间反复研读{topic}，",
]
FEELINGS = [
    "深受教育，很受启发。",
    "思想上受到了一次深刻的洗礼。",
    "对党的创新理论有了更深的理解。",
    "进一步坚定了理想信念。",
]
BODY = [
    "作为一名共产党员，必须始终把学习放在重要位置，做到学思用贯通、知信行统一。",
    "学习中我深刻认识到，坚持党的全面领导是做好各项工作的根本保证。",
    "我们要把学习成果转化为推动工作的实际成效，立足岗位做贡献。",
    "对照党章党规，我认真查找了自身在学习、工作和作风方面存在的不足。",
    "今后我要进一步增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
    "在学习中要注重理论联系实际，带着问题学，针对问题改。",
    "支部组织的集中学习形式多样，既有专题辅导，也有交流研讨，大家都有收获。",
    "我将主动参加志愿服务，在为群众办实事中践行初心使命。",
    "要严守党的纪律和规矩，做到自重自省自警自励。",
    "乡村振兴需要党员带头，我要在产业发展和人居环境整治中发挥先锋模范作用。",
    "学习党史使我更加懂得中国共产党为什么能、马克思主义为什么行。",
    "全心全意为人民服务是党的根本宗旨，我要把群众的事当作自己的事。",
    "在今后的工作中，我要坚持原则、敢于担当，遇到困难不退缩。",
    "要经常开展批评和自我批评，虚心听取群众意见，及时改正缺点。",
    "老党员讲述的入党经历让我深受感动，更加珍惜党员这个光荣称号。",
    "我们支部在疫情防控、抗洪救灾中涌现出许多先进事迹，值得我好好学习。",
    "学习不能一阵风，要持之以恒、久久为功，把学习作为一种生活态度。",
    "要加强对新知识、新技能的学习，不断提高履职尽责的本领。",
    "廉洁自律是党员的基本要求，我要管住小节、守住底线。",
    "我认识到自己过去存在重业务轻学习的倾向，今后要切实改正。",
    "通过交流研讨，我学习了其他同志的好经验好做法。",
    "基层党组织是党的全部工作和战斗力的基础，每名党员都要为支部建设出力。",
    "要发扬艰苦奋斗的优良作风，勤俭节约，反对铺张浪费。",
    "在学习中我摘抄了重要论述，并结合本职工作写下了体会。",
]
CLOSINGS = [
    "总之，这次学习让我受益匪浅，我将以更加饱满的热情投入到工作中去。",
    "我将以此次学习为新的起点，努力做一名合格的共产党员。",
    "今后我会继续深入学习，做到学有所思、学有所悟、学有所得。",
    "以上是我的一点学习体会，不妥之处请组织和同志们批评指正。",
]
TOPICS = ["党章", "党的二十大精神", "《中国共产党支部工作条例（试行）》", "党的创新理论", "党史", "党纪"]
SESSION_TITLES = [
    ("学习党的创新理论专题辅导", 4),
    ("党章党规党纪教育", 4),
    ("乡村振兴政策和实用技术培训（脱产）", 8),
    ("观看警示教育片并交流研讨", 4),
    ("结业座谈：我为群众办实事", 4),
]


@dataclass
class StudyCounts:
    plans: int = 0
    items: int = 0
    completions: int = 0
    courses: int = 0
    attendance: int = 0
    notes: int = 0
    copies: int = 0
    characters: int = 0
    reviews: int = 0
    seconds: float = 0.0
    note_rows: list = field(default_factory=list)  # demo: (note id, branch id) for the reviews

    def summary(self) -> str:
        return (
            f"学习计划{self.plans}个（篇目{self.items}篇），学完记录{self.completions}条，"
            f"培训班{self.courses}个（出勤记录{self.attendance}条），笔记和心得{self.notes}篇"
            f"（{self.characters}字，其中雷同{self.copies}篇），评阅{self.reviews}条，用时{self.seconds:.1f}秒"
        )


@dataclass
class PlannedItem:
    pk: int
    owner: OrgNode
    due_on: datetime.date
    cadres_only: bool = False
    group: OrgNode | None = None  # audience: one 党小组


class StudyPlanner:
    """Plans and writes the study records of one county (the `rng` is the county's own)."""

    def __init__(self, county: OrgNode, life, rng, today: datetime.date, counts: StudyCounts):
        self.county, self.life, self.rng, self.today = county, life, rng, today
        self.now = timezone.now()
        self.counts = counts
        self.copy_share = COPY_SHARE
        self.year_start = datetime.date(today.year, 1, 1)
        self.branches = [node for node in county.walk() if node.is_branch]
        self.cadres = {
            id(person)
            for node in county.walk()
            for person, title, _ in node.positions
            if title in COMMITTEE_TITLES
        }

    # Plans ------------------------------------------------------------------------------------------
    def plans(self) -> list[PlannedItem]:
        """The county's plan and a branch plan (see `_village`)."""
        year = self.today.year
        county_items = []
        for n in range(24):
            kind, title, source = COUNTY_ITEMS[n % len(COUNTY_ITEMS)]
            county_items.append((kind, title.format(n // len(COUNTY_ITEMS) + 1), source, False, None))
        for n in range(6):
            kind, title, source = CADRE_ITEMS[n % len(CADRE_ITEMS)]
            county_items.append((kind, title.format(n // len(CADRE_ITEMS) + 1), source, True, None))
        plans = [
            (self.county, f"{year}年度党员学习计划", f"{self.county.name}组织部〔{year}〕3号", county_items)
        ]
        village = self._village()
        if village is not None:
            group = next((c for c in village.children if c.kind == OrganizationKind.PARTY_GROUP), None)
            items = [("article", "本村村规民约和乡村振兴规划", "村党支部", False, None)]
            if group is not None:
                items.append(("document", "党小组学习材料：发展党员工作细则", "村党支部", False, group))
            plans.append((village, f"{year}年度支部学习计划", "", items))
        return self._write_plans(plans, year)

    def _village(self) -> OrgNode | None:
        """The first branch with a 党小组 (else the first branch): its plan names the group."""
        grouped = (
            b for b in self.branches if any(c.kind == OrganizationKind.PARTY_GROUP for c in b.children)
        )
        return next(grouped, self.branches[0] if self.branches else None)

    def _write_plans(self, plans, year: int) -> list[PlannedItem]:
        plan_ids = next_ids(StudyPlan, len(plans))
        # One allocation for all items: on SQLite next_ids reads MAX(id), so ids are taken before inserting.
        item_ids = iter(next_ids(StudyItem, sum(len(items) for *_, items in plans)))
        plan_rows, item_rows, planned = [], [], []
        for pk, (owner, title, document, items) in zip(plan_ids, plans, strict=True):
            plan_rows.append(
                (pk, owner.instance.pk, year, None, title, document, True, self.now, self.now, self.now)
            )
            for order, (kind, name, source, cadres, group) in enumerate(items, 1):
                item_pk = next(item_ids)
                # Due dates spread over the year: two a month, the cadres' items each quarter.
                month = min(12, (order + 1) // 2) if not cadres else min(12, 3 * (order % 4 or 4))
                due = datetime.date(year, month, 15 if order % 2 else 28)
                audience = "leading_cadres" if cadres else "organization" if group else "everyone"
                item_rows.append(
                    (
                        item_pk,
                        pk,
                        order,
                        kind,
                        name,
                        source,
                        "",
                        "",
                        due,
                        audience,
                        group.instance.pk if group else None,
                        self.now,
                        self.now,
                    )
                )
                planned.append(PlannedItem(item_pk, owner, due, cadres, group))
        insert_rows(
            StudyPlan,
            [
                "id",
                "organization",
                "year",
                "quarter",
                "title",
                "source_document",
                "published",
                "published_at",
                "created_at",
                "updated_at",
            ],
            plan_rows,
        )
        insert_rows(
            StudyItem,
            [
                "id",
                "plan",
                "order",
                "kind",
                "title",
                "source",
                "link",
                "text",
                "due_on",
                "audience",
                "audience_organization",
                "created_at",
                "updated_at",
            ],
            item_rows,
        )
        self.counts.plans += len(plan_rows)
        self.counts.items += len(item_rows)
        return planned

    # Completions ------------------------------------------------------------------------------------
    def completions(self, items: list[PlannedItem]) -> None:
        sessions = self._sessions_attended()
        rows = self._completion_rows(items, sessions)
        self.counts.completions += insert_rows(
            StudyCompletion,
            [
                "member",
                "organization",
                "item",
                "studied_on",
                "method",
                "activity",
                "created_at",
                "updated_at",
            ],
            rows,
        )

    def _sessions_attended(self) -> dict[int, list]:
        """{id(person): [(day, activity id)]} of the 集中学习 each member attended this year."""
        attended: dict[int, list] = {}
        for activity in self.life.activities:
            if activity.type_code != "study_session" or activity.held_on < self.year_start:
                continue
            for index, person in enumerate(activity.expected):
                if index not in activity.absent:
                    attended.setdefault(id(person), []).append((activity.held_on, activity.pk))
        return attended

    def _completion_rows(self, items, sessions):
        rng, today, now = self.rng, self.today, self.now
        span = (today - self.year_start).days
        for branch in self.branches:
            for person in branch.members:
                if not person.is_active or person.instance is None:
                    continue
                diligence = rng.uniform(0.55, 1.0)
                member, branch_id = person.instance.pk, branch.instance.pk
                cadre = id(person) in self.cadres
                own_sessions = sessions.get(id(person), [])
                for item in items:
                    if not branch.path.startswith(item.owner.path):
                        continue
                    if (item.cadres_only and not cadre) or (
                        item.group is not None and person.group is not item.group
                    ):
                        continue
                    late = item.due_on > today
                    if rng.random() > (diligence * 0.4 if late else diligence):
                        continue
                    if own_sessions and rng.random() < SESSION_SHARE:
                        day, activity_id = rng.choice(own_sessions)
                        yield member, branch_id, item.pk, day, "session", activity_id, now, now
                        continue
                    last = min((item.due_on - self.year_start).days, span)
                    day = self.year_start + datetime.timedelta(days=rng.randint(0, max(0, last)))
                    yield member, branch_id, item.pk, max(day, person.joined_on), "alone", None, now, now

    # Courses ------------------------------------------------------------------------------------------
    def courses(self) -> list[tuple[int, OrgNode]]:
        """This winter's 党员冬训 of each committee under the county (or the county itself)."""
        organizers = [c for c in self.county.children if c.kind in COMMITTEE_KINDS] or [self.county]
        winter = self.today.year if self.today.month >= 11 else self.today.year - 1
        starts = datetime.date(winter, 11, 20)
        if starts > self.today:
            starts = datetime.date(winter - 1, 11, 20)
        course_ids = next_ids(Course, len(organizers))
        session_ids = next_ids(CourseSession, len(organizers) * len(SESSION_TITLES))
        course_rows, session_rows, enrollment_rows, attendance_rows = [], [], [], []
        sessions_iter = iter(session_ids)
        for course_pk, town in zip(course_ids, organizers, strict=True):
            days = [starts + datetime.timedelta(days=7 * n) for n in range(len(SESSION_TITLES))]
            days = [d for d in days if d <= self.today] or [starts]
            ends = starts + datetime.timedelta(days=7 * (len(SESSION_TITLES) - 1))
            course_rows.append(
                (
                    course_pk,
                    town.instance.pk,
                    f"{starts.year}—{starts.year + 1}年度{town.name}党员冬训",
                    "winter_training",
                    starts,
                    ends,
                    20,
                    self.now,
                    self.now,
                )
            )
            held = []
            for (title, hours), day in zip(SESSION_TITLES, days, strict=False):
                pk = next(sessions_iter)
                session_rows.append((pk, course_pk, day, title, hours, self.now, self.now))
                held.append(pk)
            for node in town.walk():
                if not node.is_branch:
                    continue
                for person in node.members:
                    if not person.is_active or person.instance is None or person.joined_on > starts:
                        continue
                    enrollment_rows.append((course_pk, person.instance.pk, self.now, self.now))
                    away = person.is_mobile or person.is_unreachable
                    for session_pk in held:
                        present = self.rng.random() < (0.3 if away else 0.92)
                        attendance_rows.append(
                            (session_pk, person.instance.pk, node.instance.pk, present, self.now, self.now)
                        )
        insert_rows(
            Course,
            [
                "id",
                "organization",
                "name",
                "kind",
                "starts_on",
                "ends_on",
                "required_hours",
                "created_at",
                "updated_at",
            ],
            course_rows,
        )
        insert_rows(
            CourseSession,
            ["id", "course", "held_on", "title", "hours", "created_at", "updated_at"],
            session_rows,
        )
        insert_rows(Enrollment, ["course", "member", "created_at", "updated_at"], enrollment_rows)
        self.counts.attendance += insert_rows(
            SessionAttendance,
            ["session", "member", "organization", "present", "created_at", "updated_at"],
            attendance_rows,
        )
        self.counts.courses += len(course_rows)
        return list(zip(course_ids, organizers, strict=True))

    # Notes --------------------------------------------------------------------------------------------
    def notes(self, items: list[PlannedItem], courses, *, keep_ids: bool = False) -> None:
        rows = list(self._note_rows(items, courses))
        ids = next_ids(Note, len(rows)) if keep_ids else None
        names = [
            "organization",
            "member",
            "kind",
            "title",
            "text",
            "char_count",
            "written_on",
            "source",
            "original_name",
            "item",
            "course",
            "activity",
            "written_by",
            "created_at",
            "updated_at",
        ]
        if keep_ids:
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
            names = ["id", *names]
            self.counts.note_rows = [(row[0], row[1]) for row in rows]  # (note id, branch id)
        self.counts.notes += insert_rows(Note, names, rows)

    def _note_rows(self, items, courses):
        rng, now, today = self.rng, self.now, self.today
        span = max(0, (today - self.year_start).days)
        course_of = {id(town): pk for pk, town in courses}
        recent: list[str] = []  # texts of this county's notes so far, for the deliberate copies
        for town in self.county.children or [self.county]:
            course = course_of.get(id(town))
            for branch in (n for n in town.walk() if n.is_branch):
                for person in branch.members:
                    if not person.is_active or person.instance is None or rng.random() > NOTES_PER_MEMBER:
                        continue
                    kind = "reflection" if rng.random() < 0.4 else "study_note"
                    topic = rng.choice(TOPICS)
                    if recent and rng.random() < self.copy_share:
                        text = near_copy(rng.choice(recent[-200:]), rng)
                        self.counts.copies += 1
                    else:
                        text = compose(rng, topic)
                        recent.append(text)
                    written = max(
                        person.joined_on, self.year_start + datetime.timedelta(days=rng.randint(0, span))
                    )
                    title = f"学习{topic}{'心得体会' if kind == 'reflection' else '笔记'}"
                    item = rng.choice(items).pk if items and rng.random() < 0.3 else None
                    linked_course = course if course and rng.random() < 0.15 else None
                    chars = char_count(text)
                    self.counts.characters += chars
                    yield (
                        branch.instance.pk,
                        person.instance.pk,
                        kind,
                        title,
                        text,
                        chars,
                        min(written, today),
                        "typed",
                        "",
                        item,
                        linked_course,
                        None,
                        None,
                        now,
                        now,
                    )


def compose(rng, topic: str) -> str:
    """A note of about 300–1,400 characters: an opening, body paragraphs of fragments, a closing."""
    opening = rng.choice(OPENINGS).format(topic=topic) + rng.choice(FEELINGS)
    paragraphs = [opening]
    for _ in range(rng.randint(2, 6)):
        paragraphs.append("".join(rng.sample(BODY, rng.randint(3, 6))))
    paragraphs.append(rng.choice(CLOSINGS))
    return "\n".join(paragraphs)


def near_copy(text: str, rng) -> str:
    """A light edit of `text`: two paragraphs swapped, a phrase changed (雷同: the originality check)."""
    paragraphs = text.split("\n")
    if len(paragraphs) > 3:
        i, j = rng.sample(range(1, len(paragraphs) - 1), 2)
        paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    copied = "\n".join(paragraphs)
    return copied.replace("我", "本人", 1).replace("今后", "在今后", 1)


def seed_study_county(
    seed: int, county: OrgNode, life, today: datetime.date, *, demo: bool = False
) -> StudyCounts:
    """Write the study records of `county` (its people must still be in the plan, with instances)."""
    from .builders import rng_for

    started = time.perf_counter()
    counts = StudyCounts()
    planner = StudyPlanner(county, life, rng_for(seed, f"study:{county.code}"), today, counts)
    if demo:
        planner.copy_share = DEMO_COPY_SHARE
    items = planner.plans()
    planner.completions(items)
    courses = planner.courses()
    planner.notes(items, courses, keep_ids=demo)
    _analyze()
    counts.seconds = time.perf_counter() - started
    return counts


def _analyze() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    models = (
        StudyPlan,
        StudyItem,
        StudyCompletion,
        Course,
        CourseSession,
        Enrollment,
        SessionAttendance,
        Note,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(model._meta.db_table for model in models))


def seed_demo_extras(counts: StudyCounts, plan) -> str:
    """Demo: reviews by the demo secretary (of their branch's notes) and by the inspector (every seventh
    note of their town), and points switched on in the demo village (`dangyuan` sees their own)."""
    from dangjian.accounts.models import User
    from dangjian.organizations.models import Organization
    from dangjian.study.services import do_set_points

    village, town = plan.landmarks["village"], plan.landmarks["town"]
    secretary = User.objects.get(username="zhibu_shuji")
    inspector = User.objects.get(username="dudao")
    paths = dict(
        Organization.objects.filter(pk__in={org for _, org in counts.note_rows}).values_list("pk", "path")
    )
    now = timezone.now()
    marks = ["excellent", "pass", "pass", "pass", "improve"]
    comments = {
        "excellent": "联系实际紧密，体会深刻。",
        "pass": "",
        "improve": "内容较空泛，请结合本职工作谈体会。",
    }
    rows = []
    for index, (note_id, org_id) in enumerate(counts.note_rows):
        if org_id == village.instance.pk:
            reviewer = secretary
        elif index % 7 == 0 and paths[org_id].startswith(town.path):
            reviewer = inspector
        else:
            continue
        mark = marks[index % len(marks)]
        rows.append((note_id, reviewer.pk, mark, comments[mark], now, now))
    counts.reviews += insert_rows(
        NoteReview, ["note", "reviewer", "mark", "comment", "created_at", "updated_at"], rows
    )
    do_set_points(village.instance, acting_user=None, enabled=True)
    return f"学习培训演示：评阅{counts.reviews}条；{village.name}启用学习积分（仅党员本人可见）"
