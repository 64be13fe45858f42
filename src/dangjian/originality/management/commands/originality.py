"""`dangjian originality check DIR [--json]`, `run --org CODE --from … --to …`, `rebuild`.

check:   compare every .txt/.docx file in DIR with each other and with the reference corpus; print the
         near-duplicate pairs with their similarity (a table, or one JSON object with --json). Exit status 1
         when a pair is found or a file cannot be read (as `dangjian quality`), 0 otherwise.
run:     the check of a subtree and period (too big for a page), recorded and audited like a page's.
rebuild: recompute every stored fingerprint (after the engine's parameters change).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dangjian.core.bench import text_table
from dangjian.organizations.models import Organization

from ... import engine, reading, services
from ...models import ReferenceText


class Command(BaseCommand):
    help = "雷同检测：比对目录中的文件（check），检测一个党组织及下级的学习笔记（run），重建指纹（rebuild）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser("check", help="比对目录中所有 .txt/.docx 文件，以及参考范文库")
        check.add_argument("directory", help="目录")
        check.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        check.add_argument("--org", help="只比对该党组织（代码）适用的参考范文；默认全部参考范文")
        check.add_argument("--no-references", action="store_true", help="不与参考范文比对")
        run = actions.add_parser("run", help="检测一个党组织及下级在某时段撰写的学习笔记和心得体会")
        run.add_argument("--org", required=True, help="党组织代码")
        run.add_argument("--from", dest="start", required=True, help="撰写日期自（YYYY-MM-DD）")
        run.add_argument("--to", dest="end", required=True, help="撰写日期至（YYYY-MM-DD）")
        run.add_argument("--kind", default="", help="study_note 或 reflection；默认两者")
        run.add_argument("--json", action="store_true")
        actions.add_parser("rebuild", help="重新计算全部文本指纹")

    def handle(self, *args, action, **options):
        if action == "check":
            return self.check(options)
        if action == "run":
            return self.run(options)
        count = services.rebuild_fingerprints(log=self.stderr.write)
        self.stdout.write(f"已重建 {count} 篇文本的指纹。")
        return None

    # check DIR ------------------------------------------------------------------------------------------
    def check(self, options):
        result = compare_directory(
            Path(options["directory"]), references=_references(options), json_output=options["json"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(_table(result))
            for error in result["errors"]:
                self.stderr.write(f"无法读取 {error['file']}：{error['error']}")
        if result["pairs"] or result["errors"]:
            raise SystemExit(1)

    # run --org ------------------------------------------------------------------------------------------
    def run(self, options):
        from django.utils.dateparse import parse_date

        try:
            organization = Organization.objects.get(code=options["org"])
        except Organization.DoesNotExist:
            raise CommandError(f"没有代码为 {options['org']} 的党组织。") from None
        start, end = parse_date(options["start"] or ""), parse_date(options["end"] or "")
        if start is None or end is None:
            raise CommandError("日期格式应为 YYYY-MM-DD。")
        check = services.do_run_check(
            acting_user=None, organization=organization, start=start, end=end, kind=options["kind"]
        )
        summary = {
            "check": check.pk,
            "organization": organization.code,
            "texts": check.texts_checked,
            "references": check.references_checked,
            "pairs": check.pairs_found,
            "seconds": check.seconds,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{organization.name}：检测 {check.texts_checked} 篇，"
                f"参考范文 {check.references_checked} 篇，"
                f"发现雷同 {check.pairs_found} 对，用时 {check.seconds:.1f} 秒（检测编号 {check.pk}）。"
            )


def _references(options) -> list[tuple[str, str]]:
    if options["no_references"]:
        return []
    references = ReferenceText.objects.active()
    if options.get("org"):
        try:
            organization = Organization.objects.get(code=options["org"])
        except Organization.DoesNotExist:
            raise CommandError(f"没有代码为 {options['org']} 的党组织。") from None
        references = ReferenceText.objects.for_check(organization)
    return list(references.order_by("id").values_list("title", "text"))


def compare_directory(directory: Path, *, references, json_output=False) -> dict:
    """{"files", "references", "pairs": [...], "errors": [...]} for the files of `directory`."""
    if not directory.is_dir():
        raise CommandError(f"目录不存在：{directory}")
    names = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in reading.SUFFIXES)
    if not names:
        raise CommandError(f"目录中没有 .txt 或 .docx 文件：{directory}")
    texts, errors = {}, []
    for path in names:
        read = reading.read_one(path.name, path)
        if read.error:
            errors.append({"file": path.name, "error": read.error})
        else:
            texts[("file", path.name)] = read.text
    for number, (_title, text) in enumerate(references):
        texts[("reference", number)] = text
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in texts.items()}
    matches = engine.find_pairs(fingerprints, skip=lambda a, b: a[0] == b[0] == "reference")
    pairs = []
    for match in matches:
        first, second = sorted((match.first, match.second), key=lambda key: key[0] != "file")
        pairs.append(
            {
                "first": first[1],
                "second": second[1] if second[0] == "file" else references[second[1]][0],
                "second_is_reference": second[0] == "reference",
                "similarity": round(match.similarity.score, 4),
                "jaccard": round(match.similarity.jaccard, 4),
                "containment": round(match.similarity.containment, 4),
                "shared": match.similarity.shared,
            }
        )
    return {"files": len(names), "references": len(references), "pairs": pairs, "errors": errors}


def _table(result: dict) -> str:
    head = (
        f"比对 {result['files']} 个文件、{result['references']} 篇参考范文，"
        f"发现雷同 {len(result['pairs'])} 对。"
    )
    if not result["pairs"]:
        return head
    rows = [
        (
            f"{pair['similarity']:.0%}",
            f"{pair['jaccard']:.0%}",
            pair["first"],
            ("参考范文：" if pair["second_is_reference"] else "") + pair["second"],
        )
        for pair in result["pairs"]
    ]
    return head + "\n" + text_table(("相似度", "杰卡德", "文件", "雷同于"), rows)
