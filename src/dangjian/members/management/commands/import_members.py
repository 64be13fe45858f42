"""`dangjian import-members FILE --org CODE [--dry-run]`: import a roster sheet as a trusted operator."""

from django.core.management.base import BaseCommand, CommandError

from dangjian.members.importing import import_members
from dangjian.organizations.models import Organization

STAGES = {"validate": "已校验", "write": "已写入"}


class Command(BaseCommand):
    help = "从 Excel（.xlsx）导入党员名册：逐行校验，有任何错误则不写入并列出全部错误（退出码 1）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx，格式见导入模板）")
        parser.add_argument(
            "--org",
            required=True,
            help="党组织编码：「所在党支部」留空的行编入该党支部，且所有行须在其范围内",
        )
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不写入")

    def handle(self, *args, **options):
        organization = Organization.objects.filter(code=options["org"]).first()
        if organization is None:
            raise CommandError(f"找不到编码为 {options['org']} 的党组织。")
        result = import_members(
            options["file"],
            organization=organization,
            acting_user=None,
            dry_run=options["dry_run"],
            progress=self.progress,
        )
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            self.stderr.write(self.style.ERROR(result.summary()))
            raise SystemExit(1)
        self.stdout.write(
            self.style.SUCCESS(f"{result.summary()}（共 {result.total} 行，用时 {result.elapsed} 秒）")
        )

    def progress(self, done, total, stage="validate"):
        self.stdout.write(f"{STAGES.get(stage, stage)} {done}/{total}")
