"""Where: the place of an event (赴X开展…, 在X举行), where a place or body was set up (在X设立Y), and where
companies settle (落户X)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ENTERPRISE, EVENT, ORGANIZATION, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import clause_bounds

AT = re.compile("在")
AT_END = re.compile(r"在$")


@rule("relation.location.event", naming=[EVENT], triggers={"hold"},
      requires=["mentions.Event", "mentions.Place", "mentions.Organization", "mentions.DevelopmentZone",
                "destinations", "launched"],
      assigns=["facts.location"])
def event_location(words, spec):
    """A place reached by a motion verb (赴X), or named after 在 where the event is held (在X举行), is where
    the sentence's event takes place."""
    rule_id = spec.name
    held = re.compile(alternation(words.trigger(spec, "hold")))
    motion_before = re.compile(f"(?:{alternation(words.lex.words('event_place_verbs.txt'))})$")

    def run(ctx: Context, view: SentenceView) -> None:
        events = view.of(EVENT)
        if not events:
            return
        text, s = ctx.text, view.sentence
        places = [m for m in view.mentions if m.cls in (PLACE, ORGANIZATION, ZONE)]
        for ev in events:
            launched = ev in ctx.launched
            for m in places:
                if ev.start <= m.start and m.end <= ev.end:
                    continue
                before = text[max(s.start, m.start - 3):m.start]
                held_at = held.match(text, m.end) or (launched and m.end <= ev.start)  # X在Y揭牌成立
                if m.span in ctx.destinations or motion_before.search(before) or (AT_END.search(before) and held_at):
                    ctx.fact(ev, "location", m, view, rule_id)

    return run


@rule("relation.location.built_in", naming=[PLACE, ZONE, ORGANIZATION], triggers={"establish"},
      requires=["mentions.Place", "mentions.Organization", "mentions.DevelopmentZone"], assigns=["facts.location"])
def built_in(words, spec):
    """在X设立Y: a place or body set up at X is located there."""
    rule_id = spec.name
    establish_re = re.compile(alternation(words.trigger(spec, "establish")))

    def run(ctx: Context, view: SentenceView) -> None:
        text, s = ctx.text, view.sentence
        if "在" not in s.text:
            return
        ms = view.mentions
        for m in AT.finditer(s.text):
            a = s.start + m.end()
            where = [p for p in ms if p.cls in (PLACE, ZONE, ORGANIZATION) and p.start == a]
            if not where:
                continue
            place = max(where, key=lambda p: p.end)
            end = clause_bounds(ctx, view, a)[1]
            for x in ms:
                if x.cls in (PLACE, ORGANIZATION) and place.end < x.start and x.end <= end \
                        and establish_re.search(text, place.end, x.start):
                    ctx.fact(x, "location", place, view, rule_id)

    return run


@rule("relation.location.settled", naming=[ENTERPRISE], triggers={"settle"},
      requires=["mentions.Enterprise", "mentions.DevelopmentZone", "mentions.Place"], assigns=["facts.location"])
def settled(words, spec):
    """A、B等5家企业签约落户X, 入驻X的A: companies that settle in a zone or place are located there."""
    rule_id = spec.name
    settle = words.trigger(spec, "settle")
    prepositions = words.prepositions

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        for _, tok in view.tokens_among(settle):
            start, end = clause_bounds(ctx, view, tok.start)
            at = tok.end + (text[tok.end] in "在于到" if tok.end < end else 0)
            where = [m for m in view.of_classes((ZONE, PLACE)) if m.start == at]
            if not where:
                continue
            place = max(where, key=lambda m: m.end)
            companies = [m for m in view.of(ENTERPRISE) if start <= m.start and m.end <= tok.start
                         and text[m.start - 1:m.start] not in prepositions]
            if not companies and text.startswith("的", place.end):  # 落户X的A、B
                companies = [m for m in view.of(ENTERPRISE) if place.end < m.start and m.end <= end]
            for m in companies:
                ctx.fact(m, "location", place, view, rule_id)

    return Gated(run, settle)
