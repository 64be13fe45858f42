"""`dangjian sample --plan ID --seed N [--sample ID]`: draw a plan's sample again and compare.

Re-draws with the recorded spec and units of the plan's sample drawn with seed N (or, when none was drawn
with N, of the plan's latest sample, or of `--sample`), and prints the description sentence, the count
drawn per stratum and the digest, then whether the draw equals the stored sample. Exit status 0 when it
does, 1 when it differs (the records changed since), 2 when there is nothing to compare.
"""

from django.core.management.base import BaseCommand, CommandError

from ...models import InspectionPlan, Sample
from ...services import redraw


class Command(BaseCommand):
    help = "督导检查：按记录的抽样方案和随机种子重新抽样，核对是否与保存的抽样一致"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="督导检查计划编号")
        parser.add_argument("--seed", type=int, required=True, help="随机种子")
        parser.add_argument("--sample", type=int, help="抽样编号（默认：该种子的抽样，或最近一次抽样）")

    def handle(self, *args, plan, seed, sample=None, **options):
        found = InspectionPlan.objects.filter(pk=plan).first()
        if found is None:
            raise CommandError(f"没有编号为{plan}的督导检查计划。", returncode=2)
        samples = Sample.objects.filter(plan=found).order_by("-drawn_at", "-id")
        stored = samples.filter(pk=sample).first() if sample else samples.filter(seed=seed).first()
        stored = stored or (None if sample else samples.first())
        if stored is None:
            raise CommandError(f"督导检查“{found.name}”还没有抽样记录。", returncode=2)
        result = redraw(stored, seed)
        self.stdout.write(f"{found.name}：按抽样#{stored.pk}的方案，随机种子{seed}")
        self.stdout.write(result.describe())
        for stratum in result.strata:
            self.stdout.write(
                f"  {stratum.unit_name}：总体{stratum.population}人，抽取{len(stratum.people)}人，"
                f"学习笔记{len(stratum.notes)}篇，心得{len(stratum.reflections)}篇，"
                f"组织生活{len(stratum.activities)}次"
            )
        self.stdout.write(f"摘要值：{result.digest()}")
        if stored.seed != seed:
            self.stdout.write(
                f"没有以随机种子{seed}保存的抽样（抽样#{stored.pk}的种子为{stored.seed}），无从比较。"
            )
            raise CommandError("无可比较的抽样。", returncode=2)
        if result.digest() == stored.digest:
            self.stdout.write(self.style.SUCCESS(f"与保存的抽样#{stored.pk}一致。"))
            return
        self.stdout.write(self.style.ERROR(f"与保存的抽样#{stored.pk}不一致（摘要值{stored.digest}）。"))
        raise CommandError("重新抽样结果与保存的抽样不一致。", returncode=1)
