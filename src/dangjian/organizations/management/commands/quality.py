"""`dangjian quality --org CODE`: the 体检 checks from the command line."""

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.registry import quality_checks, run_quality_checks
from dangjian.organizations.models import Organization


class Command(BaseCommand):
    help = "数据体检：列出组织及其下级中不符合一致性规则的记录（每条含规则和修改链接）。"

    def add_arguments(self, parser):
        parser.add_argument("--org", help="组织编码（默认：全部顶级组织）")
        parser.add_argument("--check", action="append", choices=sorted(quality_checks), help="只运行指定检查")

    def handle(self, *args, org=None, check=None, **options):
        if org:
            roots = list(Organization.objects.filter(code=org))
            if not roots:
                raise CommandError(f"未找到组织编码为 {org} 的党组织。")
        else:
            roots = list(Organization.objects.filter(depth=1))
        total = 0
        for root in roots:
            for issue in run_quality_checks(root, check):
                total += 1
                self.stdout.write(f"[{issue.check.title}] {issue.message}  {issue.fix_url}")
        self.stdout.write(f"共发现 {total} 条问题。")
        if total:
            raise SystemExit(1)
