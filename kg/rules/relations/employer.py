"""Where a person works: read from the chain of titles written before the name.

    澜江科技有限公司董事长张三                    → 张三 worksFor 澜江科技有限公司
    青川经开区党工委书记、管委会主任李四          → worksFor 青川经开区党工委; jobTitle 党工委书记、管委会主任
    云溪保税区管委会专职副主任、产业发展领导小组副组长王五
                                                  → worksFor 云溪保税区管委会 (and the 领导小组, when named)
    青川经开区领导赵一、钱二、孙三                → each worksFor 青川经开区
    某公司党员周六说                              → worksFor 某公司

The chain is read right to left from the name: a title (with its modifiers: 专职, 常务), the
organ it belongs to (党工委, 管委会, 人力资源部) and the body that holds the organ, then 、
and the next title. A name that follows another person's chain after 、 (某公司董事长张三、
总经理李四) shares that person's employer when its own chain names none.
"""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, PERSON, Mention
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import CJK

# How far left of a name a chain of titles may reach.
CHAIN_REACH = 60
# A place in brackets between a body's name and its organ: 开发区(某街道)党工委.
BRACKETED = re.compile(rf"\([{CJK}]{{1,8}}\)")
# The name of a body before its organ, back to the 、 that starts a chain's element.
UNNAMED_BODY = re.compile(rf"(?<=、)[{CJK}]+")


def reversed_alternation(words) -> str:
    return alternation(w[::-1] for w in words)


@rule("relation.works_for.title", naming=[PERSON],
      requires=["mentions.Person", "mentions.DevelopmentZone", "mentions.Organization",
                "mentions.Enterprise", "mentions.Alliance"],
      assigns=["facts.worksFor", "facts.jobTitle"])
def works_for(words, spec):
    """The bodies a person's chain of titles names (某公司董事长, 党工委书记、管委会主任, 开发区领导A、B)
    employ that person; the chain is the person's job title."""
    rule_id = spec.name
    lex = words.lex
    staff = lex.words("staff_nouns.txt")  # 领导, 党员: who works there, with no title
    # One element of a chain, reversed, so that it is matched leftwards from the name:
    # title, its modifiers, the organ.
    element = re.compile(
        rf"(?P<title>{reversed_alternation(words.titles + staff)})"
        rf"(?P<modifiers>(?:{reversed_alternation(lex.words('title_modifiers.txt'))})*)"
        rf"(?P<organ>{reversed_alternation(words.organs)})?")
    staff_set = frozenset(staff)
    # A department between an employer and a title: 人力资源部, 财务处, 综合办公室.
    department = re.compile(rf"[{CJK}]{{1,6}}(?:{alternation(lex.words('department_suffixes.txt'))})")

    def employer_at(agents: list[Mention], end: int) -> Mention | None:
        ending = [m for m in agents if m.end == end]
        return max(ending, key=lambda m: m.end - m.start) if ending else None

    def chain(ctx: Context, view: SentenceView, person: Mention, agents: list[Mention]):
        """(employers, the job title's start or None, the chain's left edge) of a person."""
        text = ctx.text
        floor = max(view.sentence.start, person.start - CHAIN_REACH)
        pos, employers, title_start = person.start, [], None
        edge = pos
        while pos > floor:
            found = element.match(text[floor:pos][::-1])
            if not found:
                break
            title_at = pos - found.end("title")
            is_staff = text[title_at:pos] in staff_set
            body_end = pos - found.end("modifiers")  # where the organ, or the body, ends
            left = pos - found.end()  # the organ's start (the title's, without one)
            # the body named with the organ (开发区党工委), and the one that holds the organ (开发区)
            named = [employer_at(agents, body_end)]
            if found.group("organ"):
                named.append(employer_at(agents, left) or next(
                    (m for m in agents if BRACKETED.fullmatch(text[m.end:left])), None))
            elif named[0] is None:
                named[0] = next((m for m in agents if 0 < body_end - m.end <= 8
                                 and department.fullmatch(text[m.end:body_end])), None)
            named = [m for m in named if m is not None]
            employers += named
            if not is_staff:
                # the chain's first title starts at its organ; a body's own name before it is no title
                title_start = left if found.group("organ") else body_end
            if named:
                left = min([left] + [m.start for m in named])
            elif found.group("organ"):  # 某某产业发展领导小组副组长: a body no rule names
                unnamed = UNNAMED_BODY.search(text, max(floor, left - 16), left)
                left = unnamed.start() if unnamed and unnamed.end() == left else left
            edge = left
            if text[left - 1:left] != "、":
                break
            pos = left - 1
        return employers, title_start, edge

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        ms = view.mentions
        agents = [m for m in ms if m.cls in AGENT_CLASSES]
        people = sorted((m for m in ms if m.cls == PERSON), key=lambda m: m.start)
        employed: dict[Mention, list[Mention]] = {}
        ends = {m.end: m for m in people}
        for person in people:
            employers, title_start, left = chain(ctx, view, person, agents)
            before = ends.get(left - 1) if text[left - 1:left] == "、" else None
            if not employers and before is not None:
                employers = employed.get(before, [])  # 某公司董事长张三、总经理李四; 开发区领导A、B
            employed[person] = employers
            for employer in employers:
                ctx.fact(person, "worksFor", employer, view, rule_id)
            if title_start is not None:
                title = text[title_start:person.start]
                known = ctx.attributes.get(person, {}).get("jobTitle")
                if known is None or len(str(known[0])) < len(title):
                    ctx.attribute(person, "jobTitle", title, (title_start, person.end), rule_id)

    return run
