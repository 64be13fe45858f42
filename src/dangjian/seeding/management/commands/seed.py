"""`dangjian seed --scale demo|county|city [--seed N] [--reuse]`: synthetic data for demos and benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from dangjian import seeding
from dangjian.core.bench import text_table
from dangjian.seeding import DEFAULT_SEED, SCALES, SeedRefused, existing_data
from dangjian.seeding.users import existing_demo_logins


class Command(BaseCommand):
    help = (
        "生成确定性的演示/压测数据（同一 --seed 得到相同的组织、党员、姓名和身份证号）。"
        "demo：约600名党员，并创建演示账号；county：约1,000个党支部、30,000名党员；"
        "city：10个县、约10,000个党支部、300,000名党员。"
        "只在没有任何党组织的空数据库上运行；已有同规模数据时加 --reuse 则不做任何修改。"
        "批量写入，不逐条记审计：每次运行只写一条“导入”审计记录（操作人：命令行）；"
        "demo 的演示账号经账号服务创建，另有各自的新增/授权审计记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="demo", help="数据规模（默认 demo）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument(
            "--reuse", action="store_true", help="数据库中已有同规模的生成数据时直接沿用，不做任何修改"
        )

    def handle(self, *args, scale, seed: int, reuse: bool, **options):
        found = existing_data()
        if found is not None:
            self._existing(found, scale, seed, reuse)
            return
        try:
            result = seeding.seed(scale, seed, log=self.stdout.write)
        except SeedRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {scale} 规模数据（seed {seed}）：党组织{result.organizations:,}个，"
                f"党员{result.members:,}名，职务{result.positions:,}条，用时{result.seconds:.1f}秒。"
            )
        )
        if result.planted:
            self.stdout.write("供“数据体检”演示的不一致记录：")
            for line in result.planted[:12]:
                self.stdout.write(f"  · {line}")
            if len(result.planted) > 12:
                self.stdout.write(f"  · ……共{len(result.planted)}条")
        if result.logins:
            self._print_logins(result.logins)

    def _print_logins(self, logins, note: str = "") -> None:
        rows = [(x.username, x.password, x.role, x.scope) for x in logins]
        self.stdout.write(f"\n演示账号（首次登录无须改密；仅供演示，切勿用于生产）{note}：")
        self.stdout.write(text_table(("账号", "密码", "角色", "范围"), rows))

    def _existing(self, found, scale: str, seed: int, reuse: bool) -> None:
        found_scale, found_seed = found
        described = (
            "非生成的数据" if found_scale == "unknown" else f"{found_scale} 规模数据（seed {found_seed}）"
        )
        if not reuse:
            raise CommandError(
                f"数据库中已有党组织：{described}。seed 只在空数据库上运行，不删除任何数据；"
                "如需沿用已有的同规模数据请加 --reuse，否则请换一个数据库（DATABASE_URL）。"
            )
        if found_scale != scale:
            raise CommandError(
                f"数据库中已有 {described}，与 --scale {scale} 不一致；请换一个数据库（DATABASE_URL）。"
            )
        note = "" if found_seed == seed else f"（注意：已有数据的 seed 为 {found_seed}）"
        self.stdout.write(f"数据库中已有 {scale} 规模数据{note}，沿用，未做任何修改。")
        if scale == "demo":
            self._print_logins(existing_demo_logins(), "（如已在演示中修改过密码，以修改后的为准）")
