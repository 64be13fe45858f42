"""The registry of named figures: registering, the measures, tracing and rendering, and for every
registered figure on the test world: a number (or None), a Chinese description, a working link, the
value its records give back, and a few queries whatever the subtree."""

from datetime import date
from decimal import Decimal

import pytest

from dangjian.core import figures as registry
from dangjian.core.figures import Period, compute_figures, figure_keys, get_figure, rate, register_figure

PERIODS = [Period.year(2025), Period.months("2026-01", "2026-06")]


@pytest.fixture
def scratch(monkeypatch):
    """An empty registry for the test (the real one is restored after)."""
    monkeypatch.setattr(registry, "figures", {})
    return registry


def test_period():
    assert str(Period.year(2025)) == "2025年"
    assert Period.months("2025-02", "2025-02") == Period(date(2025, 2, 1), date(2025, 2, 28))
    assert str(Period.months("2025-01", "2025-06")) == "2025年1月1日至2025年6月30日"
    assert date(2025, 12, 31) in Period.year(2025)
    assert date(2026, 1, 1) not in Period.year(2025)


def test_register_and_compute(scratch):
    @scratch.register_figure("x.count", "某数", "个", description="测试")
    def x_count(organization, period):
        return 3

    @scratch.register_figure("x.share", "某率", "%", measure="rate")
    def x_share(organization, period):
        return Decimal("98.84")

    assert scratch.compute_figures(["x.count", "x.share"], None, PERIODS[0]) == {
        "x.count": 3,
        "x.share": Decimal("98.84"),
    }
    assert scratch.get_figure("x.count").render(None, PERIODS[0]) == "3个"
    assert scratch.get_figure("x.share").render(None, PERIODS[0]) == "98.8%"
    assert scratch.get_figure("x.share").render(None, PERIODS[0], "percent_above") == "95%以上"
    assert scratch.get_figure("x.count").trace(None, PERIODS[0]) is None
    assert scratch.get_figure("x.count").url(None, PERIODS[0]) == ""
    assert scratch.figure_keys("x.") == ["x.count", "x.share"]
    with pytest.raises(KeyError, match="未登记的数字：y"):
        scratch.get_figure("y")


def test_registering_twice_or_badly_is_refused(scratch):
    register = scratch.register_figure
    register("x.count", "某数", "个")(lambda org, period: 1)
    with pytest.raises(ValueError, match="registered twice"):
        register("x.count", "某数", "个")(lambda org, period: 2)
    with pytest.raises(ValueError, match="unknown measure"):
        register("x.other", "某数", "个", measure="median")
    with pytest.raises(ValueError, match="sum_of"):
        register("x.sum", "某数", "个", measure="sum")
    with pytest.raises(ValueError, match="sum_of"):
        register("x.count2", "某数", "个", sum_of="hours")


def test_rate():
    assert rate(1, 3) == Decimal("33.33")
    assert rate(2, 3) == Decimal("66.67")
    assert rate(0, 0) is None
    assert rate(5, 5) == Decimal("100.00")


def test_every_capability_registers_figures():
    prefixes = {key.split(".")[0] for key in registry.figures}
    assert {"organizations", "members", "activities", "study", "exams", "development", "youth"} <= prefixes
    assert {"tasks", "targets", "inspections", "evaluation", "surveys", "feedback"} <= prefixes


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(registry.figures))
def test_every_figure_on_the_world(world, key, django_assert_max_num_queries):
    figure = get_figure(key)
    assert figure.description and figure.label and figure.unit, key
    assert any("\u4e00" <= ch <= "\u9fff" for ch in figure.description)
    for period in PERIODS:
        for org in ("root", "town_a", "b1"):
            # A few queries each, the same for the county as for a branch (no loop over organizations).
            with django_assert_max_num_queries(8):
                found = figure.value(world[org], period)
            assert found is None or isinstance(found, int | Decimal), (key, found)
            if figure.measure in ("count", "sum"):
                assert found == figure.recount(world[org], period), (key, org, period)
            url = figure.url(world[org], period)
            assert url == "" or url.startswith("/"), url
            assert isinstance(figure.render(world[org], period), str)
    assert compute_figures([key], world["root"], PERIODS[0]) == {key: figure.value(world["root"], PERIODS[0])}


def test_keys_are_lower_dotted():
    for key in figure_keys():
        assert key == key.lower() and " " not in key and key.count(".") >= 1, key
    assert register_figure  # the public interface stays importable


def test_every_key_is_documented():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[4] / "docs" / "figures.md").read_text(encoding="utf-8")
    missing = [key for key in figure_keys() if f"`{key}`" not in text]
    assert not missing, f"docs/figures.md lacks {missing}"
