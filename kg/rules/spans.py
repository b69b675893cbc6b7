"""Helpers on spans of text that several rules use: clauses, and names grown leftwards from their head."""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from kg.model import Mention
from kg.rules.context import Context, SentenceView
from kg.rules.words import CJK, CLAUSE_BREAK, CLOSE_QUOTES, HAN_WORD, HAN_WORD_2_TO_4, OPEN_QUOTES

CLAUSE_BREAK_RE = re.compile("[{}]".format(re.escape("".join(sorted(CLAUSE_BREAK)))))
# Quotes that nest (the straight " cannot tell opening from closing, so it does not count).
CURLY_QUOTE = re.compile("[{}]".format("".join(sorted(set(OPEN_QUOTES + CLOSE_QUOTES) - {'"'}))))
# Dictionary tags that never sit inside a name (verbs, prepositions, particles, numerals …).
STOP_TAGS = frozenset("v p c u uj ul uz ud ug uv d t f m q y e o ad vd df dg tg mq vg".split())
# Verbal nouns and adverbs start a name only after a verb (研究部署园区, 深化党建联盟).
VERBAL_TAGS = frozenset({"vn", "ad", "an", "l", "i"})
# Numbers, ordinals and counted measures (一轮, 四个, 第一届) end a name; 零部件 does not.
NUMERALISH = re.compile(r"[\d一二三四五六七八九十百千万两几数多余第首]*[个名位家件项条批届次轮年月日场]?")
# Company names hold almost anything (汽车零部件, 远帆沐光); only verbs, prepositions and
# particles end them on the left.
COMPANY_STOP_TAGS = frozenset("v p c u uj ul uz ud ug uv d t f".split())
# Zones are named after places: 云溪市东港工业园, 澜江经开区北塘园区.
ZONE_PREFIX_TAGS = frozenset({"ns", "nr", "nrt", "nz", "eng", None})
ADMIN_WORDS = frozenset({"市", "省", "区", "县", "镇", "州", "乡"})
NAME_CHARACTER = re.compile(rf"[{CJK}A-Za-z0-9·]")
DATED = re.compile(r"[\d〇一二三四五六七八九十]+[年月日]")
# LAC's tags of prepositions, conjunctions and particles: words that never sit inside a name.
FUNCTION_POS = frozenset({"p", "c", "u"})


def clause_bounds(ctx: Context, view: SentenceView, pos: int) -> tuple[int, int]:
    """The clause around `pos`: between clause punctuation outside quotes."""
    s = view.sentence
    if view.breaks is None:
        text = ctx.text
        if CURLY_QUOTE.search(text, s.start, s.end):
            view.breaks = []
            depth = 0
            for i in range(s.start, s.end):
                ch = text[i]
                if ch in OPEN_QUOTES and ch != '"':
                    depth += 1
                elif ch in CLOSE_QUOTES and ch != '"':
                    depth = max(0, depth - 1)
                elif depth == 0 and ch in CLAUSE_BREAK:
                    view.breaks.append(i)
        else:  # most sentences quote nothing: one regex pass
            view.breaks = [m.start() for m in CLAUSE_BREAK_RE.finditer(text, s.start, s.end)]
    k = bisect_left(view.breaks, pos)
    start = view.breaks[k - 1] + 1 if k > 0 else s.start
    end = view.breaks[k] if k < len(view.breaks) else s.end
    return start, end


