"""Segmentation with jieba, through the project's own tokenizer.

A private `jieba.Tokenizer` (never jieba's global one) carries the domain words
of the lexicons, so user words never leak between runs or tests. Part-of-speech
tags come from jieba's dictionary by lookup, not from its HMM tagger, which is
about eight times slower than segmentation itself.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import NamedTuple

import jieba

from kg.lexicon import Lexicon, load_lexicon

jieba.setLogLevel(logging.WARNING)


class Token(NamedTuple):  # a tuple: made by the hundred thousand, so kept cheap
    word: str
    start: int
    end: int
    tag: str | None  # jieba dictionary tag (n, v, ns, ...); None for words it does not know


@lru_cache(maxsize=4)
def _dictionary_tags(dict_file: str) -> dict[str, str]:
    tags = {}
    with open(dict_file, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


class Segmenter:
    """Cuts sentences into tokens with offsets and dictionary tags."""

    def __init__(self, lexicon: Lexicon | None = None):
        lexicon = lexicon or load_lexicon()
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        self.tags = dict(_dictionary_tags(self.tokenizer.get_dict_file().name))
        for word, tag in self._domain_words(lexicon).items():
            self.tokenizer.add_word(word, tag=tag or None)
            if tag:
                self.tags[word] = tag

    @staticmethod
    def _domain_words(lexicon: Lexicon) -> dict[str, str]:
        words: dict[str, str] = {}
        for suffix in lexicon.zone_suffixes:
            words[suffix] = "n"
        for suffix in lexicon.organization_suffixes:
            words.setdefault(suffix, "nt")
        for suffix in lexicon.alliance_suffixes + lexicon.place_suffixes + lexicon.group_heads:
            words.setdefault(suffix, "n")
        for head in lexicon.event_heads:
            words.setdefault(head, "n")
        for title in lexicon.job_titles:
            words.setdefault(title, "n")
        words.update(lexicon.domain_words)
        return words

    def tokens(self, text: str, offset: int = 0) -> list[Token]:
        """Tokens of `text`, with offsets shifted by `offset`."""
        tags = self.tags
        tokens = []
        pos = offset
        for word in self.tokenizer.cut(text):
            end = pos + len(word)
            tokens.append(Token(word, pos, end, tags.get(word)))
            pos = end
        return tokens


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    return Segmenter()
