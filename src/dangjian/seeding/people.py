"""Synthetic 党员: names, ages, 身份证号 and careers that agree with each other and with their unit."""

import datetime
from dataclasses import dataclass
from typing import Any

from dangjian.core.validators import make_id_number
from dangjian.members.choices import ETHNICITY_BY_NAME, HAN, MemberCategory, MemberStatus, Sex
from dangjian.organizations.choices import UnitCategory

from . import pools

# People's histories (birth, joining, 转正) are dated from a fixed day, so a seed gives the same
# 身份证号 on any day; only "live" dates (probation, terms, grant expiry) follow today.
ANCHOR = datetime.date(2026, 1, 1)
PROBATIONARY_SHARE = 0.1  # of working members under 50: about 3 % of all members
LEAVING = [
    # (status, share, reason)
    (MemberStatus.DECEASED, 0.004, "因病去世"),
    (MemberStatus.TRANSFERRED_OUT, 0.003, "工作调动，组织关系转往外省"),
    (MemberStatus.LEFT, 0.0004, "长期不参加组织生活，经支部党员大会讨论予以除名"),
    (MemberStatus.SUSPENDED, 0.0004, "出国（境）定居，停止党籍"),
]
OTHER_NATIVE_PLACES = ["天津", "北京", "山东", "辽宁", "河南", "山西", "黑龙江", "吉林", "内蒙古"]


