"""Where: the place of an event (赴X开展…, 在X举行), and where a place or body was set up (在X设立Y)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import EVENT, ORGANIZATION, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
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
