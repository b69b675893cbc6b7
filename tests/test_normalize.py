"""kg.normalize: pinyin glosses, traditional → simplified, punctuation width, offsets back."""
import random

import pytest

from kg.normalize import clean_label, normalize, to_simplified

# Written for these tests in the style of the input: traditional characters with
# pinyin glosses after some of them, full-width punctuation and digits.
GLOSSED = (
    "青川經濟技術開(kāi)發(fā)區(qū)黨工委舉辦青年人才座談會\n"
    "（記者 張三 通訊員 李四）６月１８日，青川經開(kāi)區(qū)組織２０餘(yú)名黨(dǎng)員赴園區(qū)企業參觀學習。\n"
    "會上，區(qū)黨工委書記王五說：“我們要把服務做實！”\n"
)


@pytest.mark.parametrize("original, expected", [
    ("開發(fā)區(qū)", "开发区"),
    ("開(kāi)發(fā)區(qū)", "开发区"),
    ("黨(dǎng)建聯(lián)盟", "党建联盟"),
    ("園區(qū)(Park)", "园区(Park)"),  # a plain word in parentheses is no gloss
])
def test_pinyin_glosses_are_dropped(original, expected):
    assert normalize(original).text == expected


@pytest.mark.parametrize("original, expected", [
    ("(記者 張三)", "(记者 张三)"),
    ("（記者 張三）", "(记者 张三)"),
    ("(通訊員 李四 王五)", "(通讯员 李四 王五)"),
    ("(2024年)", "(2024年)"),
    ("(試行)", "(试行)"),
])
def test_real_parentheses_stay(original, expected):
    assert normalize(original).text == expected


@pytest.mark.parametrize("original, expected", [
    ("經濟技術開發區", "经济技术开发区"),
    ("黨員幹部參觀學習", "党员干部参观学习"),
    ("隨著產業聯盟發展", "随着产业联盟发展"),
    ("青禾科技有限公司總經理", "青禾科技有限公司总经理"),
])
def test_traditional_to_simplified(original, expected):
    assert normalize(original).text == expected
    assert to_simplified(original) == expected


@pytest.mark.parametrize("original, expected", [
    ("，：；！？（）", ",:;!?()"),
    ("２０２４年７月１日", "2024年7月1日"),
    ("Ａｂｃ", "Abc"),
    ("编辑：王五", "编辑:王五"),
    ("\u3000首行", " 首行"),
])
def test_full_width_punctuation_becomes_ascii(original, expected):
    assert normalize(original).text == expected


def test_chinese_quotes_and_enumeration_comma_are_kept():
    assert normalize("“红色引擎”、“先锋”").text == "“红色引擎”、“先锋”"


def test_text_without_changes_maps_to_itself():
    nt = normalize("青川经开区举办座谈会。")
    assert nt.text == nt.original
    assert list(nt.origin) == list(range(len(nt.text)))


def test_every_normalized_character_has_an_origin():
    nt = normalize(GLOSSED)
    assert len(nt.origin) == len(nt.text)
    assert all(0 <= o < len(nt.original) for o in nt.origin)
    assert list(nt.origin) == sorted(set(nt.origin)), "origins strictly increase"
    for i, ch in enumerate(nt.text):
        # each character comes from one original character, converted on its own
        assert normalize(nt.original[nt.origin[i]]).text == ch


def test_glosses_leave_gaps_in_the_map():
    nt = normalize("開發(fā)區")
    assert nt.text == "开发区"
    assert list(nt.origin) == [0, 1, 6]
    assert nt.original_span(0, 3) == "開發(fā)區"
    assert nt.original_span(2, 3) == "區"


def test_random_spans_map_back():
    """Property: any span of the normalized text maps back to a span of the original
    that normalizes to the same text."""
    nt = normalize(GLOSSED)
    rng = random.Random(20240701)
    n = len(nt.text)
    for _ in range(500):
        a = rng.randrange(0, n)
        b = rng.randrange(a + 1, n + 1)
        s, e = nt.to_original(a, b)
        assert 0 <= s < e <= len(nt.original)
        assert nt.original_span(a, b) == nt.original[s:e]
        assert normalize(nt.original[s:e]).text == nt.text[a:b], (a, b)


def test_every_offset_boundary():
    """Property over all offsets: spans are monotone and cover their characters."""
    nt = normalize(GLOSSED)
    n = len(nt.text)
    previous_end = 0
    for i in range(n):
        s, e = nt.to_original(i, i + 1)
        assert e == s + 1
        assert s >= previous_end
        previous_end = e
        assert nt.to_original(0, i + 1)[1] == e
        # an empty span sits where the next character starts
        assert nt.to_original(i, i) == (s, s)
    assert nt.to_original(n, n) == (len(nt.original), len(nt.original))


def test_clean_label_drops_quotes_and_spaces():
    assert clean_label("“科创红盟” 联盟") == "科创红盟联盟"
    assert clean_label("《青川日报》") == "青川日报"
