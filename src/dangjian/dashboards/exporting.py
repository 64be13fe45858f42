"""A chart's data as .xlsx: its categories down the first column, one column per series, then where the
figures come from. The numbers are exactly those the chart draws (the same `Chart`)."""

from datetime import date

from dangjian.core import xlsx

from .charts import Chart


def chart_xlsx(chart: Chart, organization, today: date) -> bytes:
    workbook = xlsx.new_workbook()
    first = "月份" if chart.categories and chart.categories[0].endswith("月") else "项目"
    headers = [first, *(series.name for series in chart.series)]
    sheet = xlsx.add_sheet(workbook, "数据", headers, widths={first: 16, **dict.fromkeys(headers[1:], 16)})
    for i, category in enumerate(chart.categories):
        xlsx.append_row(sheet, [category, *(series.data[i] for series in chart.series)])
    xlsx.append_row(sheet, [])
    for line in (
        chart.title + (f"（单位：{chart.unit}）" if chart.unit else ""),
        f"党组织：{organization.name}（含下级党组织）",
        f"统计日期：{today:%Y-%m-%d}",
        f"说明：{chart.note}" if chart.note else "",
    ):
        if line:
            xlsx.append_row(sheet, [line], font=xlsx.NOTE_FONT)
    return xlsx.to_bytes(workbook)


def export_filename(chart: Chart, organization, today: date) -> str:
    return f"工作看板_{organization.name}_{chart.key}_{today:%Y%m%d}.xlsx"
