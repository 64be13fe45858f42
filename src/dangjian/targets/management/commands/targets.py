"""`dangjian targets refresh [--year Y]`: recompute the computed indicators of every open target of a year
from the records (e.g. nightly), so the pages and roll-ups show figures at most a day old."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...models import Target
from ...services import do_refresh_computed


class Command(BaseCommand):
    help = "目标责任：从记录重新计算指标（refresh）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        refresh = actions.add_parser("refresh", help="重新计算某年度全部未考评目标的系统计算类指标")
        refresh.add_argument("--year", type=int, default=None, help="年度（默认今年）")

    def handle(self, *args, action, year=None, **options):
        year = year or timezone.localdate().year
        targets = list(
            Target.objects.current()
            .filter(year=year)
            .exclude(status="evaluated")
            .select_related("organization")
        )
        changed = do_refresh_computed(targets, acting_user=None)
        self.stdout.write(f"{year}年：{len(targets)}份目标，{changed}项指标数值有变化。")
