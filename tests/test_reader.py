"""Tests for kg.reader: finding article files, decoding them, and HTML to visible text."""
from __future__ import annotations

import os

import pytest

from kg.errors import InputError
from kg.reader import SourceText, html_to_text, iter_input_files, read_inputs, read_source

SIMPLIFIED = "经济技术开发区党建联盟成立，二十余家企业参加。\n园区人才招聘会吸引了三千多名求职者。\n"
TRADITIONAL = "經濟技術開發區黨建聯盟成立，二十餘家企業參加。\n園區人才招聘會吸引了三千多名求職者。\n"


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("text", "data", "encoding"),
    [
        (SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED, b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
        # 镕 and the euro sign are outside GB2312; the four-byte character outside GBK.
        ("朱镕基考察开发区，投资1亿€。\U00020000字。", "朱镕基考察开发区，投资1亿€。\U00020000字。".encode("gb18030"), "gb18030"),
        (TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16"), "utf-16"),
        (SIMPLIFIED, b"\xfe\xff" + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16-le"), "utf-16"),
        (TRADITIONAL, TRADITIONAL.encode("utf-16-be"), "utf-16"),
        # no ASCII character, so no NUL byte to tell the byte order by
        ("开发区联盟成立，企业参加。", "开发区联盟成立，企业参加。".encode("utf-16-le"), "utf-16"),
        ("开发区联盟成立，企业参加。", "开发区联盟成立，企业参加。".encode("utf-16-be"), "utf-16"),
        ("Plain ASCII news.\n", "Plain ASCII news.\n".encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk", "gb18030", "big5", "utf-16-le-bom", "utf-16-be-bom",
         "utf-16-le", "utf-16-be-traditional", "utf-16-le-no-ascii", "utf-16-be-no-ascii", "utf-16-be-ascii"],
)
def test_decodes_chinese_encodings(tmp_path, text, data, encoding):
    source = read_source(write(tmp_path / "a.txt", data))
    assert source.text == text  # BOM dropped, nothing else changed
    assert source.encoding == encoding
    assert source.media_type == "text/plain"


def test_traditional_text_encoded_as_gbk_is_not_mistaken_for_big5(tmp_path):
    source = read_source(write(tmp_path / "a.txt", TRADITIONAL.encode("gbk")))
    assert (source.text, source.encoding) == (TRADITIONAL, "gb18030")


def test_line_endings_become_newlines(tmp_path):
    source = read_source(write(tmp_path / "a.txt", "标题\r\n\r\n正文第一段。\r第二段。\r\n".encode("gbk")))
    assert source.text == "标题\n\n正文第一段。\n第二段。\n"


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", "\ufeff \u3000\n".encode("utf-8")],
                         ids=["empty", "whitespace", "bom-and-ideographic-space"])
def test_empty_file_is_an_input_error(tmp_path, data):
    path = write(tmp_path / "a.txt", data)
    with pytest.raises(InputError, match=r"a\.txt: empty file$"):
        read_source(path)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        "开发区".encode("utf-8") + b"\x00\x00" + "新闻".encode("utf-8"),
        bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20 + b"text",
        bytes(range(0x80, 0x100)) * 4,
    ],
    ids=["png-header", "nul-bytes", "control-characters", "undecodable"],
)
def test_binary_file_is_an_input_error(tmp_path, data):
    path = write(tmp_path / "picture.txt", data)
    with pytest.raises(InputError, match=r"picture\.txt: not a text file \(binary or unknown encoding\)$"):
        read_source(path)


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"^no such file or folder: .*nope\.txt$"):
        read_source(tmp_path / "nope.txt")
    with pytest.raises(InputError, match=r"^no such file or folder: .*nope$"):
        iter_input_files([tmp_path / "nope"])


