"""The statistics page as an .xlsx workbook (core/xlsx helpers: formula-safe cells)."""

from dangjian.core.xlsx import add_sheet, append_row, new_workbook, to_bytes

HEADERS = [
    "",
    "收到",
    "已答复",
    "按期答复",
    "逾期答复",
    "逾期未答复",
    "已办结",
    "按期答复率(%)",
    "满意",
    "基本满意",
    "不满意",
    "满意率(满意+基本满意,%)",
    "满意率(仅满意,%)",
]


def _row(counts) -> list:
    return [
        counts.label,
        counts.received,
        counts.answered,
        counts.answered_in_time,
        counts.answered_late,
        counts.overdue,
        counts.closed,
        counts.in_time_rate,
        counts.satisfied,
        counts.basic,
        counts.unsatisfied,
        counts.satisfaction_rate,
        counts.strict_satisfaction_rate,
    ]


def stats_workbook(stats) -> bytes:
    workbook = new_workbook()
    for title, first_header, rows in (
        ("按承办党组织", "承办党组织", stats.by_organization),
        ("按来源", "来源", stats.by_channel),
        ("按类别", "类别", stats.by_category),
    ):
        sheet = add_sheet(workbook, title, [first_header, *HEADERS[1:]])
        for counts in [*rows, stats.total]:
            append_row(sheet, _row(counts))
    return to_bytes(workbook)
