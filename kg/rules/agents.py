"""Who acts in a clause: helpers that several relation rules use to find an agent.

An agent is the clause's subject, an agent named right before the verb, or, when the
sentence names none, the article's principal agent (the development zone it reports on).
Each answer comes with how it was found, which the rule's id records.
"""
from __future__ import annotations

from kg.model import AGENT_CLASSES, ALLIANCE, GROUP, Mention
from kg.rules.context import Context, SentenceView

# How an agent was found: the last part of the rule ids that record it.
BEFORE_VERB, SENTENCE_SUBJECT, PRINCIPAL_AGENT = "agent_before_verb", "sentence_subject", "principal_agent"
SUBJECT_CLASSES = AGENT_CLASSES | {GROUP}  # a group may be a clause's subject, but acts as no agent
# What `agent_for` reads, for the `requires` of the rules that call it.
AGENT_REQUIRES = ("mentions.DevelopmentZone", "mentions.Organization", "mentions.Enterprise", "mentions.Alliance",
                  "mentions.TalentGroup", "bylines", "principal_agent")


def subject_of(ctx: Context, view: SentenceView, before: int) -> Mention | None:
    """The agent a clause names before `before`, standing at a clause start."""
    text, s = ctx.text, view.sentence
    relative_date = ctx.words.relative_date
    candidates = []
    for m in view.of_classes(SUBJECT_CLASSES):
        if m.start >= before or m in ctx.bylines:
            continue
        prev = text[s.start:m.start].rstrip()
        at_clause_start = not prev or prev[-1] in ",;:。" or relative_date.fullmatch(prev) is not None
        follows = text[m.end:m.end + 1]
        if at_clause_start and follows not in ("的", "、"):
            candidates.append(m)
    if not candidates:
        return None
    first = min(c.start for c in candidates)
    best = max((c for c in candidates if c.start == first), key=lambda c: c.end - c.start)
    return best if best.cls in AGENT_CLASSES else None


def agent_for(ctx: Context, view: SentenceView, pos: int, verb: bool = False) -> tuple[Mention | None, str]:
    """The agent of what happens at `pos`, and how it was found."""
    if verb:
        # 某集团有限公司建成…: an agent named right before the verb acts, wherever the clause
        # starts, unless a preposition makes it a place (在园区党群服务中心设立…)
        text, gap, prepositions = ctx.text, ctx.words.agent_verb_gap, ctx.words.prepositions
        adjacent = [m for m in view.of_classes(AGENT_CLASSES)
                    if m.end <= pos and gap.fullmatch(text[m.end:pos]) and m not in ctx.bylines
                    and text[m.start - 1:m.start] not in prepositions]
        if adjacent:
            return max(adjacent, key=lambda m: (m.end, m.end - m.start)), BEFORE_VERB
    subject = subject_of(ctx, view, pos)
    if subject is not None:
        return subject, SENTENCE_SUBJECT
    return ctx.principal, PRINCIPAL_AGENT


def alliance_here(ctx: Context, view: SentenceView) -> Mention | None:
    """The longest alliance the sentence names."""
    here = view.of(ALLIANCE)
    return max(here, key=lambda m: m.end - m.start) if here else None
