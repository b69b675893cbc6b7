"""Industries: named inside an alliance's or organisation's name (生物医药产业联盟, 某某产业链联合党委), or after
a verb of focus (聚焦…产业)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, INDUSTRY, ORGANIZATION, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import CJK


def industry_in_names(words, spec, cls: str):
    """The rule for one class: the industry a name of `cls` holds, after the zone or place it starts with
    (a place the labeller finds counts too)."""
    rule_id = spec.name
    industry_in_name = re.compile(
        rf"([{CJK}]{{1,6}}?)(?:{alternation(words.industry_modifiers)})?(产业链|产业)(?!园)")

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        for named in view.of(cls):
            zones = [z for z in view.mentions
                     if z.cls in (ZONE, PLACE) and z.start == named.start and z.end < named.end]
            places = [w.end for w in ctx.ner.get(view.sentence.index, ()) if w.tag == "LOC" and w.start == named.start]
            offset = max([z.end for z in zones] + places, default=named.start)
            m = industry_in_name.search(text[offset:named.end])
            if m and m.group(1) not in words.industry_modifiers:
                a = offset + m.start()
                # drop a leading place word the name carries (云溪生物医药产业 → 生物医药产业)
                for tok in ctx.view_of(named.sentence).tokens:
                    if tok.start == a and tok.tag in ("ns", "nr") and tok.end < offset + m.end(2) - 2:
                        a = tok.end
                ctx.add(a, offset + m.end(), INDUSTRY, view, rule_id)

    return run


@rule("mention.industry.in_alliance", naming=[ALLIANCE],
      requires=["tokens", "masks", "mentions.Alliance", "mentions.DevelopmentZone", "mentions.Place"],
      assigns=["mentions.Industry"])
def in_alliance(words, spec):
    """The industry an alliance's name holds, after the zone or place it starts with."""
    return industry_in_names(words, spec, ALLIANCE)


@rule("mention.industry.in_organization", naming=[ORGANIZATION],
      requires=["tokens", "masks", "mentions.Organization", "mentions.DevelopmentZone", "mentions.Place"],
      assigns=["mentions.Industry"])
def in_organization(words, spec):
    """The industry an organisation's name holds: 某市绿色食品产业链联合党委 → 绿色食品产业链."""
    return industry_in_names(words, spec, ORGANIZATION)


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
