"""Timing of the 党内统计 tables, called by the reports bench (`dangjian bench reports`); not registered
here.

Ours: every table of the root's subtree, a fixed number of grouped queries. Theirs: the same tables
summed from each organization's own records (汇总 organization by organization: every source's grouped
query filtered to the one organization, as a system that fills each unit's report and adds them up
does). Both must give the same values; the bench asserts it before timing.
"""

from datetime import date

from django.utils import timezone

from dangjian.core.bench import BenchRun, PeakRss
from dangjian.core.tree import subtree_q
from dangjian.organizations.models import Organization

from .engine import SOURCES, Params, compute_tables, default_day, layouts

TARGET_MS = 2000
TARGET_SPEEDUP = 10
# The loop runs about 0.1 s per organization (four big queries each): it is compared on a subtree of at
# most this many organizations (the first town or county down the tree), the figure on the whole root.
LOOP_MAX_ORGANIZATIONS = 500
# How each source's records reach the one organization they belong to (the summing key of the loop).
OWN_ORGANIZATION = {
    "members": "organization",
    "organizations": "pk",
    "reviews": "round__organization",
    "training": "session__course__organization",
}


def snapshot(tables) -> dict:
    """{(table, row, column): value} of the nonzero cells: what both ways must agree on."""
    return {
        (t.key, row.key, column.key): t.value(row.key, column.key)
        for t in tables
        for row in t.rows
        for column in t.columns
        if t.value(row.key, column.key)
    }


def per_organization_tables(root, day: date, start: date | None = None):
    """The baseline: for every organization of the subtree, each source's grouped query over that
    organization's own records; the groups of all organizations are then filled into the tables."""
    p = Params(root, day, start or date(day.year, 1, 1))
    tables = layouts(p)
    organizations = list(
        Organization.objects.filter(subtree_q(root.path)).order_by("path").values_list("pk", flat=True)
    )
    for name, source in SOURCES.items():
        groups = []
        base, dims = source.build(p)
        for pk in organizations:
            own = base.annotate(**dims).filter(**{OWN_ORGANIZATION[name]: pk}).order_by()
            groups += list(own.values(*dims).annotate(**source.measures()))
        for table in tables:
            if table.source == name:
                table.fill(groups)
    return tables


def comparison_root(root):
    """The first subtree down from `root` (first children) with at most LOOP_MAX_ORGANIZATIONS."""
    node = root
    while Organization.objects.filter(subtree_q(node.path)).count() > LOOP_MAX_ORGANIZATIONS:
        child = Organization.objects.filter(depth=node.depth + 1, path__startswith=node.path).order_by("path")
        node = child.first()
        if node is None:
            break
    return node or root


def measure_tables(run: BenchRun, root=None, day: date | None = None) -> None:
    """Figures `statistics_all_tables_p50` (ms, target 2 s, the whole root) and peak memory, and the
    comparison with the per-organization loop on the same subtree (the first one down the tree with at
    most LOOP_MAX_ORGANIZATIONS organizations; the loop runs once)."""
    root = root or Organization.objects.filter(depth=1).order_by("path").first()
    day = day or default_day(timezone.localdate())
    with PeakRss() as memory:
        ours = run.timed(lambda: snapshot(compute_tables(root, day, prune=False)))
    sample = comparison_root(root)
    size = Organization.objects.filter(subtree_q(sample.path)).count()
    same = run.timed(lambda: snapshot(compute_tables(sample, day, prune=False)))
    theirs = run.timed(lambda: snapshot(per_organization_tables(sample, day)), 1)
    if same.result != theirs.result:
        raise AssertionError("statistics tables: the grouped queries and the per-organization loop disagree")
    members = ours.result.get(("members", "total", "total"), 0)
    organizations = ours.result.get(("organizations", "total", "total"), 0)
    run.log(
        f"党内统计 {root.name} {day}: 党员{members}名、党组织{organizations}个、{len(ours.result)}个非零格"
    )
    run.figure("statistics_all_tables_p50", ours.median, "ms", target=TARGET_MS)
    run.figure("statistics_all_tables_peak_rss_mb", memory.peak, "MB")
    run.compare(
        "statistics_all_tables_subtree",
        same.median,
        theirs.median,
        "ms",
        baseline=f"per-organization ORM loop (each source's grouped query per organization, summed), "
        f"both on {sample.name} ({size} organizations)",
        target_speedup=TARGET_SPEEDUP,
    )
