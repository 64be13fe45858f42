"""A figure rendered the Chinese way: "1356名", "800余人次", "近万字", "约1.4万", "13.5万元", "90%以上".

`format_figure(value, unit, style)`; every rule below is tested (core/tests/test_figure_format.py) and
listed with examples in docs/figures.md. Common to all styles: None is "—" (nothing to count); a negative
value is refused (ValueError: counts are never negative; a change is written 增加/减少 by the caller);
digits carry no thousands separators (公文 write 1356, not 1,356); the unit follows the number.

- "exact": the value itself; an integer as is, a fraction half up to 2 decimals, trailing zeros dropped
  ("1356名", "12.5学时").
- "yu" (余, "more than"): the value floored to a round number, then 余. The round number keeps one
  significant digit from 10 to 99 (86 → "80余"), two from 100 to 9999 (856 → "850余", 1356 →
  "1300余"); from 10,000 the count is taken in 万 (from 1亿 in 亿): under 10万 → "3万余" (whole 万
  then 余), from 10万 the 万 figure is floored the same way and 余 stands before 万 ("500余万字" for
  5,034,567, "130余万" for 1,356,000). A value below 10, or one that already is the round number
  (800 → "800"), is exact: 余 would say more than there is.
- "jin" (近, "nearly"): the next round number R above the value (its leading digit raised by one,
  e.g. 8600 → 9000, 9850 → 10,000), when the value falls short of R by at most 5% of R and R ≥ 100
  (9500–9999 → "近万", 8550–8999 → "近9000", 95–99 → "近百");
  R is written 百/千/万/亿 when it is exactly one of them ("近万字"), else as in "yu" ("近9000",
  "近5万"). Where 近 does not apply (too far below, or below 90), the style falls back to "yu".
- "yue" (约, "about"): two significant digits, half up: below 100 exact; 100–9999 to the tens or
  hundreds (856 → "约860", 1356 → "约1400"); from 1万 in 万 (from 1亿 in 亿) with one decimal below 10
  ("约1.4万") and whole 万 from 10万 ("约136万"). When rounding changes nothing, 约 is dropped.
- "wan" (万): in 万 from 10,000 (in 亿 from 1亿), half up to 2 decimals, trailing zeros dropped
  ("13.5万元", "13.52万元", "2.1亿元"); below 10,000 exact.
- "percent": the value is a percentage (0–100, more for growth); half up to 1 decimal, ".0" dropped
  ("98.8%", "90%", "100%"). The unit is "%" whatever `unit` says.
- "percent_above": floored to a step of 5 points, written 以上 (which in Chinese includes the bound:
  98.8 → "95%以上", 92 → "90%以上", 90 → "90%以上"); 100 and more → "100%"; below 5 → "percent".
- "auto", for a report sentence: a unit of "%" → "percent"; 元 → "wan"; anything else below 10,000
  exact, from 10,000 "yu" ("500余万字").
"""

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

STYLES = ("exact", "yu", "jin", "yue", "wan", "percent", "percent_above", "auto")
NOTHING = "—"
WAN = 10**4
YI = 10**8
PERCENT_STEP = 5
JIN_PERCENT = 5  # 近 only within 5% below the round number
# Round numbers written as a character after 近 ("近万字").
ROUND_WORDS = {100: "百", 1000: "千", WAN: "万", YI: "亿"}


def format_figure(value, unit: str = "", style: str = "exact") -> str:
    """`value` (int, Decimal, float or None) with `unit` in `style` (see the module docstring)."""
    if style not in STYLES:
        raise ValueError(f"未知的数字写法：{style}")
    if value is None:
        return NOTHING
    number = _decimal(value)
    if number < 0:
        raise ValueError(f"数字不能为负数：{value}")
    if style == "auto":
        style = _auto_style(number, unit)
    if style in ("percent", "percent_above"):
        return _PERCENT[style](number)
    return _STYLES[style](number) + unit


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("数字不能是布尔值")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _auto_style(number: Decimal, unit: str) -> str:
    if unit == "%":
        return "percent"
    if unit.endswith("元"):
        return "wan"
    return "exact" if number < WAN else "yu"


