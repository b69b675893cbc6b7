"""Article layout: headline, paragraphs, captions, footers and sentences.

Works on normalized text (ASCII punctuation), so `,` and `，` are already one.
"""
from __future__ import annotations

import re

from kg.model import Sentence

SENTENCE_END = re.compile(r"[。!?！？]+[”’」』\"']*|;(?=\s*$)")
FOOTER_LINE = re.compile(
    r"^\s*(?:■\s*)?(?:总值班|值班|编辑|责任编辑|责编|审核|审校|校对|来源|终审|初审|二审|三审|监制|主编|编审|编发|美编)\s*[:]"
)
CLAUSE_PUNCT = re.compile(r"[,;:、]")
# A byline line: ■报纸名/栏目名 记者 X, or 记者 X 通讯员 Y alone on a line.
BYLINE_LINE = re.compile(
    r"^\s*(?:■.*|\(?\s*(?:本报记者|特约记者|记者|通讯员|实习生|摄影|文/图|文|图)\s*[:]?\s*[\u4e00-\u9fff]{2,4}"
    r"(?:[\s、,]+(?:(?:记者|通讯员|实习生|摄影)\s*[:]?\s*)?[\u4e00-\u9fff]{2,4})*\s*\)?)\s*$")
HEADLINE_MAX = 64
CAPTION_MAX = 24


def line_kind(line: str, index: int, is_last_line: bool) -> str:
    """`index` counts content lines, bylines and footers left out."""
    stripped = line.strip()
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
        if kind not in ("byline", "footer"):
            number += 1
        paragraph += 1
        if kind != "body":
            lead = len(line) - len(line.lstrip())
            sentences.append(Sentence(len(sentences), line_start + lead, line_start + len(line.rstrip()),
                                      line.strip(), kind, paragraph))
            continue
        pos = 0
        for end in SENTENCE_END.finditer(line):
            _append(sentences, line, line_start, pos, end.end(), paragraph)
            pos = end.end()
        _append(sentences, line, line_start, pos, len(line), paragraph)
    return sentences


def _append(sentences: list[Sentence], line: str, line_start: int, start: int, end: int, paragraph: int) -> None:
    piece = line[start:end]
    lead = len(piece) - len(piece.lstrip())
    piece = piece.strip()
    if piece:
        begin = line_start + start + lead
        sentences.append(Sentence(len(sentences), begin, begin + len(piece), piece, "body", paragraph))
