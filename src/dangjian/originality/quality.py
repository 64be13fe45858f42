"""A labelled set for the originality check, built from real Chinese text, and its precision and recall.

The source is the seed documents of the project (`corpus/seed_documents.txt`: work reports, a 民主生活会
发言提纲 and similar texts, copied from the shared seeds). They are cut into paragraphs of about
`PARAGRAPH_CHARS` characters (never across a document title), and each paragraph gets edited copies, the
ways a note is copied and "made one's own":

- reorder: its sentences shuffled;
- synonyms: words replaced from `SYNONYMS`, a small hand-written table of words of these texts;
- phrases: filler phrases inserted (`FILLERS`) and one clause deleted;
- partial: a contiguous 60–80 % of it (by characters), whole sentences;
- mixed: synonyms, then reordered, then a phrase inserted;
- quoted: one sentence of a small pool of `QUOTES` (sentences of other paragraphs) inserted, so that
  many texts of different paragraphs share a quotation, as notes on the same article do.

Positives are (paragraph, edited copy) pairs. Negatives are every other pair of the set: unrelated
paragraphs (other documents) and, the hard ones, different paragraphs of the same document (same topic,
same vocabulary) and different paragraphs quoting the same sentence. `evaluate()` runs the engine on
the whole set at once, as a check of a branch would,
and counts: a reported pair is right when both texts come from the same paragraph. Everything is
deterministic (one `random.Random(seed)`), so the figures are reproducible.
"""

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import engine

SOURCE = Path(__file__).parent / "corpus" / "seed_documents.txt"
PARAGRAPH_CHARS = 200  # a paragraph is closed once it reaches this many characters
MIN_PARAGRAPH_CHARS = 120
EDITS = ("reorder", "synonyms", "phrases", "partial", "mixed", "quoted")
QUOTES = 4  # sentences in the pool of shared quotations
DEFAULT_SEED = 4
DEFAULT_COPIES = 2  # edited copies of each kind per paragraph

# Hand-written synonyms of words frequent in the seed documents (either direction is used).
SYNONYMS = {
    "加强": "强化",
    "提高": "提升",
    "推进": "推动",
    "开展": "组织开展",
    "落实": "贯彻落实",
    "深入": "深度",
    "认真": "切实",
    "进一步": "更进一步",
    "学习": "研学",
    "干部": "党员干部",
    "群众": "人民群众",
    "教育": "教化",
    "思想": "思维",
    "坚持": "始终坚持",
    "制度": "机制",
    "要求": "标准",
    "问题": "短板",
    "研究": "研讨",
    "情况": "状况",
    "目标": "任务",
    "通过": "借助",
    "作风": "风气",
    "重点": "关键",
    "按照": "依照",
    "基础": "根基",
    "水平": "能力",
    "服务": "服务保障",
    "规范": "规整",
    "积极": "主动",
    "全面": "全方位",
    "促进": "推动",
    "不断": "持续",
    "实现": "达成",
    "围绕": "聚焦",
    "扎实": "扎扎实实",
    "完善": "健全",
    "主要": "首要",
    "认识": "理解",
    "统一": "一致",
    "严格": "从严",
    "措施": "举措",
    "有效": "有力",
    "努力": "尽力",
    "充分": "全力",
    "领导": "带领",
    "活动": "行动",
}
FILLERS = (
    "我认为，",
    "通过这次学习，",
    "总的来说，",
    "在今后的工作中，",
    "深刻认识到，",
    "结合自身实际，",
    "作为一名共产党员，",
    "值得注意的是，",
)
_SENTENCE = re.compile(r"(?<=[。！？；!?;])")
_CLAUSE = re.compile(r"(?<=[，,、：:])")
_END = '。！？；!?;：:”"）)'


@dataclass(frozen=True)
class Paragraph:
    document: int
    number: int
    text: str


@dataclass(frozen=True)
class Text:
    """One text of the labelled set: a paragraph (`edit` "") or an edited copy of one."""

    key: str
    paragraph: int
    edit: str
    text: str


def documents(source: Path = SOURCE) -> list[list[str]]:
    """The seed file's documents as lists of lines; a short line without final punctuation opens one."""
    docs: list[list[str]] = [[]]
    for raw in source.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if len(line) < 40 and line[-1] not in _END and docs[-1]:
            docs.append([])
        docs[-1].append(line)
    return [doc for doc in docs if doc]


def paragraphs(source: Path = SOURCE) -> list[Paragraph]:
    """Consecutive lines of each document joined into paragraphs of about PARAGRAPH_CHARS characters."""
    found: list[Paragraph] = []
    for number, doc in enumerate(documents(source)):
        current = ""
        for line in doc:
            current += line
            if len(current) >= PARAGRAPH_CHARS:
                found.append(Paragraph(number, len(found), current))
                current = ""
        if len(current) >= MIN_PARAGRAPH_CHARS:
            found.append(Paragraph(number, len(found), current))
    return found


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE.split(text) if part]


def reorder(text: str, rng: random.Random) -> str:
    parts = sentences(text)
    if len(parts) < 2:
        clauses = [c for c in _CLAUSE.split(text) if c]
        parts = clauses if len(clauses) > 1 else parts
    shuffled = parts[:]
    for _ in range(10):
        rng.shuffle(shuffled)
        if shuffled != parts:
            break
    return "".join(shuffled)


