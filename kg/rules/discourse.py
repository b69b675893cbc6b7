"""What the article is about beyond one sentence: its principal agent, the alliance and the event in focus.

Discourse defaults are explicit: an event or initiative whose sentence names no agent is
credited to the principal agent (the development zone the article reports on), and words
such as 联盟 or 仪式上 refer to the alliance or event last named.
"""
from __future__ import annotations

from kg.lexicon import zone_key
from kg.model import ALLIANCE, EVENT, ORGANIZATION, ZONE, Mention
from kg.rules.agents import alliance_here
from kg.rules.context import Context, SentenceView
from kg.rules.registry import DOCUMENT, rule


@rule("discourse.principal_agent", scope=DOCUMENT,
      requires=["mentions.DevelopmentZone", "mentions.Organization", "mentions.Alliance", "bylines"],
      assigns=["principal_agent"], ids=())
def principal_agent(words, spec):
    """The agent the article reports on: its most named development zone (else the zone it names only by
    reference, 开发区; else organisation or alliance), never a byline's outlet."""
    lex = words.lex

    def run(ctx: Context) -> None:
        # a named zone, else a zone named only by reference (开发区), else a body or an alliance
        tiers: list[list[Mention]] = [[], [], []]
        for m in ctx.mentions:
            if m.cls == ZONE:
                tier = 1 if m.label in lex.generic_references else 0
            elif m.cls in (ORGANIZATION, ALLIANCE) and m.label not in lex.generic_references:
                tier = 2
            else:
                continue
            if m not in ctx.bylines:
                tiers[tier].append(m)
        named = next((t for t in tiers if t), None)
        if named:
            counts: dict[str, list] = {}
            for m in named:
                counts.setdefault(zone_key(m.label, lex), []).append(m)
            best = max(counts.values(), key=lambda ms: (len(ms), -ms[0].start))
            ctx.principal = max(best, key=lambda m: (len(m.label), -m.start))

    return run


@rule("discourse.focus_alliance", naming=[ALLIANCE],
      requires=["mentions.Alliance"], assigns=["focus_alliance"], ids=())
def focus_alliance(words, spec):
    """The longest alliance a sentence names is the alliance in focus until another is named (a bare
    reference such as 联盟 keeps the one in focus)."""
    generic = words.lex.generic_references

    def run(ctx: Context, view: SentenceView) -> None:
        alliance = alliance_here(ctx, view)
        if alliance is not None and not (alliance.label in generic and ctx.focus_alliance is not None):
            ctx.focus_alliance = alliance

    return run


# The key of a sentence's memo that keeps the event in focus before the sentence named its own.
FOCUS_BEFORE = "focus_event_before"


def focus_before(ctx: Context, view: SentenceView):
    """The event in focus before this sentence: what 会上 or 在会上 in it refers to, even where
    the sentence goes on to name an event of its own."""
    return view.memo[FOCUS_BEFORE] if FOCUS_BEFORE in view.memo else ctx.focus_event


@rule("discourse.focus_event", naming=[EVENT], requires=["mentions.Event"], assigns=["focus_event"], ids=())
def focus_event(words, spec):
    """The longest event a sentence names is the event in focus until another is named (会上, 仪式上)."""
    def run(ctx: Context, view: SentenceView) -> None:
        events = view.of(EVENT)
        if events:
            view.memo[FOCUS_BEFORE] = ctx.focus_event  # what 会上 or 随后 in this sentence refers to
            ctx.focus_event = max(events, key=lambda e: e.end - e.start)

    return run
