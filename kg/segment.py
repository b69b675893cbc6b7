"""Segmentation with jieba, through the project's own tokenizer.

A private `jieba.Tokenizer` (never jieba's global one) carries the domain words
of the lexicons, so user words never leak between runs or tests. Part-of-speech
tags come from jieba's dictionary by lookup, not from its HMM tagger, which is
about eight times slower than segmentation itself.

The tokenizer is `RouteTokenizer`, a `jieba.Tokenizer` that finds jieba's own
route in one pass instead of three, and runs jieba's HMM with its tables read
once; its words are jieba's, word for word (the tests compare them).
"""
from __future__ import annotations

import logging
from functools import lru_cache
from itertools import accumulate, repeat
from math import inf, log
from typing import NamedTuple

import jieba
from jieba import finalseg

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


class RouteTokenizer(jieba.Tokenizer):
    """jieba's tokenizer, with a faster way to the same words: `words(text)`.

    `list(jieba.Tokenizer.cut(text))` splits the text into runs of Chinese characters
    and cuts each in three passes: it builds the DAG of dictionary words starting at
    each character, a dict of lists; finds the most probable route from right to
    left, taking `log(freq)` of every candidate word again; then walks the route,
    handing runs of single characters to jieba's HMM (`finalseg`). Every word passes
    up through two generators.

    `words(text)` splits the text with jieba's own patterns and finds the route in
    one pass, right to left, over weights `log(freq) - log(total)` computed once per
    dictionary; it walks the route into one list, running jieba's HMM model through
    `hmm_words`. The floating-point operations are jieba's, in jieba's order, and ties
    go the same way, so the words are the same (tests compare them with
    `jieba.Tokenizer.cut` and `finalseg.cut`); they come in about half the time.
    The dictionary, the model and every other method are jieba's own.
    """

    def __init__(self, dictionary=jieba.DEFAULT_DICT):
        super().__init__(dictionary)
        self._weights: dict[str, float | None] | None = None
        self._unknown_weight = 0.0  # set with the weights

    def initialize(self, dictionary=None):
        super().initialize(dictionary)
        self._weights = None

    def add_word(self, word, freq=None, tag=None):
        super().add_word(word, freq, tag)  # del_word, suggest_freq and load_userdict come here too
        self._weights = None  # the total changed, so every weight did

    def word_weights(self) -> dict[str, float | None]:
        """Every prefix in the dictionary → log-probability of the word, None if only a prefix."""
        if self._weights is None:
            self.check_initialized()
            logtotal = log(self.total)
            self._weights = {w: (log(f) - logtotal if f else None) for w, f in self.FREQ.items()}
            self._unknown_weight = log(1) - logtotal  # a character jieba does not know counts as freq 1
        return self._weights

    def words(self, text: str) -> list[str]:
        """The words of `text`, as `list(self.cut(text))` gives them."""
        out: list[str] = []
        # split() on a pattern with one group alternates what lies between the runs
        # (even places) with the runs (odd places): jieba matches each piece again to
        # tell them apart, the place tells here.
        for i, block in enumerate(_HAN_BLOCK.split(text)):
            if i % 2:
                self._cut_han(block, out)
            elif block:  # line breaks and spaces whole, anything else one character at a time
                for j, piece in enumerate(_SPACE.split(block)):
                    if j % 2:
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out

    def best_route(self, sentence: str) -> list[int]:
        """route[k]: where the word starting at k ends, on jieba's most probable route."""
        get = self.word_weights().get
        unknown = self._unknown_weight
        n = len(sentence)
        score = [0.0] * (n + 1)
        route = list(range(1, n + 2))  # one character, unless a word is found
        padded = sentence + _END_OF_TEXT  # no word goes on past it, so the walk stops there
        for k in range(n - 1, -1, -1):
            best = -inf
            end = k + 1
            weight = get(padded[k], _NOT_IN_DICTIONARY)
            while weight is not _NOT_IN_DICTIONARY:
                if weight is not None:
                    value = weight + score[end]
                    if value >= best:  # a tie goes to the longer word, as in jieba
                        best = value
                        route[k] = end
                end += 1
                weight = get(padded[k:end], _NOT_IN_DICTIONARY)
            score[k] = best if best != -inf else unknown + score[k + 1]
        return route

    def _cut_han(self, sentence: str, out: list[str]) -> None:
        """A run of Chinese characters (and letters, digits) along the best route."""
        n = len(sentence)
        if n == 1:
            out.append(sentence)
            return
        route = self.best_route(sentence)
        x = 0
        singles = 0  # where the current run of one-character words began
        while x < n:
            y = route[x]
            if y - x > 1:
                if singles < x:
                    self._single_characters(sentence[singles:x], out)
                out.append(sentence[x:y])
                singles = y
            x = y
        if singles < n:
            self._single_characters(sentence[singles:], out)

    def _single_characters(self, run: str, out: list[str]) -> None:
        """One-character words in a row: jieba's HMM finds words in them, unless the run is a word."""
        if len(run) == 1:
            out.append(run)
        elif not self.FREQ.get(run):
            hmm_words(run, out)
        else:
            out.extend(run)


