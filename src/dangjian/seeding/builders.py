"""Plans of a county (县委 and everything below it) at demo or county size, and of a city of counties."""

import datetime
import random
from dataclasses import dataclass

from faker import Faker

from dangjian.members.choices import MemberCategory, MemberStatus, PositionTitle
from dangjian.organizations.choices import COMMITTEE_KINDS, LONG_TERM_CATEGORIES, OrganizationKind
from dangjian.organizations.choices import UnitCategory as Unit

from . import pools
from .people import ANCHOR, PersonFactory, add_years
from .plan import COMMITTEE_REQUIRED_AT, OrgNode, Plan, path_step

Kind = OrganizationKind
GROUP_NAMES = "第一 第二 第三 第四 第五".split()


@dataclass(frozen=True)
class Shape:
    """How many units of each sort a county has, and how many members (low, high, mode) they hold."""

    departments: int
    towns: int
    villages: tuple[int, int]
    communities: tuple[int, int]
    town_enterprises: tuple[int, int]
    center_schools: int
    schools_per_center: tuple[int, int]
    independent_schools: int
    private_schools: int
    health: bool
    state_enterprises: int
    enterprises: int
    joint_branches: int
    social_organizations: int
    sizes: dict
    group_at: int  # branches with this many active members are split into 党小组


DEMO = Shape(
    departments=4,
    towns=3,
    villages=(5, 8),
    communities=(1, 2),
    town_enterprises=(0, 0),
    center_schools=3,
    schools_per_center=(4, 5),
    independent_schools=8,
    private_schools=2,
    health=False,
    state_enterprises=0,
    enterprises=0,
    joint_branches=0,
    social_organizations=0,
    sizes={
        "office": (7, 15, 10),
        "town_office": (9, 14, 11),
        "village": (7, 22, 11),
        "community": (14, 30, 20),
        "school": (5, 10, 7),
        "independent_school": (6, 14, 9),
        "private_school": (4, 8, 5),
        "retirees": (18, 26, 22),
    },
    group_at=18,
)
COUNTY = Shape(
    departments=60,
    towns=20,
    villages=(32, 42),
    communities=(1, 3),
    town_enterprises=(0, 2),
    center_schools=5,
    schools_per_center=(6, 7),
    independent_schools=20,
    private_schools=4,
    health=True,
    state_enterprises=15,
    enterprises=30,
    joint_branches=8,
    social_organizations=5,
    sizes={
        "office": (8, 25, 14),
        "town_office": (15, 35, 24),
        "village": (12, 60, 34),
        "community": (20, 50, 35),
        "enterprise": (3, 15, 7),
        "joint": (3, 12, 6),
        "social": (3, 8, 4),
        "school": (6, 25, 14),
        "independent_school": (10, 40, 24),
        "private_school": (4, 10, 6),
        "retirees": (20, 45, 30),
        "hospital": (10, 30, 18),
        "health": (6, 20, 10),
        "state_enterprise": (10, 40, 22),
    },
    group_at=36,
)


def rng_for(seed: int, label: str) -> random.Random:
    """A generator of its own for each county, so the county scale equals that county in the city."""
    return random.Random(f"dangjian-seed:{seed}:{label}")


def faker_for(rng: random.Random) -> Faker:
    faker = Faker("zh_CN")
    faker.seed_instance(rng.getrandbits(64))
    return faker


