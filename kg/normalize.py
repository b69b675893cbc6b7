"""Text normalization that never loses its way back to the original.

The seed-style input is traditional Chinese with pinyin glosses after some
characters (`開發(fā)區(qū)`), full-width or ASCII punctuation, and sometimes
full-width digits. Every later stage works on the normalized text; every span it
finds maps back to character offsets in the original through `NormalizedText`.

Each step either drops characters (pinyin glosses) or replaces one character by
one character (punctuation, OpenCC), so the map is a plain array of original
indices, one per normalized character.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache

import opencc

# A gloss is a parenthesised pinyin syllable with a tone mark right after a
# Chinese character: 發(fā). A real parenthesis holds Chinese text or plain words.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]\s*[a-zü]*[{_TONED}][a-zü{_TONED}]*\s*[)）]"
)

# Punctuation that Chinese text writes in either width: one canonical (ASCII) form.
_EXTRA_PUNCT = {"\u3000": " ", "\u00a0": " ", "﹐": ",", "﹔": ";", "﹕": ":", "︰": ":", "－": "-", "～": "~"}


def _char_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _EXTRA_PUNCT.items()}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block → ASCII
        table[code] = unicodedata.normalize("NFKC", chr(code))
    return table


_CHAR_TABLE = _char_table()


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2s also folds Taiwan variants (著 → 着 in 隨著), which plain t2s leaves alone.
    return opencc.OpenCC("tw2s")


@dataclass(frozen=True, eq=False)
class NormalizedText:
    """Normalized text plus, for each of its characters, the index it came from."""

    original: str
    text: str
    origin: array  # origin[i] = index in `original` of text[i]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized span [start, end) to the original text."""
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1

    def original_span(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]


def to_simplified(text: str) -> str:
    """Traditional → simplified, one character for one character."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase rule changed the length somewhere: convert line by line, and
    # character by character where a line still changes length.
    lines = []
    for line in text.split("\n"):
        out = _converter().convert(line)
        if len(out) != len(line):
            out = "".join(c if len(c2 := _converter().convert(c)) != 1 else c2 for c in line)
        lines.append(out)
    return "\n".join(lines)


def normalize(original: str) -> NormalizedText:
    """Drop pinyin glosses, unify punctuation width, convert to simplified Chinese."""
    kept = array("i")
    pieces = []
    pos = 0
    for gloss in PINYIN_GLOSS.finditer(original):
        pieces.append(original[pos:gloss.start()])
        kept.extend(range(pos, gloss.start()))
        pos = gloss.end()
    pieces.append(original[pos:])
    kept.extend(range(pos, len(original)))
    text = "".join(pieces).translate(_CHAR_TABLE)
    text = to_simplified(text)
    return NormalizedText(original=original, text=text, origin=kept)


def clean_label(surface: str) -> str:
    """The label of a mention: quotes, brackets and spaces dropped."""
    return LABEL_JUNK.sub("", surface)


LABEL_JUNK = re.compile(r"[\s\"'“”‘’「」『』《》〈〉【】]")