# ------------------------------------------------------------------ the HMM

# jieba's HMM for words its dictionary lacks (finalseg): states B(egin), M(iddle),
# E(nd) of a word and S(ingle); each state's possible predecessors, in jieba's order.
_STATES = "BMES"
_PREVIOUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_NO_PROBABILITY = finalseg.MIN_FLOAT
_TRANSITION = {(y0, y): finalseg.trans_P[y0].get(y, _NO_PROBABILITY) for y in _STATES for y0 in _PREVIOUS[y]}


def hmm_words(run: str, out: list[str]) -> None:
    """The words jieba's HMM finds in `run`: `out.extend(finalseg.cut(run))`, made faster.

    Chinese characters go through the Viterbi path of jieba's model, computed as
    `finalseg.viterbi` computes it (same sums, in the same order, ties to the same
    state) but with its tables read once and back-pointers instead of copied paths;
    anything else is split as finalseg splits it.
    """
    for i, block in enumerate(_HMM_HAN.split(run)):  # runs of Chinese characters at odd places
        if i % 2:
            for word in _viterbi_words(block):
                if word in finalseg.Force_Split_Words:
                    out.extend(word)
                else:
                    out.append(word)
        elif block:
            out.extend(piece for piece in _HMM_SKIP.split(block) if piece)


def _viterbi_words(text: str) -> list[str]:
    emit, start = finalseg.emit_P, finalseg.start_P
    first = text[0]
    score = {y: start[y] + emit[y].get(first, _NO_PROBABILITY) for y in _STATES}
    back = []  # back[t][y]: the state before y at t + 1
    for ch in text[1:]:
        new, came_from = {}, {}
        for y in _STATES:
            em = emit[y].get(ch, _NO_PROBABILITY)
            (a, b) = _PREVIOUS[y]
            pa = score[a] + _TRANSITION[a, y] + em
            pb = score[b] + _TRANSITION[b, y] + em
            # max((pa, a), (pb, b)) as jieba takes it: the higher sum, else the later letter
            if pa > pb or (pa == pb and a > b):
                new[y], came_from[y] = pa, a
            else:
                new[y], came_from[y] = pb, b
        score = new
        back.append(came_from)
    state = "E" if (score["E"], "E") > (score["S"], "S") else "S"
    states = [state]
    for came_from in reversed(back):
        state = came_from[state]
        states.append(state)
    states.reverse()
    words, begin, taken = [], 0, 0
    for i, state in enumerate(states):
        if state == "B":
            begin = i
        elif state == "E":
            words.append(text[begin:i + 1])
            taken = i + 1
        elif state == "S":
            words.append(text[i])
            taken = i + 1
    if taken < len(text):
        words.append(text[taken:])
    return words


# jieba's own patterns for cut(text, HMM=True): what it cuts, and what it keeps whole
_HAN_BLOCK = jieba.re_han_default
_SPACE = jieba.re_skip_default
_NOT_IN_DICTIONARY = object()
_HMM_HAN, _HMM_SKIP = finalseg.re_han, finalseg.re_skip  # what finalseg.cut cuts, and how it splits the rest
_END_OF_TEXT = "\x00"  # in no dictionary word, and in no run jieba's pattern cuts


class Segmenter:
    """Cuts sentences into tokens with offsets and dictionary tags."""

    def __init__(self, lexicon: Lexicon | None = None):
        lexicon = lexicon or load_lexicon()
        self.tokenizer = RouteTokenizer()
        self.tokenizer.initialize()
        self.tags = dict(_dictionary_tags(self.tokenizer.get_dict_file().name))
        for word, tag in self._domain_words(lexicon).items():
            self.tokenizer.add_word(word, tag=tag or None)
            if tag:
                self.tags[word] = tag
        self.tokenizer.word_weights()  # now, so that worker processes forked later share them

    @staticmethod
    def _domain_words(lexicon: Lexicon) -> dict[str, str]:
        words: dict[str, str] = {}
        for suffix in lexicon.zone_suffixes:
            words[suffix] = "n"
        for suffix in lexicon.organization_suffixes + lexicon.government_departments:
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
        words = self.tokenizer.words(text)
        bounds = list(accumulate(map(len, words), initial=offset))
        # tuple.__new__ through map: the tokens are made in C, not one Python call each
        return list(map(tuple.__new__, repeat(Token), zip(words, bounds, bounds[1:], map(self.tags.get, words))))


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    return Segmenter()
