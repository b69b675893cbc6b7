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
    """Reporters, editors and the outlet in bylines, datelines and footers; no other rule reads them.

    Names in a byline's brackets without a role before them are its authors: 本报讯(A B C),
    某某网6月12日电(A、实习生B), and a bracket of bare names closing the text. Footers read
    `编辑:A`, `编辑|A 通讯员|B`, `来源: X` or `信息来源: X`; the outlet also stands in an
    outlet line with the date at the top (某某日报 2020-06-05 06:03) or a line `某某新媒体出品`.
    """
    lex = words.lex
    rule_id = spec.name
    role_words = alternation(lex.byline_roles)
    surnames = lex.surnames
    # (记者 X 通讯员 Y), also after the outlet: (某某融媒 记者 X)
    paren = re.compile(rf"\(\s*(?:(?P<outlet>[{CJK}]{{2,10}})\s+)?(?:{role_words})\s*:?\s*[{CJK}][^()]*\)")
    role_re = re.compile(rf"({role_words})\s*[:|]?\s*")
    # a line that is a footer field: 编辑|A 通讯员|B, 信息来源: X
    role_line = re.compile(rf"^(?:{role_words})\s*[:|]")
    # bare names in brackets: (A B C), (A、实习生B)
    names_in_brackets = re.compile(rf"\(\s*((?:(?:{role_words})?[{CJK}]{{2,4}}[\s、,]*){{1,6}})\)")
    # 某某网6月12日某市讯 / 新华网扬州3月8日电 / 本报讯: the outlet, a place, the date, 讯 or 电
    dateline = re.compile(
        rf"^■?\s*(?:(?P<outlet>[{CJK}A-Za-z]{{1,10}}?(?:网|报|台|社|新闻|发布|客户端|融媒))[{CJK}]{{0,4}}?"
        rf"|(?P<plain>[{CJK}A-Za-z]{{2,12}}?))(?:\d{{1,2}}月\d{{1,2}}日)[{CJK}]{{0,6}}?(?:讯|电)|^本报讯")
    column = re.compile(rf"^■\s*(?P<outlet>[^/\s]{{2,12}})/\S+\s+(?P<rest>(?:{role_words}).*)$")
    outlet = rf"[{CJK}A-Za-z]{{1,12}}?(?:日报|晚报|报|网|台|社|新闻|客户端|融媒|新媒体|发布)"
    # 某某日报 2020-06-05 06:03: the outlet's line with the date, at the top; 某某日报新媒体出品
    outlet_line = re.compile(rf"^(?P<outlet>{outlet})\s+\d{{4}}-\d{{1,2}}-\d{{1,2}}(?:\s+\d{{1,2}}:\d{{2}})?\s*$"
                             rf"|^(?P<maker>{outlet})出品$")

    def publisher(ctx: Context, view: SentenceView, start: int, end: int) -> None:
        org = ctx.keep(Mention(start, end, ORGANIZATION, clean_label(ctx.text[start:end]), view.sentence.index,
                               rule_id))
        ctx.bylines.add(org)
        ctx.article_fact("publisher", org, view, rule_id)

    def person(ctx: Context, view: SentenceView, start: int, end: int, relation: str) -> None:
        named = ctx.keep(Mention(start, end, PERSON, ctx.text[start:end], view.sentence.index, rule_id))
        ctx.bylines.add(named)
        ctx.article_fact(relation, named, view, rule_id)

    def block(ctx: Context, view: SentenceView, offset: int, text: str, relation: str | None = None) -> None:
        """The names of a byline's text; those before any role word have `relation`."""
        roles = list(role_re.finditer(text))
        stops = [(0, 0, relation)] + [(r.start(), r.end(), lex.byline_roles[r.group(1)]) for r in roles]
        for i, (_, after, role) in enumerate(stops):
            stop = stops[i + 1][0] if i + 1 < len(stops) else len(text)
            if role is None:
                continue
            for name in HAN_OR_LATIN_RUN.finditer(text[after:stop]):
                start, end = offset + after + name.start(), offset + after + name.end()
                if role == "publisher":
                    publisher(ctx, view, start, end)
                    break  # 来源: 某某开发区(某某街道): the outlet, then what it is part of
                elif 2 <= len(name.group()) <= 4:
                    person(ctx, view, start, end, role)

    def bare_names(text: str) -> bool:
        """Bracketed names a byline holds: most start with a family name."""
        names = [n for n in re.split(r"[\s、,]+", role_re.sub(" ", text)) if n]
        return bool(names) and 2 * sum(n[0] in surnames or n[:2] in surnames for n in names) >= len(names)

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        text = s.text
        found = []
        for m in paren.finditer(text):
            if m.group("outlet"):
                publisher(ctx, view, s.start + m.start("outlet"), s.start + m.end("outlet"))
            found.append((m.start(), m.end(), None))
        if s.kind in ("footer", "byline") and not text.startswith("■") and not found or role_line.match(text):
            found.append((0, len(text), None))
        in_column = column.match(text)
        if in_column:
            publisher(ctx, view, s.start + in_column.start("outlet"), s.start + in_column.end("outlet"))
            found.append((in_column.start("rest"), len(text), None))
        dated = dateline.match(text)
        if dated:
            if dated.group("outlet") or dated.group("plain"):
                which = "outlet" if dated.group("outlet") else "plain"
                publisher(ctx, view, s.start + dated.start(which), s.start + dated.end(which))
            ctx.mask(view, s.start, s.start + dated.end())
        outlet_at = outlet_line.match(text)
        if outlet_at and s.kind != "footer":
            which = "outlet" if outlet_at.group("outlet") else "maker"
            publisher(ctx, view, s.start + outlet_at.start(which), s.start + outlet_at.end(which))
            ctx.mask(view, s.start, s.end)
        if not found and s.kind == "body":
            for m in names_in_brackets.finditer(text):
                # right after the dateline, alone on its line, or closing the text
                placed = (dated and m.start() == dated.end()) or m.start() == 0 or (
                    m.end() == len(text) and s.index == len(ctx.views) - 1)
                if placed and bare_names(m.group(1)):
                    found.append((m.start(), m.end(), "author"))
        for start, end, relation in found:
            block(ctx, view, s.start + start, text[start:end], relation)
            ctx.mask(view, s.start + start, s.start + end)

    return run
