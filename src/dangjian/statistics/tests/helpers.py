"""Checks every statistics test applies to every table: rows and columns add up, balances hold, and each
count cell lists exactly the records it counts."""

from dangjian.statistics.engine import cell_records
from dangjian.statistics.layout import TOTAL


def assert_adds_up(table) -> None:
    """Each row: every partition group sums to the total column; each column: the rows sum to 总计."""
    body = [row for row in table.rows if row.key != TOTAL]
    for column in table.columns:
        total = table.value(TOTAL, column.key)
        parts = sum(table.value(row.key, column.key) for row in body)
        assert parts == total, f"{table.title} {column.label}: rows {parts} ≠ 总计 {total}"
    for row in table.rows:
        for name, columns in table.partitions().items():
            parts = sum(table.value(row.key, c.key) for c in columns)
            total = table.value(row.key, TOTAL)
            assert parts == total, f"{table.title} {row.label} {name}: {parts} ≠ {total}"
        if table.balance:
            _label, terms, result = table.balance
            computed = sum(sign * table.value(row.key, key) for sign, key in terms)
            assert computed == table.value(row.key, result), f"{table.title} {row.label}: balance"


def assert_traced(table, organization, day, start=None) -> int:
    """Every count cell (every nonzero one, and the whole total row) lists as many records as it counts;
    returns how many cells were checked."""
    checked = 0
    for row in table.rows:
        for column in table.columns:
            value = table.value(row.key, column.key)
            if column.measure != "n" or (row.key != TOTAL and not value):
                continue
            _kind, records = cell_records(organization, day, start, table.key, row.key, column.key)
            assert records.count() == value, f"{table.title} {row.label} {column.label}"
            checked += 1
    return checked
