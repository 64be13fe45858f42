"""`dangjian export-members --org CODE -o FILE`: the roster of an organization's subtree, masked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.members.exporting import export_members
from dangjian.members.models import Member
from dangjian.organizations.models import Organization


class Command(BaseCommand):
    help = "导出党组织（含下级）的党员名册为 Excel（.xlsx）；身份证号和联系电话脱敏。"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="党组织编码")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(code=options["org"]).first()
        if organization is None:
            raise CommandError(f"找不到编码为 {options['org']} 的党组织。")
        queryset = Member.objects.in_subtree(organization)
        content = export_members(queryset, acting_user=None)
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(f"已导出 {queryset.count()} 名党员到 {options['output']}（已脱敏）。")
        )
