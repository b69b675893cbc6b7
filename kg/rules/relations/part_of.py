"""Events that are part of a campaign: the campaign inside the event's name, or 在…行动中."""
from __future__ import annotations

import re

from kg.model import CAMPAIGN, EVENT
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule


@rule("relation.part_of.campaign", naming=[CAMPAIGN],
      requires=["mentions.Event", "mentions.Campaign"], assigns=["facts.partOf"])
def part_of_campaign(words, spec):
    """An event is part of a campaign its name holds, or one named as 在<campaign>中 before it."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        campaigns = view.of(CAMPAIGN)
        if not campaigns:
            return
        text, s = ctx.text, view.sentence
        for ev in view.of(EVENT):
            for camp in campaigns:
                if ev.start <= camp.start and camp.end <= ev.end or re.search(
                        "在" + re.escape(text[camp.start:camp.end]) + "中", text[s.start:ev.start]):
                    ctx.fact(ev, "partOf", camp, view, rule_id)

    return run
