"""The plan of a seeded tree: organizations with treebeard paths, their members and positions.

Planning is pure Python (no database), so the same seed always gives the same plan and tests can
compare plans without writing them.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from dangjian.members.choices import MemberStatus
from dangjian.organizations.choices import BRANCH_KINDS, OrganizationKind

from .people import Person

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
COMMITTEE_REQUIRED_AT = 7  # ≥7 full members → a 支部委员会 (支部工作条例第六章)


def path_step(number: int) -> str:
    """treebeard's step for the `number`-th child (1-based): base 36, zero-padded to STEPLEN."""
    if not 0 < number < len(ALPHABET) ** STEPLEN:
        raise ValueError(f"child number {number} does not fit in {STEPLEN} characters")
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


@dataclass(eq=False)
class OrgNode:
    """One organization to be written, with its place in the tree already computed."""

    code: str
    name: str
    kind: str
    unit_category: str
    path: str
    founded_on: datetime.date | None = None
    term_started_on: datetime.date | None = None
    term_ends_on: datetime.date | None = None
    has_committee: bool = False
    address: str = ""
    remarks: str = ""
    retirees: bool = False  # a 离退休 branch: its members are retired
    children: list["OrgNode"] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)
    # (person, title, started_on): posts held in this organization's committee or as group leader
    positions: list[tuple[Person, str, datetime.date]] = field(default_factory=list)
    instance: Any = None  # the saved Organization

    @property
    def depth(self) -> int:
        return len(self.path) // STEPLEN

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def add(self, name: str, kind: str, unit_category: str, *, code: str = "", **fields) -> "OrgNode":
        """Append a child; children are added in code order, so paths and codes sort alike."""
        number = len(self.children) + 1
        width = 2 if kind == OrganizationKind.PARTY_GROUP else 3
        child = OrgNode(
            code=code or f"{self.code}{number:0{width}d}",
            name=name,
            kind=kind,
            unit_category=unit_category,
            path=self.path + path_step(number),
            **fields,
        )
        self.children.append(child)
        return child

    def walk(self):
        """This node and every node below it, parents before children (path order)."""
        yield self
        for child in self.children:
            yield from child.walk()

    def full_members(self) -> list[Person]:
        return [p for p in self.members if p.status == MemberStatus.FULL]


@dataclass
class Plan:
    """A whole seeded tree: one root (the 县委 or 市委) and what the seed run should report."""

    scale: str
    seed: int
    root: OrgNode
    # Deliberately inconsistent records, described for the operator (the 体检 page shows them).
    planted: list[str] = field(default_factory=list)
    # Named nodes the demo users are granted on: root, education, town, village.
    landmarks: dict[str, OrgNode] = field(default_factory=dict)

    def nodes(self):
        return self.root.walk()

    def people(self):
        for node in self.nodes():
            yield from node.members
