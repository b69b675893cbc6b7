"""Article layout: headline, paragraphs, captions, footers, page chrome and sentences.

Works on normalized text (ASCII punctuation), so `,` and `，` are already one.
Each sentence keeps its line's kind; extraction reads only `body` and `headline`
sentences, and reads `byline` and `footer` ones for bylines alone.
"""
from __future__ import annotations

import re

from kg.model import Sentence

SENTENCE_END = re.compile(r"[。!?！？]+[”’」』\"']*|;(?=\s*$)")
FOOTER_LABELS = "总值班|值班|编辑|责任编辑|责编|审核|审校|校对|来源|终审|初审|二审|三审|监制|主编|编审|编发|美编"
FOOTER_LINE = re.compile(rf"^\s*(?:■\s*)?(?:{FOOTER_LABELS})\s*[:]")
CLAUSE_PUNCT = re.compile(r"[,;:、]")
# A byline line: ■报纸名/栏目名 记者 X, or 记者 X 通讯员 Y alone on a line.
BYLINE_LINE = re.compile(
    r"^\s*(?:■.*|\(?\s*(?:本报记者|特约记者|记者|通讯员|实习生|摄影|文/图|文|图)\s*[:]?\s*[\u4e00-\u9fff]{2,4}"
    r"(?:[\s、,]+(?:(?:记者|通讯员|实习生|摄影)\s*[:]?\s*)?[\u4e00-\u9fff]{2,4})*\s*\)?)\s*$")
# Page chrome: the line of a web page that gives the posting time, the view count, the
# font size or share buttons (`来源:X 发布时间:2024-03-01 阅读:1024`). Such labels with a
# colon do not occur in news prose; the footer fields on the same line (来源:X) keep their
# own kind, so the outlet is still the article's publisher.
CHROME_LABELS = ("发布时间|发布日期|发稿时间|更新时间|时间|日期|阅读量|阅读数|阅读次数|阅读|浏览量|浏览次数|浏览"
                 "|点击量|点击数|点击率|点击|访问量|访问次数|人气|字号|字体|分享到|打印|作者|稿源")
# the labels a chrome line is split at (a footer label keeps its field a footer)
PAGE_FIELD = re.compile(rf"(?P<footer>{FOOTER_LABELS})\s*:|(?:{CHROME_LABELS})\s*:")
# only these labels prove a line is chrome: 时间/日期/作者 also head lines of a notice
CHROME_PROOF = re.compile(r"(?:发布时间|发布日期|发稿时间|更新时间|阅读|浏览|点击|访问量|访问次数|人气|字号|字体|分享到)"
                          r"[量数次率]*\s*:")
DATE_TIME_LINE = re.compile(r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
HEADLINE_MAX = 64
CAPTION_MAX = 24
# A sentence longer than this is cut, at a clause mark when there is one in its second
# half: the longest sentence of the development articles has about 210 characters, and
# a text without any punctuation must not become one sentence that every statement
# drawn from it repeats as evidence.
SENTENCE_MAX = 400
CUT_AFTER = re.compile(r"[,;:、\s]")


def line_kind(line: str, index: int, is_last_line: bool) -> str:
    """`index` counts content lines, bylines, footers and page chrome left out."""
    stripped = line.strip()
    if len(stripped) > SENTENCE_MAX:
        return "body"  # no footer or caption is that long
    if (CHROME_PROOF.search(stripped) and not SENTENCE_END.search(stripped)) or DATE_TIME_LINE.match(stripped):
        return "chrome"
    if FOOTER_LINE.match(stripped):
        return "footer"
    if BYLINE_LINE.match(stripped):
        return "byline"
    bare = stripped.rstrip("。")
    if index == 0 and len(stripped) <= HEADLINE_MAX and not SENTENCE_END.search(bare) and not is_last_line:
        return "headline"
    # A picture caption: a short line with no clause punctuation (at most a final 。).
    if index > 0 and len(bare) <= CAPTION_MAX and not CLAUSE_PUNCT.search(bare) and not SENTENCE_END.search(bare):
        return "caption"
    return "body"


def split_sentences(text: str) -> list[Sentence]:
    """Split normalized text into sentences, each tagged with its line's kind."""
    sentences: list[Sentence] = []
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    content = [(s, line) for s, line in lines if line.strip()]
    paragraph = -1
    number = 0
    for position, (line_start, line) in enumerate(content):
        kind = line_kind(line, number, position == len(content) - 1)
        if kind not in ("byline", "footer", "chrome"):
            number += 1
        paragraph += 1
        if kind == "chrome":
            for start, end, field_kind in _page_fields(line):
                _append(sentences, line, line_start, start, end, field_kind, paragraph)
        elif kind != "body":
            _append(sentences, line, line_start, 0, len(line), kind, paragraph)
        else:
            pos = 0
            for end in SENTENCE_END.finditer(line):
                _append_body(sentences, line, line_start, pos, end.end(), paragraph)
                pos = end.end()
            _append_body(sentences, line, line_start, pos, len(line), paragraph)
    return sentences


def _page_fields(line: str) -> list[tuple[int, int, str]]:
    """A chrome line cut at its labels: footer fields stay footers, the rest is chrome."""
    fields, start, kind = [], 0, "chrome"
    for label in PAGE_FIELD.finditer(line):
        if label.start() > start:
            fields.append((start, label.start(), kind))
        start, kind = label.start(), "footer" if label.group("footer") else "chrome"
    fields.append((start, len(line), kind))
    return fields


def _append_body(sentences: list[Sentence], line: str, line_start: int, start: int, end: int,
                 paragraph: int) -> None:
    """A body sentence, cut into pieces of at most SENTENCE_MAX characters."""
    while end - start > SENTENCE_MAX:
        window = line[start + SENTENCE_MAX // 2:start + SENTENCE_MAX]
        marks = [m.end() for m in CUT_AFTER.finditer(window)]
        cut = start + SENTENCE_MAX // 2 + marks[-1] if marks else start + SENTENCE_MAX
        _append(sentences, line, line_start, start, cut, "body", paragraph)
        start = cut
    _append(sentences, line, line_start, start, end, "body", paragraph)


def _append(sentences: list[Sentence], line: str, line_start: int, start: int, end: int, kind: str,
            paragraph: int) -> None:
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if piece:
        begin = line_start + start + lead
        sentences.append(Sentence(len(sentences), begin, begin + len(piece), piece, kind, paragraph))
