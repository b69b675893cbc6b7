"""Who acts in a clause: helpers that several relation rules use to find an agent.

An agent is the clause's subject, an agent named right before the verb, or, when the
sentence names none, the article's principal agent (the development zone it reports on).
A district named as a clause's subject (海州区组建…) acts as its government.
Each answer comes with how it was found, which the rule's id records.
"""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, ALLIANCE, GROUP, PLACE, Mention
from kg.rules.context import Context, SentenceView
from kg.rules.spans import clause_bounds
from kg.segment import Token

# How an agent was found: the last part of the rule ids that record it.
BEFORE_VERB, SENTENCE_SUBJECT, PRINCIPAL_AGENT = "agent_before_verb", "sentence_subject", "principal_agent"
SUBJECT_CLASSES = AGENT_CLASSES | {GROUP}  # a group may be a clause's subject, but acts as no agent
# What `agent_for` reads, for the `requires` of the rules that call it.
AGENT_REQUIRES = ("mentions.DevelopmentZone", "mentions.Organization", "mentions.Enterprise", "mentions.Alliance",
                  "mentions.TalentGroup", "bylines", "principal_agent")


BY = frozenset({"由"})  # 由A和B共同成立: the agents follow it
# Between agents named together: 、 和 与 及 以及.
CONJUNCTION = re.compile(r"、|和|与|及|以及")


def governs(ctx: Context, m: Mention) -> bool:
    """Whether a mention names an acting body: an agent, or a district (海州区, 某某县) acting as its government."""
    return m.cls in AGENT_CLASSES or (m.cls == PLACE and m.label.endswith(ctx.words.administrative_suffixes))


def subject_of(ctx: Context, view: SentenceView, before: int) -> Mention | None:
    """The agent a clause names before `before`, standing at a clause start."""
    text, s = ctx.text, view.sentence
    relative_date = ctx.words.relative_date
    # in what someone says (A说,联盟将组织…) the subject is the one named in it, not the speaker's body
    said = max((m.end() for m in ctx.words.reported_speech.finditer(text, s.start, before)), default=s.start)
    candidates = []
    for m in view.mentions:
        if m.start >= before or m.start < said or m in ctx.bylines or not (m.cls in SUBJECT_CLASSES or governs(ctx, m)):
            continue
        prev = text[s.start:m.start].rstrip()
        at_clause_start = (not prev or prev[-1] in ",;:。" or relative_date.fullmatch(prev) is not None
                           or ctx.words.place_prefix.fullmatch(prev) is not None)  # 江苏澜江市|云溪区
        follows = text[m.end:m.end + 1]
        if at_clause_start and follows not in ("的", "、"):
            candidates.append(m)
    if not candidates:
        return None
    first = min(c.start for c in candidates)
    best = max((c for c in candidates if c.start == first), key=lambda c: c.end - c.start)
    return best if governs(ctx, best) else None


def listed_with(ctx: Context, names: list[Mention], last: Mention) -> list[Mention]:
    """`last` and the names listed before it, joined by 、 和 与 及 (A、B和C), first to last."""
    text, chain = ctx.text, [last]
    while True:
        start = chain[0].start
        before = [o for o in names if o.end <= start and CONJUNCTION.fullmatch(text[o.end:start])]
        if not before:
            return chain
        chain.insert(0, max(before, key=lambda o: o.end))


def with_someone(ctx: Context, agents: list[Mention], m: Mention) -> bool:
    """Whether `m` is one of those the subject acts with (X与A、B召开…: A and B), not the agent."""
    start = listed_with(ctx, agents, m)[0].start
    return ctx.text[start - 1:start] in ctx.words.companions


def agent_for(ctx: Context, view: SentenceView, pos: int, verb: bool = False) -> tuple[Mention | None, str]:
    """The agent of what happens at `pos`, and how it was found."""
    if verb:
        # 某集团有限公司建成…: an agent named right before the verb acts, wherever the clause
        # starts, unless a preposition makes it a place (在园区党群服务中心设立…)
        text, gap, prepositions = ctx.text, ctx.words.agent_verb_gap, ctx.words.prepositions
        agents = view.of_classes(AGENT_CLASSES)
        adjacent = [m for m in agents
                    if m.end <= pos and gap.fullmatch(text[m.end:pos]) and m not in ctx.bylines
                    and text[m.start - 1:m.start] not in prepositions]
        if adjacent:
            best = max(adjacent, key=lambda m: (m.end, m.end - m.start))
            if not with_someone(ctx, agents, best):
                return best, BEFORE_VERB
    subject = subject_of(ctx, view, pos)
    if subject is not None:
        return subject, SENTENCE_SUBJECT
    before = ctx.text[view.sentence.start:pos]
    if before.count("“") > before.count("”"):
        return None, PRINCIPAL_AGENT  # “公司今年成立了党支部”: in a quotation the speaker acts, not the article's agent
    return ctx.principal, PRINCIPAL_AGENT


def alliance_here(ctx: Context, view: SentenceView) -> Mention | None:
    """The longest alliance the sentence names."""
    here = view.of(ALLIANCE)
    return max(here, key=lambda m: m.end - m.start) if here else None


def joint_pattern(lex, verbs: frozenset[str]) -> re.Pattern:
    """What ends a list of agents acting together right before one of `verbs`:
    共同/联合 (and 牵头), as in 由A和B联合牵头成立, A与B共同发起成立."""
    kinds = lex.mapping("joint_organizers.tsv")
    adverbs = alternation(w for w, k in kinds.items() if k == "adverb")
    return re.compile(rf"(?:{adverbs})+(?:{alternation(verbs)})$")


def joint_agents(ctx: Context, view: SentenceView, tok: Token, together: re.Pattern) -> list[Mention]:
    """The agents that act together on the verb `tok`: named between 由 and the verb
    (由A、B共同成立), or chained by 和/与/、 right before 共同/联合 and the verb (A与B联合组建)."""
    found = view.memo.get((together, tok.start))
    if found is not None:
        return found
    text = ctx.text
    start = clause_bounds(ctx, view, tok.start)[0]
    by = max((t.start for i, t in view.tokens_among(BY) if start <= t.start < tok.start), default=-1)
    adverb = together.search(text, max(start, tok.start - 8), tok.end) if by < 0 else None  # adverbs are short
    named = []
    if by >= 0 or (adverb is not None and adverb.end() == tok.end):
        agents = [m for m in view.of_classes(AGENT_CLASSES) if max(start, by) <= m.start and m.end <= tok.start
                  and m not in ctx.bylines]
        agents = [m for m in agents if not any(o is not m and o.start <= m.start and m.end <= o.end for o in agents)]
        if by >= 0:
            named = agents
        else:
            last = [m for m in agents if m.end == adverb.start()]
            named = listed_with(ctx, agents, last[0]) if last else []
            named = named if len(named) > 1 else []
    view.memo[(together, tok.start)] = named
    return named
