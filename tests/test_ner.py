"""The sequence labeller: offsets, kinds, batching, odd inputs. All names are made up."""
import multiprocessing

import pytest

from kg.ner import KINDS, MAX_PIECE, Labeller, Span, Word, entity_spans, labeller, viterbi

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
    import itertools

    import numpy as np

    rng = np.random.default_rng(3)
    tags = 4
    transitions = rng.normal(size=(tags, tags)).astype(np.float32)
    rows = [rng.normal(size=(n, tags)).astype(np.float32) for n in (3, 1, 4, 2, 4)]

    def best(e):
        def score(path):
            return e[0, path[0]] + sum(transitions[a, b] + e[t + 1, b] for t, (a, b) in enumerate(zip(path, path[1:])))
        return max(itertools.product(range(tags), repeat=len(e)), key=score)

    together = viterbi(rows, transitions)
    assert [tuple(p) for p in together] == [best(e) for e in rows]
    assert [tuple(p) for p in together] == [tuple(viterbi([e], transitions)[0]) for e in rows]
