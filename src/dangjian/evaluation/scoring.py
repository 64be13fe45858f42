"""The scoring engine: points of an item, a unit's final item points, and a whole assessment at once.

Computed items read the computed-sources registry of the targets app (`targets/sources.py`): each source
is called ONCE for all units of the assessment (its batch form per group of siblings), never per unit per
item, and items sharing a source share the call. Assessor scores, reconciled values and appeal decisions
are read in one query for all units. Sources whose values can be traced to records (the evaluation's own
`sources.py`) also return the record ids counted.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .choices import ComputeRule, ScoreSource, ScoringMethod

PLACES = Decimal("0.01")
ZERO = Decimal("0")


def q(value) -> Decimal:
    return Decimal(value).quantize(PLACES, rounding=ROUND_HALF_UP)


def points_for(item, value: Decimal | None) -> Decimal:
    """Points of `item` for a computed value or a number of occurrences (None: nothing counted → 0, except
    deductions: no occurrence means no deduction)."""
    if item.method == ScoringMethod.DEDUCTION or item.rule == ComputeRule.PER_OCCURRENCE:
        return deduct(item, value or ZERO)
    if value is None:
        return ZERO
    if item.rule == ComputeRule.THRESHOLD:
        return q(item.points) if value >= item.threshold else ZERO
    if item.rule == ComputeRule.PROPORTIONAL:
        return q(min(item.points, item.points * value / item.threshold))
    return ZERO


def deduct(item, occurrences: Decimal) -> Decimal:
    """Full points less `per_occurrence` each time, never below the item's floor."""
    return q(max(item.floor, item.points - item.per_occurrence * occurrences))


def final_points(item, marks, threshold: Decimal) -> tuple[Decimal | None, bool]:
    """(final points, in conflict) of one unit's item from its (source, points) marks.

    An appeal decision wins, then a reconciled value, then (computed items) the computed points; otherwise
    the average of the assessors, in conflict when they differ by more than `threshold`.
    """
    appeal = reconciled = computed = None
    assessed = []
    for source, points in marks:
        if source == ScoreSource.ASSESSOR:
            if points is not None:
                assessed.append(points)
        elif source == ScoreSource.APPEAL:
            appeal = points
        elif source == ScoreSource.RECONCILED:
            reconciled = points
        elif source == ScoreSource.COMPUTED:
            computed = points
    if appeal is not None or reconciled is not None:
        return (appeal if appeal is not None else reconciled), False
    if item.method == ScoringMethod.COMPUTED:
        return computed, False
    if not assessed:
        return None, False
    if len(assessed) == 1:
        return assessed[0], False
    return q(sum(assessed) / len(assessed)), max(assessed) - min(assessed) > threshold


@dataclass
class UnitResult:
    """One unit's outcome: total, per-item final points, conflicts."""

    unit_id: int
    total: Decimal = ZERO
    items: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def computed_values(items, units, year: int) -> dict:
    """{source key: {organization id: (value, record ids)}} — one registry call per source."""
    from dangjian.targets.sources import SOURCES

    from .sources import TRACED

    organizations = [unit.organization for unit in units]
    found = {}
    for key in {item.source_key for item in items if item.method == ScoringMethod.COMPUTED}:
        if key in TRACED:
            found[key] = TRACED[key](organizations, year)
        else:
            found[key] = {pk: (value, []) for pk, value in SOURCES[key].values(organizations, year).items()}
    return found


def computed_marks(assessment, items, units) -> dict[tuple[int, int], tuple]:
    """{(unit id, item id): (value, points, record ids)} of every unit × computed item."""
    values = computed_values(items, units, assessment.year)
    found = {}
    for item in items:
        if item.method != ScoringMethod.COMPUTED:
            continue
        by_org = values[item.source_key]
        for unit in units:
            value, record_ids = by_org.get(unit.organization_id, (None, []))
            found[(unit.pk, item.pk)] = (value, points_for(item, value), record_ids)
    return found


def computed_rows(assessment, items, units) -> list:
    """Unsaved COMPUTED ItemScore rows for every unit × computed item, with links to the evidence."""
    from dangjian.targets.sources import SOURCES

    from .models import ItemScore

    marks = computed_marks(assessment, items, units)
    urls, rows = {}, []
    for item in items:
        if item.method != ScoringMethod.COMPUTED:
            continue
        source = SOURCES[item.source_key]
        for unit in units:
            value, points, record_ids = marks[(unit.pk, item.pk)]
            if (item.source_key, unit.pk) not in urls:  # some links cost a query: once per source and unit
                urls[(item.source_key, unit.pk)] = source.url(unit.organization, assessment.year)[:500]
            rows.append(
                ItemScore(
                    unit=unit,
                    item=item,
                    source=ScoreSource.COMPUTED,
                    value=value,
                    points=points,
                    evidence_url=urls[(item.source_key, unit.pk)],
                    record_ids=record_ids,
                    comment=f"{source.label}：{'无记录' if value is None else f'{value}{source.unit}'}",
                )
            )
    return rows


def results(assessment, units=None, items=None, computed=None) -> dict[int, UnitResult]:
    """{unit id: UnitResult} from the stored scores, in one query for all units; `computed` (the
    marks from `computed_marks`) replaces the stored computed scores."""
    from .models import ItemScore

    subset = units is not None
    units = list(units if subset else assessment.units.all())
    items = list(items if items is not None else assessment.version.items())
    rows = defaultdict(list)
    scores = ItemScore.objects.filter(unit__assessment=assessment).counted(assessment)
    scores = scores.exclude(source=ScoreSource.SELF)
    if subset:
        scores = scores.filter(unit__in=[unit.pk for unit in units]) if len(units) <= 1000 else scores
    if computed is not None:
        scores = scores.exclude(source=ScoreSource.COMPUTED)
    for unit_id, item_id, source, points in scores.values_list("unit_id", "item_id", "source", "points"):
        rows[(unit_id, item_id)].append((source, points))
    for (unit_id, item_id), (_, points, _) in (computed or {}).items():
        rows[(unit_id, item_id)].append((ScoreSource.COMPUTED, points))
    found = {}
    for unit in units:
        result = UnitResult(unit.pk)
        for item in items:
            points, conflict = final_points(
                item, rows.get((unit.pk, item.pk), []), assessment.conflict_threshold
            )
            result.items[item.pk] = points
            if conflict:
                result.conflicts.append(item.pk)
            if points is None:
                result.missing.append(item.pk)
            else:
                result.total += points
        result.total = q(result.total)
        found[unit.pk] = result
    return found


def score(assessment, units=None) -> dict[int, UnitResult]:
    """Score a whole assessment (all units × all items) afresh: computed items from the records (one
    source call each), the rest from the stored scores (one query); nothing is written."""
    units = list(units if units is not None else assessment.units.select_related("organization"))
    items = list(assessment.version.items())
    fresh = computed_marks(
        assessment, [item for item in items if item.method == ScoringMethod.COMPUTED], units
    )
    return results(assessment, units, items, computed=fresh)


def ranks(totals: dict[int, Decimal]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) of {key: total}, highest first."""
    ordered = sorted(totals.items(), key=lambda pair: -pair[1])
    found, previous, rank = {}, None, 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        found[key] = rank
    return found
