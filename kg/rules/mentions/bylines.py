"""Bylines, datelines and footers: who wrote, edited and published the article."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ORGANIZATION, PERSON, Mention
from kg.normalize import clean_label
from kg.rules.context import Context, SentenceView
from kg.rules.registry import EVERY_KIND, rule
from kg.rules.words import CJK

HAN_OR_LATIN_RUN = re.compile(rf"[{CJK}A-Za-z]+")


@rule("mention.byline", kinds=EVERY_KIND, requires=["sentences"],
      assigns=["mentions.Person", "mentions.Organization", "facts.author", "facts.contributor", "facts.editor",
               "facts.publisher", "masks", "bylines"])
def bylines(words, spec):
    """Reporters, editors and the outlet in bylines, datelines and footers; no other rule reads them."""
    lex = words.lex
    rule_id = spec.name
    role_words = alternation(lex.byline_roles)
    # (记者 X 通讯员 Y), also after the outlet: (某某融媒 记者 X)
    paren = re.compile(rf"\(\s*(?:(?P<outlet>[{CJK}]{{2,10}})\s+)?(?:{role_words})\s*:?\s*[{CJK}][^()]*\)")
    role_re = re.compile(rf"({role_words})\s*:?\s*")
    bare = re.compile(rf"\(([{CJK}]{{2,3}})\)\s*$|^\(([{CJK}]{{2,3}})\)")
    # 某某网6月12日某市讯 / 新华网扬州3月8日电: the outlet, a place, the date, 讯 or 电
    dateline = re.compile(
        rf"^■?\s*(?:(?P<outlet>[{CJK}A-Za-z]{{1,10}}?(?:网|报|台|社|新闻|发布|客户端|融媒))[{CJK}]{{0,4}}?"
        rf"|(?P<plain>[{CJK}A-Za-z]{{2,12}}?))(?:\d{{1,2}}月\d{{1,2}}日)[{CJK}]{{0,6}}?(?:讯|电)")
    column = re.compile(rf"^■\s*(?P<outlet>[^/\s]{{2,12}})/\S+\s+(?P<rest>(?:{role_words}).*)$")

    def publisher(ctx: Context, view: SentenceView, start: int, end: int) -> None:
        org = ctx.keep(Mention(start, end, ORGANIZATION, clean_label(ctx.text[start:end]), view.sentence.index,
                               rule_id))
        ctx.bylines.add(org)
        ctx.article_fact("publisher", org, view, rule_id)

    def person(ctx: Context, view: SentenceView, start: int, end: int, relation: str) -> None:
        named = ctx.keep(Mention(start, end, PERSON, ctx.text[start:end], view.sentence.index, rule_id))
        ctx.bylines.add(named)
        ctx.article_fact(relation, named, view, rule_id)

    def block(ctx: Context, view: SentenceView, offset: int, text: str) -> None:
        roles = list(role_re.finditer(text))
        for i, role in enumerate(roles):
            relation = lex.byline_roles[role.group(1)]
            stop = roles[i + 1].start() if i + 1 < len(roles) else len(text)
            for name in HAN_OR_LATIN_RUN.finditer(text[role.end():stop]):
                start, end = offset + role.end() + name.start(), offset + role.end() + name.end()
                if relation == "publisher":
                    publisher(ctx, view, start, end)
                elif 2 <= len(name.group()) <= 4:
                    person(ctx, view, start, end, relation)

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        text = s.text
        found = []
        for m in paren.finditer(text):
            if m.group("outlet"):
                publisher(ctx, view, s.start + m.start("outlet"), s.start + m.end("outlet"))
            found.append((m.start(), m.end()))
        if s.kind in ("footer", "byline") and not text.startswith("■") and not found:
            found.append((0, len(text)))
        in_column = column.match(text)
        if in_column:
            publisher(ctx, view, s.start + in_column.start("outlet"), s.start + in_column.end("outlet"))
            found.append((in_column.start("rest"), len(text)))
        dated = dateline.match(text)
        if dated:
            outlet = "outlet" if dated.group("outlet") else "plain"
            publisher(ctx, view, s.start + dated.start(outlet), s.start + dated.end(outlet))
            ctx.mask(view, s.start, s.start + dated.end())
        alone = bare.search(text)
        if alone and s.kind == "body" and not found:
            group = 1 if alone.group(1) else 2
            if alone.group(group)[0] in lex.surnames:
                person(ctx, view, s.start + alone.start(group), s.start + alone.end(group), "author")
                ctx.mask(view, s.start + alone.start(), s.start + alone.end())
        for start, end in found:
            block(ctx, view, s.start + start, text[start:end])
            ctx.mask(view, s.start + start, s.start + end)

    return run
