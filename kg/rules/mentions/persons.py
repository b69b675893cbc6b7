"""People: a name after a job title (党工委书记张三), and the same name again without it."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import PERSON
from kg.rules.context import Context, SentenceView
from kg.rules.registry import DOCUMENT, rule
from kg.rules.words import CJK, PERSON_NAME


@rule("mention.person.title", requires=["masks", "ner"], assigns=["mentions.Person", "facts.jobTitle", "titles"])
def titled(words, spec):
    """A surname and one or two characters after one or more job titles, before a word that follows names;
    or a name the labeller finds right after the titles, whatever follows it."""
    rule_id = spec.name
    lex = words.lex
    one_title = rf"(?:{alternation(words.organs)})?(?:{alternation(words.titles)})"
    surnames = sorted(lex.surnames, key=len, reverse=True)
    name = rf"(?:{alternation(surnames)})[{CJK}]{{1,2}}?"
    follower = rf"(?:{alternation(lex.name_followers)}|[,.;:。!?、\s”)(]|$)"
    chain = rf"(?P<titles>{one_title}(?:、{one_title})*)"
    titled_person = re.compile(rf"{chain}(?P<name>{name})(?={follower})")
    # the titles right before a name the labeller finds, whatever follows it (总裁蒋某某分别致辞)
    titles_before = re.compile(rf"{chain}$")
    tags = words.tags

    def titled(ctx: Context, view: SentenceView, tstart: int, titles: str, start: int, end: int) -> None:
        person = ctx.add(start, end, PERSON, view, rule_id)
        if person is not None:
            ctx.attribute(person, "jobTitle", titles, (tstart, end), rule_id)
            ctx.titles.setdefault(view.sentence.index, []).append((person, tstart, titles))

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        found = set()
        for m in titled_person.finditer(s.text):
            if tags.get(m.group("name"), "nr")[:2] != "nr":
                continue  # a common word after a title (轮值主席单位: 单 is a surname, 单位 no name)
            titled(ctx, view, s.start + m.start("titles"), m.group("titles"),
                   s.start + m.start("name"), s.start + m.end("name"))
            found.add(s.start + m.start("name"))
        for w in ctx.ner.get(s.index, ()):
            if w.tag == "PER" and w.start not in found and PERSON_NAME.fullmatch(w.text):
                m = titles_before.search(ctx.text, max(s.start, w.start - 40), w.start)
                if m:
                    titled(ctx, view, m.start("titles"), m.group("titles"), w.start, w.end)

    return run


@rule("mention.person.repeated", scope=DOCUMENT, requires=["masks", "mentions.Person"], assigns=["mentions.Person"])
def repeated(words, spec):
    """A person named once (with a title, or in the byline) is the same person where the name stands alone."""
    rule_id = spec.name

    def run(ctx: Context) -> None:
        people = [m.span for m in ctx.mentions if m.cls == PERSON]
        names = sorted({m.label for m in ctx.mentions if m.cls == PERSON}, key=lambda n: (-len(n), n))
        for view in ctx.body_views():
            text = view.sentence.text
            for name in names:
                at = text.find(name)
                while at >= 0:
                    a, b = view.sentence.start + at, view.sentence.start + at + len(name)
                    at = text.find(name, at + len(name))
                    if not any(s <= a < e for s, e in people):
                        ctx.add(a, b, PERSON, view, rule_id)
                        people.append((a, b))

    return run