class CountyBuilder:
    """Builds the plan of one county under `parent` (None: the county is the root of the tree)."""

    def __init__(self, *, seed, name, area_code, shape, today, used_ids, parent=None):
        self.rng = rng_for(seed, area_code)
        self.people = PersonFactory(self.rng, faker_for(self.rng), area_code, today, used_ids)
        self.county = name
        self.area_code = area_code
        self.shape = shape
        self.today = today
        self.parent = parent
        self.planted: list[str] = []
        self.landmarks: dict[str, OrgNode] = {}

    def build(self) -> OrgNode:
        """The county's committee with every organization, member and position below it."""
        name = f"中共{self.county}委员会"
        if self.parent is None:
            root = OrgNode(self.area_code, name, Kind.COMMITTEE, Unit.GOVERNMENT, path=path_step(1))
        else:
            root = self.parent.add(name, Kind.COMMITTEE, Unit.GOVERNMENT, code=self.area_code)
        root.address = f"河北省唐山市{self.county}"
        self.landmarks["root"] = root
        towns = self._town_names()
        self._offices(root)
        self._education(root, towns)
        if self.shape.health:
            self._health(root, towns)
        if self.shape.state_enterprises:
            self._state_enterprises(root)
        if self.shape.enterprises:
            self._two_new(root, towns)
        for town in towns:
            self._town(root, town)
        self._finish(root)
        return root

    # Units --------------------------------------------------------------------------------------
    def _unit(self, department: str) -> str:
        """ "县财政局" → "丰南县财政局"."""
        return department.replace("县", self.county, 1)

    def _branch(self, parent, name, unit, size, *, kind=Kind.BRANCH, retirees=False, **fields) -> OrgNode:
        node = parent.add(name, kind, unit, retirees=retirees, **fields)
        low, high, mode = self.shape.sizes[size]
        count = round(self.rng.triangular(low, high, mode))
        node.members = [self.people.make(unit, retirees=retirees) for _ in range(count)]
        return node

    def _town_names(self) -> list[str]:
        if self.shape is DEMO:
            return list(pools.DEMO_TOWNS)
        names: list[str] = []
        while len(names) < self.shape.towns:
            head, tail = self.rng.choice(pools.TOWN_HEADS), self.rng.choice(pools.TOWN_TAILS)
            name = head + tail + ("镇" if self.rng.random() < 0.8 else "乡")
            if name not in names:
                names.append(name)
        return names

    def _offices(self, root: OrgNode) -> None:
        committee = root.add(f"中共{self.county}直属机关工作委员会", Kind.WORKING_COMMITTEE, Unit.GOVERNMENT)
        for department in pools.DEPARTMENTS[: self.shape.departments]:
            self._branch(committee, f"{self._unit(department)}党支部", Unit.GOVERNMENT, "office")

    def _education(self, root: OrgNode, towns: list[str]) -> None:
        """Modelled on the 丰南教育局 report: 党总支 for center schools, independent and 民办 branches."""
        shape = self.shape
        committee = root.add(f"中共{self.county}教育局委员会", Kind.COMMITTEE, Unit.GOVERNMENT)
        self.landmarks["education"] = committee
        self._branch(committee, f"{self.county}教育局机关党支部", Unit.GOVERNMENT, "office")
        self._branch(
            committee, f"{self.county}教育局离退休干部党支部", Unit.SCHOOL, "retirees", retirees=True
        )
        for town in towns[: shape.center_schools]:
            general = committee.add(f"{self.county}{town}中心校党总支", Kind.GENERAL_BRANCH, Unit.SCHOOL)
            count = self.rng.randint(*shape.schools_per_center)
            for school in pools.SCHOOLS_UNDER_CENTER[:count]:
                self._branch(general, f"{town}{school}党支部", Unit.SCHOOL, "school")
        for school in pools.INDEPENDENT_SCHOOLS[: shape.independent_schools]:
            self._branch(committee, f"{self._unit(school)}党支部", Unit.SCHOOL, "independent_school")
        for school in pools.PRIVATE_SCHOOLS[: shape.private_schools]:
            name = f"{self.county}{school}党支部"
            self._branch(committee, name, Unit.SCHOOL, "private_school", remarks="民办学校党支部")

    def _health(self, root: OrgNode, towns: list[str]) -> None:
        committee = root.add(f"中共{self.county}卫生健康局委员会", Kind.COMMITTEE, Unit.INSTITUTION)
        for hospital in pools.HOSPITALS:
            general = committee.add(f"{self._unit(hospital)}党总支", Kind.GENERAL_BRANCH, Unit.INSTITUTION)
            for ward in ["内科", "外科", "医技", "行政后勤"]:
                self._branch(general, f"{self._unit(hospital)}{ward}党支部", Unit.INSTITUTION, "hospital")
            name = f"{self._unit(hospital)}离退休党支部"
            self._branch(general, name, Unit.INSTITUTION, "retirees", retirees=True)
        for unit in pools.HEALTH_UNITS:
            self._branch(committee, f"{self._unit(unit)}党支部", Unit.INSTITUTION, "health")
        for town in towns:
            self._branch(committee, f"{town}卫生院党支部", Unit.INSTITUTION, "health")

    def _state_enterprises(self, root: OrgNode) -> None:
        committee = root.add(f"中共{self.county}国资委委员会", Kind.COMMITTEE, Unit.STATE_ENTERPRISE)
        for company in pools.STATE_ENTERPRISES[: self.shape.state_enterprises]:
            name = f"{self._unit(company)}党支部"
            self._branch(committee, name, Unit.STATE_ENTERPRISE, "state_enterprise")

    def _company_name(self, used: set[str]) -> str:
        while True:
            rng = self.rng
            name = self.county[:-1] + rng.choice(pools.ENTERPRISE_HEADS) + rng.choice(pools.ENTERPRISE_HEADS)
            name += rng.choice(pools.ENTERPRISE_TAILS)
            if name not in used:
                used.add(name)
                return name

    def _two_new(self, root: OrgNode, towns: list[str]) -> None:
        """非公有制经济组织和社会组织 (两新) branches under their working committee."""
        title = f"中共{self.county}非公有制经济组织和社会组织工作委员会"
        committee = root.add(title, Kind.WORKING_COMMITTEE, Unit.PRIVATE_ENTERPRISE)
        used: set[str] = set()
        for _ in range(self.shape.enterprises):
            name = f"{self._company_name(used)}党支部"
            self._branch(committee, name, Unit.PRIVATE_ENTERPRISE, "enterprise")
        for town in towns[: self.shape.joint_branches]:
            name = f"{town}非公企业联合党支部"
            self._branch(committee, name, Unit.PRIVATE_ENTERPRISE, "joint", kind=Kind.JOINT_BRANCH)
        for unit in pools.SOCIAL_ORGANIZATIONS[: self.shape.social_organizations]:
            self._branch(committee, f"{self._unit(unit)}党支部", Unit.SOCIAL_ORGANIZATION, "social")

    def _town(self, root: OrgNode, town: str) -> None:
        rng, shape = self.rng, self.shape
        committee = root.add(f"中共{self.county}{town}委员会", Kind.COMMITTEE, Unit.RURAL)
        committee.address = f"河北省唐山市{self.county}{town}"
        self.landmarks.setdefault("town", committee)
        self._branch(committee, f"{town}机关党支部", Unit.GOVERNMENT, "town_office")
        villages: list[str] = []
        while len(villages) < rng.randint(*shape.villages):
            name = rng.choice(pools.VILLAGE_HEADS) + rng.choice(pools.VILLAGE_TAILS)
            if name not in villages:
                villages.append(name)
        for village in villages:
            address = f"河北省唐山市{self.county}{town}{village}村"
            node = self._branch(committee, f"{town}{village}村党支部", Unit.RURAL, "village", address=address)
            self.landmarks.setdefault("village", node)
        for community in rng.sample(pools.COMMUNITY_NAMES, rng.randint(*shape.communities)):
            self._branch(committee, f"{town}{community}社区党支部", Unit.COMMUNITY, "community")
        used: set[str] = set()
        for _ in range(rng.randint(*shape.town_enterprises)):
            name = f"{town}{self._company_name(used)}党支部"
            self._branch(committee, name, Unit.PRIVATE_ENTERPRISE, "enterprise")

    # After every unit exists ---------------------------------------------------------------------
    def _finish(self, root: OrgNode) -> None:
        nodes = list(root.walk())
        for node in nodes:
            self._dates(node)
        self._plant_probation_overdue(nodes)
        for node in nodes:
            if node.is_branch:
                node.has_committee = len(node.full_members()) >= COMMITTEE_REQUIRED_AT
                self._groups(node)
        nodes = list(root.walk())  # now with the 党小组
        self._plant_terms(nodes)
        self._plant_ungrouped(nodes)
        skip_secretary = self._plant_missing_secretary(nodes)
        held: set[int] = set()
        for node in nodes:
            if node.is_branch:
                self._branch_positions(node, held, secretary=node is not skip_secretary)
        for node in nodes:
            if node.kind in COMMITTEE_KINDS or node.kind == Kind.GENERAL_BRANCH:
                node.has_committee = True
                self._committee_positions(node, held)

    def _dates(self, node: OrgNode) -> None:
        """成立日期 and the current 届期: committees serve 5 years, branches 3 (村/社区 5)."""
        rng = self.rng
        node.founded_on = datetime.date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28))
        if node.kind == Kind.PARTY_GROUP:
            return
        years = 5 if node.kind in COMMITTEE_KINDS or node.unit_category in LONG_TERM_CATEGORIES else 3
        start = self.today - datetime.timedelta(days=rng.randint(20, years * 365 - 20))
        node.term_started_on, node.term_ends_on = start, add_years(start, years)

    def _groups(self, branch: OrgNode) -> None:
        """Large branches are split into 党小组; every active member belongs to one."""
        active = [p for p in branch.members if p.is_active]
        if len(active) < self.shape.group_at:
            return
        count = max(2, min(5, round(len(active) / 12)))
        groups = [
            branch.add(f"{branch.name}{GROUP_NAMES[i]}党小组", Kind.PARTY_GROUP, branch.unit_category)
            for i in range(count)
        ]
        for group in groups:
            group.founded_on = branch.founded_on
        for index, person in enumerate(active):
            person.group = groups[index % count]
        for group in groups:
            leader = next((p for p in active if p.group is group and p.status == MemberStatus.FULL), None)
            if leader is not None:
                group.positions.append((leader, PositionTitle.GROUP_LEADER, branch.term_started_on))

    def _officer(self, people, held: set[int]):
        """A full member for a post: of working age by preference, and not already holding one."""
        free = [p for p in people if p.status == MemberStatus.FULL and id(p) not in held]
        preferred = [p for p in free if 28 <= p.age_on(ANCHOR) <= 60 and p.category != MemberCategory.RETIRED]
        pool = preferred or free
        if not pool:
            return None
        person = self.rng.choice(pool)
        held.add(id(person))
        return person

    def _post(self, node: OrgNode, person, title: str) -> None:
        """A post from the start of the current 届期, or of the one before when the committee was
        elected less than about a year ago (most of a committee is re-elected): so that a year of
        支委会 before a recent 换届 still has a committee in office to expect."""
        since = node.term_started_on
        if (self.today - since).days < 400:
            since = add_years(since, -(node.term_ends_on.year - node.term_started_on.year))
        started = max(since, person.confirmed_on or person.joined_on)
        node.positions.append((person, title, started))

    def _branch_positions(self, branch: OrgNode, held: set[int], *, secretary: bool) -> None:
        titles = [PositionTitle.SECRETARY] if secretary else []
        full = len(branch.full_members())
        if branch.has_committee:
            titles += [PositionTitle.ORGANIZATION_MEMBER, PositionTitle.PROPAGANDA_MEMBER]
            if full >= 15:
                titles.append(PositionTitle.DISCIPLINE_MEMBER)
            if full >= 30:
                titles.insert(1, PositionTitle.DEPUTY_SECRETARY)
        for title in titles:
            person = self._officer(branch.members, held)
            if person is None:
                return
            self._post(branch, person, title)
            job = pools.SECRETARY_JOB_TITLES.get(branch.unit_category)
            if title == PositionTitle.SECRETARY and job and person.category != MemberCategory.RETIRED:
                person.job_title = job

    def _committee_positions(self, node: OrgNode, held: set[int]) -> None:
        """A 党委/党工委/党总支 draws its committee from the members of the branches below it."""
        branches = [child for child in node.walk() if child.is_branch]
        offices = [branch for branch in branches if branch.unit_category == Unit.GOVERNMENT]
        people = [p for branch in (offices or branches)[:3] for p in branch.members]
        titles = [
            PositionTitle.SECRETARY,
            PositionTitle.DEPUTY_SECRETARY,
            PositionTitle.ORGANIZATION_MEMBER,
            PositionTitle.PROPAGANDA_MEMBER,
            PositionTitle.DISCIPLINE_MEMBER,
        ]
        if node.kind != Kind.GENERAL_BRANCH:
            titles += [PositionTitle.COMMITTEE_MEMBER] * self.rng.randint(0, 2)
        for title in titles:
            person = self._officer(people, held)
            if person is None:
                return
            self._post(node, person, title)
            if title == PositionTitle.SECRETARY:
                person.job_title = {
                    Kind.COMMITTEE: "党委书记",
                    Kind.WORKING_COMMITTEE: "党工委书记",
                    Kind.GENERAL_BRANCH: "党总支书记",
                }.get(node.kind, person.job_title)

    # Records the 体检 (data-quality) page should find --------------------------------------------------
    def _villages(self, nodes):
        return [n for n in nodes if n.is_branch and n.unit_category == Unit.RURAL]

    def _plant_probation_overdue(self, nodes) -> None:
        village = self._villages(nodes)[-1]
        full = [p for p in village.members if p.status == MemberStatus.FULL]
        person = next((p for p in full if p.age_on(ANCHOR) < 45), full[0])
        person.status = MemberStatus.PROBATIONARY
        person.joined_on = self.today - datetime.timedelta(days=430)
        person.confirmed_on = None
        self.planted.append(f"{village.name} {person.name}：预备期已满仍为预备党员")

    def _plant_missing_secretary(self, nodes) -> OrgNode:
        village = self._villages(nodes)[-2]
        self.planted.append(f"{village.name}：未登记书记")
        return village

    def _plant_terms(self, nodes) -> None:
        """One 届期 already over; a few ending within three and six months (so reminders show)."""
        villages = self._villages(nodes)
        expired = villages[-3]
        ended = self.today - datetime.timedelta(days=40)
        expired.term_started_on, expired.term_ends_on = add_years(ended, -5), ended
        self.planted.append(f"{expired.name}：任期已于{ended}届满")
        for node, days in [(villages[1], 50), (villages[2], 80), (villages[3], 130), (villages[4], 160)]:
            node.term_ends_on = self.today + datetime.timedelta(days=days)
            node.term_started_on = add_years(node.term_ends_on, -5)

    def _plant_ungrouped(self, nodes) -> None:
        branch = next((n for n in nodes if n.children and n.children[0].kind == Kind.PARTY_GROUP), None)
        if branch is None:
            return
        person = next(p for p in reversed(branch.members) if p.group is not None)
        person.group = None
        self.planted.append(f"{branch.name} {person.name}：所在党支部设有党小组，但未编入党小组")


