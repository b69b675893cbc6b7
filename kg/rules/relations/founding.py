"""Who founded, sent or hired whom: 成立/组建 → establishedBy, 选派 → dispatchedBy, 聘请 → engagedBy."""
from __future__ import annotations

import re

from kg.model import ALLIANCE, GROUP, ORGANIZATION, PERSON, PLACE, ZONE, Mention
from kg.rules.agents import (
    AGENT_REQUIRES, BEFORE_VERB, PRINCIPAL_AGENT, SENTENCE_SUBJECT, agent_for, joint_agents, joint_pattern,
)
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import clause_bounds
from kg.rules.words import Words
from kg.segment import Token

# A word between a verb and a name that makes the name no object of the verb: 成立并…, 为…
OBJECT_GAP_BREAK = re.compile(r"[并为将对向与和]")


def object_after(ctx: Context, view: SentenceView, tok: Token, classes) -> Mention | None:
    """The first mention of `classes` after the verb, in its clause, with nothing that breaks the link between."""
    end = clause_bounds(ctx, view, tok.start)[1]
    best = None
    for m in view.mentions:
        if m.cls not in classes or not (tok.end <= m.start < end and m.start - tok.end <= 16):
            continue
        if ctx.text.startswith("组成", m.end):
            continue  # 组建由20名专家组成的“智囊团”: the experts make it up; the team is founded
        if not OBJECT_GAP_BREAK.search(ctx.text, tok.end, m.start):
            if best is None or m.start < best.start or (m.start == best.start and m.end > best.end):
                best = m
    return best


def object_before(ctx: Context, view: SentenceView, tok: Token, classes) -> Mention | None:
    """The last mention of `classes` before the verb, in its clause (20名指导员由…选派)."""
    start = clause_bounds(ctx, view, tok.start)[0]
    found = [m for m in view.mentions if m.cls in classes and start <= m.start and m.end <= tok.start]
    return max(found, key=lambda m: m.end) if found else None


def founded_subject(ctx: Context, view: SentenceView, tok: Token, gap: re.Pattern) -> Mention | None:
    """X宣布成立 / X正式成立: the alliance or organisation founded is the subject."""
    start = clause_bounds(ctx, view, tok.start)[0]
    found = [m for m in view.mentions if m.cls in (ALLIANCE, ORGANIZATION) and start <= m.start
             and m.end <= tok.start and gap.fullmatch(ctx.text[m.end:tok.start])]
    return max(found, key=lambda m: m.end - m.start) if found else None


def founding_rule(spec, verbs: frozenset[str], predicate: str, find_object, ids: dict[str, str],
                  together: re.Pattern | None = None) -> Gated:
    """The rule for one founding signal: each verb's object, and the agent acting on it (unless
    agents act on it `together`: relation.established_by.joint)."""
    def run(ctx: Context, view: SentenceView) -> None:
        for _, tok in view.tokens_among(verbs):
            if together is not None and joint_agents(ctx, view, tok, together):
                continue
            target = find_object(ctx, view, tok)
            if target is None:
                continue
            agent, how = agent_for(ctx, view, tok.start, verb=True)
            if agent is not None and agent is not target and not (agent.start <= target.start and target.end <= agent.end):
                ctx.fact(target, predicate, agent, view, ids[how])

    return Gated(run, verbs)


ESTABLISHED = {BEFORE_VERB: "relation.established_by.verb.agent_before_verb",
               SENTENCE_SUBJECT: "relation.established_by.verb.sentence_subject",
               PRINCIPAL_AGENT: "relation.established_by.verb.principal_agent"}
FOUNDED = (ALLIANCE, ORGANIZATION, GROUP, PLACE, ZONE)


@rule("relation.established_by.verb", triggers={"establish", "launch"},
      requires=["mentions.Place", *AGENT_REQUIRES],
      assigns=["facts.establishedBy"], ids=ESTABLISHED.values())
