"""`dangjian bench reports --scale demo|county|city`: the statistics tables (engineer D's measure), then a
full yearly report draft (.docx) for the root of the scale: render the template (every figure computed
from the records), save the draft and its figures, lay it out as .docx. Target < 3 s. Each run is rolled
back, so the database keeps no bench drafts."""

from django.db import transaction
from django.utils import timezone

from dangjian.core.bench import BenchRun, PeakRss, register_bench
from dangjian.core.figures import Period
from dangjian.organizations.models import Organization

TARGET_MS = 3000
TEMPLATE_CODE = "work-report"


def yearly_docx(root, template, period: Period) -> tuple[int, int]:
    """One full draft as .docx (rolled back); (figures placed, bytes)."""
    from . import export, services

    with transaction.atomic():
        draft = services.do_create_draft(
            acting_user=None, organization=root, template=template, period=period
        )
        data = export.render(draft, "docx")
        placed = draft.figures.count()
        transaction.set_rollback(True)
    return placed, len(data)


@register_bench("reports")
def reports_bench(run: BenchRun) -> None:
    """Statistics tables, then a yearly report draft as .docx for the root of the scale."""
    try:
        from dangjian.statistics.benchmarks import measure_tables
    except ImportError as error:
        raise RuntimeError(
            f"bench reports: dangjian.statistics.benchmarks.measure_tables is missing ({error})"
        ) from error
    from .models import ReportTemplate

    measure_tables(run)
    root = Organization.objects.filter(depth=1).order_by("path").first()
    template = ReportTemplate.objects.get(code=TEMPLATE_CODE, organization__isnull=True)
    period = Period.year(timezone.localdate().year - 1)
    with PeakRss() as memory:
        timing = run.timed(lambda: yearly_docx(root, template, period))
    placed, size = timing.result
    run.log(
        f"汇报材料 {root.name} {period}：{placed}个数字，.docx {size / 1024:.0f} KB，"
        f"中位数 {timing.median:.0f} ms"
    )
    run.figure("report_yearly_docx_p50", timing.median, "ms", target=TARGET_MS)
    run.figure("report_yearly_docx_max", max(timing.samples), "ms", target=TARGET_MS)
    run.figure("report_yearly_docx_peak_rss_mb", memory.peak, "MB")
    run.figure("report_yearly_docx_figures", placed, "figures", better="higher")


__all__ = ["reports_bench", "yearly_docx"]
