"""Counts written in digits or Chinese numerals: 16, 十六, 百, 两千五百, or both: 1.2万."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def parse_count(text: str) -> int | float | None:
    """The number `text` writes, or None. 百 alone is 100, 十六 is 16."""
    if not text:
        return None
    scale = 1
    if len(text) > 1 and text[-1] in UNITS and text[0].isdigit():  # 1.2万, 3千: digits times a unit
        text, scale = text[:-1], UNITS[text[-1]]
    try:
        value = float(text) * scale
        return int(value) if value.is_integer() else value
    except ValueError:
        if scale != 1:
            return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            unit = UNITS[ch]
            if unit == 10000:  # 万 alone is 10000, 三千万 is 30000000
                total += (section + (digit if digit is not None else (0 if section else 1))) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)
