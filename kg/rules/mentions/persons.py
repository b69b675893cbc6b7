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
        names = {m.label for m in ctx.mentions if m.cls == PERSON and m.label}
        if not names:
            return
        covered = {i for m in ctx.mentions if m.cls == PERSON for i in range(m.start, m.end)}
        lengths = sorted({len(n) for n in names}, reverse=True)
        firsts = {n[0] for n in names}
        for view in ctx.body_views():
            text, offset = view.sentence.text, view.sentence.start
            # at each place, the longest name that starts there (a shorter one there would
            # start inside it, and be passed over): one look-up per length, not a search per name
            found = []
            for at, char in enumerate(text):
                if char in firsts:
                    name = next((text[at:at + n] for n in lengths if text[at:at + n] in names), None)
                    if name is not None:
                        found.append((-len(name), name, at))
            ends: dict[str, int] = {}  # the same name is looked for after its last place (哈哈哈: once)
            for _, name, at in sorted(found):  # longest names first, as the names were ranked
                if at < ends.get(name, 0):
                    continue
                ends[name] = at + len(name)
                a, b = offset + at, offset + at + len(name)
                if a not in covered:
                    ctx.add(a, b, PERSON, view, rule_id)
                    covered.update(range(a, b))

    return run
