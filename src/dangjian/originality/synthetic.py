"""Synthetic notes for the benchmark: deterministic, of 500–2,000 characters, from the seed documents.

A text is a run of sentences; a sentence joins 2–4 clauses drawn from a pool of clauses spliced from the
seed documents' own clauses (the first half of one, the second half of another), so texts read like the
seeds, share their common phrases as real notes on the same subjects do, yet are not copies of each other.
Every `PLANT_EVERY`-th text is a near-duplicate of the text before it, edited as `quality.py` edits.
"""

import random
import re
from functools import cached_property

from . import quality

PLANT_EVERY = 10
POOL = 20_000  # spliced clauses
MIN_CHARS, MAX_CHARS = 500, 2000
_CLAUSE = re.compile(r"[，,。；;：:！？!?、]")


class Corpus:
    """`text(i)` is the same for every run with the same `seed` (no state between calls)."""

    def __init__(self, seed: int = 7):
        self.seed = seed

    @cached_property
    def clauses(self) -> list[str]:
        source = [c for c in _CLAUSE.split(quality.SOURCE.read_text(encoding="utf-8")) if len(c.strip()) >= 4]
        rng = random.Random(self.seed)  # noqa: S311 - synthetic text, not a secret
        pool = []
        for _ in range(POOL):
            first, second = rng.choice(source).strip(), rng.choice(source).strip()
            pool.append(first[: len(first) // 2] + second[len(second) // 2 :])
        return pool

    def fresh(self, i: int) -> str:
        """Text number `i` as written from scratch (never a planted copy)."""
        rng = random.Random(f"{self.seed}:{i}")  # noqa: S311 - synthetic text
        length = rng.randint(MIN_CHARS, MAX_CHARS)
        parts, size = [], 0
        while size < length:
            sentence = "，".join(rng.choice(self.clauses) for _ in range(rng.randint(2, 4))) + "。"
            parts.append(sentence)
            size += len(sentence)
        return "".join(parts)[:length]

    def is_planted(self, i: int) -> bool:
        return i % PLANT_EVERY == PLANT_EVERY - 1

    def text(self, i: int) -> str:
        """Text `i`: a planted near-duplicate of text `i - 1` when `is_planted(i)`."""
        if not self.is_planted(i):
            return self.fresh(i)
        return self.edited(self.fresh(i - 1), i)

    def edited(self, text: str, i: int) -> str:
        edits = [e for e in quality.EDITS if e != "quoted"]
        edit = edits[(i // PLANT_EVERY) % len(edits)]
        rng = random.Random(f"{self.seed}:edit:{i}")  # noqa: S311 - synthetic text
        return quality.EDITORS[edit](text, rng)

    def planted_pairs(self, count: int) -> set[tuple[int, int]]:
        return {(i - 1, i) for i in range(count) if self.is_planted(i)}
