"""The engine: normalization, shingles, MinHash as datasketch computes it, LSH, verification, passages."""

import random

import numpy as np
from datasketch import MinHash, MinHashLSH

from dangjian.originality import engine, quality

PARAGRAPHS = quality.paragraphs()
BASE = PARAGRAPHS[3].text
OTHER_DOCUMENT = next(p.text for p in PARAGRAPHS if p.document != PARAGRAPHS[3].document)


def test_normalize_drops_punctuation_and_spaces_and_folds_width_and_case():
    assert engine.normalize("学习， 再学习！\n　（二）") == "学习再学习二"
    assert engine.normalize("ＡＢＣ党员ab") == "abc党员ab"
    assert engine.normalize("⑴学习") == "1学习"  # a compatibility character expanding to several
    assert engine.normalize("𠀀字。") == "𠀀字"  # beyond the Basic Multilingual Plane
    assert engine.char_count("学习， 再学习！") == 5


def test_normalize_agrees_with_its_offsets():
    for text in (BASE, "⑴ 学习，ＡＢ。", "e\u0301 混合 text ①②"):
        normalized, offsets = engine.normalize_with_offsets(text)
        assert normalized == engine.normalize(text)
        assert len(offsets) == len(normalized)
        assert all(engine.normalize(text[o]) for o in offsets)


def test_shingles_are_unique_sorted_and_cover_short_texts():
    codes = engine.normalized_codes("学习学习学习")
    hashes = engine.shingle_hashes(codes, 2)
    assert list(hashes) == sorted(set(hashes.tolist()))
    assert hashes.size == 2  # 学习, 习学
    assert engine.shingle_hashes(engine.normalized_codes("学习"), 5).size == 1
    assert engine.shingle_hashes(engine.normalized_codes("。"), 5).size == 0


def test_signature_is_datasketch_minhash():
    """Our vectorized signature equals datasketch's MinHash.update_batch over the same 32-bit values."""
    hashes = engine.Fingerprint.of(BASE).hashes
    reference = MinHash(num_perm=engine.NUM_PERM, seed=engine.SEED, hashfunc=int)
    reference.update_batch(engine.minhash_input(hashes).tolist())
    assert np.array_equal(engine.signature(hashes), reference.hashvalues)
    values = engine.signature(hashes)
    assert np.array_equal(engine.signature_from_bytes(engine.signature_to_bytes(values)), values)


def test_index_proposes_the_candidates_datasketch_minhashlsh_does():
    rng = np.random.default_rng(5)
    signatures = rng.integers(0, 40, size=(300, engine.NUM_PERM)).astype(np.uint32)  # many collisions
    lsh = MinHashLSH(num_perm=engine.NUM_PERM, params=(engine.BANDS, engine.ROWS))
    for i, row in enumerate(signatures):
        lsh.insert(i, engine.lean_minhash(row))
    expected = {
        (i, j) for i, row in enumerate(signatures) for j in lsh.query(engine.lean_minhash(row)) if j > i
    }
    index = engine.Index(list(range(300)), signatures)
    assert index.candidate_pairs() == expected
    assert set(index.candidates(signatures[7])) == {7} | {j for i, j in expected if i == 7} | {
        i for i, j in expected if j == 7
    }


def test_known_pairs_are_found_and_unrelated_texts_are_not():
    rng = random.Random(1)
    texts = {
        "base": BASE,
        "reordered": quality.reorder(BASE, rng),
        "synonyms": quality.synonyms(BASE, rng),
        "partial": quality.partial(BASE, rng),
        "unrelated": OTHER_DOCUMENT,
        "same document": PARAGRAPHS[4].text,
    }
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in texts.items()}
    found = {frozenset((m.first, m.second)) for m in engine.find_pairs(fingerprints)}
    family = ("base", "reordered", "synonyms", "partial")
    for a in family:
        assert frozenset(("base", a)) in found or a == "base"
    assert not any(key in pair for pair in found for key in ("unrelated", "same document"))
    assert found <= {frozenset((m.first, m.second)) for m in engine.exhaustive_pairs(fingerprints)}


def test_lsh_reports_only_what_the_exhaustive_comparison_confirms():
    texts = {t.key: t.text for t in quality.labelled_set()[:120]}
    fingerprints = {key: engine.Fingerprint.of(text) for key, text in texts.items()}
    ours = {(m.first, m.second) for m in engine.find_pairs(fingerprints)}
    exhaustive = {(m.first, m.second) for m in engine.exhaustive_pairs(fingerprints)}
    normalized = {tuple(sorted(p)) for p in ours}
    assert normalized <= {tuple(sorted(p)) for p in exhaustive}
    assert len(normalized) >= 0.95 * len(exhaustive)


def test_similarity_measures():
    a = engine.Fingerprint.of(BASE)
    half = engine.Fingerprint.of(BASE[: len(BASE) // 2])
    same = engine.compare(a.hashes, a.hashes)
    assert (same.jaccard, same.containment) == (1.0, 1.0)
    part = engine.compare(a.hashes, half.hashes)
    assert part.containment == 1.0
    assert 0.4 < part.jaccard < 0.6
    assert engine.compare(a.hashes, engine.shingle_hashes(np.empty(0, np.uint32))).shared == 0


def test_a_shared_common_phrase_is_not_a_copy():
    phrase = "坚持以科学发展观为指导，深入一线调查研究。"
    first = engine.Fingerprint.of(phrase + PARAGRAPHS[10].text)
    second = engine.Fingerprint.of(phrase + PARAGRAPHS[30].text)
    assert not engine.is_near_duplicate(engine.compare(first.hashes, second.hashes))


def test_passages_are_offsets_into_the_original_texts():
    shared = "严格执行三会一课制度，每月一日定期召开主题党日活动"
    first = f"我的体会：{shared}。此外还有别的内容。"
    second = f"本支部坚持【{shared}】，效果很好"
    spans_a, spans_b = engine.passages(first, second)
    assert [first[p.start : p.end] for p in spans_a] == [shared]
    assert [second[p.start : p.end] for p in spans_b] == [shared]
    segments = engine.segments(first, spans_a)
    assert "".join(part for part, _ in segments) == first
    assert [part for part, marked in segments if marked] == [shared]
    assert engine.covered_share(first, spans_a) > 0.5


def test_passages_follow_reordered_sentences_and_skip_short_runs():
    rng = random.Random(3)
    moved = quality.reorder(BASE, rng)
    spans_a, spans_b = engine.passages(BASE, moved)
    assert engine.covered_share(BASE, spans_a) > 0.9
    assert engine.covered_share(moved, spans_b) > 0.9
    assert engine.passages("学习党章党规", "认真学习党章党规") == ([], [])  # shorter than MIN_PASSAGE
