"""Read article files into text: find them, decode them, and strip HTML to its visible text.

Chinese news arrives as UTF-8, GBK/GB18030, Big5 or UTF-16 files, plain text or saved web
pages. Everything after this stage works on one `SourceText` per article, whose `text` is
what all later character offsets point into. Problems a user can fix (a missing path, an
empty or binary file) become one-line `InputError`s.
"""
from __future__ import annotations

import codecs
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import charset_normalizer

from kg.errors import InputError

ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".md", ".htm", ".html", ".xhtml"})
HTML_SUFFIXES = frozenset({".htm", ".html", ".xhtml"})

__all__ = ["SourceText", "iter_input_files", "read_source", "read_inputs"]


@dataclass(frozen=True)
class SourceText:
    """One decoded article: the text later stages segment, and where it came from."""

    article_id: str
    path: Path
    text: str
    encoding: str
    media_type: str


# ---------------------------------------------------------------- finding files


def iter_input_files(paths: Iterable[Path | str]) -> list[Path]:
    """The article files named by `paths` (files or folders), without duplicates, in order."""
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = _walk(path, set())
            if not files:
                kinds = ", ".join(sorted(ARTICLE_SUFFIXES))
                raise InputError(f"{path}: no article files ({kinds}) in this folder")
        elif path.is_file():
            files = [path]  # named explicitly: taken whatever its suffix
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder")
        else:
            raise InputError(f"no such file or folder: {path}")
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append(file)
    return found


# A folder holding this file is the output of `kg build`, not a folder of articles.
BUILD_MARKER = "graph.ttl"


def _walk(folder: Path, visited: set[Path]) -> list[Path]:
    # `visited` holds resolved folders so a symlink loop cannot recurse forever.
    real = folder.resolve()
    if real in visited:
        return []
    visited.add(real)
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except PermissionError:
        raise InputError(f"{folder}: cannot read: permission denied") from None
    files: list[Path] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if (entry / BUILD_MARKER).is_file():
                continue  # a folder `kg build` wrote: its graph.html is no article
            files.extend(_walk(entry, visited))
        elif entry.is_file() and entry.suffix.lower() in ARTICLE_SUFFIXES:
            files.append(entry)
    return files


# ---------------------------------------------------------------- reading


def read_inputs(paths: Iterable[Path | str]) -> list[SourceText]:
    """Read every article file under `paths`; article ids are unique within the result."""
    sources = [read_source(path) for path in iter_input_files(paths)]
    # Suffixes are handed out in sorted path order, not argument order, so the same set
    # of files always gets the same ids however it was named on the command line.
    unique: dict[Path, str] = {}
    taken: set[str] = set()
    for source in sorted(sources, key=lambda s: s.path):
        article_id, n = source.article_id, 1
        while article_id in taken:
            n += 1
            article_id = f"{source.article_id}-{n}"
        taken.add(article_id)
        unique[source.path] = article_id
    return [dataclasses.replace(s, article_id=unique[s.path]) for s in sources]


def read_source(path: Path | str) -> SourceText:
    """Read and decode one article file; HTML is reduced to its visible text."""
    path = Path(path)
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: empty file")
    declared = None
    if path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(data[:1024].decode("latin-1")):
        declared = _declared_charset(data[:4096].decode("latin-1"))
    text, encoding = _decode(path, data, declared)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    media_type = "text/plain"
    if path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(text[:1024]):
        media_type = "text/html"
        text = html_to_text(text)
    if not text.strip():
        raise InputError(f"{path}: empty file")
    return SourceText(_article_id(path), path, text, encoding, media_type)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"no such file or folder: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{path}: cannot read: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _article_id(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_\-\u4e00-\u9fff]", "_", path.stem) or "_"


# ---------------------------------------------------------------- decoding


def _decode(path: Path, data: bytes, declared: str | None) -> tuple[str, str]:
    """Text and encoding name, trying the likely encodings of Chinese news in turn."""
    not_text = InputError(f"{path}: not a text file (binary or unknown encoding)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16")
        if text is None or _looks_binary(text):
            raise not_text
        return text, "utf-16"
    if b"\x00" in data:  # of the encodings we accept, only UTF-16 has NUL bytes
        text = _utf16_without_bom(data)
        if text is None:
            raise not_text
        return text, "utf-16"

    text, encoding = _guess(data, declared)
    if text is None or _looks_binary(text):
        raise not_text
    return text, encoding