def established(words: Words, spec):
    """成立/组建/打造 X: X (an alliance, body, group, place or zone) is established by the verb's agent;
    X宣布成立: X is what was founded."""
    verbs = words.trigger(spec, "establish")
    launch = words.trigger(spec, "launch")
    gap = words.founded_gap

    def find(ctx: Context, view: SentenceView, tok: Token) -> Mention | None:
        target = object_after(ctx, view, tok, FOUNDED)
        if tok.word in launch and target is None:  # X宣布成立; X成立了Y founds Y
            target = founded_subject(ctx, view, tok, gap)
        return target

    return founding_rule(spec, verbs, "establishedBy", find, ESTABLISHED, joint_pattern(words.lex, verbs))


@rule("relation.established_by.joint", triggers={"establish"},
      requires=["mentions.Place", *AGENT_REQUIRES], assigns=["facts.establishedBy"])
def established_jointly(words: Words, spec):
    """X由A和B联合牵头成立, A与B共同组建X: X is established by each of the agents acting together."""
    rule_id = spec.name
    verbs = words.trigger(spec, "establish")
    together = joint_pattern(words.lex, verbs)

    def run(ctx: Context, view: SentenceView) -> None:
        for _, tok in view.tokens_among(verbs):
            agents = joint_agents(ctx, view, tok, together)
            if not agents:
                continue
            target = object_after(ctx, view, tok, FOUNDED)
            if target is None:  # X由A和B成立: the founded thing stands before 由
                first = min(a.start for a in agents)
                start = clause_bounds(ctx, view, tok.start)[0]
                before = [m for m in view.of_classes(FOUNDED) if start <= m.start and m.end <= first
                          and ctx.text[m.end:first] == "由"]
                target = max(before, key=lambda m: m.end - m.start) if before else None
            if target is not None:
                for agent in agents:
                    if not (agent.start <= target.start and target.end <= agent.end):
                        ctx.fact(target, "establishedBy", agent, view, rule_id)

    return Gated(run, verbs)


DISPATCHED = {BEFORE_VERB: "relation.dispatched_by.verb.agent_before_verb",
              SENTENCE_SUBJECT: "relation.dispatched_by.verb.sentence_subject",
              PRINCIPAL_AGENT: "relation.dispatched_by.verb.principal_agent"}
ENGAGED = {BEFORE_VERB: "relation.engaged_by.verb.agent_before_verb",
           SENTENCE_SUBJECT: "relation.engaged_by.verb.sentence_subject",
           PRINCIPAL_AGENT: "relation.engaged_by.verb.principal_agent"}


def sent_or_hired(ctx: Context, view: SentenceView, tok: Token) -> Mention | None:
    return object_after(ctx, view, tok, (GROUP, PERSON)) or object_before(ctx, view, tok, (GROUP, PERSON))


@rule("relation.dispatched_by.verb", triggers={"dispatch"},
      requires=["mentions.TalentGroup", "mentions.Person"] + list(AGENT_REQUIRES),
      assigns=["facts.dispatchedBy"], ids=DISPATCHED.values())
def dispatched(words: Words, spec):
    """选派/派驻 X: the group or person X is dispatched by the verb's agent."""
    return founding_rule(spec, words.trigger(spec, "dispatch"), "dispatchedBy", sent_or_hired, DISPATCHED)


@rule("relation.engaged_by.verb", triggers={"engage"},
      requires=["mentions.TalentGroup", "mentions.Person"] + list(AGENT_REQUIRES),
      assigns=["facts.engagedBy"], ids=ENGAGED.values())
def engaged(words: Words, spec):
    """聘请/聘任 X: the group or person X is engaged by the verb's agent."""
    return founding_rule(spec, words.trigger(spec, "engage"), "engagedBy", sent_or_hired, ENGAGED)


@rule("relation.established_by.zone_in_name", naming=[ZONE],
      requires=["mentions.Alliance", "mentions.DevelopmentZone", "focus_alliance"], assigns=["facts.establishedBy"])
def zone_in_name(words: Words, spec):
    """An alliance whose name starts with a zone (澜江高新区科创联盟) is established by that zone."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        alliance = ctx.focus_alliance  # named here, or last named
        if alliance is None:
            return
        for zone in view.of(ZONE):
            if zone.start == alliance.start and zone.end < alliance.end:
                ctx.fact(alliance, "establishedBy", zone, view, rule_id)

    return run