def county_plan(scale: str, seed: int, today: datetime.date) -> Plan:
    """One county as the whole tree: about 600 members (demo) or 1,000 branches and 30,000 (county)."""
    name, code = pools.COUNTIES[0]
    shape = DEMO if scale == "demo" else COUNTY
    builder = CountyBuilder(seed=seed, name=name, area_code=code, shape=shape, today=today, used_ids=set())
    root = builder.build()
    return Plan(scale, seed, root, builder.planted, builder.landmarks)


def city_counties(seed: int, today: datetime.date):
    """The 市委 root (without members) and a generator building its counties one at a time.

    Counties are yielded as they are built so the writer can store each and free its members:
    a whole city (300,000 people) never sits in memory at once.
    """
    city, code = pools.CITY
    root = OrgNode(code, f"中共{city}委员会", Kind.COMMITTEE, Unit.GOVERNMENT, path=path_step(1))
    root.address = f"河北省{city}"
    counties = sorted(pools.COUNTIES, key=lambda county: county[1])
    used_ids: set[str] = set()

    def build():
        for name, area_code in counties:
            builder = CountyBuilder(
                seed=seed,
                name=name,
                area_code=area_code,
                shape=COUNTY,
                today=today,
                used_ids=used_ids,
                parent=root,
            )
            yield builder.build(), builder.planted

    return root, len(counties), build()