def plain(number: Decimal, places: int = 2) -> str:
    """`number` half up to `places` decimals, trailing zeros and point dropped ("12.50" → "12.5")."""
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _exact(number: Decimal) -> str:
    return plain(number)


def _magnitude(n: int) -> int:
    """The rounding step of 余: one significant digit below 100, two from 100 on."""
    digits = len(str(n))
    return 10 ** (digits - 1) if digits < 3 else 10 ** (digits - 2)


def _floor_to(n: int, step: int) -> int:
    return n // step * step


def _yu(number: Decimal) -> str:
    n = int(number.to_integral_value(rounding=ROUND_FLOOR))
    if n < 10:
        return _exact(number)
    if n < WAN:
        floored = _floor_to(n, _magnitude(n))
        return str(floored) if floored == number else f"{floored}余"
    big, word = (YI, "亿") if n >= YI else (WAN, "万")
    whole = n // big
    if whole < 10:
        return f"{whole}{word}" if whole * big == number else f"{whole}{word}余"
    floored = _floor_to(whole, _magnitude(whole))
    return f"{floored}{word}" if floored * big == number else f"{floored}余{word}"


def _round_number_text(r: int) -> str:
    if r in ROUND_WORDS:
        return ROUND_WORDS[r]
    if r >= YI:
        return f"{r // YI}亿" if r % YI == 0 else f"{plain(Decimal(r) / YI)}亿"
    if r >= WAN:
        return f"{r // WAN}万" if r % WAN == 0 else f"{plain(Decimal(r) / WAN)}万"
    return str(r)


def _jin(number: Decimal) -> str:
    n = int(number.to_integral_value(rounding=ROUND_FLOOR))
    if n >= 1:
        step = 10 ** (len(str(n)) - 1)
        target = (n // step + 1) * step  # the leading digit raised by one: 8600 → 9000, 9850 → 10000
        if target >= 100 and (target - number) * 100 <= target * JIN_PERCENT:
            return f"近{_round_number_text(target)}"
    return _yu(number)


def _yue(number: Decimal) -> str:
    if number < 100:
        return _exact(number)
    if number < WAN:
        step = Decimal(10) ** (len(str(int(number))) - 2)
        rounded = (number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        if rounded < WAN:
            return _about(plain(rounded, 0), rounded, number)
        number_text_base = rounded  # 9999 rounds up to 1万: written in 万 below
    else:
        number_text_base = number
    big, word = (YI, "亿") if number_text_base >= YI else (WAN, "万")
    scaled = number_text_base / big
    places = 1 if scaled < 10 else 0
    rounded_scaled = scaled.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if word == "万" and rounded_scaled >= WAN:  # 9999.6万 rounds up to 1亿
        rounded_scaled, word, big = Decimal(1), "亿", YI
    return _about(plain(rounded_scaled, places) + word, rounded_scaled * big, number)


def _about(text: str, rounded: Decimal, number: Decimal) -> str:
    return text if rounded == number else f"约{text}"


def _wan(number: Decimal) -> str:
    if number < WAN:
        return _exact(number)
    big, word = (YI, "亿") if number >= YI else (WAN, "万")
    return plain(number / big) + word


def _percent(number: Decimal) -> str:
    return f"{plain(number, 1)}%"


def _percent_above(number: Decimal) -> str:
    if number >= 100:
        return "100%"
    if number < PERCENT_STEP:
        return _percent(number)
    floored = int(number // PERCENT_STEP) * PERCENT_STEP
    return f"{floored}%以上"


_STYLES = {"exact": _exact, "yu": _yu, "jin": _jin, "yue": _yue, "wan": _wan}
_PERCENT = {"percent": _percent, "percent_above": _percent_above}
