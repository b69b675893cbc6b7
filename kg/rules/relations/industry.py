"""Industries of alliances and zones: 生物医药产业联盟 → 生物医药产业; 某高新区聚焦…产业."""
from __future__ import annotations

from kg.model import ALLIANCE, INDUSTRY, ORGANIZATION, ZONE, Mention
from kg.rules.agents import AGENT_REQUIRES, agent_for
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule


def alliances_holding(ms, industry: Mention) -> list[Mention]:
    """The alliances, and the bodies of their kind (某产业链联合党委), whose names hold the industry."""
    return [a for a in ms if a.cls in (ALLIANCE, ORGANIZATION) and a.start <= industry.start
            and industry.end <= a.end]


@rule("relation.industry.alliance", naming=[INDUSTRY],
      requires=["mentions.Industry", "mentions.Alliance", "mentions.Organization", "focus_industries"],
      assigns=["facts.industry"])
def of_alliance(words, spec):
    """An industry inside an alliance's name (or a body's: 某某食品产业链联合党委) is that alliance's; an
    industry of focus (聚焦…产业) outside any name is the industry of every alliance the sentence names."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        industries = view.of(INDUSTRY)
        if not industries:
            return
        ms = view.mentions
        for ind in industries:
            holders = alliances_holding(ms, ind)
            if not holders and ind in ctx.focus_industries:
                holders = [a for a in ms if a.cls == ALLIANCE]
            for a in holders:
                ctx.fact(a, "industry", ind, view, rule_id)

    return run


@rule("relation.industry.focus", naming=[INDUSTRY],
      requires=["mentions.Industry", "focus_industries", *AGENT_REQUIRES],
      assigns=["facts.industry"])
def of_zone(words, spec):
    """A zone that focuses on an industry (某高新区聚焦…产业), outside any alliance's name: its industry."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        if not ctx.focus_industries:
            return
        ms = view.mentions
        for ind in view.of(INDUSTRY):
            if ind in ctx.focus_industries and not alliances_holding(ms, ind):
                agent, _ = agent_for(ctx, view, ind.start)
                if agent is not None and agent.cls == ZONE:
                    ctx.fact(agent, "industry", ind, view, rule_id)

    return run
