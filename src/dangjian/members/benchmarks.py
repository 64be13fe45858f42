"""Benchmarks of the foundation (issue #2): member counts per tree node, pinyin search, roster import.

Run with `dangjian bench foundation --scale demo|county|city --json`; figures are recorded in
docs/benchmarks.md. Every comparison checks that ours and the baseline return the same answer first.
"""

import importlib.util
from collections import Counter

from django.db import transaction
from django.db.models import Count, Q

from dangjian.core.bench import BenchRun, PeakRss, Timing, explain_calls, register_bench
from dangjian.core.validators import make_id_number
from dangjian.organizations.models import Organization

from .choices import ACTIVE_STATUSES
from .counters import members_by_status_under
from .models import Member

COUNTS_TARGET_MS = 300
COUNTS_TARGET_SPEEDUP = 20
SEARCH_TARGET_P50_MS = 50
SEARCH_PAGE = 50
# Initials people type for common names: 张三/张帅, 王军/王静, 李明, 张建国, 李秀华, 王红, 陈亮, 刘洋…
INITIALS = ["zs", "wj", "lm", "zjg", "lxh", "wh", "cl", "ly", "zyq", "wjh"]
SEARCH_REPEATS = 5
IMPORT_ROWS = {"demo": 1_000, "county": 10_000, "city": 10_000}
IMPORT_TARGET_S = 20  # issue #2: a 10,000-row roster in under 20 s
IMPORT_AREA_CODE = "130299"  # not used by the seed, so every imported 身份证号 is new


def counts_by_organization_loop(children) -> dict[str, dict[str, int]]:
    """The baseline: for each child, one ORM count by status for every organization of its subtree."""
    result = {}
    for child in children:
        totals: Counter = Counter()
        for organization in Organization.objects.get_descendants(child, include_self=True):
            rows = (
                Member.objects.filter(organization=organization)
                .values_list("status")
                .annotate(n=Count("id"))
                .order_by()
            )
            for status, n in rows:
                totals[status] += n
        result[child.path] = dict(totals)
    return result


def search_page(scope: Organization, text: str) -> list[Member]:
    """First page of the roster search as an administrator of `scope` would get it."""
    return list(Member.objects.in_subtree(scope).search(text)[:SEARCH_PAGE])


def naive_search_page(scope: Organization, text: str) -> list[Member]:
    """The same page the usual Django way: case-insensitive `istartswith` (LIKE) on both columns."""
    text = text.lower()
    matches = Q(name_initials__istartswith=text) | Q(name_pinyin__istartswith=text)
    return list(Member.objects.in_subtree(scope).filter(matches)[:SEARCH_PAGE])


@register_bench("foundation")
def foundation(run: BenchRun) -> None:
    """Member counts per child of the root, pinyin-initials search, 10,000-row roster import."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    # At city scale an administrator of one county searches; below that the root is the county.
    county = Organization.objects.get_first_child(root) if run.scale == "city" else root
    run.log(f"{Organization.objects.count():,} organizations, {Member.objects.count():,} members")
    with PeakRss() as memory:
        _member_counts(run, root)
        _search(run, county)
    run.figure("peak_rss_mb", memory.peak, "MB")
    run.log(
        f"peak RSS of counts and search: {memory.peak:.0f} MB "
        f"({memory.start:.0f} MB at start, {memory.method})"
    )
    _import(run, county)
    if run.explain:
        _explain(run, root, county)


def _member_counts(run: BenchRun, root: Organization) -> None:
    children = list(Organization.objects.get_children(root))
    paths = [child.path for child in children]
    ours = members_by_status_under(paths)
    theirs = counts_by_organization_loop(children)
    if ours != theirs:
        raise AssertionError(
            f"members_by_status_under differs from the per-organization loop: {ours} != {theirs}"
        )
    ours_ms = run.timed(lambda: members_by_status_under(paths)).median
    theirs_ms = run.timed(lambda: counts_by_organization_loop(children)).median
    run.figure("member_counts_by_child", ours_ms, "ms", target=COUNTS_TARGET_MS)
    run.compare(
        "member_counts_by_child",
        ours_ms,
        theirs_ms,
        "ms",
        baseline="per-organization ORM loop (one grouped count query per organization of each subtree)",
        target_speedup=COUNTS_TARGET_SPEEDUP,
    )


def _search(run: BenchRun, county: Organization) -> None:
    for text in INITIALS:  # same answer, and a warm cache for both
        ours, theirs = search_page(county, text), naive_search_page(county, text)
        if [m.pk for m in ours] != [m.pk for m in theirs]:
            raise AssertionError(f"search({text!r}) differs from the istartswith baseline")
    repeats = max(run.runs, SEARCH_REPEATS)
    ours = [s for text in INITIALS for s in run.timed(lambda t=text: search_page(county, t), repeats).samples]
    theirs = [
        s
        for text in INITIALS
        for s in run.timed(lambda t=text: naive_search_page(county, t), repeats).samples
    ]
    ours_t, theirs_t = Timing(ours), Timing(theirs)
    run.figure("member_search_initials_p50", ours_t.percentile(50), "ms", target=SEARCH_TARGET_P50_MS)
    run.figure("member_search_initials_p95", ours_t.percentile(95), "ms")
    baseline = "Django istartswith on name_initials/name_pinyin (case-insensitive LIKE)"
    for percentile in (50, 95):
        run.compare(
            f"member_search_initials_p{percentile}",
            ours_t.percentile(percentile),
            theirs_t.percentile(percentile),
            "ms",
            baseline=baseline,
        )


def roster_file(county: Organization, rows: int) -> tuple[bytes, int]:
    """An .xlsx of `rows` members of `county`'s branches, each with a new 身份证号 (all rows are new)."""
    from dangjian.core import xlsx

    from .exporting import member_row
    from .importing import COLUMNS, HEADERS, SHEET_TITLE

    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(workbook, SHEET_TITLE, HEADERS)
    branch_column = [c.field for c in COLUMNS].index("organization")
    source = list(
        Member.objects.in_subtree(county)
        .filter(status__in=ACTIVE_STATUSES)
        .select_related("organization", "party_group")
        .order_by("id")[:rows]
    )
    used: set[str] = set()
    for number in range(rows):
        member = source[number % len(source)]
        member.id_number = _new_id_number(member, number, used)
        row = member_row(member, include_pi=True)
        row[branch_column] = member.organization.code
        xlsx.append_row(sheet, row)
    return xlsx.to_bytes(workbook), len(used)


