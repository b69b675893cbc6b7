"""kg.layout: headline, captions, footers, sentences, offsets."""
import pytest
from rdflib import RDFS, Graph, Namespace

from kg.cli import main
from kg.layout import SENTENCE_MAX, line_kind, split_sentences
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
    # page chrome: posting times, view counts, font size
    ("来源:青川日报 发布时间:2024-03-01 10:30 阅读:1024", 1, False, "chrome"),
    ("发布日期:2024年3月1日 浏览次数:356 字号:大 中 小", 1, False, "chrome"),
    ("2024-03-01 10:30:00", 1, False, "chrome"),
    ("2024年03月01日", 0, False, "chrome"),
    # a notice's own time line is text, and so is prose that quotes a reader
    ("活动时间:3月1日上午,地点:青川会展中心。", 2, False, "body"),
    ("他说:阅读:让人成长。", 2, False, "body"),
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


def test_a_chrome_line_keeps_its_source_field_as_a_footer():
    text = "青川经开区举办座谈会\n来源:青川日报 发布时间:2024-03-01 10:30 阅读:1024\n正文第一句,说明情况。\n"
    assert kinds(text)[1:4] == [("footer", "来源:青川日报"), ("chrome", "发布时间:2024-03-01 10:30"),
                                ("chrome", "阅读:1024")]
    assert kinds(text)[4] == ("body", "正文第一句,说明情况。")


def test_page_chrome_of_an_html_page_gives_no_entities(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>青川经开区举办座谈会</title></head><body>"
        "<h1>青川经开区举办座谈会</h1>"
        "<div>来源：青川日报　发布时间：2024-03-01 10:30　阅读：1024</div>"
        "<div>发布日期：2024年3月1日　浏览次数：356　字号：大 中 小</div>"
        "<div>时间：2024-03-01 作者：周一鸣 点击数：88</div>"
        "<p>3月1日，青川经济开发区召开青年人才座谈会。</p></body></html>", encoding="utf-8")
    assert main(["build", str(page), "--out", str(tmp_path / "out")]) == 0
    graph = Graph().parse(tmp_path / "out" / "graph.ttl")
    kg = Namespace("https://w3id.org/kg-news/ontology#")
    labels = {str(label) for label in graph.objects(None, RDFS.label)}
    publishers = {str(graph.value(o, RDFS.label)) for o in graph.objects(None, kg.publisher)}
    assert publishers == {"青川日报"}
    assert not labels & {"发布时间", "阅读", "发布日期", "浏览次数", "字号", "点击数", "周一鸣"}
    assert "青川经济开发区" in labels


def test_a_text_without_punctuation_is_cut_into_sentences_of_bounded_length():
    text = "标题\n" + "青川经开区组织企业参加培训" * 3000 + "\n"
    sentences = split_sentences(text)[1:]
    assert all(len(s.text) <= SENTENCE_MAX for s in sentences)
    assert "".join(s.text for s in sentences) == text.split("\n")[1]  # nothing lost, in order
    assert [s.start for s in sentences[1:]] == [s.end for s in sentences[:-1]]


def test_a_long_sentence_is_cut_after_a_clause_mark_when_it_has_one():
    clause = "青川经开区组织企业参加培训," * 40
    sentences = split_sentences("标题\n" + clause + "\n")[1:]
    assert len(sentences) > 1
    assert all(s.text.endswith(",") for s in sentences[:-1])
    assert all(len(s.text) <= SENTENCE_MAX for s in sentences)