def extend_name_left(ctx: Context, view: SentenceView, head_index: int, limit: int = 14,
                     allowed_tags: frozenset | None = None, verbal: bool = False,
                     stop_tags: frozenset = STOP_TAGS) -> int:
    """Start of a name whose head is token `head_index`: walk left over name-like tokens.

    Quoted parts (“一园三区”产业园) are taken whole. `allowed_tags`, when
    given, narrows the dictionary tags a name may hold (zones take place words only).
    """
    words, text = ctx.words, ctx.text
    tokens = view.tokens
    start = tokens[head_index].start
    head_end = tokens[head_index].end
    boundaries, triggers = words.boundaries, words.all_triggers
    in_quote = False
    quoted = 0
    skip_to = None
    labels = labelled(ctx, view)
    for i in range(head_index - 1, -1, -1):
        tok = tokens[i]
        if tok.word in CLOSE_QUOTES and tok.word != '"':
            in_quote = True
            start = tok.start
            continue
        if tok.word in OPEN_QUOTES and tok.word != '"':
            in_quote = False
            start = tok.start
            if i > 0 and tokens[i - 1].word in CLOSE_QUOTES:
                break  # “银企对接会”“人才招聘周”: two names side by side
            continue
        industry_word = (verbal and tok.tag == "v" and tokens[i + 1].word in ("产业", "产业链", "行业")  # 智能制造产业
                         and tok.word not in triggers)  # not 组建产业链…联盟
        if tok.tag is None and len(tok.word) >= 3 and tok.word[0] in words.leading_verbs:
            start = tok.start + 1  # 由云溪|开发区: jieba glued the preposition to an unknown name
            break
        # 石门|高新区: a common noun right before a specific zone head is the zone's place name
        place_noun = (allowed_tags is ZONE_PREFIX_TAGS and tok.tag == "n"
                      and tokens[i + 1].word in words.specific_zone_heads)
        if (stop_tags is COMPANY_STOP_TAGS and tok.word == ")" and i >= 2 and tokens[i - 2].word == "("
                and HAN_WORD_2_TO_4.fullmatch(tokens[i - 1].word)):
            start = tokens[i - 2].start  # 某某太阳能(眉山)有限公司: a place in brackets is part of the name
            skip_to = i - 2
            continue
        if skip_to is not None and i >= skip_to:
            continue
        if (tok.tag in ("m", "mq") and not NUMERALISH.fullmatch(tok.word) and not in_quote
                and allowed_tags is None and tok.word not in boundaries):
            start = tok.start  # 零部件: jieba calls it a numeral, it is a noun
            continue
        if in_quote:
            quoted += len(tok.word)
        elif industry_word or (
                stop_tags is COMPANY_STOP_TAGS and tok.tag == "v" and len(tok.word) == 1 and i > 0
                and tokens[i - 1].tag in ("n", "ns", "nz", "nr", None) and tokens[i - 1].word not in CLAUSE_BREAK):
            pass  # 光|能|科技股份有限公司: one verb character cut out of a company name
        else:
            inside = tok.tag is None and next((a for a in labels.name_starts if tok.start < a < tok.end), None)
            if inside:
                start = inside  # 暨云溪市: the labeller's name starts inside a word jieba does not know
                break
            date_end = next((b for a, b in labels.dates if a < tok.end and tok.start < b), None)
            if date_end is not None:
                if date_end < tok.end:
                    start = date_end  # 2023年|市开发区: jieba's word 年市 cut where the date ends
                break
            if (tok.word in boundaries or tok.tag in stop_tags or tok.start in labels.function_starts
                    or (tok.tag in VERBAL_TAGS and not verbal and stop_tags is STOP_TAGS)
                    or (allowed_tags is not None and tok.tag not in allowed_tags and not place_noun
                        and tok.word not in ADMIN_WORDS and tok.word not in words.zone_suffixes
                        # 东岸|产业园区: a locative the labeller reads as the start of a name
                        and not (tok.tag == "s" and tok.start in labels.name_starts))
                    or tok.word in triggers or not NAME_CHARACTER.match(tok.word)):
                break
        if head_end - tok.start - quoted > limit:
            break
        start = tok.start
    # never start on a closing quote or a dangling opening one
    while start < tokens[head_index].start and text[start] in CLOSE_QUOTES:
        start += 1
    return start


class Labelled(NamedTuple):
    """What the labeller tells about a sentence that bounds names, worked out once per sentence."""

    dates: list[tuple[int, int]]  # time expressions with a number (2023年, 9月8日): no name runs over one
    function_starts: frozenset[int]  # where prepositions, conjunctions and particles start (被|选为)
    name_starts: list[int]  # where the labeller's names (PER, ORG, LOC) start


NO_LABELS = Labelled([], frozenset(), [])


def labelled(ctx: Context, view: SentenceView) -> Labelled:
    """The labeller's bounds of names in a sentence (none when the labeller is off).

    Times such as 现代 or 未来, which LAC may also tag, stay inside names (某某现代农业产业园):
    only dated ones bound them.
    """
    found = view.memo.get(labelled)
    if found is None:
        found_words = ctx.ner.get(view.sentence.index)
        found = NO_LABELS if not found_words else Labelled(
            [(w.start, w.end) for w in found_words if w.tag == "TIME" and DATED.search(w.text)],
            frozenset(w.start for w in found_words if w.tag in FUNCTION_POS),
            [w.start for w in found_words if w.tag in ("PER", "ORG", "LOC")])
        view.memo[labelled] = found
    return found


def extend_place_left(ctx: Context, view: SentenceView, head: int) -> int:
    """Start of a facility's name (市烈士纪念馆): up to three nouns, verbal nouns included."""
    words = ctx.words
    start = view.tokens[head].start
    for i in range(head - 1, max(-1, head - 4), -1):
        tok = view.tokens[i]
        if tok.tag in ("n", "vn", "ns", "nz", "nr", None) and HAN_WORD.fullmatch(tok.word) \
                and tok.word not in words.boundaries and tok.word not in words.all_triggers:
            start = tok.start
        else:
            break
    return start


def next_index(items: list, value, start: int) -> int:
    """Where `value` next stands in `items` from `start` on (searched in C), else len(items)."""
    try:
        return items.index(value, start)
    except ValueError:
        return len(items)


def outermost(mentions: list[Mention]) -> list[Mention]:
    """The mentions not inside a longer one, in their first order.

    Sorted by start, longest first, a mention lies inside a longer one exactly when
    some mention of another span sorted before it reaches as far: one sweep.
    """
    inside = set()
    reach = -1  # the furthest end of the spans sorted before the current span
    previous = None
    for start, negative_end, i in sorted([(m.start, -m.end, i) for i, m in enumerate(mentions)]):
        if (start, negative_end) != previous:  # a new span: what came before is all of another span
            if previous is not None:
                reach = max(reach, -previous[1])
            previous = (start, negative_end)
        if reach >= -negative_end:
            inside.add(i)
    return [m for i, m in enumerate(mentions) if i not in inside]