def _new_id_number(member: Member, number: int, used: set[str]) -> str:
    parity = 1 if member.sex == "male" else 0
    for offset in range(500):
        seq = (number + offset) % 500 * 2 + parity
        id_number = make_id_number(member.birth_date, member.sex, area_code=IMPORT_AREA_CODE, seq=seq)
        if id_number not in used:
            used.add(id_number)
            return id_number
    raise ValueError("more than 500 people born on one day")


def _import(run: BenchRun, county: Organization) -> None:
    if importlib.util.find_spec("dangjian.members.importing") is None:
        run.log("dangjian.members.importing is not available: import figure left out")
        return
    from .importing import import_members

    content, rows = roster_file(county, IMPORT_ROWS[run.scale])

    def import_once():
        # Each run is rolled back, so every run creates the same members from an unchanged roster.
        with transaction.atomic():
            result = import_members(content, organization=county, acting_user=None, source_name="bench.xlsx")
            transaction.set_rollback(True)
        if not result.ok or result.created != rows:
            raise AssertionError(f"import failed: {result.summary()} {[str(e) for e in result.errors[:5]]}")
        return result

    with PeakRss() as memory:
        seconds = run.timed(import_once).median / 1000
    label = f"import_{rows // 1000}k_rows_s" if rows % 1000 == 0 else f"import_{rows}_rows_s"
    run.figure(label, seconds, "s", target=IMPORT_TARGET_S if rows >= 10_000 else None)
    run.figure("import_peak_rss_mb", memory.peak, "MB")


def _explain(run: BenchRun, root: Organization, county: Organization) -> None:
    """Query plans: a subtree as a range and as treebeard's LIKE, the grouped count, the search page."""
    town = Organization.objects.get_last_child(county)  # a 乡镇党委: a subtree of a few dozen nodes
    town_paths = [child.path for child in Organization.objects.get_children(town)]
    probes = {
        "subtree range (core.tree.subtree_q)": lambda: list(Organization.objects.descendants_of(town)),
        "treebeard get_descendants (LIKE)": lambda: list(Organization.objects.get_descendants(town)),
        "members of a subtree (Member.objects.in_subtree)": lambda: Member.objects.in_subtree(town).count(),
        "members_by_status_under (children of the root)": lambda: members_by_status_under(
            [child.path for child in Organization.objects.get_children(root)]
        ),
        "members_by_status_under (children of a town)": lambda: members_by_status_under(town_paths),
        "search page": lambda: search_page(county, "zs"),
        "search page, istartswith baseline": lambda: naive_search_page(county, "zs"),
    }
    for title, probe in probes.items():
        for sql, plan in explain_calls(probe):
            run.log(f"--- {title}\n{sql[:300]}\n{plan}")