def test_folder_given_to_read_source_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_source(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_unreadable_file_is_an_input_error(tmp_path):
    path = write(tmp_path / "secret.txt", SIMPLIFIED.encode("utf-8"))
    path.chmod(0)
    try:
        with pytest.raises(InputError, match=r"secret\.txt: cannot read: permission denied$"):
            read_source(path)
    finally:
        path.chmod(0o600)


# ---------------------------------------------------------------- HTML

GBK_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>高新区举办人才招聘会_开发区新闻网</title>
<style>p { color: red }</style>
<script>var note = "<p>脚本里的字</p>";</script>
</head><body>
<nav>首页 | 新闻中心</nav>
<article>
<h1>高新区举办人才招聘会</h1>
<p>7月1日，高新区
举办人才招聘会，&lt;script&gt;标签&lt;/script&gt;照常显示。</p>
<figure><img src="1.jpg" alt="现场照片"><figcaption>招聘会现场</figcaption></figure>
<p>  三千余名&nbsp;&nbsp;求职者   参加。</p>
<noscript>请启用脚本</noscript>
</article>
<footer>版权所有</footer>
</body></html>
"""


def test_html_page_in_declared_gbk_becomes_its_visible_article_text(tmp_path):
    source = read_source(write(tmp_path / "news.html", GBK_PAGE.encode("gbk")))
    assert source.media_type == "text/html"
    assert source.encoding == "gb18030"
    assert source.text == (
        "高新区举办人才招聘会\n\n"  # the <h1>; the title only adds the site name
        "7月1日，高新区举办人才招聘会，<script>标签</script>照常显示。\n\n"
        "招聘会现场\n\n"  # the caption, not the image's alt text
        "三千余名 求职者 参加。"
    )


def test_declared_charset_beats_sniffing(tmp_path):
    # EUC-JP bytes also decode as GB18030 into common Chinese characters; only the
    # page's own <meta charset> tells the two apart.
    page = '<html><head><meta charset="EUC-JP"></head><body><p>東京都の新しい工業団地</p></body></html>'
    source = read_source(write(tmp_path / "a.htm", page.encode("euc-jp")))
    assert (source.text, source.encoding) == ("東京都の新しい工業団地", "euc_jp")


def test_unknown_declared_charset_falls_back_to_sniffing(tmp_path):
    page = '<html><head><meta charset="no-such-charset"></head><body><p>开发区新闻</p></body></html>'
    source = read_source(write(tmp_path / "a.html", page.encode("utf-8")))
    assert (source.text, source.encoding) == ("开发区新闻", "utf-8")


def test_html_is_sniffed_whatever_the_suffix(tmp_path):
    page = "\r\n<!doctype html>\r\n<html><body><div>第一行</div><div>第二行</div></body></html>"
    source = read_source(write(tmp_path / "saved.txt", page.encode("utf-8")))
    assert source.media_type == "text/html"
    assert source.text == "第一行\n\n第二行"


def test_title_becomes_the_first_line_when_the_body_lacks_it():
    page = ("<html><head><title>开发区党建联盟成立</title></head>"
            "<body><p>近日，开发区党建联盟成立。</p><p>二十余家企业参加。<br>会议由园区主持。</p></body></html>")
    assert html_to_text(page) == "开发区党建联盟成立\n\n近日，开发区党建联盟成立。\n\n二十余家企业参加。\n会议由园区主持。"


def test_title_is_not_repeated_when_the_body_starts_with_it():
    page = "<html><head><title>园区新闻</title></head><body><h2>园区新闻</h2><p>正文。</p></body></html>"
    assert html_to_text(page) == "园区新闻\n\n正文。"


def test_navigation_before_the_headline_is_dropped_and_the_site_name_not_kept():
    page = ("<html><head><title>青川经开区召开人才工作座谈会_青川新闻网</title></head><body>"
            "<div>首页 &gt; 园区动态</div><h1>青川经开区召开人才工作座谈会</h1><p>3月6日，座谈会召开。</p></body></html>")
    assert html_to_text(page) == "青川经开区召开人才工作座谈会\n\n3月6日，座谈会召开。"
    # a line equal to the headline further down than a menu is text, not the start of the story
    far = "".join(f"<p>栏目{i}</p>" for i in range(20))
    page = f"<html><head><title>园区新闻 - 青川网</title></head><body>{far}<h2>园区新闻</h2><p>正文。</p></body></html>"
    assert html_to_text(page).startswith("园区新闻 - 青川网\n\n栏目0")


def test_image_alt_text_gets_its_own_line_but_file_names_do_not():
    page = ('<html><body><p>会议召开。<img src="a.jpg" alt="会议现场">代表发言。'
            '<img src="b.jpg" alt="IMG_0001.JPG"></p></body></html>')
    assert html_to_text(page) == "会议召开。\n会议现场\n代表发言。"


def test_article_is_preferred_over_page_furniture_and_body_used_without_one():
    story = "<p>" + "开发区新增企业十二家，总投资二十亿元。" * 3 + "</p>"
    with_article = f"<html><body><div>导航 登录 注册</div><article>{story}</article><div>友情链接</div></body></html>"
    without = f"<html><body><div>导航</div>{story}</body></html>"
    assert html_to_text(with_article) == "开发区新增企业十二家，总投资二十亿元。" * 3
    assert html_to_text(without) == "导航\n\n" + "开发区新增企业十二家，总投资二十亿元。" * 3


def test_blank_line_runs_collapse_and_pre_keeps_its_lines():
    page = "<html><body><div><div><p>甲</p></div></div><br><br><br><pre>一行\n  二行</pre></body></html>"
    assert html_to_text(page) == "甲\n\n一行\n二行"


def test_html_without_visible_text_is_empty(tmp_path):
    path = write(tmp_path / "blank.html", b"<html><head><script>x()</script></head><body> </body></html>")
    with pytest.raises(InputError, match=r"blank\.html: empty file$"):
        read_source(path)


# ---------------------------------------------------------------- finding files and ids


def test_folder_walk_is_sorted_recursive_and_filtered(tmp_path):
    for name in ["b.txt", "a.HTML", "sub/c.md", "sub/d.text", "z.xhtml", "x.htm",
                 "notes.docx", "image.png", "readme", ".hidden.txt", ".git/e.txt", "sub/.cache/f.txt"]:
        write(tmp_path / name, "正文。".encode("utf-8"))
    found = iter_input_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.HTML", "b.txt", "sub/c.md", "sub/d.text", "x.htm", "z.xhtml"]


def test_named_files_are_taken_whatever_their_suffix_and_duplicates_dropped(tmp_path):
    odd = write(tmp_path / "article.dat", "正文。".encode("utf-8"))
    hidden = write(tmp_path / ".draft.txt", "正文。".encode("utf-8"))
    b = write(tmp_path / "b.txt", "正文。".encode("utf-8"))
    assert iter_input_files([odd, str(b), tmp_path, hidden, b]) == [odd, b, hidden]


def test_folder_without_articles_is_an_input_error(tmp_path):
    write(tmp_path / "image.png", b"\x89PNG")
    write(tmp_path / ".secret.txt", "正文".encode("utf-8"))
    with pytest.raises(InputError, match="no article files") as info:
        iter_input_files([tmp_path])
    assert "\n" not in str(info.value)


def test_article_ids_are_sanitised_and_unique_in_sorted_path_order(tmp_path):
    body = "正文。".encode("utf-8")
    b = write(tmp_path / "b" / "新闻 2024(1).txt", body)
    a = write(tmp_path / "a" / "新闻 2024(1).txt", body)
    c = write(tmp_path / "c" / "新闻_2024_1_.html", b"<html><body><p>\xe6\xad\xa3</p></body></html>")
    sources = read_inputs([b, c, a])
    assert [s.path for s in sources] == [b, c, a]  # the order given is kept
    assert [s.article_id for s in sources] == ["新闻_2024_1_-2", "新闻_2024_1_-3", "新闻_2024_1_"]
    assert all(isinstance(s, SourceText) for s in sources)


def test_read_source_gives_the_plain_id_and_reads_named_path_strings(tmp_path):
    path = write(tmp_path / "ZJ-news_01.txt", SIMPLIFIED.encode("utf-8"))
    source = read_source(str(path))
    assert source.article_id == "ZJ-news_01"
    assert source.path == path


def test_folders_written_by_kg_build_are_not_read_as_articles(tmp_path):
    (tmp_path / "a.txt").write_text("云溪经开区召开人才工作座谈会。", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text("", encoding="utf-8")
    (out / "graph.html").write_text("<html><body>知识图谱</body></html>", encoding="utf-8")
    assert [p.name for p in iter_input_files([tmp_path])] == ["a.txt"]
