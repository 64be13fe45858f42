"""The labelled set and the figures the issue asks for: a regression in the engine fails here."""

from dangjian.originality import quality


def test_labelled_set_is_deterministic_and_varied():
    first, second = quality.labelled_set(), quality.labelled_set()
    assert [t.text for t in first] == [t.text for t in second]
    assert {t.edit for t in first} == {"", *quality.EDITS}
    assert len({t.paragraph for t in first}) >= 40
    assert all(t.text != quality.paragraphs()[t.paragraph].text for t in first if t.edit)


def test_precision_and_recall_reach_the_targets():
    result = quality.evaluate()
    assert result.positives >= 500
    assert result.precision >= 0.95, result
    assert result.recall >= 0.9, result


def test_partial_copies_keep_60_to_80_percent():
    import random

    rng = random.Random(2)
    for paragraph in quality.paragraphs()[:10]:
        share = len(quality.partial(paragraph.text, rng)) / len(paragraph.text)
        assert 0.55 <= share <= 0.85
