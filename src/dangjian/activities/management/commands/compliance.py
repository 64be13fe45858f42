"""`dangjian compliance --org CODE --from YYYY-MM --to YYYY-MM [--json]`: the compliance matrix."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.activities import compliance, reporting
from dangjian.organizations.models import Organization

JSON_FIELDS = ("organization", "rule", "period", "verdict", "counted", "reason")


class Command(BaseCommand):
    help = (
        "组织生活制度落实情况：列出组织及其下级在各期间、各项制度下的结论（达标、未达标、进行中、不适用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="组织编码（含下级）")
        parser.add_argument("--from", dest="first", required=True, help="起始月份 YYYY-MM")
        parser.add_argument("--to", dest="last", required=True, help="结束月份 YYYY-MM")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON 列表")

    def handle(self, *args, org, first, last, as_json=False, **options):
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise CommandError(f"未找到组织编码为 {org} 的党组织。")
        try:
            first, last = reporting.month_range(first, last, max_months=120)
        except ValueError as error:
            raise CommandError(str(error)) from error
        matrix = compliance.compute(root, first, last, today=timezone.localdate())
        rows = reporting.cell_rows(matrix, matrix.cells)
        if as_json:
            self._write_json(rows)
        else:
            self._write_table(rows, matrix.totals())

    def _write_json(self, rows):
        data = [{key: row[key] for key in JSON_FIELDS} for row in rows]
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def _write_table(self, rows, totals):
        for row in rows:
            verdict = reporting.VERDICT_LABELS[row["verdict"]]
            line = f"{row['organization']}\t{row['organization_name']}\t{row['rule']}\t{row['period']}\t"
            line += f"{verdict}\t计入{row['counted']}次"
            self.stdout.write(line + (f"\t{row['reason']}" if row["reason"] else ""))
        summary = "，".join(f"{reporting.VERDICT_LABELS[v]}{n}项" for v, n in totals.items())
        self.stdout.write(f"共{len(rows)}项：{summary}。")
