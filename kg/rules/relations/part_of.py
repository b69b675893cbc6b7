"""Events that are part of a campaign (the campaign inside the event's name, or 在…行动中), or of another
event (X期间, 会上)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import CAMPAIGN, EVENT, Mention
from kg.rules.context import Context, SentenceView
from kg.rules.discourse import FOCUS_BEFORE
from kg.rules.registry import rule
from kg.rules.spans import clause_bounds
from kg.rules.words import CJK


@rule("relation.part_of.campaign", naming=[CAMPAIGN],
      requires=["mentions.Event", "mentions.Campaign"], assigns=["facts.partOf"])
def part_of_campaign(words, spec):
    """An event is part of a campaign its name holds, or one named as 在<campaign>中 before it."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        campaigns = view.of(CAMPAIGN)
        if not campaigns:
            return
        text, s = ctx.text, view.sentence
        for ev in view.of(EVENT):
            for camp in campaigns:
                if ev.start <= camp.start and camp.end <= ev.end or re.search(
                        "在" + re.escape(text[camp.start:camp.end]) + "中", text[s.start:ev.start]):
                    ctx.fact(ev, "partOf", camp, view, rule_id)

    return run


@rule("relation.part_of.sub_event", naming=[EVENT],
      requires=["mentions.Event", "focus_event"], assigns=["facts.partOf"])
def sub_event(words, spec):
    """Events named within another are part of it: after X期间, X前, X包括 (X named, or an event noun that
    refers back to it: 大会期间, 开工仪式前, 活动包括), or after a word for the event in focus (会上, 随后)."""
    rule_id = spec.name
    lex = words.lex
    cues = alternation(lex.words("sub_event_cues.txt"))
    after_event = re.compile(cues)
    # 大会期间, 本次活动包括, 开工仪式前, 会上, 随后: at a clause's start, the event named before (or in focus)
    again = rf"(?:{alternation(lex.words('event_demonstratives.txt'))})?[{CJK}]{{0,8}}?(?:{alternation(lex.event_heads)})"
    at_clause_start = re.compile(rf"(?:{again})?(?:{cues})|{alternation(lex.words('event_references.txt'))}")
    any_cue = re.compile(f"{cues}|{alternation(lex.words('event_references.txt'))}")  # most sentences hold none

    def host_at(ctx: Context, view: SentenceView, events: list[Mention]) -> tuple[Mention, int] | None:
        """(the host event, where what is inside it starts)."""
        text, s = ctx.text, view.sentence
        named = [e for e in events if after_event.match(text, e.end)]
        if named:
            host = max(named, key=lambda e: e.end - e.start)
            return host, host.end
        clause_bounds(ctx, view, s.start)  # finds the sentence's clause breaks (view.breaks)
        for start in [s.start] + [b + 1 for b in view.breaks]:
            cue = at_clause_start.match(text, start)
            if cue is None or not (text.startswith(("包括", ",", ":"), cue.end())
                                   or cue.group().endswith("包括")):
                continue
            before = [e for e in events if e.end <= start]
            host = max(before, key=lambda e: e.end) if before else view.memo.get(FOCUS_BEFORE)
            return (host, cue.end()) if host is not None else None
        return None

    def run(ctx: Context, view: SentenceView) -> None:
        if not any_cue.search(view.sentence.text):
            return
        events = view.of(EVENT)
        found = host_at(ctx, view, events)
        if found is None:
            return
        host, inside = found
        for ev in events:
            if ev is not host and ev.start >= inside:
                ctx.fact(ev, "partOf", host, view, rule_id)

    return run
