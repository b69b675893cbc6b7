"""A visit: a group goes somewhere (…人才赴某高新区参观) and the sentence names no event."""
from __future__ import annotations

from kg.model import EVENT, GROUP, ORGANIZATION, PLACE, ZONE
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import clause_bounds


@rule("relation.visit", triggers={"motion"},
      requires=["mentions.Event", "mentions.TalentGroup", "mentions.Place", "mentions.Organization",
                "mentions.DevelopmentZone"],
      assigns=["mentions.Event", "visits", "focus_event", "facts.participant", "facts.location"])
def visit(words, spec):
    """A group of the clause and a motion verb right before a place make a visit: an event with the group
    as participant and the place as location; it becomes the event in focus."""
    rule_id = spec.name
    motion = words.trigger(spec, "motion")

    def run(ctx: Context, view: SentenceView) -> None:
        if view.of(EVENT):
            return
        for _, tok in view.tokens_among(motion):
            ms = view.mentions
            places = [m for m in ms if m.cls in (PLACE, ORGANIZATION, ZONE) and m.start >= tok.end
                      and m.start - tok.end <= 2]
            clause = clause_bounds(ctx, view, tok.start)
            subject_groups = [g for g in ms if g.cls == GROUP and g.end <= tok.start
                              and clause_bounds(ctx, view, g.start) == clause]
            if not places or not subject_groups:
                continue
            place = places[0]
            ev = ctx.add(tok.start, place.end, EVENT, view, rule_id, subclass="VisitEvent")
            if ev is None:
                return
            ctx.visits.add(ev)
            ctx.fact(ev, "participant", subject_groups[-1], view, rule_id)
            ctx.fact(ev, "location", place, view, rule_id)
            ctx.focus_event = ev
            return

    return Gated(run, motion)
