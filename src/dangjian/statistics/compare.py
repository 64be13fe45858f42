"""Two reference dates side by side: each cell's value on both dates, the change and the rate of change."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .engine import compute_tables
from .layout import Table

RATE_PLACES = Decimal("0.1")


@dataclass(frozen=True)
class Change:
    """One cell on two dates. `rate` is the change in per cent of the earlier value (None from 0)."""

    before: int | Decimal
    after: int | Decimal

    @property
    def change(self):
        return self.after - self.before

    @property
    def rate(self) -> Decimal | None:
        if not self.before:
            return None
        return (Decimal(self.change) * 100 / Decimal(self.before)).quantize(RATE_PLACES, ROUND_HALF_UP)

    def as_dict(self) -> dict:
        rate = self.rate
        return {
            "before": _plain(self.before),
            "after": _plain(self.after),
            "change": _plain(self.change),
            "rate": None if rate is None else float(rate),
        }


@dataclass
class TableComparison:
    """The layout of one table (rows and columns shown on either date) and its cells' changes."""

    table: Table
    before: Table
    changes: dict = field(default_factory=dict)

    def change(self, row: str, column: str) -> Change:
        return self.changes[(row, column)]

    def as_dict(self) -> dict:
        data = self.table.as_dict()
        for row in data["rows"]:
            row["values"] = [self.change(row["key"], c.key).as_dict() for c in self.table.columns]
        return data


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def compare_tables(organization, before: date, after: date, *, keys=None) -> list[TableComparison]:
    """Every table on `before` and on `after` (each with the calendar year of its date as the period)."""
    earlier = compute_tables(organization, before, keys=keys, prune=False)
    later = compute_tables(organization, after, keys=keys, prune=False)
    result = []
    for old, new in zip(earlier, later, strict=True):
        new.prune(keep=[old])
        comparison = TableComparison(new, old)
        for row in new.rows:
            for column in new.columns:
                comparison.changes[(row.key, column.key)] = Change(
                    old.value(row.key, column.key), new.value(row.key, column.key)
                )
        result.append(comparison)
    return result
