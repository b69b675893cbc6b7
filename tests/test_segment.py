"""kg.segment: the project's own jieba tokenizer, domain words, offsets."""
import jieba
import pytest

from kg.lexicon import load_lexicon
from kg.segment import Segmenter, Token, default_segmenter

SENTENCE = "7月1日,青川经济技术开发区党工委选派20名党建指导员赴青禾科技有限公司开展调研。"


@pytest.fixture(scope="module")
def segmenter():
    return default_segmenter()


def test_own_tokenizer_is_not_jiebas_global(segmenter):
    assert segmenter.tokenizer is not jieba.dt


def test_adding_a_word_to_ours_leaves_the_global_tokenizer_alone():
    ours = Segmenter()
    word = "青禾澜川示范片"
    before = list(jieba.dt.cut(f"我们去{word}看看", HMM=False))
    ours.tokenizer.add_word(word, freq=100000)
    assert word in [t.word for t in ours.tokens(f"我们去{word}看看")]
    assert list(jieba.dt.cut(f"我们去{word}看看", HMM=False)) == before
    assert word not in jieba.dt.FREQ or jieba.dt.FREQ[word] == 0
    # and another Segmenter does not see it either
    assert word not in [t.word for t in Segmenter().tokens(f"我们去{word}看看")]


@pytest.mark.parametrize("word", [
    "经济技术开发区", "党工委", "有限公司", "党建指导员", "座谈会", "培训班", "高层次人才",
])
def test_domain_words_are_kept_whole(segmenter, word):
    text = f"青川{word}今天很忙"
    words = [t.word for t in segmenter.tokens(text)]
    assert word in words, words


def test_domain_words_carry_a_tag(segmenter):
    lexicon = load_lexicon()
    tokens = {t.word: t.tag for t in segmenter.tokens(SENTENCE)}
    assert tokens["经济技术开发区"] == "n"
    assert "党工委" in lexicon.organization_suffixes
    assert tokens["党工委"] is not None


def test_offsets_cover_the_text(segmenter):
    tokens = segmenter.tokens(SENTENCE)
    assert all(isinstance(t, Token) for t in tokens)
    assert tokens[0].start == 0 and tokens[-1].end == len(SENTENCE)
    for a, b in zip(tokens, tokens[1:]):
        assert a.end == b.start
    for t in tokens:
        assert SENTENCE[t.start:t.end] == t.word


def test_offsets_are_shifted(segmenter):
    plain = segmenter.tokens(SENTENCE)
    shifted = segmenter.tokens(SENTENCE, offset=100)
    assert [(t.word, t.start + 100, t.end + 100) for t in plain] == [(t.word, t.start, t.end) for t in shifted]


def test_unknown_words_have_no_tag(segmenter):
    tokens = segmenter.tokens("澜岚澜岚")
    assert "".join(t.word for t in tokens) == "澜岚澜岚"
    assert any(t.tag is None for t in tokens)


def test_same_segmentation_twice(segmenter):
    assert segmenter.tokens(SENTENCE) == segmenter.tokens(SENTENCE)
