"""kg.numbers: counts in digits and Chinese numerals."""
import pytest

from kg.numbers import parse_count


@pytest.mark.parametrize("text, value", [
    ("16", 16), ("0", 0), ("2024", 2024), ("3.5", 3.5), ("20.0", 20),
    ("一", 1), ("九", 9), ("十", 10), ("十六", 16), ("二十", 20), ("二十三", 23),
    ("百", 100), ("一百", 100), ("两百", 200), ("一百零八", 108), ("三百五十", 350),
    ("千", 1000), ("两千五百", 2500), ("一万", 10000), ("三万五千", 35000), ("十万", 100000),
    ("〇", 0), ("零", 0), ("万", 10000), ("三千万", 30_000_000),
    ("1.2万", 12000), ("3万", 30000), ("5千", 5000), ("1.25万", 12500),
])
def test_parse_count(text, value):
    got = parse_count(text)
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize("text", ["", "余", "五名", "abc", "十几", "1,000", "1.2.3万", "万万x"])
def test_not_a_number(text):
    assert parse_count(text) is None
