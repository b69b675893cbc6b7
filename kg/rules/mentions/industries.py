"""Industries: named inside an alliance's name (生物医药产业联盟), or after a verb of focus (聚焦…产业)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, INDUSTRY, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import CJK


@rule("mention.industry.in_alliance", naming=[ALLIANCE],
      requires=["tokens", "masks", "mentions.Alliance", "mentions.DevelopmentZone",
                                                "mentions.Place"],
      assigns=["mentions.Industry"])
def in_alliance(words, spec):
    """The industry an alliance's name holds, after the zone or place it starts with."""
    rule_id = spec.name
    industry_in_name = re.compile(
        rf"([{CJK}]{{1,6}}?)(?:{alternation(words.industry_modifiers)})?(产业链|产业)(?!园)")

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        for alliance in view.of(ALLIANCE):
            zones = [z for z in view.mentions
                     if z.cls in (ZONE, PLACE) and z.start == alliance.start and z.end < alliance.end]
            offset = max((z.end for z in zones), default=alliance.start)
            m = industry_in_name.search(text[offset:alliance.end])
            if m and m.group(1) not in words.industry_modifiers:
                a = offset + m.start()
                # drop a leading place word the name carries (云溪生物医药产业 → 生物医药产业)
                for tok in ctx.views[alliance.sentence].tokens:
                    if tok.start == a and tok.tag in ("ns", "nr") and tok.end < offset + m.end(2) - 2:
                        a = tok.end
                ctx.add(a, offset + m.end(), INDUSTRY, view, rule_id)

    return run


@rule("mention.industry.focus", triggers={"focus"},
      requires=["masks"], assigns=["mentions.Industry", "focus_industries"])
def focus(words, spec):
    """The industry after a verb of focus: 聚焦生物医药产业, 深耕集成电路产业链."""
    rule_id = spec.name
    verbs = words.trigger(spec, "focus") | frozenset(words.lex.words("industry_focus_verbs.txt"))
    focus_industry = re.compile(rf"(?:{alternation(verbs)})([{CJK}]{{2,8}}?(?:产业链|产业))")

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        for m in focus_industry.finditer(s.text):
            industry = ctx.add(s.start + m.start(1), s.start + m.end(1), INDUSTRY, view, rule_id)
            if industry is not None:
                ctx.focus_industries.add(industry)

    return run
