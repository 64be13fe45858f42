"""Benchmarks of the originality check (issue #4): quality on the labelled set, index, query, all pairs.

`dangjian bench originality --json` runs them on their own (synthetic data, no database needed);
the study bench calls `measure(run)`. Texts are `synthetic.Corpus` texts of 500–2,000 characters, with a
planted near-duplicate every tenth text. Figures:

- quality_precision / quality_recall on `quality.labelled_set()` (targets 0.95 / 0.9);
- index_build_100k_s: normalizing, shingling, MinHash and LSH banding of 100,000 texts (text generation,
  which stands for reading them from the database, is not timed) — target 60 s;
- query_p50 / query_p95: one new text against that index, verified on the candidates' texts — 100 ms;
- all_pairs_10k_s: every near-duplicate pair among 10,000 texts, from the texts — 10 s;
- the exhaustive comparison (every pair's exact Jaccard) on the same 10,000 texts cannot be run in a
  bench's time (50 million pairs): it is measured on a sample and extrapolated, fingerprinting linearly
  and comparing by the number of pairs (n(n-1)/2); the log says so. Target ≥ 50×.
"""

import random
import time

from dangjian.core.bench import BenchRun, PeakRss, Timing, register_bench

from . import engine, quality
from .synthetic import Corpus

INDEX_TEXTS = 100_000
INDEX_TARGET_S = 60
QUERY_TARGET_MS = 100
QUERIES = 100  # edited copies of indexed texts, and as many new texts
PAIRS_TEXTS = 10_000
PAIRS_TARGET_S = 10
EXHAUSTIVE_SAMPLE = 600
SPEEDUP_TARGET = 50
CHUNK = 2_000


def measure(run: BenchRun) -> None:
    """Quality, the 100,000-text index and its queries, all pairs of 10,000 texts and the baseline."""
    corpus = Corpus()
    _quality(run)
    with PeakRss() as memory:
        index = _index(run, corpus)
        _queries(run, corpus, index)
    run.figure("index_peak_rss_mb", memory.peak, "MB")
    run.log(f"peak RSS while indexing and querying: {memory.peak:.0f} MB ({memory.method})")
    del index
    ours = _all_pairs(run, corpus)
    _exhaustive(run, corpus, ours)


@register_bench("originality", needs_data=False)
def originality_bench(run: BenchRun) -> None:
    """雷同检测: labelled-set quality, a 100,000-text index, queries, all pairs of 10,000 texts."""
    measure(run)


def _quality(run: BenchRun) -> None:
    result = quality.evaluate()
    run.figure("quality_precision", result.precision, "ratio", target=0.95, better="higher")
    run.figure("quality_recall", result.recall, "ratio", target=0.9, better="higher")
    run.log(
        f"labelled set: {result.texts} texts, {result.positives} positive pairs; reported {result.reported} "
        f"pairs ({result.correct} right), missed by edit {dict(result.missed)}, "
        f"false positives {dict(result.false_positives)}; n={engine.NGRAM}, num_perm={engine.NUM_PERM}, "
        f"bands {engine.BANDS}×{engine.ROWS}, Jaccard ≥ {engine.JACCARD_MIN} or containment ≥ "
        f"{engine.CONTAINMENT_MIN} with ≥ {engine.MIN_SHARED} shared shingles"
    )


def _signatures(texts) -> list:
    return [engine.Fingerprint.of(text).values for text in texts]


def _index(run: BenchRun, corpus: Corpus) -> engine.Index:
    """Fingerprint 100,000 texts chunk by chunk (generation untimed), then band them."""
    spent, signatures, chars = 0.0, [], 0
    for start in range(0, INDEX_TEXTS, CHUNK):
        texts = [corpus.text(i) for i in range(start, min(start + CHUNK, INDEX_TEXTS))]
        chars += sum(len(t) for t in texts)
        began = time.perf_counter()
        signatures.extend(_signatures(texts))
        spent += time.perf_counter() - began
    began = time.perf_counter()
    index = engine.Index.of(enumerate(signatures))
    banding = time.perf_counter() - began
    run.figure("index_build_100k_s", spent + banding, "s", target=INDEX_TARGET_S)
    run.log(
        f"index: {INDEX_TEXTS:,} texts, {chars / INDEX_TEXTS:.0f} characters on average; fingerprints "
        f"{spent:.1f} s, LSH banding {banding:.1f} s (generating the texts is not timed)"
    )
    return index


