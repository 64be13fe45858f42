"""Reproducible stratified sampling for inspections (抽查): people, their notes and reflections, activities.

Each unit is a stratum covering its whole subtree (one indexed path range). A draw is fixed by the data,
the spec and the seed, and is the same on SQLite and PostgreSQL:

- Candidates are ordered by natural keys, never by primary keys or database row order: by branch path,
  then inside a branch by (pinyin, name, birth date, 身份证号 blind index); activities by (organization
  path, date, type, start time, theme). Sorting happens in Python, so no collation decides. The blind
  index is a stored column (copied with the data); its value depends on the key file, so it comes last
  and only separates namesakes born on the same day in one branch.
- Each stratum has its own `random.Random(f"{seed}:{kind}:{unit code}")`, so adding a unit does not
  reshuffle the others (a proportional total can still move their quotas).
- Ranks are drawn from a stratum's size, then found through per-branch counts: the database is asked for
  the counts of every branch (one grouped query over all units) and then only for the rows of the branches
  that hold a drawn rank, with `values_list` (no model instances). Notes are then one query over the
  drawn people. A city's 300,000 members are never loaded.
- `digest()` hashes natural keys (organization codes, names, dates, kinds), not ids, so two databases
  seeded alike print the same digest for the same seed.
"""

import hashlib
import json
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dangjian.activities.models import Activity
from dangjian.core.tree import subtree_bounds, subtree_q
from dangjian.members.models import Member, Position
from dangjian.organizations.models import Organization
from dangjian.study.choices import NoteKind
from dangjian.study.models import Note

FORMAT_VERSION = 1
ATTEMPTS = 3  # draws tried when records change in between (SampleChanged)
MANY_UNITS = 16  # above this, the units' organizations are read through one path range (`span_q`)


class SamplePopulation(models.TextChoices):
    """Whom a sample draws people from."""

    LEADING_CADRES = "leading_cadres", "领导干部"  # holding a current 书记/副书记/委员 post
    MEMBERS = "members", "党员"


class SampleChanged(RuntimeError):
    """The records changed between the counting and the fetching of one draw: draw again."""


COUNT_LABELS = {
    "per_unit": "每单位抽取人数",
    "total": "抽取总人数",
    "activities_per_unit": "每单位抽查组织生活次数",
}


@dataclass(frozen=True)
class SampleSpec:
    """What to draw from each unit: people (a quota per unit or a total allocated in proportion), their
    notes and reflections written in the period, and activities of the unit's subtree held in the period.

    A missing `notes_from`/`notes_to` leaves that end of the period open. `as_of` is the day the posts of
    leading cadres are current on (the draw records today when it is not given, so a stored draw is
    reproduced on the same posts).
    """

    population: str
    per_unit: int | None = None
    total: int | None = None
    notes_from: date | None = None
    notes_to: date | None = None
    activities_per_unit: int = 0
    as_of: date | None = None

    def __post_init__(self):
        if self.population not in SamplePopulation.values:
            raise ValueError(f"抽样对象须为{'、'.join(SamplePopulation.values)}之一。")
        if (self.per_unit is None) == (self.total is None):
            raise ValueError("每单位抽取人数和抽取总人数须填写且只填写一项。")
        for name, label in COUNT_LABELS.items():
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{label}须为不小于0的整数。")
        if self.notes_from and self.notes_to and self.notes_from > self.notes_to:
            raise ValueError("抽查期间的开始日期不能晚于结束日期。")

    def as_dict(self) -> dict:
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in asdict(self).items()
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SampleSpec":
        dates = {"notes_from", "notes_to", "as_of"}
        known = {f.name for f in fields(cls)}
        return cls(
            **{
                key: date.fromisoformat(value) if key in dates and value else value
                for key, value in data.items()
                if key in known
            }
        )


