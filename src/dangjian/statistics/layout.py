"""The shape of a statistics table: rows, column groups, values, and the filter each cell stands for.

A cell's value is the count (or sum) of the records of the table's source that match both its row's
and its column's `filters` (lookups on the source's annotations), so the same filters list the records a
cell counts. Rows and columns marked `optional` are left out when they count nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal

TOTAL = "total"


@dataclass(frozen=True)
class Line:
    """A row or a column: a key, a Chinese label, and the filters on the source's annotations."""

    key: str
    label: str
    filters: tuple = ()  # ((alias, value), ...)
    optional: bool = False
    measure: str = "n"

    def matches(self, group: dict) -> bool:
        return all(group[alias] == value for alias, value in self.filters)


@dataclass(frozen=True)
class ColumnGroup:
    """Columns under one merged header. Groups sharing a `partition` name add up, together, to the
    table's total column ("" = they do not: separate measures, or a "其中" column)."""

    label: str
    columns: tuple[Line, ...]
    partition: str = "self"

    @property
    def partition_key(self) -> str:
        return self.label if self.partition == "self" else self.partition


@dataclass
class Table:
    """One statistics table, filled: `values[(row key, column key)]`."""

    key: str
    number: int
    title: str
    unit: str
    row_header: str
    note: str
    rows: list[Line]  # the first is the total row (key TOTAL)
    total: Line | None  # the total column, or None when the columns are separate measures
    groups: list[ColumnGroup]
    source: str
    values: dict = field(default_factory=dict)
    traceable: bool = True
    # (label, [(sign, column key), ...], column key of the result): a row identity such as
    # 期初 + 增加 − 减少 = 期末, checked by the tests on every row.
    balance: tuple | None = None
    # Filters every cell shares: the table counts only the source's records matching them.
    where: tuple = ()

    def partitions(self) -> dict[str, list[Line]]:
        """{name: columns}: the column sets that each add up to the total column."""
        found: dict[str, list[Line]] = {}
        if self.total is not None:
            for group in self.groups:
                if group.partition_key:
                    found.setdefault(group.partition_key, []).extend(group.columns)
        return found

    @property
    def columns(self) -> list[Line]:
        head = [self.total] if self.total else []
        return head + [column for group in self.groups for column in group.columns]

    def value(self, row: str, column: str):
        return self.values.get((row, column), 0)

    def row_values(self, row: str) -> list:
        return [self.value(row, column.key) for column in self.columns]

    def find_row(self, key: str) -> Line:
        return next(row for row in self.rows if row.key == key)

    def find_column(self, key: str) -> Line:
        return next(column for column in self.columns if column.key == key)

    def fill(self, groups: list[dict]) -> None:
        """Add every grouped result row into each cell whose row and column it matches."""
        columns = self.columns
        groups = [g for g in groups if all(g[alias] == value for alias, value in self.where)]
        # Collapse the groups onto the breakdowns this table uses first (the member source groups by
        # seven of them: thousands of groups, a few hundred once collapsed).
        aliases = sorted({alias for line in [*self.rows, *columns] for alias, _value in line.filters})
        measures = {column.measure for column in columns}
        collapsed: dict[tuple, dict] = {}
        for group in groups:
            key = tuple(group[alias] for alias in aliases)
            sums = collapsed.setdefault(key, dict.fromkeys(measures, 0))
            for measure in measures:
                sums[measure] += group[measure] or 0
        groups = [{**dict(zip(aliases, key, strict=True)), **sums} for key, sums in collapsed.items()]
        for group in groups:
            for row in self.rows:
                if not row.matches(group):
                    continue
                for column in columns:
                    if column.matches(group):
                        key = (row.key, column.key)
                        self.values[key] = self.values.get(key, 0) + (group[column.measure] or 0)

    def prune(self, keep=()) -> None:
        """Leave out optional rows and columns that count nothing here (nor in the tables of `keep`)."""
        tables = [self, *keep]

        def empty_row(key):
            return all(not t.value(key, c.key) for t in tables for c in t.columns)

        def empty_column(key):
            return all(not t.value(r.key, key) for t in tables for r in t.rows)

        self.rows = [r for r in self.rows if not (r.optional and empty_row(r.key))]
        self.groups = [
            ColumnGroup(
                g.label,
                tuple(c for c in g.columns if not (c.optional and empty_column(c.key))),
                g.partition,
            )
            for g in self.groups
        ]

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "number": self.number,
            "title": self.title,
            "unit": self.unit,
            "note": self.note,
            "row_header": self.row_header,
            "columns": [
                *([{"key": self.total.key, "label": self.total.label, "group": ""}] if self.total else []),
                *[{"key": c.key, "label": c.label, "group": g.label} for g in self.groups for c in g.columns],
            ],
            "rows": [
                {"key": row.key, "label": row.label, "values": [_plain(v) for v in self.row_values(row.key)]}
                for row in self.rows
            ],
        }


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value
