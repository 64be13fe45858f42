"""`dangjian reminders [--days N] [--date YYYY-MM-DD]`: the daily reminder run, for cron.

Safe to run as often as wanted: a matter already notified to a user is not notified again.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangjian.activities.extensions.reminders import send_reminders


class Command(BaseCommand):
    help = "生成组织生活提醒：各党支部本期即将到期的制度；各党委所属党支部上月未达标的制度。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=5, help="提前提醒天数（默认5天）")
        parser.add_argument("--date", help="按该日期计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, **options):
        today = self._date(options["date"])
        if options["days"] < 0:
            raise CommandError("--days 不能为负数。")
        result = send_reminders(today, days=options["days"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{today:%Y-%m-%d}：新增通知{result.total}条"
                f"（到期提醒{result.due_soon}条，未达标通报{result.missed}条）。"
            )
        )

    @staticmethod
    def _date(text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from error
