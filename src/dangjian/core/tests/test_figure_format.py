"""Every rule of core.figure_format (see its docstring and docs/figures.md), with the edges."""

from decimal import Decimal

import pytest

from dangjian.core.figure_format import format_figure

CASES = [
    # exact
    (1356, "名", "exact", "1356名"),
    (0, "名", "exact", "0名"),
    (Decimal("12.50"), "学时", "exact", "12.5学时"),
    (Decimal("12.345"), "学时", "exact", "12.35学时"),
    (2.0, "次", "exact", "2次"),
    # 余: one significant digit below 100, two from 100, 万 from 10,000, 亿 from 1亿
    (856, "人次", "yu", "850余人次"),
    (809, "人次", "yu", "800余人次"),
    (86, "人", "yu", "80余人"),
    (1356, "名", "yu", "1300余名"),
    (9999, "字", "yu", "9900余字"),
    (10500, "字", "yu", "1万余字"),
    (99999, "字", "yu", "9万余字"),
    (5034567, "字", "yu", "500余万字"),
    (1356000, "元", "yu", "130余万元"),
    (123456789, "字", "yu", "1亿余字"),
    (1234567890, "字", "yu", "10余亿字"),
    # 余 would overstate: below 10 and round numbers stay exact
    (0, "人", "yu", "0人"),
    (9, "人", "yu", "9人"),
    (800, "人次", "yu", "800人次"),
    (10000, "字", "yu", "1万字"),
    (5000000, "字", "yu", "500万字"),
    (Decimal("800.5"), "学时", "yu", "800余学时"),
    # 近: within 5% below the next round number, R ≥ 100
    (9800, "字", "jin", "近万字"),
    (9500, "字", "jin", "近万字"),
    (9499, "字", "jin", "9400余字"),
    (9000, "字", "jin", "9000字"),
    (8600, "字", "jin", "近9000字"),
    (95, "人", "jin", "近百人"),
    (950, "人", "jin", "近千人"),
    (48000, "字", "jin", "近5万字"),
    (97000000, "字", "jin", "近亿字"),
    (8550, "字", "jin", "近9000字"),
    (8500, "字", "jin", "8500字"),  # 500 short of 9000 is more than 5%: falls back to 余 (exact)
    (8400, "字", "jin", "8400字"),
    (8450, "字", "jin", "8400余字"),
    (50, "人", "jin", "50人"),
    (89, "人", "jin", "80余人"),  # R = 90 < 100
    (0, "人", "jin", "0人"),
    # 约: two significant digits, half up
    (13560, "", "yue", "约1.4万"),
    (856, "人", "yue", "约860人"),
    (1356, "人", "yue", "约1400人"),
    (1350, "人", "yue", "约1400人"),
    (1344, "人", "yue", "约1300人"),
    (1400, "人", "yue", "1400人"),  # nothing rounded: no 约
    (86, "人", "yue", "86人"),
    (9999, "人", "yue", "约1万人"),
    (1356000, "元", "yue", "约136万元"),
    (99999999, "字", "yue", "约1亿字"),
    (20000, "字", "yue", "2万字"),
    # 万
    (135000, "元", "wan", "13.5万元"),
    (135246, "元", "wan", "13.52万元"),
    (135255, "元", "wan", "13.53万元"),
    (10000, "元", "wan", "1万元"),
    (9999, "元", "wan", "9999元"),
    (210000000, "元", "wan", "2.1亿元"),
    # percentages
    (Decimal("98.84"), "%", "percent", "98.8%"),
    (Decimal("98.85"), "%", "percent", "98.9%"),
    (90, "%", "percent", "90%"),
    (100, "", "percent", "100%"),
    (0, "%", "percent", "0%"),
    (Decimal("98.8"), "%", "percent_above", "95%以上"),
    (92, "%", "percent_above", "90%以上"),
    (90, "%", "percent_above", "90%以上"),
    (Decimal("89.99"), "%", "percent_above", "85%以上"),
    (100, "%", "percent_above", "100%"),
    (Decimal("4.5"), "%", "percent_above", "4.5%"),
    # auto
    (Decimal("98.84"), "%", "auto", "98.8%"),
    (1356, "名", "auto", "1356名"),
    (5034567, "字", "auto", "500余万字"),
    (135000, "元", "auto", "13.5万元"),
    (Decimal("12.5"), "学时", "auto", "12.5学时"),
]


@pytest.mark.parametrize(("value", "unit", "style", "expected"), CASES)
def test_rule(value, unit, style, expected):
    assert format_figure(value, unit, style) == expected


@pytest.mark.parametrize("style", ["exact", "yu", "jin", "yue", "wan", "percent", "percent_above", "auto"])
def test_none_is_a_dash_and_negatives_are_refused(style):
    assert format_figure(None, "名", style) == "—"
    with pytest.raises(ValueError, match="负数"):
        format_figure(-1, "名", style)


def test_unknown_style_and_booleans_are_refused():
    with pytest.raises(ValueError, match="未知的数字写法"):
        format_figure(1, "名", "roughly")
    with pytest.raises(TypeError):
        format_figure(True, "名")


def test_yu_never_claims_more_than_there_is():
    for value in [*range(0, 3000, 7), *range(9000, 120000, 997)]:
        text = format_figure(value, "", "yu")
        digits = text.replace("余", "").replace("万", "")
        scale = 10000 if "万" in text else 1
        assert int(digits) * scale <= value, (value, text)
        assert ("余" in text) == (int(digits) * scale < value), (value, text)
