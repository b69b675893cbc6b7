"""Attributes stated in a sentence: an event's date (7月1日, 日前) and a place's area (占地100亩的…)."""
from __future__ import annotations

import re
from datetime import date

from kg.lexicon import alternation
from kg.model import EVENT, PLACE
from kg.numbers import parse_count
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import DATE, NUMBER


def resolve_date(month: int, day: int, year: str | None, published: date | None) -> date | None:
    """The date of 7月1日: in its own year, else the latest such day up to the publication date."""
    try:
        if year:
            return date(int(year), month, day)
        if published is not None:
            guess = date(published.year, month, day)
            return guess if guess <= published else date(published.year - 1, month, day)
    except ValueError:
        return None
    return None


@rule("attribute.date", naming=[EVENT],
      requires=["mentions.Event"], assigns=["facts.date", "facts.endDate", "facts.dateText"])
def event_date(words, spec):
    """The first date of a sentence is the date of its events (a range gives an end date too); a date
    no year can be given for, or a relative one (日前, 近日), is kept as text."""
    rule_id = spec.name
    relative_date = words.relative_date

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        published = ctx.doc.publication_date
        for ev in view.of(EVENT):
            for m in DATE.finditer(s.text):
                a, b = s.start + m.start(), s.start + m.end()
                when = resolve_date(int(m.group("month")), int(m.group("day")), m.group("year"), published)
                if when is not None:
                    ctx.fact(ev, "date", when, view, rule_id, (a, b))
                    if m.group("day2"):
                        end = resolve_date(int(m.group("month2") or m.group("month")), int(m.group("day2")),
                                           m.group("year"), published)
                        if end is not None:
                            ctx.fact(ev, "endDate", end, view, rule_id, (a, b))
                else:
                    ctx.fact(ev, "dateText", m.group(), view, rule_id, (a, b))
                break
            else:
                rel = relative_date.search(s.text)
                if rel:
                    a = s.start + rel.start()
                    ctx.fact(ev, "dateText", rel.group(), view, rule_id, (a, a + len(rel.group())))

    return run


@rule("attribute.area", naming=[PLACE], requires=["mentions.Place"], assigns=["facts.area"])
def area(words, spec):
    """占地100亩的某园区: the area (in m²) written right before a place and 的."""
    rule_id = spec.name
    table = words.lex.table("area_units.tsv")
    factor = {unit: float(value) for unit, value in table}
    units = alternation(factor)
    area_re = re.compile(rf"(?P<q>{words.number_before})?(?P<n>{NUMBER})(?P<q2>{words.number_after})?(?P<unit>{units})")
    any_unit = re.compile(units)

    def run(ctx: Context, view: SentenceView) -> None:
        text, s = ctx.text, view.sentence
        if not any_unit.search(s.text):
            return
        for m in view.of(PLACE):
            found = area_re.search(text[max(s.start, m.start - 14):m.start])
            if found and text[m.start - 1] == "的":
                value = parse_count(found.group("n"))
                if value is not None:
                    start = max(s.start, m.start - 14) + found.start()
                    ctx.fact(m, "area", float(value) * factor[found.group("unit")], view, rule_id, (start, m.end))

    return run