@dataclass
class StratumDraw:
    """What was drawn from one unit (ids in natural-key order, the same order on every database)."""

    unit_id: int
    unit_name: str
    unit_code: str
    population: int  # people of the population in the unit's subtree
    quota: int = 0  # people to draw (capped at the population)
    people: list[int] = field(default_factory=list)  # member ids
    notes: list[int] = field(default_factory=list)  # study.Note ids of kind 学习笔记
    reflections: list[int] = field(default_factory=list)  # study.Note ids of kind 心得体会
    activities: list[int] = field(default_factory=list)  # activities.Activity ids
    activity_population: int = 0  # activities of the subtree in the period


@dataclass
class SampleDraw:
    """A whole draw: the spec (with `as_of` filled in), the seed, one stratum per unit, and the digest."""

    spec: SampleSpec
    seed: int
    strata: list[StratumDraw]
    digest_value: str = ""

    def digest(self) -> str:
        """Hex SHA-256 over the natural keys of everything drawn: the same on every database."""
        return self.digest_value

    @property
    def people_count(self) -> int:
        return sum(len(s.people) for s in self.strata)

    @property
    def notes_count(self) -> int:
        return sum(len(s.notes) for s in self.strata)

    @property
    def reflections_count(self) -> int:
        return sum(len(s.reflections) for s in self.strata)

    @property
    def activities_count(self) -> int:
        return sum(len(s.activities) for s in self.strata)

    def describe(self) -> str:
        """ "抽查6个单位36名领导干部的学习笔记327篇、心得66篇" (parts that are zero are left out)."""
        units = f"抽查{len(self.strata)}个单位"
        label = SamplePopulation(self.spec.population).label
        writings = [
            f"{name}{count}篇"
            for name, count in (("学习笔记", self.notes_count), ("心得", self.reflections_count))
            if count
        ]
        text = units
        if self.people_count:
            text += f"{self.people_count}名{label}"
            if writings:
                text += "的" + "、".join(writings)
        if self.activities_count:
            text += ("，" if self.people_count else "的") + f"组织生活{self.activities_count}次"
        if not self.people_count and not self.activities_count:
            text += "，未抽到样本"
        return text

    def to_json(self) -> dict:
        """The spec and the result as plain JSON data (for a JSONField)."""
        return {
            "version": FORMAT_VERSION,
            "seed": self.seed,
            "spec": self.spec.as_dict(),
            "digest": self.digest_value,
            "description": self.describe(),
            "strata": [asdict(stratum) for stratum in self.strata],
        }

    @classmethod
    def from_json(cls, data: dict | str) -> "SampleDraw":
        if isinstance(data, str):
            data = json.loads(data)
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"不支持的抽样记录格式：{data.get('version')!r}")
        known = {f.name for f in fields(StratumDraw)}
        strata = [StratumDraw(**{k: v for k, v in s.items() if k in known}) for s in data["strata"]]
        return cls(SampleSpec.from_dict(data["spec"]), data["seed"], strata, data["digest"])