def add_years(day: datetime.date, years: int) -> datetime.date:
    """`day` moved by whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(eq=False)
class Person:
    """One member to be written: the Member's fields, plus where they sit in the plan."""

    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    ethnicity: str
    native_place: str
    education: str
    category: str
    job_title: str
    phone: str
    joined_on: datetime.date
    confirmed_on: datetime.date | None
    status: str = MemberStatus.FULL
    status_changed_on: datetime.date | None = None
    status_reason: str = ""
    is_mobile: bool = False
    is_unreachable: bool = False
    remarks: str = ""
    group: Any = None  # the 党小组 OrgNode, if any
    instance: Any = None  # the saved Member

    @property
    def is_active(self) -> bool:
        return self.status in (MemberStatus.FULL, MemberStatus.PROBATIONARY)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PersonFactory:
    """Makes Persons from one `random.Random` and one seeded Faker, so a seed replays exactly."""

    def __init__(self, rng, faker, area_code: str, today: datetime.date, used_ids: set[str]):
        self.rng = rng
        self.faker = faker
        self.area_code = area_code
        self.today = today
        self.used_ids = used_ids
        self.minorities = list(pools.MINORITY_WEIGHTS)
        self.minority_weights = list(pools.MINORITY_WEIGHTS.values())

    def make(self, unit: str, *, retirees: bool = False) -> Person:
        """A member of a branch of unit category `unit` (a 离退休 branch when `retirees`)."""
        rng = self.rng
        weights = pools.RETIREE_BRANCH_WEIGHTS if retirees else pools.CATEGORY_WEIGHTS[unit]
        category = self._weighted(weights)
        male = rng.random() < pools.MALE_SHARE.get(category, pools.DEFAULT_MALE_SHARE)
        sex = Sex.MALE if male else Sex.FEMALE
        age = self._age(category, male)
        birth = ANCHOR - datetime.timedelta(days=365 * age + rng.randrange(365))
        person = Person(
            name=self._name(male, birth.year),
            sex=sex,
            birth_date=birth,
            id_number=self._id_number(birth, sex),
            ethnicity=self._ethnicity(),
            native_place="河北唐山" if rng.random() < 0.85 else rng.choice(OTHER_NATIVE_PLACES),
            education=self._education(category, age),
            category=category,
            job_title=self._job_title(category, unit),
            phone=self._phone(age),
            joined_on=birth,  # set below
            confirmed_on=None,
        )
        self._career(person, age)
        self._flags(person, unit)
        return person

    # Parts of a person ------------------------------------------------------------------------
    def _weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _age(self, category: str, male: bool) -> int:
        mean, sd, low, high = pools.AGE_SHAPE.get(category, pools.WORKING_AGE_SHAPE)
        if not male and category not in pools.AGE_SHAPE:
            high = min(high, 57)  # women retire earlier
        return max(low, min(high, round(self.rng.gauss(mean, sd))))

    def _name(self, male: bool, birth_year: int) -> str:
        faker = self.faker
        given = faker.first_name_male() if male else faker.first_name_female()
        if len(given) == 1 and self.rng.random() < 0.5:
            decade = max(1930, min(2000, birth_year // 10 * 10))
            given = self.rng.choice(pools.GENERATION_CHARS[decade]) + given
        return faker.last_name() + given

    def _id_number(self, birth: datetime.date, sex: str) -> str:
        rng = self.rng
        area = self.area_code if rng.random() < 0.85 else rng.choice(pools.NEIGHBOUR_AREA_CODES)
        while True:
            number = make_id_number(birth, sex, area_code=area, rng=rng)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _ethnicity(self) -> str:
        if self.rng.random() >= pools.MINORITY_SHARE:
            return HAN
        name = self.rng.choices(self.minorities, weights=self.minority_weights)[0]
        return ETHNICITY_BY_NAME[name]

    def _education(self, category: str, age: int) -> str:
        weights = pools.EDUCATION_WEIGHTS.get(category, pools.EDUCATION_WEIGHTS[MemberCategory.OTHER])
        education = self._weighted(weights)
        if age >= 70 and education == "postgraduate":
            education = "bachelor"  # few graduate degrees among those born before 1956
        return education

    def _job_title(self, category: str, unit: str) -> str:
        titles = pools.JOB_TITLES.get((category, unit)) or pools.JOB_TITLES[category]
        return self.rng.choice(titles)

    def _phone(self, age: int) -> str:
        rng = self.rng
        if age > 75 and rng.random() < 0.3:
            return ""  # some of the oldest members have no mobile of their own
        return rng.choice(pools.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    def _career(self, person: Person, age: int) -> None:
        """入党 at 18 or later, 转正 a year after; a few are 预备 now, a few have left."""
        rng = self.rng
        adult = add_years(person.birth_date, 18)
        if age < 50 and person.category != MemberCategory.RETIRED and rng.random() < PROBATIONARY_SHARE:
            person.status = MemberStatus.PROBATIONARY
            person.joined_on = max(adult, self.today - datetime.timedelta(days=rng.randint(20, 340)))
            return
        mean = 30 if person.category in (MemberCategory.FARMER, MemberCategory.OTHER) else 26
        join_age = max(18.0, min(age - 1.2, rng.gauss(mean, 5)))
        joined = person.birth_date + datetime.timedelta(days=int(join_age * 365.25))
        latest = ANCHOR - datetime.timedelta(days=400)
        person.joined_on = max(adult, min(joined, latest))
        person.confirmed_on = add_years(person.joined_on, 1)
        roll = rng.random()
        for status, share, reason in LEAVING:
            if roll < share:
                person.status = status
                person.status_changed_on = ANCHOR - datetime.timedelta(days=rng.randint(30, 900))
                person.status_reason = reason
                break
            roll -= share

    def _flags(self, person: Person, unit: str) -> None:
        rng = self.rng
        if not person.is_active:
            return
        mobile_share = 0.05 if unit in (UnitCategory.RURAL, UnitCategory.COMMUNITY) else 0.01
        if person.age_on(ANCHOR) < 60 and rng.random() < mobile_share:
            person.is_mobile = True
            person.remarks = "外出务工，现居" + rng.choice(["北京", "天津", "唐山市区", "石家庄", "廊坊"])
        elif rng.random() < 0.003:
            person.is_unreachable = True
            person.remarks = "多方联系未果"
