"""Who organises an event, an initiative or a campaign."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, ALLIANCE, CAMPAIGN, EVENT, INITIATIVE, Mention
from kg.rules.agents import (
    AGENT_REQUIRES, BEFORE_VERB, PRINCIPAL_AGENT, SENTENCE_SUBJECT, agent_for, joint_agents, joint_pattern, subject_of,
)
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.spans import clause_bounds
from kg.rules.words import CJK


def joint_organizers_pattern(lex) -> re.Pattern:
    """由A和B共同举办: the organizers stand between 由 and the verb."""
    kinds = lex.mapping("joint_organizers.tsv")
    adverbs = alternation(w for w, k in kinds.items() if k == "adverb")
    verbs = alternation(w for w, k in kinds.items() if k == "verb")
    return re.compile(rf"由(.+?)(?:{adverbs})?(?:{verbs})")


def joint_organizers(words):
    """The agents that organise an event together: A与B联合举办X (a function of the event)."""
    kinds = words.lex.mapping("joint_organizers.tsv")
    verbs = frozenset(w for w, k in kinds.items() if k == "verb")
    together = joint_pattern(words.lex, verbs)

    def jointly(ctx: Context, view: SentenceView, ev: Mention) -> list[Mention]:
        if view.words.isdisjoint(verbs):
            return []
        start = clause_bounds(ctx, view, ev.start)[0]
        before = [tok for _, tok in view.tokens_among(verbs) if start <= tok.start and tok.end <= ev.start]
        return joint_agents(ctx, view, before[-1], together) if before else []

    return jointly


@rule("relation.organizer.joint", requires=["mentions.Event", "focus_event"] + list(AGENT_REQUIRES[:4]) + ["bylines"],
      assigns=["facts.organizer"])
def joint(words, spec):
    """由A、B共同主办, A与B联合举办: each agent named between 由 and the verb (and in the clauses after it:
    ,B承办,C协办), or chained before 共同/联合 and the verb, organises the event (or the event in focus, named again: 本次大赛由A、B联合主办, 活动由A承办)."""
    rule_id = spec.name
    lex = words.lex
    joint_re = joint_organizers_pattern(lex)
    jointly = joint_organizers(words)
    kinds = lex.mapping("joint_organizers.tsv")
    # 由A主办,B承办,C协办: the clauses after the first that name more organisers and their verb
    more_organizers = re.compile(rf"[,、]([^,;:。]+?)(?:{alternation(w for w, k in kinds.items() if k == 'adverb')})?"
                                 rf"(?:{alternation(w for w, k in kinds.items() if k == 'verb')})(?=[,;。]|$)")
    # 本次大赛, 此次活动, 活动: the event in focus, named again (all the clause holds before 由)
    event_again = re.compile(rf"(?:{alternation(lex.words('event_demonstratives.txt'))})?"
                             rf"[{CJK}]{{0,4}}?(?:{alternation(lex.event_heads)})")

    def organizers(ctx: Context, view: SentenceView, event: Mention, found: re.Match) -> None:
        s = view.sentence
        spans = [(s.start + found.start(1), s.start + found.end(1))]
        pos = found.end()
        while (more := more_organizers.match(s.text, pos)) is not None:  # ,B承办,C协办
            spans.append((s.start + more.start(1), s.start + more.end(1)))
            pos = more.end()
        for a, b in spans:
            named = [m for m in view.mentions if m.cls in AGENT_CLASSES and a <= m.start and m.end <= b]
            for agent in named:  # 云溪高新区管委会 organizes, not the 云溪高新区 inside its name
                if not any(o is not agent and o.start <= agent.start and agent.end <= o.end for o in named):
                    ctx.fact(event, "organizer", agent, view, rule_id)

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        events = view.of(EVENT)
        for ev in events:
            found = joint_re.search(text[s.start:ev.start])
            if found:
                organizers(ctx, view, ev, found)
                continue
            for agent in jointly(ctx, view, ev):  # A与B联合举办X
                ctx.fact(ev, "organizer", agent, view, rule_id)
        if not events and ctx.focus_event is not None and "由" in s.text:
            found = joint_re.search(s.text)
            if found and event_again.fullmatch(s.text, clause_bounds(ctx, view, s.start + found.start())[0] - s.start,
                                               found.start()):
                organizers(ctx, view, ctx.focus_event, found)

    return run


ORGANIZER_OF_EVENT = {BEFORE_VERB: "relation.organizer.verb.agent_before_verb",
                      SENTENCE_SUBJECT: "relation.organizer.verb.sentence_subject",
                      PRINCIPAL_AGENT: "relation.organizer.verb.principal_agent"}


@rule("relation.organizer.verb", naming=[EVENT], triggers={"organize", "hold"},
      requires=["mentions.Event", "launched"] + list(AGENT_REQUIRES), assigns=["facts.organizer"],
      ids=ORGANIZER_OF_EVENT.values())
def organizer_of_event(words, spec):
    """An event organised (组织/召开…) or held (在…举行) has as organiser the agent right before the verb
    (X在Y举行Z), else the clause's subject, else the principal agent; organisers named jointly are
    left to relation.organizer.joint."""
    organize_re = re.compile(alternation(words.trigger(spec, "organize")))
    held = re.compile(alternation(words.trigger(spec, "hold")))
    held_somewhere = re.compile(rf"[在于][^,。]{{1,20}}({held.pattern})")  # 在会议中心举行
    joint_re = joint_organizers_pattern(words.lex)
    jointly = joint_organizers(words)

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        for ev in view.of(EVENT):
            start, end = clause_bounds(ctx, view, ev.start)
            after = text[ev.end:end]
            launched = ev in ctx.launched
            verbs = [v.start() for v in organize_re.finditer(text, start, ev.start)]
            organized = (launched or verbs or held_somewhere.match(after) or held.match(after))
            if not organized or joint_re.search(text[s.start:ev.start]) or jointly(ctx, view, ev):
                continue
            verb = verbs[-1] if verbs else ev.start if launched else None
            agent, how = agent_for(ctx, view, verb if verb is not None else ev.start, verb=verb is not None)
            if launched and agent is not None and agent.cls == ALLIANCE and not held.search(text, agent.end, ev.start):
                agent, how = ctx.principal, PRINCIPAL_AGENT  # the alliance does not found itself; it may hold it
            if agent is not None:
                ctx.fact(ev, "organizer", agent, view, ORGANIZER_OF_EVENT[how])

    return run


ORGANIZER_OF_INITIATIVE = {SENTENCE_SUBJECT: "relation.organizer.initiative.sentence_subject",
                           PRINCIPAL_AGENT: "relation.organizer.initiative.principal_agent"}


@rule("relation.organizer.initiative", naming=[INITIATIVE, CAMPAIGN], triggers={"organize"},
      requires=["mentions.Initiative", "mentions.Campaign"] + list(AGENT_REQUIRES), assigns=["facts.organizer"],
      ids=ORGANIZER_OF_INITIATIVE.values())
def organizer_of_initiative(words, spec):
    """An initiative or campaign that is launched (开展/实施…), used (通过…), or in the headline has the
    clause's agent as organiser (else the principal agent)."""
    organize_re = re.compile(alternation(words.trigger(spec, "organize")))

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        for ini in [*view.of(INITIATIVE), *view.of(CAMPAIGN)]:
            window = text[clause_bounds(ctx, view, ini.start)[0]:ini.start]
            strong = organize_re.search(window) is not None
            weak = "通过" in window and subject_of(ctx, view, ini.start) is not None
            if strong or weak or s.kind == "headline":
                agent, how = agent_for(ctx, view, ini.start)
                if agent is not None:
                    ctx.fact(ini, "organizer", agent, view, ORGANIZER_OF_INITIATIVE[how])

    return run
