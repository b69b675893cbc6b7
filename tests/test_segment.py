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


# --------------------------------------------------------- RouteTokenizer

def _jumbled_text(rng, words, n):
    """Dictionary words, single characters, digits and punctuation run together at random."""
    pieces = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.6:
            pieces.append(rng.choice(words))
        elif kind < 0.85:
            pieces.append(rng.choice(rng.choice(words)))  # a character out of a word
        else:
            pieces.append(rng.choice(["，", "。", "、", "2024年", "AI", " ", "  ", "\r\n", "\t", "（", "）", "《", "》", "\n",
                                      "3.5%", "C++", "é"]))
    return "".join(pieces)


@pytest.fixture(scope="module")
def plain_jieba():
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def test_route_tokenizer_words_are_jiebas(plain_jieba):
    import random

    from kg.segment import RouteTokenizer

    ours = RouteTokenizer()
    rng = random.Random(5)
    words = [w for w, f in plain_jieba.FREQ.items() if f][::97]  # a spread of the dictionary
    texts = [SENTENCE, "澜岚澜岚", "", "a", "。"] + [_jumbled_text(rng, words, 60) for _ in range(300)]
    for text in texts:
        assert ours.words(text) == list(plain_jieba.cut(text)), text


def test_route_tokenizer_follows_words_added_after_a_cut(plain_jieba):
    from kg.segment import RouteTokenizer

    ours = RouteTokenizer()
    text = "我们去青禾澜川示范片看看"
    assert ours.words(text) == list(plain_jieba.cut(text))
    ours.add_word("青禾澜川示范片", freq=100000)
    assert "青禾澜川示范片" in ours.words(text)
    ours.del_word("青禾澜川示范片")
    assert ours.words(text) == list(plain_jieba.cut(text))


def test_route_tokenizer_breaks_ties_as_jieba_does():
    # A|BC and AB|C weigh exactly the same when f(A) = f(C) and f(AB) = f(BC):
    # jieba takes the longer first word, and so must we.
    from kg.segment import RouteTokenizer

    theirs, ours = jieba.Tokenizer(), RouteTokenizer()
    for tokenizer in (theirs, ours):
        for word, freq in (("丂", 5), ("丄", 1), ("丅", 5), ("丂丄", 1000), ("丄丅", 1000)):
            tokenizer.add_word(word, freq=freq)
    assert list(theirs.cut("丂丄丅")) == ["丂丄", "丅"]
    assert ours.words("丂丄丅") == ["丂丄", "丅"]


def test_hmm_words_are_finalsegs(plain_jieba):
    import random

    from jieba import finalseg

    from kg.segment import hmm_words

    rng = random.Random(11)
    characters = [w for w, f in plain_jieba.FREQ.items() if len(w) == 1][::13] + ["a", "7", "2.5%", "X"]
    for _ in range(3000):
        run = "".join(rng.choice(characters) for _ in range(rng.randint(1, 9)))
        out = []
        hmm_words(run, out)
        assert out == list(finalseg.cut(run)), run