def _guess(data: bytes, declared: str | None) -> tuple[str | None, str]:
    if data.startswith(codecs.BOM_UTF8):  # a BOM outranks a declared charset, as in browsers
        return _strict(data, "utf-8-sig"), "utf-8"
    if declared and (text := _strict(data, declared)) is not None:
        return text, declared
    if (text := _strict(data, "utf-8")) is not None:
        return text, "utf-8"
    # Big5 bytes nearly always decode as GB18030 too, into rare characters, kana and
    # private-use code points; so GB18030 must also read as common simplified Chinese.
    gb = _strict(data, "gb18030")
    if gb is not None and _common_gb_share(gb) >= 0.8:
        return gb, "gb18030"
    if (utf16 := _utf16_without_bom(data)) is not None:  # Chinese with no ASCII at all
        return utf16, "utf-16"
    if (big5 := _strict(data, "big5")) is not None and _looks_chinese(big5):
        return big5, "big5"
    if gb is not None and _looks_chinese(gb):  # e.g. traditional characters encoded as GBK
        return gb, "gb18030"
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None, ""
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that has no byte-order mark, in the byte order that reads as Chinese.

    Each ASCII character (a line break, a digit) has a NUL high byte: on odd positions in
    little-endian order, on even ones in big-endian. The order with more of them is tried
    first, since plain ASCII read in the wrong order turns into Han characters (`a` + NUL
    is U+6100). A text in the wrong order or in another encoding is mostly not Han, and
    `_looks_chinese` turns it down.
    """
    if len(data) % 2:
        return None
    little_first = data[1::2].count(0) >= data[0::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le"):
        text = _strict(data, encoding)
        if text is not None and not _looks_binary(text) and _looks_chinese(text):
            return text
    return None


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _non_ascii(text: str) -> list[str]:
    return [ch for ch in text if ord(ch) > 0x7F]


def _common_gb_share(text: str) -> float:
    """Share of non-ASCII characters that are in GB2312, the common simplified set."""
    chars = _non_ascii(text)
    if not chars:
        return 1.0
    return sum(_in_gb2312(ch) for ch in chars) / len(chars)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _looks_chinese(text: str) -> bool:
    """No private-use code points and the non-ASCII characters mostly Han or CJK punctuation."""
    chars = _non_ascii(text)
    if any(unicodedata.category(ch) == "Co" for ch in chars):
        return False
    cjk = sum(
        "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’…—·"
        for ch in chars
    )
    return not chars or cjk / len(chars) >= 0.9


def _looks_binary(text: str) -> bool:
    # Control characters other than layout whitespace (and ESC, used by ISO-2022 texts).
    sample = text[:8192]
    controls = sum(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v\x1b" for ch in sample)
    return "\x00" in sample or controls > 0.05 * len(sample)


_HTML_START = re.compile(r"\A(?:\s|\ufeff|<\?xml[^>]*>|<!--.*?-->)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(
    r"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)"""
    r"""|<\?xml\b[^>]*?encoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
# Pages labelled GB2312 or GBK routinely use characters beyond it; GB18030 reads them all.
_GB_LABELS = {"gb2312", "gbk", "cp936", "x-gbk", "euc-cn", "gb_2312-80", "csgb2312"}


def _looks_like_html(head: str) -> bool:
    return _HTML_START.match(head) is not None


def _declared_charset(head: str) -> str | None:
    """The page's declared charset as a Python codec name, if it names a usable one."""
    match = _CHARSET.search(head)
    if not match:
        return None
    label = (match.group(1) or match.group(2)).lower()
    if label in _GB_LABELS:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A declaration readable as ASCII cannot be UTF-16; browsers read such pages as UTF-8.
    return None if name.startswith("utf-16") else name


# ---------------------------------------------------------------- HTML to text

_SKIP = {"script", "style", "noscript", "template"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_HEAD_ONLY = {"head", "title", "meta", "link", "base", "style", "script", "noscript", "template"}
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg)$", re.IGNORECASE)
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# CSS Text 3: a source line break between two wide (CJK) characters renders as nothing,
# not as a space; otherwise a hard-wrapped Chinese paragraph would gain stray spaces.
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t]*\n[ \t]*(?=[{_WIDE}])")


