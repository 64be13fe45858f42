"""`dangjian bench NAME --scale demo|county|city [--json]`: run a registered benchmark."""

import importlib

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.bench import SCALES, BenchRun, load_benchmarks

# Seeding is a tool above every capability: looked up by name, never imported by core itself.
SEEDING = "dangjian.seeding"


class Command(BaseCommand):
    help = (
        "运行已注册的基准测试（如 foundation、seed）。先生成（或沿用）所选规模的数据，"
        "人读的结果表输出到 stderr，--json 时 stdout 最后一行为一个 JSON 对象"
        "（格式见 style.md“Benchmarks”）。"
        "数据库中已有其他规模的数据时拒绝运行：请为每个规模使用单独的数据库（DATABASE_URL）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="基准名称；省略时列出全部")
        parser.add_argument("--scale", choices=SCALES, default="demo", help="数据规模（默认 demo）")
        parser.add_argument("--json", action="store_true", help="stdout 最后一行输出 JSON")
        parser.add_argument("--runs", type=int, default=3, help="每项测量重复次数，取中位数（默认 3）")
        parser.add_argument("--seed", type=int, default=None, help="需要生成数据时使用的随机种子")
        parser.add_argument("--explain", action="store_true", help="把主要查询的执行计划输出到 stderr")

    def handle(self, *args, name, scale, json, runs, seed, explain, **options):
        benches = load_benchmarks(extra_modules=[f"{SEEDING}.benchmarks"])
        if not name:
            for bench in sorted(benches.values(), key=lambda b: b.name):
                self.stdout.write(f"{bench.name:<12} {bench.description}")
            return
        if name not in benches:
            raise CommandError(f"没有名为 {name} 的基准；可用：{', '.join(sorted(benches))}")
        if runs < 1:
            raise CommandError("--runs 至少为 1")
        bench = benches[name]
        if bench.needs_data:
            self._ensure_data(scale, seed)
        run = BenchRun(bench=name, scale=scale, runs=runs, explain=explain, log=self.stderr.write)
        bench.run(run)
        self.stderr.write(run.table())
        if json:
            self.stdout.write(run.to_json())

    def _ensure_data(self, scale: str, seed: int | None) -> None:
        seeding = importlib.import_module(SEEDING)
        found = seeding.existing_data()
        if found is None:
            seed = seeding.DEFAULT_SEED if seed is None else seed
            self.stderr.write(f"数据库为空，生成 {scale} 规模数据（seed {seed}）……")
            result = seeding.seed(scale, seed, log=self.stderr.write)
            self.stderr.write(
                f"生成完毕，用时{result.seconds:.1f}秒。注意：本进程刚生成过数据，内存峰值（peak_rss_mb）"
                "会偏高；如需准确的内存数字，请先单独运行 dangjian seed 再运行 bench。"
            )
        elif found[0] != scale:
            raise CommandError(
                f"数据库中已有 {found[0]} 规模的数据，不能用于 {scale} 规模的基准；"
                "请换一个数据库（DATABASE_URL）。"
            )
        else:
            self.stderr.write(f"沿用已有的 {scale} 规模数据（seed {found[1]}）。")
