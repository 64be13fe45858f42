"""The originality engine (雷同检测): normalized text → character shingles → MinHash → LSH → exact check.

Pure Python and numpy, no Django: the checks (`checks.py`), the command, the benchmark and the quality
measurement all call these functions.

1. `normalize`: NFKC, case-folded, everything but letters and digits dropped (punctuation, spaces, line
   breaks), so "学习，　再学习" and "学习再学习" are the same text. Chinese has no word boundaries: the units
   are characters.
2. `shingle_hashes`: every run of `NGRAM` consecutive characters, hashed to 64 bits (sorted, unique).
3. `signature`: datasketch's MinHash of those shingles (scheme "affine32", `NUM_PERM` permutations of
   seed `SEED`), computed with the same formula in one numpy expression per text instead of
   `MinHash.update_batch`'s per-element hash calls; a test checks the two are bit-for-bit equal.
4. `Index`: locality-sensitive hashing in `BANDS` bands of `ROWS` values, as datasketch's MinHashLSH
   bands them (kept in sorted numpy arrays: see `Index`), proposes the pairs likely to share many
   shingles, so no text is compared with every other.
5. `compare` / `is_near_duplicate`: each candidate pair is verified on the exact shingle sets: Jaccard and
   containment (the share of the shorter text found in the other). Only verified pairs are reported.
6. `passages`: the overlapping passages, as offsets into the original texts, for side-by-side highlighting.

The parameters were chosen by measurement on the labelled set of `quality.py` and the benchmark; see
docs/models/originality/textfingerprint.md and the bench log.
"""

import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash

NGRAM = 5  # characters per shingle
NUM_PERM = 128  # MinHash permutations
# LSH: a pair is a candidate when one band of 3 values agrees: P = 1-(1-J³)⁴², J 0.3 → 68 %, 0.5 → 100 %
BANDS, ROWS = 42, 3
SEED = 20240401  # fixed: signatures stored in the database must stay comparable
SCHEME = "affine32"
SIGNATURE_DTYPE = np.dtype("<u4")
JACCARD_MIN = 0.30  # reported when the shingle sets' Jaccard reaches this …
CONTAINMENT_MIN = 0.50  # … or when this share of the shorter text is found in the other,
MIN_SHARED = 40  # provided at least this many shingles are shared (a common phrase is not a copy)
# Candidates whose MinHash estimate of Jaccard is below this are dropped before their texts are read:
# LSH lets through pairs that share one band by chance (most of a check's candidates); a reported pair
# has J ≥ 0.3, or containment ≥ 0.5 (J ≥ 0.2 up to a 1:2 length ratio), far above 0.1 ± 0.03.
ESTIMATE_MIN = 0.1
MIN_PASSAGE = 12  # characters: shorter common runs are not highlighted

_POLY = np.uint64(0x100000001B3)  # FNV-64 prime, the polynomial base of the rolling hash
_MIX1, _MIX2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_LOW32 = np.uint64(0xFFFFFFFF)


# 1. Normalization ---------------------------------------------------------------------------------------
_DROPPED, _COMPLEX = 0, 0xFFFFFFFF
_BMP = 0x10000


def _normalize_char(char: str) -> str:
    """One character compatibility-normalized (NFKC: full-width → half-width, ⑴ → (1)), case-folded,
    without what is not a letter or a digit."""
    return "".join(part for part in unicodedata.normalize("NFKC", char).casefold() if part.isalnum())


@cache
def _table() -> np.ndarray:
    """For every character of the Basic Multilingual Plane: the code point it normalizes to, 0 when it is
    dropped, _COMPLEX when it becomes several characters (rare: the slow path handles those texts)."""
    table = np.zeros(_BMP, dtype=np.uint32)
    for code in range(_BMP):
        if 0xD800 <= code <= 0xDFFF:  # surrogates never occur in a str
            continue
        normalized = _normalize_char(chr(code))
        if len(normalized) == 1:
            table[code] = ord(normalized)
        elif normalized:
            table[code] = _COMPLEX
    return table


