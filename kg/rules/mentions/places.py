"""Places: after motion and locative verbs (赴X, 走进X, 位于X), and runs of place words (浙江湖州)."""
from __future__ import annotations

import re

from kg.model import ALLIANCE, ENTERPRISE, ORGANIZATION, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import STOP_TAGS, next_index
from kg.rules.words import CJK, CLAUSE_BREAK, HAN_WORD, OPEN_QUOTES

PLACE_TAGS = frozenset({"ns", "nr", "nz", "nrt", "j", None})
# A place in brackets that qualifies the name it stands in: 中国(安徽)自贸区, 某某(澜江)实业有限公司.
QUALIFIED_NAME = re.compile(rf"\([{CJK}]{{2,6}}\)[{CJK}]")
NAMED_PLACES = (ZONE, ORGANIZATION, PLACE, ENTERPRISE, ALLIANCE)


@rule("mention.place.after_motion", triggers={"motion"},
      requires=["tokens", "masks"] + [f"mentions.{c}" for c in NAMED_PLACES],
      assigns=["mentions.Place", "destinations"])
def after_motion(words, spec):
    """The place a motion verb leads to (赴井冈山, 走进某某科技城): named, or the first run of place words."""
    rule_id = spec.name
    verbs = words.trigger(spec, "motion") | frozenset(words.lex.words("place_verbs.txt"))

    def run(ctx: Context, view: SentenceView) -> None:
        tokens = view.tokens
        for i, tok in view.tokens_among(verbs):
            j = i + 1
            while j < len(tokens) and tokens[j].word not in CLAUSE_BREAK and tokens[j].word not in ("等", "、"):
                j += 1
            if j == i + 1:
                continue
            span_start, span_end = tokens[i + 1].start, tokens[j - 1].end
            named = [m for m in view.mentions if span_start <= m.start < span_end and m.cls in NAMED_PLACES]
            if named:
                # 赴杭州未来科技城: place words before a named place belong to it
                where = min(named, key=lambda m: (m.start, -m.end))
                lead = [t for t in tokens[i + 1:j] if t.end <= where.start]
                if lead and all(t.tag in PLACE_TAGS | {"t"} and HAN_WORD.fullmatch(t.word) for t in lead):
                    where = ctx.add(span_start, where.end, PLACE, view, rule_id) or where
                if where.start == span_start:
                    ctx.destinations.add(where.span)
                continue
            labelled = next((w for w in ctx.ner.get(view.sentence.index, ())
                             if w.tag == "LOC" and span_start <= w.start and w.end <= span_end), None)
            if labelled is not None:  # the labeller's place, where it finds one
                place = ctx.add(labelled.start, labelled.end, PLACE, view, rule_id)
                if place is not None:
                    ctx.destinations.add(place.span)
                continue
            first = run_end = None
            for k in range(i + 1, j):  # 赴红色教育基地井冈山 → the first run of place words: 井冈山
                placey = tokens[k].tag in PLACE_TAGS and len(tokens[k].word) > 1 and HAN_WORD.fullmatch(tokens[k].word)
                if placey:
                    first = k if first is None else first
                    run_end = k
                elif first is not None:
                    break
            if run_end is not None:
                place = ctx.add(tokens[first].start, tokens[run_end].end, PLACE, view, rule_id)
                if place is not None:
                    ctx.destinations.add((place.start, place.end))

    return Gated(run, verbs)


@rule("mention.place.words", requires=["tokens", "masks", "mentions.Place"], assigns=["mentions.Place"])
def place_words(words, spec):
    """A run of place words standing alone between clause edges: 浙江湖州."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        tokens = view.tokens
        tags = view.tags()
        s = view.sentence.index
        n = len(tags)
        k = next_index(tags, "ns", 0)
        while k < n:
            j = k
            while j + 1 < n and tags[j + 1] == "ns":
                j += 1
            a, b = tokens[k].start, tokens[j].end
            nxt = tokens[j + 1] if j + 1 < n else None
            prev = tokens[k - 1] if k > 0 else None
            standalone = (nxt is None or nxt.tag in STOP_TAGS or nxt.tag == "v" or nxt.word in CLAUSE_BREAK) and (
                prev is None or prev.word in CLAUSE_BREAK or prev.word in OPEN_QUOTES) \
                and not QUALIFIED_NAME.match(ctx.text, b)  # 中国(安徽)自由贸易试验区: the start of a longer name
            if standalone and b - a >= 2 and not any(m.start <= a and b <= m.end for m in view.mentions) \
                    and not any(w.start == a and w.end == b and w.tag != "LOC" for w in ctx.ner.get(s, ())):
                ctx.add(a, b, PLACE, view, rule_id)  # unless the labeller reads that word otherwise (新春: a time)
            k = next_index(tags, "ns", j + 1)  # the next run

    return run
