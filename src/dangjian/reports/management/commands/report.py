"""`dangjian report --template NAME --org CODE --from YYYY-MM --to YYYY-MM --out FILE.docx|FILE.pdf`.

`dangjian report --list` prints the template names. The command runs as a system process: it is not
scoped to a user (the operator at the command line may read every organization, as with `seed` and
`bench`); the draft it writes is recorded with no 起草人 and audited as 命令行.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from dangjian.core.figures import Period
from dangjian.organizations.models import Organization
from dangjian.reports import export, services
from dangjian.reports.models import ReportTemplate

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Command(BaseCommand):
    help = "按模板为党组织生成汇报材料（.docx 或 .pdf）；--list 列出模板名称。"

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="列出可用的模板名称")
        parser.add_argument("--template", help="模板名称（或内置编码，如 basic-info）")
        parser.add_argument("--org", help="党组织编码")
        parser.add_argument("--from", dest="start", help="起始月份 YYYY-MM")
        parser.add_argument("--to", dest="end", help="截止月份 YYYY-MM")
        parser.add_argument("--out", help="输出文件：.docx 或 .pdf")

    def handle(self, *args, **options):
        if options["list"]:
            for template in ReportTemplate.objects.active().select_related("organization"):
                owner = template.organization.name if template.organization else "内置"
                self.stdout.write(f"{template.name}\t{template.code or '-'}\t{owner}")
            return
        template = self.template(options["template"])
        organization = self.organization(options["org"])
        period = self.period(options["start"], options["end"])
        out = self.out_path(options["out"])
        try:
            draft = services.do_create_draft(
                acting_user=None, organization=organization, template=template, period=period
            )
            data = export.render(draft, out.suffix[1:])
        except export.ExportUnavailable as error:
            raise CommandError(str(error)) from error
        except Exception as error:
            if hasattr(error, "messages"):  # a ValidationError: the template did not render
                raise CommandError("；".join(error.messages)) from error
            raise
        out.write_bytes(data)
        self.stdout.write(
            f"已生成：{out}（{draft.title}，{draft.figures.count()}个数字，草稿编号{draft.pk}）"
        )

    def template(self, name):
        if not name:
            raise CommandError("请用 --template 指定模板名称（dangjian report --list 可查看）。")
        found = ReportTemplate.objects.active().filter(Q(name=name) | Q(code=name, organization__isnull=True))
        if found.count() != 1:
            if found.exists():
                raise CommandError(f"有多个名为“{name}”的模板，请改用内置编码或先重命名。")
            raise CommandError(f"未知的模板：{name}（dangjian report --list 可查看）。")
        return found.get()

    def organization(self, code):
        if not code:
            raise CommandError("请用 --org 指定党组织编码。")
        found = Organization.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"未知的党组织编码：{code}")
        return found

    def period(self, start, end):
        for label, value in (("--from", start), ("--to", end)):
            if not value or not MONTH_RE.match(value):
                raise CommandError(f"{label} 月份格式应为 YYYY-MM（如 2025-01），收到：{value or '（空）'}")
        if end < start:
            raise CommandError("--to 不能早于 --from。")
        return Period.months(start, end)

    def out_path(self, out):
        if not out:
            raise CommandError("请用 --out 指定输出文件（.docx 或 .pdf）。")
        path = Path(out)
        if path.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError(f"输出文件须以 .docx 或 .pdf 结尾：{out}")
        return path.with_suffix(path.suffix.lower())