def normalized_codes(text: str) -> np.ndarray:
    """The code points of `normalize(text)`: one table lookup per character, in numpy."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if codes.size and int(codes.max()) < _BMP:
        mapped = _table()[codes]
        if not (mapped == _COMPLEX).any():
            return mapped[mapped != _DROPPED]
    return np.frombuffer(normalize_with_offsets(text)[0].encode("utf-32-le"), dtype=np.uint32)


def normalize(text: str) -> str:
    """Compatibility-normalized (NFKC), case-folded, only letters and digits: "学习，　再学习" and
    "学习再学习" are the same text. Character by character, so offsets map back (`normalize_with_offsets`)."""
    return normalized_codes(text).tobytes().decode("utf-32-le")


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` with the offset in `text` of each kept character (to highlight the original)."""
    kept, offsets = [], []
    for index, char in enumerate(text):
        for part in _normalize_char(char):
            kept.append(part)
            offsets.append(index)
    return "".join(kept), offsets


def char_count(text: str) -> int:
    """Characters that count (letters and digits; a Chinese character counts one)."""
    return int(normalized_codes(text).size)


# 2. Shingles --------------------------------------------------------------------------------------------
def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: spreads the polynomial hash over all bits (wraps modulo 2^64)."""
    values = values ^ (values >> np.uint64(33))
    values = values * _MIX1
    values = values ^ (values >> np.uint64(33))
    values = values * _MIX2
    return values ^ (values >> np.uint64(33))


def shingle_hashes(codes: np.ndarray, n: int = NGRAM) -> np.ndarray:
    """Sorted unique 64-bit hashes of every `n`-character run of a text's `normalized_codes` (a shorter,
    non-empty text is one shingle)."""
    codes = codes.astype(np.uint64)
    if codes.size == 0:
        return np.empty(0, dtype=np.uint64)
    n = min(n, codes.size)
    count = codes.size - n + 1
    hashes = codes[:count].copy()
    for k in range(1, n):  # polynomial hash of each window, all windows at once
        hashes *= _POLY
        hashes += codes[k : k + count]
    hashes = np.sort(_fmix64(hashes))  # sort and mask: np.unique (hash-based in numpy 2.4) is 20× slower here
    return hashes[np.concatenate(([True], hashes[1:] != hashes[:-1]))]


# 3. MinHash signatures ------------------------------------------------------------------------------------
@cache
def _permutations(num_perm: int = NUM_PERM, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.reshape(1, -1), b.reshape(1, -1)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine32 permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def minhash_input(hashes: np.ndarray) -> np.ndarray:
    """The 32-bit values fed to MinHash: the low half of each shingle hash."""
    return (hashes & _LOW32).astype(np.uint32)


def signature(hashes: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash values of a shingle set: `MinHash(num_perm, SEED, scheme="affine32")` updated with
    `minhash_input(hashes)`, computed as one (shingles × permutations) numpy expression."""
    if hashes.size == 0:
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = _permutations(num_perm)
    mixed = _fmix32(minhash_input(hashes)).reshape(-1, 1)
    values = np.multiply(mixed, a)  # wraps modulo 2^32, as datasketch's uint32 arithmetic does
    np.add(values, b, out=values)
    return values.min(axis=0)


def signature_to_bytes(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype=SIGNATURE_DTYPE).tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=SIGNATURE_DTYPE).astype(np.uint32)


def lean_minhash(values: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)


@dataclass(frozen=True)
class Fingerprint:
    """What the engine knows of one text: its shingle hashes, MinHash values and normalized length."""

    hashes: np.ndarray
    values: np.ndarray
    length: int

    @classmethod
    def of(cls, text: str) -> "Fingerprint":
        codes = normalized_codes(text)
        hashes = shingle_hashes(codes)
        return cls(hashes, signature(hashes), int(codes.size))


