"""`dangjian development check FILE.json [--json]`: validate a whole development timeline with the engine.

Prints each violation with the rule it breaks, the stage reached and the window of the next steps.
Exit status 1 if there is any violation, 0 if none, 2 if the file cannot be read.
Format: docs/development-check.md.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ... import engine
from ...conf import limits
from ...reading import FileError, read_timeline


class Command(BaseCommand):
    help = "发展党员：检查一份发展时间线（check FILE.json）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="按《发展党员工作细则》检查JSON文件中的发展时间线")
        check.add_argument("file", help="JSON文件（格式见 docs/development-check.md）")
        check.add_argument("--json", action="store_true", help="输出一个 JSON 对象")

    def handle(self, *args, action, file, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
            birth, steps, today = read_timeline(data)
        except OSError as error:
            raise CommandError(f"无法读取 {file}：{error.strerror}", returncode=2) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file} 不是有效的JSON（第{error.lineno}行）：{error.msg}", returncode=2
            ) from None
        except FileError as error:
            raise CommandError(f"{file}：{error}", returncode=2) from None
        result = engine.check(birth, steps, limits=limits(), today=today)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_text(result, len(steps)))
        if not result.ok:
            raise SystemExit(1)


def _text(result: engine.Result, count: int) -> str:
    lines = [f"共{count}个步骤；当前阶段：{engine.STAGES.get(result.stage, '未开始')}"]
    if result.probation_end:
        lines.append(f"预备期满：{engine.fmt(result.probation_end)}")
    if result.violations:
        lines.append(f"发现{len(result.violations)}处问题：")
        lines += [f"  {i}. {v.message}" for i, v in enumerate(result.violations, start=1)]
    else:
        lines.append("未发现问题。")
    for w in result.next_steps:
        earliest = engine.fmt(w.earliest) if w.earliest else "—"
        latest = engine.fmt(w.latest) if w.latest else "无期限"
        flag = "（已逾期）" if w.overdue else ""
        lines.append(f"下一步：第{w.no}步「{w.name}」 最早{earliest}，最迟{latest}{flag}")
    return "\n".join(lines)
