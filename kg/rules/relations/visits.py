"""Visits: a group goes somewhere (…人才赴某高新区参观) and the sentence names no event; officials
go somewhere to inspect (市委书记某某到某高新区调研); the bodies visited (赴A、B、C等重点企业走访)
are where the sentence's event takes place."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ENTERPRISE, EVENT, GROUP, ORGANIZATION, PERSON, PLACE, ZONE, Mention
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.spans import CLAUSE_BREAK_RE, clause_bounds

VISITED = (ENTERPRISE, ORGANIZATION, ZONE, PLACE)


def reached(ctx: Context, view: SentenceView, verb_end: int) -> list[Mention]:
    """The bodies and places a motion verb ending at `verb_end` reaches: the one named right after it,
    and the other items of the list it starts (赴A、B、C等企业)."""
    first = [m for m in view.of_classes(VISITED) if 0 <= m.start - verb_end <= 2]
    if not first:
        return []
    first_item = min(first, key=lambda m: (m.start, -m.end))
    for items in ctx.lists.get(view.sentence.index, ()):
        if items[0][0] <= first_item.start < items[0][1] or items[0][0] == first_item.start:
            spans = set(items)
            named = [m for m in view.of_classes(VISITED)
                     if any(m.start <= a < m.end and m.end == b for a, b in spans) or m.span in spans]
            return [first_item] + [m for m in named if m is not first_item and m.end > first_item.end]
    return [first_item]


def motion_verbs(words, spec) -> re.Pattern:
    """The motion verbs, found in a sentence's text: jieba glues 赴 to a name it does not know (赴澜江|精工)."""
    return re.compile(alternation(words.trigger(spec, "motion")))


@rule("relation.visit", naming=[GROUP], triggers={"motion"},
      requires=["lists", "mentions.Event", "mentions.TalentGroup", "mentions.Place", "mentions.Organization",
                "mentions.DevelopmentZone", "mentions.Enterprise"],
      assigns=["mentions.Event", "visits", "focus_event", "facts.participant", "facts.location"])
def visit(words, spec):
    """A group of the clause and a motion verb right before a place (or a body) make a visit: an event with
    the group as participant and the place as location; it becomes the event in focus."""
    rule_id = spec.name
    motion = motion_verbs(words, spec)

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        if view.of(EVENT):
            return
        for verb in motion.finditer(s.text):
            at, end = s.start + verb.start(), s.start + verb.end()
            ms = view.mentions
            places = reached(ctx, view, end)
            clause = clause_bounds(ctx, view, at)
            subject_groups = [g for g in ms if g.cls == GROUP and g.end <= at
                              and clause_bounds(ctx, view, g.start) == clause]
            if not places or not subject_groups:
                continue
            place = places[0]
            ev = ctx.add(at, place.end, EVENT, view, rule_id, subclass="VisitEvent")
            if ev is None:
                return
            ctx.visits.add(ev)
            ctx.fact(ev, "participant", subject_groups[-1], view, rule_id)
            ctx.fact(ev, "location", place, view, rule_id)
            ctx.focus_event = ev
            return

    return run


# the body only: a headline says again, shorter, the visit its first sentence tells
@rule("relation.inspection", naming=[PERSON], kinds=("body",),
      requires=["lists", "mentions.Person", "mentions.Event", "mentions.Place", "mentions.Organization",
                "mentions.DevelopmentZone", "mentions.Enterprise"],
      assigns=["mentions.Event", "visits", "focus_event", "facts.participant", "facts.location"])
def inspection(words, spec):
    """People who go to a place to inspect it (某某到某高新区调研, 深入A、B等企业走访) make a visit: an
    event from the arrival verb to the verb of inspection, the people named before it in the clause
    as participants, the places and bodies reached as locations; it becomes the event in focus."""
    rule_id = spec.name
    arrival = re.compile(alternation(words.lex.words("arrival_verbs.txt")))
    inspects = re.compile(alternation(words.lex.words("inspection_verbs.txt")))

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        for verb in arrival.finditer(s.text):
            at, end = s.start + verb.start(), s.start + verb.end()
            places = reached(ctx, view, end)
            if not places:
                continue
            clause = clause_bounds(ctx, view, at)
            # the verb of inspection right after the places (and a list's head: A、B等重点企业走访)
            after = max(p.end for p in places)
            found = inspects.search(text, after, min(clause[1], after + 8))
            people = [p for p in view.of(PERSON) if p.end <= at and clause_bounds(ctx, view, p.start) == clause]
            if found is None or not people or CLAUSE_BREAK_RE.search(text, after, found.start()):
                continue
            # the visit may be named already (深入A、B等重点企业走访: the event 重点企业走访)
            named = [e for e in view.of(EVENT) if at < e.start <= found.start() and found.end() <= e.end]
            ev = named[0] if named else ctx.add(at, found.end(), EVENT, view, rule_id, subclass="VisitEvent")
            if ev is None:
                return
            if not named:
                ctx.visits.add(ev)  # a visit no event noun names (see relation.visit)
            for person in people:
                ctx.fact(ev, "participant", person, view, rule_id)
            for place in places:
                if ev.start == at or not (ev.start <= place.start and place.end <= ev.end):
                    ctx.fact(ev, "location", place, view, rule_id)
            ctx.focus_event = ev
            return

    return run


@rule("relation.location.visited", naming=[EVENT], triggers={"motion"},
      requires=["lists", "visits", "mentions.Event", "mentions.Enterprise", "mentions.Organization",
                "mentions.DevelopmentZone", "mentions.Place"],
      assigns=["facts.location"])
def visited(words, spec):
    """The companies and bodies a motion verb reaches (赴A、B、C等重点企业走访) are where the event the
    sentence names (the longest), or the visit it makes, takes place (a place right after the verb is
    relation.location.event's)."""
    rule_id = spec.name
    motion = motion_verbs(words, spec)

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        events = view.of(EVENT)
        named = [e for e in events if e not in ctx.visits]
        for verb in motion.finditer(s.text):
            places = reached(ctx, view, s.start + verb.end())
            made = [e for e in events if e in ctx.visits and e.start == s.start + verb.start()]
            host = made[0] if made else max(named, key=lambda e: e.end - e.start) if named else None
            if host is None:
                continue
            for m in places[1:] if places and places[0].cls != ENTERPRISE else places:
                if not (host.start <= m.start and m.end <= host.end):
                    ctx.fact(host, "location", m, view, rule_id)

    return run
