"""Scoring methods and rating thresholds (band edges), without the database where possible."""

from decimal import Decimal

import pytest

from dangjian.evaluation import scoring
from dangjian.evaluation.choices import ComputeRule, ScoreSource, ScoringMethod
from dangjian.evaluation.models import RubricItem

D = Decimal


def item(**fields):
    return RubricItem(**{"points": D("10"), "floor": D("0"), **fields})


@pytest.mark.parametrize(
    ("value", "points"), [(D("89.99"), D("0")), (D("90"), D("10")), (D("100"), D("10")), (None, D("0"))]
)
def test_threshold_full_points_at_the_threshold(value, points):
    rule = item(method=ScoringMethod.COMPUTED, rule=ComputeRule.THRESHOLD, threshold=D("90"))
    assert scoring.points_for(rule, value) == points


@pytest.mark.parametrize(("value", "points"), [(D("45"), D("5.00")), (D("90"), D("10")), (D("120"), D("10"))])
def test_proportional_is_capped_at_the_item_points(value, points):
    rule = item(method=ScoringMethod.COMPUTED, rule=ComputeRule.PROPORTIONAL, threshold=D("90"))
    assert scoring.points_for(rule, value) == points


@pytest.mark.parametrize(
    ("count", "points"), [(None, D("10")), (D("0"), D("10")), (D("2"), D("4")), (D("9"), D("2"))]
)
def test_per_occurrence_deduction_stops_at_the_floor(count, points):
    rule = item(
        method=ScoringMethod.COMPUTED, rule=ComputeRule.PER_OCCURRENCE, per_occurrence=D("3"), floor=D("2")
    )
    assert scoring.points_for(rule, count) == points


def test_assessors_are_averaged_and_a_wide_gap_is_a_conflict():
    rule = item(method=ScoringMethod.ASSESSED)
    marks = [(ScoreSource.ASSESSOR, D(p)) for p in ("8", "9")]
    assert scoring.final_points(rule, marks, D("2")) == (D("8.50"), False)
    marks.append((ScoreSource.ASSESSOR, D("5")))
    assert scoring.final_points(rule, marks, D("2")) == (D("7.33"), True)
    marks.append((ScoreSource.RECONCILED, D("7")))
    assert scoring.final_points(rule, marks, D("2")) == (D("7"), False)
    marks.append((ScoreSource.APPEAL, D("9.5")))
    assert scoring.final_points(rule, marks, D("2")) == (D("9.5"), False)


def test_ties_share_a_rank():
    assert scoring.ranks({1: D("90"), 2: D("95"), 3: D("90"), 4: D("80")}) == {2: 1, 1: 2, 3: 2, 4: 4}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (D("100"), "五好"),
        (D("90"), "五好"),
        (D("89.99"), "合格"),
        (D("60"), "合格"),
        (D("59.99"), "不合格"),
        (D("0"), "不合格"),
    ],
)
def test_rating_band_edges_are_inclusive(world, score, rating):
    from .helpers import make_rubric

    version = make_rubric(world).latest_version()
    assert version.rating_for(score) == rating


@pytest.mark.django_db
def test_star_scale(world):
    from dangjian.evaluation import services

    from .helpers import make_rubric

    rubric = make_rubric(world, publish=False)
    version = rubric.latest_version()
    stars = [("五星", 90), ("四星", 80), ("三星", 70), ("二星", 60), ("一星", 0)]
    services.do_set_bands(version, stars, acting_user=None)
    assert [version.rating_for(D(s)) for s in ("90", "89.5", "80", "70", "69", "60", "10")] == [
        "五星",
        "四星",
        "四星",
        "三星",
        "二星",
        "二星",
        "一星",
    ]
