"""`dangjian escalate_tasks [--date YYYY-MM-DD]`: the daily escalation ladder (cron-friendly, idempotent)."""

from datetime import date

from django.core.management.base import BaseCommand

from dangjian.tasks.services import do_escalate


class Command(BaseCommand):
    help = "交办督办：按期限发出提醒、催办，并为交办单位起草逾期通报（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="按哪一天运行（默认今天）")

    def handle(self, *args, **options):
        summary = do_escalate(options["date"])
        self.stdout.write(summary.as_text())