def _query(index: engine.Index, corpus: Corpus, text: str) -> list:
    """One text against the index: its fingerprint, the candidates, each verified on its own text (read
    again, as a check reads notes from the database)."""
    fingerprint = engine.Fingerprint.of(text)
    found = []
    for key in index.candidates(fingerprint.values, engine.ESTIMATE_MIN):
        similarity = engine.compare(fingerprint.hashes, engine.Fingerprint.of(corpus.text(key)).hashes)
        if engine.is_near_duplicate(similarity):
            found.append((key, similarity))
    return found


def _queries(run: BenchRun, corpus: Corpus, index: engine.Index) -> None:
    rng = random.Random(11)  # noqa: S311 - a reproducible sample, not a secret
    sources = [rng.randrange(INDEX_TEXTS) for _ in range(QUERIES)]
    copies = [(key, corpus.edited(corpus.text(key), INDEX_TEXTS + n)) for n, key in enumerate(sources)]
    fresh = [corpus.fresh(INDEX_TEXTS + PLANT_OFFSET + n) for n in range(QUERIES)]
    samples, found_copies, false_hits = [], 0, 0
    for key, text in copies:
        timing = run.timed(lambda t=text: _query(index, corpus, t), 1)
        samples += timing.samples
        found_copies += any(hit == key for hit, _ in timing.result)
    for text in fresh:
        timing = run.timed(lambda t=text: _query(index, corpus, t), 1)
        samples += timing.samples
        false_hits += len(timing.result)
    timing = Timing(samples)
    run.figure("query_p50", timing.percentile(50), "ms", target=QUERY_TARGET_MS)
    run.figure("query_p95", timing.percentile(95), "ms")
    run.log(
        f"queries: {len(samples)} against {len(index):,} texts; the source of {found_copies}/{QUERIES} "
        f"edited copies found; {false_hits} hits for {QUERIES} new texts"
    )


PLANT_OFFSET = 1_000_000  # numbers of texts that are never in the index


def all_pairs(texts: dict) -> list:
    """What a check does with a set of texts: fingerprints, LSH candidates, exact verification."""
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in texts.items()}
    return engine.find_pairs(fingerprints)


def _all_pairs(run: BenchRun, corpus: Corpus) -> Timing:
    texts = {i: corpus.text(i) for i in range(PAIRS_TEXTS)}
    timing = run.timed(lambda: all_pairs(texts))
    found = {(m.first, m.second) for m in timing.result}
    planted = corpus.planted_pairs(PAIRS_TEXTS)
    run.figure("all_pairs_10k_s", timing.median / 1000, "s", target=PAIRS_TARGET_S)
    run.log(
        f"all pairs of {PAIRS_TEXTS:,} texts: {timing.median / 1000:.2f} s "
        f"(median of {len(timing.samples)}), "
        f"{len(found)} pairs reported, {len(found & planted)}/{len(planted)} planted near-duplicates found"
    )
    return timing


def _exhaustive(run: BenchRun, corpus: Corpus, ours: Timing) -> None:
    """Every pair of a sample compared exactly; extrapolated to 10,000 texts by the number of pairs."""
    sample = {i: corpus.text(i) for i in range(EXHAUSTIVE_SAMPLE)}
    began = time.perf_counter()
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in sample.items()}
    fingerprint_s = time.perf_counter() - began
    timing = run.timed(lambda: engine.exhaustive_pairs(fingerprints), 1)
    expected = {(m.first, m.second) for m in timing.result}
    got = {(m.first, m.second) for m in engine.find_pairs(fingerprints)}
    if not got <= expected:
        raise AssertionError(
            f"LSH reported pairs the exhaustive comparison rejects: {sorted(got - expected)}"
        )
    n, big = EXHAUSTIVE_SAMPLE, PAIRS_TEXTS
    compare_s = timing.median / 1000
    extrapolated_s = fingerprint_s * big / n + compare_s * (big * (big - 1)) / (n * (n - 1))
    run.compare(
        "all_pairs_10k",
        ours.median,
        extrapolated_s * 1000,
        "ms",
        baseline=(
            f"exhaustive pairwise exact Jaccard of shingle sets, measured on {n} texts and extrapolated to "
            f"{big:,} (fingerprints ×{big / n:.0f}, comparisons ×{(big * (big - 1)) / (n * (n - 1)):.0f} by "
            "pair count)"
        ),
        target_speedup=SPEEDUP_TARGET,
    )
    run.log(
        f"exhaustive on {n} texts: fingerprints {fingerprint_s:.2f} s, {n * (n - 1) // 2:,} comparisons "
        f"{compare_s:.2f} s → extrapolated to {big:,} texts {extrapolated_s:.0f} s "
        f"(pairs grow as n²: {big * (big - 1) // 2:,} pairs); LSH found {len(got)}/{len(expected)} of "
        "the sample's pairs"
    )
