"""Where a person works: the employer named right before the title (某公司总经理张三)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, ORGANIZATION, PERSON
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import CJK


@rule("relation.works_for.title", naming=[PERSON],
      requires=["titles", "mentions.DevelopmentZone", "mentions.Organization",
                                            "mentions.Enterprise", "mentions.Alliance"],
      assigns=["facts.worksFor"])
def works_for(words, spec):
    """The agent that ends where a person's title starts (or before a department: 人力资源部经理),
    and the organ a title starts with (党工委书记 → 党工委), employ that person."""
    rule_id = spec.name
    organ_re = re.compile(rf"^(?:{alternation(words.organs)})")
    # A department between an employer and a title: 人力资源部, 财务处, 综合办公室.
    department = re.compile(rf"[{CJK}]{{1,6}}(?:{alternation(words.lex.words('department_suffixes.txt'))})")

    def run(ctx: Context, view: SentenceView) -> None:
        titled = ctx.titles.get(view.sentence.index)
        if not titled:
            return
        text = ctx.text
        ms = view.mentions
        for person, tstart, titles in titled:
            organ = organ_re.match(titles)
            employers = [m for m in ms if m.cls in AGENT_CLASSES and m.end == tstart]
            if not employers:  # 某集团有限公司人力资源部经理: the company, through a department
                employers = [m for m in ms if m.cls in AGENT_CLASSES and 0 < tstart - m.end <= 8
                             and department.fullmatch(text[m.end:tstart])]
            if organ:
                employers += [m for m in ms if m.cls == ORGANIZATION and m.end == tstart + len(organ.group())]
            for employer in employers:
                ctx.fact(person, "worksFor", employer, view, rule_id)

    return run
