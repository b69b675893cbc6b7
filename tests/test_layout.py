"""kg.layout: headline, captions, footers, sentences, offsets."""
import pytest

from kg.layout import line_kind, split_sentences
from kg.normalize import normalize

ARTICLE = (
    "青川经开区举办青年人才座谈会\n"
    "(记者 林晓东 通讯员 周一鸣)\n"
    "6月18日,青川经开区召开青年人才座谈会,20余名青年人才参加会议。会上,大家畅所欲言!\n"
    "座谈会现场\n"
    "区党工委书记李文博说:“我们要把服务做实做细。”他表示,将持续优化营商环境。\n"
    "\n"
    "编辑:王小红\n"
    "来源:青川日报\n"
)


def kinds(text):
    return [(s.kind, s.text) for s in split_sentences(normalize(text).text)]


def test_article_layout():
    got = kinds(ARTICLE)
    assert got[0] == ("headline", "青川经开区举办青年人才座谈会")
    assert ("caption", "座谈会现场") in got
    assert ("footer", "编辑:王小红") in got
    assert ("footer", "来源:青川日报") in got
    body = [t for k, t in got if k == "body"]
    assert body[:2] == ["6月18日,青川经开区召开青年人才座谈会,20余名青年人才参加会议。", "会上,大家畅所欲言!"]


def test_closing_quote_stays_with_its_sentence():
    got = [t for k, t in kinds(ARTICLE) if k == "body"]
    assert "区党工委书记李文博说:“我们要把服务做实做细。”" in got
    assert "他表示,将持续优化营商环境。" in got


@pytest.mark.parametrize("text, expected", [
    ("他说:“好!”大家鼓掌。", ["他说:“好!”", "大家鼓掌。"]),
    ("真的吗?是的!", ["真的吗?", "是的!"]),
    ("他说:‘行。’随后离开。", ["他说:‘行。’", "随后离开。"]),
    ("没有句号的最后一句", ["没有句号的最后一句"]),
])
def test_sentence_splitting(text, expected):
    body = "标题一行\n这是第一段正文,用来把下一行变成正文段落。\n" + text + ",并补充一句较长的说明文字\n"
    sentences = [s.text for s in split_sentences(body)]
    # the line under test is joined with a trailing clause so that it is body text
    joined = "".join(sentences[2:])
    assert joined == text + ",并补充一句较长的说明文字"
    for piece in expected[:-1]:
        assert piece in sentences


@pytest.mark.parametrize("line, index, last, kind", [
    ("青川经开区举办青年人才座谈会", 0, False, "headline"),
    ("青川经开区举办青年人才座谈会", 0, True, "body"),  # a one-line article is body text
    ("青川经开区召开座谈会。二十余人参加。", 0, False, "body"),  # two sentences are no headline
    ("座谈会现场", 3, False, "caption"),
    ("图为培训现场。", 3, False, "caption"),
    ("编辑:王小红", 5, False, "footer"),
    ("责任编辑:王小红", 5, True, "footer"),
    ("来源:青川日报", 6, True, "footer"),
    ("■ 值班:赵六", 6, True, "footer"),
    ("6月18日,青川经开区召开座谈会,会议由党工委主持。", 2, False, "body"),
])
def test_line_kind(line, index, last, kind):
    assert line_kind(line, index, last) == kind


def test_offsets_are_consistent_with_text():
    nt = normalize(ARTICLE)
    sentences = split_sentences(nt.text)
    assert [s.index for s in sentences] == list(range(len(sentences)))
    previous = 0
    for s in sentences:
        assert nt.text[s.start:s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= previous
        previous = s.end
    # paragraphs number the non-empty lines
    assert [s.paragraph for s in sentences] == sorted(s.paragraph for s in sentences)


def test_offsets_after_normalization_map_back_to_the_original():
    original = "青川經開(kāi)區(qū)舉辦座談會\n６月１８日，青川經開區召開座談會，２０餘名青年人才參加。會上，大家暢所欲言！\n"
    nt = normalize(original)
    for s in split_sentences(nt.text):
        span = nt.original_span(s.start, s.end)
        assert normalize(span).text == s.text


def test_empty_text_has_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("\n \n") == []
