"""Benchmarks of study (issue #4): the study totals of the whole tree for a year.

`dangjian bench study --scale demo|county|city --json`. Ours (`totals.subtree_totals`: four grouped
queries) is compared with an honest per-organization ORM loop (three aggregate queries per organization,
summed up to the root's children); the bench checks first that both give the same answer. Also timed:
`totals.per_member` for the whole tree (what the quota rules read) and the "学完规定篇目" rates of the root's
children (`progress.subtree_progress`). At the end the originality figures are added when that app is
installed (`dangjian.originality.benchmarks.measure`).
"""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Sum
from django.utils import timezone

from dangjian.core.bench import BenchRun, PeakRss, register_bench
from dangjian.organizations.models import Organization

from .choices import NoteKind
from .models import Note, SessionAttendance
from .progress import subtree_progress
from .totals import StudyTotals, per_member, study_session_attendance, subtree_totals

TOTALS_TARGET_MS = 1000
LOOP_ONCE = {"city"}  # about 120,000 queries for a city: run once, that run is also its answer check


def per_organization_loop(
    root, first: date, last: date, children
) -> tuple[dict[int, StudyTotals], StudyTotals]:
    """The baseline: for each organization of the tree, ask the ORM for each figure, then sum up."""
    width = len(root.path) + 4
    by_path = {child.path: child.pk for child in children}
    result: dict[int, StudyTotals] = defaultdict(StudyTotals)
    total = StudyTotals()
    for org in Organization.objects.filter(path__startswith=root.path).only("pk", "path"):
        figures = StudyTotals()
        notes = Note.objects.filter(organization=org, written_on__range=(first, last))
        for kind, count, chars in (
            notes.order_by().values_list("kind").annotate(Count("id"), Sum("char_count"))
        ):
            if kind == NoteKind.REFLECTION:
                figures.reflections += count
            else:
                figures.notes += count
            figures.characters += chars or 0
        figures.course_person_times = SessionAttendance.objects.filter(
            organization=org, present=True, session__held_on__range=(first, last)
        ).count()
        figures.session_person_times = (
            study_session_attendance(first, last).filter(activity__organization=org).count()
        )
        total.add(figures)
        child = by_path.get(org.path[:width])
        if child is not None:
            result[child].add(figures)
    return dict(result), total


def answer(result) -> tuple:
    children, total = result
    return {
        key: value.as_dict() for key, value in children.items() if any(value.as_dict().values())
    }, total.as_dict()


@register_bench("study")
def study_bench(run: BenchRun) -> None:
    """Study totals (characters, counts, person-times) of the whole tree for a year: ours vs an ORM loop."""
    root = Organization.objects.filter(depth=1).order_by("path").first()
    today = timezone.localdate()
    first, last = date(today.year, 1, 1), date(today.year, 12, 31)
    children = list(Organization.objects.get_children(root))

    def ours():
        return subtree_totals(root, first, last, children)

    with PeakRss() as memory:
        timing = run.timed(ours)
    loop = run.timed(
        lambda: per_organization_loop(root, first, last, children), 1 if run.scale in LOOP_ONCE else None
    )
    if answer(timing.result) != answer(loop.result):
        raise AssertionError("subtree_totals and the per-organization loop disagree")
    grand = timing.result[1]
    run.log(
        f"{root.name} {first}–{last}: 笔记{grand.notes}篇、心得{grand.reflections}篇、{grand.characters}字、"
        f"集中学习{grand.session_person_times}人次、培训{grand.course_person_times}人次"
    )
    run.figure("study_totals_year_p50", timing.median, "ms", target=TOTALS_TARGET_MS)
    run.figure("study_totals_peak_rss_mb", memory.peak, "MB")
    run.figure("notes_in_year", grand.notes + grand.reflections, "notes", better="higher")
    run.compare(
        "study_totals_year",
        timing.median,
        loop.median,
        "ms",
        baseline="per-organization ORM loop (3 aggregate queries per organization)",
    )
    run.log(f"speed-up over the per-organization loop: {loop.median / timing.median:.1f}x")

    members = run.timed(lambda: per_member(root.path, first, last))
    run.figure("per_member_year_p50", members.median, "ms")
    run.figure("per_member_rows", len(members.result), "members", better="higher")
    progress = run.timed(lambda: subtree_progress(root, today.year, children))
    run.figure("completion_rates_by_child_p50", progress.median, "ms")

    try:
        from dangjian.originality.benchmarks import measure
    except ModuleNotFoundError:
        return
    measure(run)