def synonyms(text: str, rng: random.Random, rate: float = 0.7) -> str:
    pattern = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)))
    return pattern.sub(lambda m: SYNONYMS[m.group()] if rng.random() < rate else m.group(), text)


def phrases(text: str, rng: random.Random, inserts: int = 3) -> str:
    parts = sentences(text)
    for _ in range(inserts):
        at = rng.randrange(len(parts) + 1)
        parts.insert(at, rng.choice(FILLERS))
    long_ones = [i for i, s in enumerate(parts) if len(_CLAUSE.split(s)) > 2]
    if long_ones:
        i = rng.choice(long_ones)
        clauses = [c for c in _CLAUSE.split(parts[i]) if c]
        del clauses[rng.randrange(len(clauses) - 1)]  # never the last clause (it carries the full stop)
        parts[i] = "".join(clauses)
    return "".join(parts)


def partial(text: str, rng: random.Random) -> str:
    """A contiguous run of whole sentences (clauses if there are too few) holding 60–80 % of the text."""
    parts = sentences(text)
    if len(parts) < 4:
        parts = [c for c in re.split(r"(?<=[，,。！？；、])", text) if c]
    share = rng.uniform(0.6, 0.8)
    best = None
    for start in range(len(parts)):
        for end in range(start + 1, len(parts) + 1):
            got = sum(len(p) for p in parts[start:end]) / len(text)
            if 0.6 <= got <= 0.8 and (best is None or abs(got - share) < best[0]):
                best = (abs(got - share), start, end)
    if best is None:  # no run falls in the band: cut at characters
        keep = round(len(text) * share)
        start = rng.randrange(len(text) - keep + 1)
        return text[start : start + keep]
    return "".join(parts[best[1] : best[2]])


def mixed(text: str, rng: random.Random) -> str:
    return phrases(reorder(synonyms(text, rng), rng), rng, inserts=1)


def quoted(text: str, rng: random.Random, pool: list[str]) -> str:
    parts = sentences(text)
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(pool))
    return "".join(parts)


def quote_pool(found: list[Paragraph], rng: random.Random) -> list[str]:
    """Sentences of 30–60 characters, from paragraphs spread over the documents."""
    fitting = [s for p in found for s in sentences(p.text) if 30 <= len(s) <= 60]
    return rng.sample(fitting, QUOTES)


EDITORS = {"reorder": reorder, "synonyms": synonyms, "phrases": phrases, "partial": partial, "mixed": mixed}


def labelled_set(seed: int = DEFAULT_SEED, copies: int = DEFAULT_COPIES) -> list[Text]:
    """Every paragraph and `copies` edited copies of each kind, deterministically."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    found = paragraphs()
    pool = quote_pool(found, rng)
    texts = []
    for paragraph in found:
        texts.append(Text(f"p{paragraph.number}", paragraph.number, "", paragraph.text))
        for edit in EDITS:
            for copy in range(copies):
                if edit == "quoted":
                    edited = quoted(paragraph.text, rng, pool)
                else:
                    edited = EDITORS[edit](paragraph.text, rng)
                texts.append(Text(f"p{paragraph.number}-{edit}{copy}", paragraph.number, edit, edited))
    return texts


@dataclass
class Quality:
    """Precision and recall of one run over the labelled set."""

    texts: int
    positives: int  # (paragraph, edited copy) pairs
    found_positives: int
    reported: int  # every pair the engine reported
    correct: int  # reported pairs whose texts come from one paragraph
    missed: Counter = field(default_factory=Counter)  # by edit
    false_positives: Counter = field(default_factory=Counter)  # "same document" / "other document"
    candidates: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.reported if self.reported else 1.0

    @property
    def recall(self) -> float:
        return self.found_positives / self.positives if self.positives else 1.0


def evaluate(texts: list[Text] | None = None) -> Quality:
    """Run the engine (LSH candidates, exact verification) over the set and count."""
    texts = texts if texts is not None else labelled_set()
    by_key = {t.key: t for t in texts}
    fingerprints = {t.key: engine.Fingerprint.of(t.text) for t in texts}
    index = engine.Index.of((key, fp.values) for key, fp in fingerprints.items())
    candidates = index.candidate_pairs(engine.ESTIMATE_MIN)
    matches = engine.verify(candidates, fingerprints.__getitem__)
    reported = {frozenset((m.first, m.second)) for m in matches}
    paragraph_of = {p.number: p for p in paragraphs()}
    quality = Quality(len(texts), 0, 0, len(reported), 0, candidates=len(candidates))
    for pair in reported:
        first, second = (by_key[k] for k in pair)
        if first.paragraph == second.paragraph:
            quality.correct += 1
        else:
            same = paragraph_of[first.paragraph].document == paragraph_of[second.paragraph].document
            quality.false_positives["same document" if same else "other document"] += 1
    for text in texts:
        if text.edit:
            quality.positives += 1
            if frozenset((f"p{text.paragraph}", text.key)) in reported:
                quality.found_positives += 1
            else:
                quality.missed[text.edit] += 1
    return quality