# Allocation --------------------------------------------------------------------------------------------
def allocate(total: int, populations: Sequence[int]) -> list[int]:
    """Split `total` over strata in proportion to `populations` (largest remainder, ties to the earlier
    stratum); a stratum never gets more than its population."""
    size = sum(populations)
    if total >= size:
        return list(populations)
    floors = [total * p // size for p in populations]
    remainders = [total * p % size for p in populations]
    order = sorted(range(len(populations)), key=lambda i: (-remainders[i], i))
    for index in order[: total - sum(floors)]:
        floors[index] += 1
    return floors


def quotas(spec: SampleSpec, populations: Sequence[int]) -> list[int]:
    if spec.per_unit is not None:
        return [min(spec.per_unit, p) for p in populations]
    return allocate(spec.total, populations)


# Drawing ranks through per-branch counts ---------------------------------------------------------------
@dataclass
class Groups:
    """Candidates of one stratum counted per organization, in path order."""

    org_ids: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(self.counts)

    def locate(self, ranks: Sequence[int]) -> dict[int, list[int]]:
        """{organization id: offsets inside it} of the given ranks of the whole stratum."""
        ends = list(accumulate(self.counts))
        found = defaultdict(list)
        for rank in ranks:
            index = bisect_right(ends, rank)
            found[self.org_ids[index]].append(rank - (ends[index] - self.counts[index]))
        return found


def organizations_of(units: Sequence[Organization]) -> dict[int, tuple[str, str, int]]:
    """{id: (path, code, index of its unit)} of every organization in the units' subtrees (one query),
    in path order (sorted here: no collation decides)."""
    rows = Organization.objects.filter(span_q(units, "path")).order_by().values_list("pk", "path", "code")
    starts = [unit.path for unit in units]
    found = {}
    for pk, path, code in sorted(rows, key=itemgetter(1)):
        index = _unit_index(starts, path)
        if index is not None:
            found[pk] = (path, code, index)
    return found


def _unit_index(starts: list[str], path: str) -> int | None:
    """Index of the unit whose subtree holds `path` (`starts`: the units' paths, sorted and disjoint)."""
    index = bisect_right(starts, path) - 1
    return index if index >= 0 and path.startswith(starts[index]) else None


def grouped_counts(queryset, units: Sequence[Organization], orgs: dict) -> list[Groups]:
    """One grouped query: the candidates of every unit counted per organization, split by unit.

    Grouped by the organization id alone (no join): the paths come from `orgs`; organizations that are
    not in `orgs` (between the units, when read through `span_q`) are left out.
    """
    counted = dict(queryset.values_list("organization_id").annotate(n=Count("pk")).order_by())
    by_unit = [Groups() for _ in units]
    for org_id, (_path, _code, index) in orgs.items():  # in path order
        count = counted.get(org_id)
        if count:
            by_unit[index].org_ids.append(org_id)
            by_unit[index].counts.append(count)
    return by_unit


def draw_ranks(seed: int, kind: str, unit: Organization, size: int, count: int) -> list[int]:
    rng = random.Random(f"{seed}:{kind}:{unit.code}")  # noqa: S311 - sampling, not security
    return sorted(rng.sample(range(size), min(count, size)))


def natural_order(row: tuple) -> tuple:
    """Sort key of a row (id, organization id, *natural key): the natural key, empty values first, the
    id last (it only separates rows whose natural keys are equal, which the digest cannot tell apart)."""
    return (*((value is not None, value) for value in row[2:]), row[0])


# The same order for rows whose natural key is never empty (id, organization or member id, four columns).
FOUR_COLUMN_ORDER = itemgetter(2, 3, 4, 5, 0)


def pick(
    wanted: dict[int, list[int]], rows: Sequence[tuple], expected: dict[int, int], order
) -> dict[int, list]:
    """{organization id: the rows at the wanted offsets}; rows are (id, organization id, *natural key)."""
    by_org = defaultdict(list)
    for row in rows:
        by_org[row[1]].append(row)
    picked = {}
    for org_id, offsets in wanted.items():
        candidates = sorted(by_org[org_id], key=order)
        if len(candidates) != expected[org_id]:
            raise SampleChanged("抽样期间数据发生变化，请重新抽取。")
        picked[org_id] = [candidates[offset] for offset in offsets]
    return picked


# The populations ---------------------------------------------------------------------------------------
def units_q(units: Sequence[Organization], field_name: str) -> Q:
    condition = Q(pk__in=[])
    for unit in units:
        condition |= subtree_q(unit.path, field_name)
    return condition


def span_q(units: Sequence[Organization], field_name: str) -> Q:
    """`units_q`, or for many units (sorted by path) the one range from the first to the last: cheaper
    than hundreds of ORs, but it may hold organizations between the units, which the caller drops."""
    if len(units) <= MANY_UNITS:
        return units_q(units, field_name)
    low, high = subtree_bounds(units[0].path)[0], subtree_bounds(units[-1].path)[1]
    return Q(**{f"{field_name}__range": (low, high)})


def in_units(units: Sequence[Organization]) -> Q:
    """Records of an organization in the units' subtrees (a subquery on the path index, no join)."""
    return Q(organization__in=Organization.objects.filter(units_q(units, "path")).values("pk"))


def people(spec: SampleSpec):
    """Active members; leading cadres: those holding a current committee post on `spec.as_of`."""
    members = Member.objects.active()
    if spec.population == SamplePopulation.LEADING_CADRES:
        posts = Position.objects.current(spec.as_of).committee().filter(member=OuterRef("pk"))
        members = members.filter(Exists(posts))
    return members


def people_queryset(spec: SampleSpec, units: Sequence[Organization]):
    """The population of `spec` in the units' subtrees."""
    return people(spec).filter(in_units(units))


# The blind index (a stored HMAC of the 身份证号, unique) only separates namesakes born on the same day.
class NaturalKey(NamedTuple):
    columns: tuple[str, ...]
    order: Callable[[tuple], tuple]  # sort key of a fetched row (id, organization id, *columns)


MEMBER_KEY = NaturalKey(("name_pinyin", "name", "birth_date", "id_number_index"), FOUR_COLUMN_ORDER)
ACTIVITY_KEY = NaturalKey(("held_on", "activity_type__code", "start_time", "theme"), natural_order)


def in_period(spec: SampleSpec, field_name: str) -> Q:
    condition = Q()
    if spec.notes_from:
        condition &= Q(**{f"{field_name}__gte": spec.notes_from})
    if spec.notes_to:
        condition &= Q(**{f"{field_name}__lte": spec.notes_to})
    return condition


def _draw_rows(candidates, key, units, orgs, per_unit_counts, seed, kind):
    """Draw `per_unit_counts[i]` rows of unit i: (groups per unit, rows picked per unit in rank order).

    The drawn organizations' rows are fetched by organization id alone (the units' subtree condition
    would only slow that query down).
    """
    spanned = Organization.objects.filter(span_q(units, "path")).values("pk")
    groups = grouped_counts(candidates.filter(organization__in=spanned), units, orgs)
    wanted, expected, per_unit = {}, {}, []
    for unit, unit_groups, count in zip(units, groups, per_unit_counts(groups), strict=True):
        ranks = draw_ranks(seed, kind, unit, unit_groups.size, count)
        located = unit_groups.locate(ranks)
        per_unit.append(located)
        wanted.update(located)
        expected.update(zip(unit_groups.org_ids, unit_groups.counts, strict=True))
    rows = []
    if wanted:
        chosen = candidates.filter(organization_id__in=list(wanted)).order_by()
        rows = list(chosen.values_list("pk", "organization", *key.columns))
    picked = pick(wanted, rows, expected, key.order)
    drawn = []
    for unit_groups, located in zip(groups, per_unit, strict=True):
        order = {org_id: index for index, org_id in enumerate(unit_groups.org_ids)}
        drawn.append([row for org_id in sorted(located, key=order.get) for row in picked[org_id]])
    return groups, drawn


def draw(units: Sequence[Organization], spec: SampleSpec, seed: int) -> SampleDraw:
    """Draw the sample of `spec` from `units` (disjoint subtrees) with `seed`; see the module docstring.

    Six queries whatever the size: the units' organizations, people counted per branch, the drawn
    branches' people, their notes, and (when asked for) activities counted per organization and the drawn
    organizations' activities. When records change between counting and fetching, it draws again (up
    to three times).
    """
    spec = spec if spec.as_of else replace(spec, as_of=timezone.localdate())
    units = sorted(units, key=lambda unit: unit.path)
    check_disjoint(units)
    for _attempt in range(ATTEMPTS - 1):
        try:
            return _draw(units, spec, seed)
        except SampleChanged:
            continue
    return _draw(units, spec, seed)


def _draw(units: list[Organization], spec: SampleSpec, seed: int) -> SampleDraw:
    if not units:
        return SampleDraw(spec, seed, [], _digest(spec, seed, []))
    orgs = organizations_of(units)
    groups, drawn = _draw_rows(
        people(spec),
        MEMBER_KEY,
        units,
        orgs,
        lambda groups: quotas(spec, [g.size for g in groups]),
        seed,
        "people",
    )
    strata = [
        StratumDraw(unit.pk, unit.name, unit.code, g.size, len(rows), [row[0] for row in rows])
        for unit, g, rows in zip(units, groups, drawn, strict=True)
    ]
    # (branch code, name, birth date): the blind index only orders, its value depends on the key
    person_keys = {row[0]: (orgs[row[1]][1], *_plain(row[3:5])) for rows in drawn for row in rows}
    note_keys = _add_notes(spec, strata, person_keys)
    activity_keys = _add_activities(spec, units, orgs, strata, seed)
    keys = [
        (
            stratum.unit_code,
            stratum.population,
            [person_keys[pk] for pk in stratum.people],
            note_keys[index],
            activity_keys[index],
        )
        for index, stratum in enumerate(strata)
    ]
    return SampleDraw(spec, seed, strata, _digest(spec, seed, keys))


def _add_notes(spec, strata, person_keys) -> list[list]:
    """Fill each stratum's notes and reflections (one query); their natural keys per stratum."""
    ids = [pk for stratum in strata for pk in stratum.people]
    rows = Note.objects.filter(member_id__in=ids).filter(in_period(spec, "written_on"))
    rows = rows.order_by().values_list("pk", "member_id", "kind", "written_on", "char_count", "title")
    by_member = defaultdict(list)
    for row in rows:
        by_member[row[1]].append(row)
    keys = []
    for stratum in strata:
        stratum_keys = []
        for member_id in stratum.people:
            person = person_keys[member_id]
            for pk, _member, kind, *rest in sorted(by_member[member_id], key=FOUR_COLUMN_ORDER):
                (stratum.reflections if kind == NoteKind.REFLECTION else stratum.notes).append(pk)
                stratum_keys.append((person, kind, *_plain(rest)))
        keys.append(stratum_keys)
    return keys


def _add_activities(spec, units, orgs, strata, seed) -> list[list]:
    """Fill each stratum's activities (standing ones held in the period); their natural keys."""
    if not spec.activities_per_unit:
        return [[] for _ in strata]
    groups, drawn = _draw_rows(
        Activity.objects.current().filter(in_period(spec, "held_on")),
        ACTIVITY_KEY,
        units,
        orgs,
        lambda groups: [min(spec.activities_per_unit, g.size) for g in groups],
        seed,
        "activities",
    )
    keys = []
    for stratum, g, rows in zip(strata, groups, drawn, strict=True):
        stratum.activity_population = g.size
        stratum.activities = [row[0] for row in rows]
        keys.append([(orgs[row[1]][1], *_plain(row[2:])) for row in rows])
    return keys


def check_disjoint(units: Sequence[Organization]) -> None:
    """Units are strata: none may lie inside another (`units` sorted by path)."""
    for outer, inner in zip(units, units[1:], strict=False):
        if inner.path.startswith(outer.path):
            raise ValueError(f"抽查单位不能相互包含：{inner.name}属于{outer.name}。")


def _plain(values) -> list:
    """JSON-ready natural-key values (dates and times as ISO strings)."""
    return [value.isoformat() if hasattr(value, "isoformat") else value for value in values]


def _digest(spec: SampleSpec, seed: int, keys: list) -> str:
    request = {key: value for key, value in spec.as_dict().items() if key != "as_of"}
    payload = {"version": FORMAT_VERSION, "seed": seed, "spec": request, "strata": keys}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