# 4. LSH ---------------------------------------------------------------------------------------------------
class Index:
    """Banded LSH over MinHash signatures, as datasketch's `MinHashLSH(params=(BANDS, ROWS))` bands them.

    A pair is a candidate when, in some band, its ROWS values are equal. datasketch's MinHashLSH keeps a
    Python set per bucket: measured on this machine, 20,000 signatures took 4.7 s to insert and 255 MB
    (100,000: about 24 s and 1.3 GB). Here each band is one sorted numpy array of 64-bit band keys:
    the same candidates (a test compares them with MinHashLSH's), built in a fraction of a second and
    12 bytes per band and text. A band key is a hash of the band's values, so two different bands may
    (with probability 2⁻⁶⁴) share a key: that only adds a candidate, which verification then rejects.
    """

    def __init__(self, keys: list, signatures: np.ndarray, bands: int = BANDS, rows: int = ROWS):
        self.keys = list(keys)
        self.bands, self.rows = bands, rows
        shape = (len(self.keys), -1 if self.keys else NUM_PERM)
        self.signatures = np.asarray(signatures, dtype=np.uint32).reshape(shape)
        band_keys = self.band_keys(self.signatures)
        order = np.argsort(band_keys, axis=0, kind="stable")  # per band: text numbers by key
        self.sorted = np.take_along_axis(band_keys, order, axis=0)
        self.order = order.astype(np.int32 if len(self.keys) < 2**31 else np.int64)

    @classmethod
    def of(cls, items: Iterable[tuple[Hashable, np.ndarray]], **options) -> "Index":
        keys, rows = [], []
        for key, values in items:
            keys.append(key)
            rows.append(values)
        matrix = np.vstack(rows) if rows else np.empty((0, NUM_PERM), dtype=np.uint32)
        return cls(keys, matrix, **options)

    def __len__(self) -> int:
        return len(self.keys)

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """(texts × bands) 64-bit keys: a hash of each band's ROWS values."""
        keys = np.empty((signatures.shape[0], self.bands), dtype=np.uint64)
        for band in range(self.bands):  # one band at a time: no (texts × bands × rows) temporary
            start = band * self.rows
            column = signatures[:, start].astype(np.uint64)
            for k in range(1, self.rows):
                column *= _POLY
                column += signatures[:, start + k]
            keys[:, band] = _fmix64(column)
        return keys

    def candidates(self, values: np.ndarray, min_estimate: float = 0.0) -> list:
        """Keys of the texts sharing at least one band with `values` (and agreeing with it in at least
        `min_estimate` of their values)."""
        values = np.asarray(values, dtype=np.uint32).reshape(1, -1)
        query = self.band_keys(values)[0]
        found: set[int] = set()
        for band in range(self.bands):
            column = self.sorted[:, band]
            low = np.searchsorted(column, query[band], side="left")
            high = np.searchsorted(column, query[band], side="right")
            if high > low:
                found.update(self.order[low:high, band].tolist())
        rows = np.array(sorted(found), dtype=np.int64)
        if min_estimate > 0 and rows.size:
            rows = rows[(self.signatures[rows] == values).mean(axis=1) >= min_estimate]
        return [self.keys[i] for i in rows.tolist()]

    def candidate_pairs(self, min_estimate: float = 0.0) -> set[tuple]:
        """Every pair of keys sharing a band (in the order they were given) whose signatures agree in at
        least `min_estimate` of their values (MinHash's estimate of their Jaccard)."""
        count = len(self.keys)
        codes = []
        for band in range(self.bands):
            column = self.sorted[:, band]
            same = np.flatnonzero(column[1:] == column[:-1])
            if same.size == 0:
                continue
            # runs of equal keys: their start and end positions in the sorted column
            starts = same[np.r_[True, np.diff(same) > 1]]
            ends = same[np.r_[np.diff(same) > 1, True]] + 2
            members = self.order[:, band]
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                run = np.sort(members[start:end])
                first, second = np.triu_indices(run.size, k=1)
                codes.append(run[first].astype(np.int64) * count + run[second])
        if not codes:
            return set()
        unique = np.unique(np.concatenate(codes))
        if min_estimate > 0:
            first, second = unique // count, unique % count
            agree = (self.signatures[first] == self.signatures[second]).mean(axis=1)
            unique = unique[agree >= min_estimate]
        keys = self.keys
        return {(keys[code // count], keys[code % count]) for code in unique.tolist()}


# 5. Verification ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Similarity:
    """Exact measures of two shingle sets."""

    shared: int
    jaccard: float
    containment: float  # share of the shorter text's shingles found in the other

    @property
    def score(self) -> float:
        """The figure shown as 相似度: the larger measure (containment: it is never the smaller)."""
        return max(self.jaccard, self.containment)


def compare(first: np.ndarray, second: np.ndarray) -> Similarity:
    """Jaccard and containment of two sorted unique hash arrays."""
    if first.size == 0 or second.size == 0:
        return Similarity(0, 0.0, 0.0)
    shared = int(np.intersect1d(first, second, assume_unique=True).size)
    union = first.size + second.size - shared
    return Similarity(shared, shared / union, shared / min(first.size, second.size))


def is_near_duplicate(similarity: Similarity) -> bool:
    if similarity.shared < MIN_SHARED:
        return False
    return similarity.jaccard >= JACCARD_MIN or similarity.containment >= CONTAINMENT_MIN


@dataclass(frozen=True)
class Match:
    """A verified near-duplicate pair (keys in the order they were given)."""

    first: Hashable
    second: Hashable
    similarity: Similarity


def find_pairs(
    fingerprints: Mapping[Hashable, Fingerprint],
    *,
    skip: Callable[[Hashable, Hashable], bool] | None = None,
) -> list[Match]:
    """All verified near-duplicate pairs among `fingerprints`, best first; `skip(a, b)` drops a pair
    before it is verified (e.g. two reference texts)."""
    index = Index.of((key, fp.values) for key, fp in fingerprints.items())
    return verify(index.candidate_pairs(ESTIMATE_MIN), fingerprints.__getitem__, skip=skip)


def verify(pairs, hashes_of: Callable[[Hashable], "Fingerprint"], *, skip=None) -> list[Match]:
    """The candidate pairs that are near-duplicates on their exact shingle sets, best first."""
    matches = []
    for first, second in pairs:
        if skip is not None and skip(first, second):
            continue
        similarity = compare(hashes_of(first).hashes, hashes_of(second).hashes)
        if is_near_duplicate(similarity):
            matches.append(Match(first, second, similarity))
    matches.sort(key=lambda m: (-m.similarity.score, -m.similarity.shared, str(m.first), str(m.second)))
    return matches


def exhaustive_pairs(fingerprints: Mapping[Hashable, Fingerprint], *, skip=None) -> list[Match]:
    """The baseline: every pair compared exactly (n²/2 comparisons), the same answer without LSH's misses."""
    keys = list(fingerprints)
    pairs = ((a, b) for i, a in enumerate(keys) for b in keys[i + 1 :])
    return verify(pairs, fingerprints.__getitem__, skip=skip)


# 6. Overlapping passages ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Passage:
    """A highlighted passage: [start, end) offsets into the original text."""

    start: int
    end: int


def passages(first: str, second: str, *, n: int = NGRAM, min_chars: int = MIN_PASSAGE):
    """The passages of each text that also occur in the other (in any order), as original offsets.

    A normalized position is covered when one of its `n`-character shingles occurs in the other text;
    covered runs of at least `min_chars` characters are kept, mapped back onto the original text, and
    runs separated there only by punctuation or spaces are merged.
    """
    norm_a, offsets_a = normalize_with_offsets(first)
    norm_b, offsets_b = normalize_with_offsets(second)
    grams_a, grams_b = _grams(norm_a, n), _grams(norm_b, n)
    return (
        _spans(first, norm_a, offsets_a, grams_b, n, min_chars),
        _spans(second, norm_b, offsets_b, grams_a, n, min_chars),
    )


def _grams(normalized: str, n: int) -> set[str]:
    return {normalized[i : i + n] for i in range(len(normalized) - n + 1)}


def _spans(original, normalized, offsets, other_grams, n, min_chars) -> list[Passage]:
    covered = bytearray(len(normalized))
    for i in range(len(normalized) - n + 1):
        if normalized[i : i + n] in other_grams:
            covered[i : i + n] = b"\x01" * n
    runs, start = [], None
    for i, flag in enumerate([*covered, 0]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if i - start >= min_chars:
                runs.append(Passage(offsets[start], offsets[i - 1] + 1))
            start = None
    merged: list[Passage] = []
    for run in runs:
        if merged and not normalize(original[merged[-1].end : run.start]):
            merged[-1] = Passage(merged[-1].start, run.end)
        else:
            merged.append(run)
    return merged


def covered_share(text: str, spans: list[Passage]) -> float:
    """Share of the text's counted characters that lie in highlighted passages."""
    total = char_count(text)
    if not total:
        return 0.0
    return sum(char_count(text[p.start : p.end]) for p in spans) / total


def segments(text: str, spans: list[Passage]) -> list[tuple[str, bool]]:
    """The text cut into (part, highlighted) pieces, for a template to wrap in <mark>."""
    parts, position = [], 0
    for span in spans:
        if span.start > position:
            parts.append((text[position : span.start], False))
        parts.append((text[span.start : span.end], True))
        position = span.end
    if position < len(text):
        parts.append((text[position:], False))
    return parts