class _VisibleText(HTMLParser):
    """Collects the visible text of a page: the whole body, each <article>, <main> and the title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.body: list[str] = []
        self.articles: list[list[str]] = []
        self.main: list[str] = []
        self._skip = 0  # depth inside script/style/noscript/template
        self._in_head = self._in_title = False
        self._article_depth = self._main_depth = self._pre_depth = 0
        self._figure_alts: list[list[str]] = []  # alt texts waiting for a figure without caption
        self._figure_captioned: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._in_head and tag not in _HEAD_ONLY:
            self._in_head = False  # as in browsers, body content ends an unclosed <head>
        if tag in _SKIP:
            self._skip += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "title" and not self.title:  # the page title, not an <svg> one
            self._in_title = True
        elif tag == "article":
            if self._article_depth == 0:
                self.articles.append([])
            self._article_depth += 1
        elif tag == "main":
            self._main_depth += 1
        elif tag == "pre":
            self._pre_depth += 1
        elif tag == "figure":
            self._figure_alts.append([])
            self._figure_captioned.append(False)
        elif tag == "figcaption" and self._figure_captioned:
            self._figure_captioned[-1] = True
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt and not _IMAGE_FILE.search(alt):
                if self._figure_alts:  # a figcaption says it better; decide at </figure>
                    self._figure_alts[-1].append(alt)
                else:
                    self._emit(f"\n{alt}\n")
        if tag in _BLOCK:
            self._emit("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP | {"article", "main", "pre", "figure", "title"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._emit("\n")
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "article":
            self._article_depth = max(0, self._article_depth - 1)
        elif tag == "main" and self._main_depth:
            self._main_depth -= 1
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        elif tag == "figure" and self._figure_alts:
            alts, captioned = self._figure_alts.pop(), self._figure_captioned.pop()
            if not captioned:
                for alt in alts:
                    self._emit(f"\n{alt}\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in_title:
            self.title.append(data)
        elif not self._in_head:
            if not self._pre_depth:  # outside <pre>, source line breaks are just spaces
                data = _CJK_BREAK.sub("", data).replace("\n", " ")
            self._emit(data)

    def _emit(self, text: str) -> None:
        if self._skip or self._in_head:
            return
        self.body.append(text)
        if self._article_depth:
            self.articles[-1].append(text)
        if self._main_depth:
            self.main.append(text)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: title line, then the article (or main, or body) text."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    body = _tidy("".join(parser.body))
    text = body
    # Prefer the article (or <main>) when the page has one, unless it is only a small part
    # of the page: then the <article>s are more likely comments or teasers than the story.
    for candidate in (max(parser.articles, key=lambda a: len(_tidy("".join(a))), default=[]),
                      parser.main):
        candidate_text = _tidy("".join(candidate))
        if candidate_text and len(candidate_text) >= 0.3 * len(body):
            text = candidate_text
            break
    title = " ".join("".join(parser.title).split())
    if not title:
        return text
    lines = text.split("\n")
    headline = _TITLE_SITE.split(title, 1)[0].strip()
    for i, line in enumerate(lines[:TITLE_SEARCH_LINES]):
        if i and line.strip() in (title, headline):
            return "\n".join(lines[i:])  # what came before the headline is navigation (首页 > 园区动态)
    if not _starts_with_title(text, title):
        text = f"{title}\n\n{text}" if text else title
    return text


#: How far down a page's text its headline is looked for (after a breadcrumb, a site menu).
TITLE_SEARCH_LINES = 12
#: Where a page title's headline ends and the site's name begins ("headline_site", "headline - site").
_TITLE_SITE = re.compile(r"\s*[_|–—]\s*|\s+-\s+")


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _starts_with_title(text: str, title: str) -> bool:
    """Whether the text already opens with the title, also when the title adds a site name.

    Page titles are often "headline_site" or "headline - site"; repeating that above the
    headline would give the pipeline a wrong first line.
    """
    if text.startswith(title):
        return True
    first = text.split("\n", 1)[0].strip()
    rest = title[len(first):].lstrip()
    return bool(first) and title.startswith(first) and rest[:1] in set("_-|–—·:：")
