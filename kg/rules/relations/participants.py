"""Who takes part in an event: groups named with it, people and bodies who attend or speak, groups led there."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, ALLIANCE, ENTERPRISE, EVENT, GROUP, ORGANIZATION, PERSON, ZONE, Mention
from kg.rules.context import Context, SentenceView
from kg.rules.discourse import focus_before
from kg.rules.registry import Gated, rule
from kg.rules.spans import clause_bounds

# Between groups that together take part: 青年人才、技术骨干, 党员以及职工.
GROUP_CHAIN_GAP = re.compile(r"[“”\s]*|(?:、|以及|和|及|与)[^,;:。、“”]{0,6}")
QUOTED_SPAN = re.compile(r"“[^”]*”")
ATTENDING = (PERSON, ORGANIZATION, ENTERPRISE, ZONE, ALLIANCE, GROUP)
VERB_TAGS = frozenset({"v", "vn", "vd"})
CLAUSE_END = re.compile("[,;:。!?]")  # clause punctuation, brackets aside
ACTION_TAGS = frozenset({"v", "vd", "i", "l", "p"})  # what ends a clause's subject: a verb, an idiom, a preposition


def focus_and_verbs(ctx: Context, view: SentenceView, verbs: frozenset[str]):
    """(the event the sentence's verbs refer to, the events it names, the tokens of `verbs`), or None.

    The event is the longest one the sentence names (a visit made of 赴X is no named event),
    else the event in focus from before; None when there is no event or none of the verbs.
    """
    found = view.tokens_among(verbs)
    if not found:
        return None
    named = view.of(EVENT)
    if ctx.visits:
        named = [e for e in named if e not in ctx.visits]
    focus = max(named, key=lambda e: e.end - e.start) if named else ctx.focus_event
    return None if focus is None else (focus, named, found)


def organizers_of(ctx: Context, event: Mention) -> set[tuple[str, str]]:
    """(class, label) of the organisers found so far for `event`: they take no part as guests."""
    return ctx.organizers.get(id(event), set())


@rule("relation.participant.group", naming=[EVENT], triggers={"bring"},
      requires=["mentions.Event", "mentions.TalentGroup"],
      assigns=["facts.participant"])
def groups_of_event(words, spec):
    """Groups named inside an event's name or chained right before it (青年人才、技术骨干…培训班), else a
    group brought along earlier in the sentence (组织…人才赴…,开展…活动)."""
    rule_id = spec.name
    brings = re.compile(alternation(words.trigger(spec, "bring")))

    def participants(ctx: Context, view: SentenceView, ev: Mention, groups: list[Mention],
                     events: list[Mention]) -> list[Mention]:
        text = ctx.text
        inside = [g for g in groups if ev.start <= g.start and g.end <= ev.end]
        chain = []
        pos = anchor = min([g.start for g in inside] + [ev.start])
        for g in sorted((g for g in groups if g.end <= anchor), key=lambda g: -g.end):
            gap = text[g.end:pos]
            if GROUP_CHAIN_GAP.fullmatch(gap) or (not chain and QUOTED_SPAN.fullmatch(gap)):
                chain.append(g)
                pos = g.start
            else:
                break
        if inside or chain:
            return inside + chain
        # a group founded or sent there (组建…队伍, 选派…指导员) does not take part
        earlier = [g for g in groups if g.end <= ev.start
                   and not any(g.start < e.end <= ev.start for e in events if e is not ev)
                   and brings.search(text[clause_bounds(ctx, view, g.start)[0]:g.start])]
        return [max(earlier, key=lambda g: g.end)] if earlier else []

    def run(ctx: Context, view: SentenceView) -> None:
        events = view.of(EVENT)
        if not events:
            return
        groups = view.of(GROUP)
        for ev in events:
            for g in participants(ctx, view, ev, groups, events):
                ctx.fact(ev, "participant", g, view, rule_id)

    return run


@rule("relation.participant.attends", triggers={"attend"},
      requires=["mentions.Event", "visits", "focus_event"] + [f"mentions.{c}" for c in ATTENDING],
      assigns=["facts.participant"])
def attends(words, spec):
    """People and bodies before a verb of attending (出席, 参加) take part in the event in focus, with
    those listed before it in clauses of their own that hold no verb (书记A,市领导B、C,某办工作人员参加会议);
    so do speakers (说, 表示) where the sentence names an event or refers to one (会上)."""
    rule_id = spec.name
    lex = words.lex
    attend = words.trigger(spec, "attend")
    speech = frozenset(lex.words("speech_verbs.txt"))
    verbs = attend | speech
    event_references = re.compile(alternation(lex.words("event_references.txt")))
    triggers = words.all_triggers

    def listed_before(ctx: Context, view: SentenceView, start: int) -> list[Mention]:
        """The people of the clauses before `start` (cut at commas only: 开发区(某街道)党工委书记A is
        one) that name people and hold no verb outside a name: a list of attendees."""
        text, s = ctx.text, view.sentence
        ms = view.mentions
        listed = []
        while start - 1 > s.start and text[start - 1] == ",":
            a = text.rfind(",", s.start, start - 1) + 1 or s.start
            named = [m for m in ms if a <= m.start and m.end < start]
            verb = any((t.tag in VERB_TAGS or t.word in triggers) and not any(m.start <= t.start < m.end for m in named)
                       for t in view.tokens if a <= t.start < start - 1)
            people = [m for m in named if m.cls == PERSON]
            if not people or verb:
                break
            listed += people
            start = a
        return listed

    def attending(ms: list[Mention], focus: Mention, a: int, b: int, groups: bool) -> list[Mention]:
        """Who a clause [a, b) names as taking part: its people, else its bodies (and groups)."""
        inside = [m for m in ms if m.cls in ATTENDING and a <= m.start and m.end <= b
                  and not (focus.start <= m.start and m.end <= focus.end) and m is not focus]
        people = [m for m in inside if m.cls == PERSON]
        if people:
            return people
        return [m for m in inside if (groups or m.cls != GROUP) and not any(
            o.start <= m.start and m.end <= o.end and o is not m and o.cls in (ORGANIZATION, ENTERPRISE, ALLIANCE)
            for o in inside)]  # a part of a longer name

    def run(ctx: Context, view: SentenceView) -> None:
        here = focus_and_verbs(ctx, view, verbs)
        if here is None:
            return
        focus, named, found = here
        refers = bool(event_references.search(view.sentence.text)) or bool(named)
        ms = view.mentions
        for _, tok in found:
            verb_attends = tok.word in attend
            event = focus
            if tok.word in speech:
                if not refers:
                    continue
                event = spoken_at(ctx, view, focus, named, tok.start)
                if event is None:
                    continue
            start = clause_bounds(ctx, view, tok.start)[0]
            people = attending(ms, event, start, tok.start, verb_attends)
            if verb_attends:  # 书记A,市领导B、C,某办工作人员参加会议: everyone listed before the verb
                people += listed_before(ctx, view, start)
            for m in people:
                ctx.fact(event, "participant", m, view, rule_id)

    def spoken_at(ctx: Context, view: SentenceView, focus: Mention, named: list[Mention], verb: int):
        """The event a speaker speaks at: one named before the verb of saying; an event named only
        after it is what the speaker talks about (A说,联盟将每年组织招聘活动), so then the event
        referred to before the verb (会上A表示…), if any."""
        before = [e for e in named if e.end <= verb]
        if before or not named:
            return focus
        if event_references.search(ctx.text, view.sentence.start, verb):
            return focus_before(ctx, view)
        return None

    return Gated(run, verbs)


@rule("relation.participant.signing", triggers={"sign"},
      requires=["mentions.Event", "visits", "focus_event", "bylines", "mentions.DevelopmentZone",
                "mentions.Organization", "mentions.Enterprise", "mentions.Alliance"],
      assigns=["facts.participant"])
def signing(words, spec):
    """The parties of a signing (A、B和C签订合作协议, A与B签约) take part in the event the sentence names
    or refers to (签约仪式, 仪式上, 会上): those named in the verb's clause (after a dash that introduces
    them), not after 在 (a place) nor before 的 (某区的企业), nor the event's organiser."""
    rule_id = spec.name
    sign = words.trigger(spec, "sign")
    event_references = re.compile(alternation(words.lex.words("event_references.txt")))
    prepositions = words.prepositions

    def run(ctx: Context, view: SentenceView) -> None:
        here = focus_and_verbs(ctx, view, sign)
        if here is None:
            return
        focus, named, found = here
        if not named and not event_references.search(view.sentence.text):
            return
        text = ctx.text
        organizers = organizers_of(ctx, focus)
        for _, tok in found:
            start = clause_bounds(ctx, view, tok.start)[0]
            start = max(start, text.rfind("——", start, tok.start) + 2)  # 两区的企业——A、B和C签订: the parties follow
            parties = [m for m in view.of_classes(AGENT_CLASSES) if start <= m.start and m.end <= tok.start
                       and m not in ctx.bylines and text[m.start - 1:m.start] not in prepositions
                       and text[m.end:m.end + 1] != "的"  # 某区的企业A、B: the parties are the companies
                       and not (focus.start <= m.start and m.end <= focus.end)]
            for m in parties:
                if (m.cls, m.label) not in organizers and not any(o is not m and o.start <= m.start and m.end <= o.end
                                                   for o in parties):
                    ctx.fact(focus, "participant", m, view, rule_id)

    return Gated(run, sign)


@rule("relation.participant.invited", naming=[EVENT], triggers={"invite"},
      requires=["mentions.Event", "visits"] + [f"mentions.{c}" for c in ATTENDING],
      assigns=["facts.participant"])
def invited(words, spec):
    """召开座谈会,邀请41家企业代表参加: those invited after an event the sentence names take part in it
    (the groups, people and bodies of the verb's clause)."""
    rule_id = spec.name
    invite = words.trigger(spec, "invite")

    def run(ctx: Context, view: SentenceView) -> None:
        ms = view.mentions
        for _, tok in view.tokens_among(invite):
            before = [e for e in view.of(EVENT) if e.end <= tok.start and e not in ctx.visits]
            if not before:
                continue
            event = max(before, key=lambda e: e.end)
            end = clause_bounds(ctx, view, tok.start)[1]
            guests = [m for m in ms if m.cls in ATTENDING and tok.end <= m.start and m.end <= end]
            for m in guests:
                if not any(o is not m and o.start <= m.start and m.end <= o.end for o in guests):
                    ctx.fact(event, "participant", m, view, rule_id)

    return Gated(run, invite)


@rule("relation.participant.with", naming=[EVENT], triggers={"organize"},
      requires=["mentions.Event", "visits", "bylines"] + [f"mentions.{c}" for c in ATTENDING],
      assigns=["facts.participant"])
def with_others(words, spec):
    """X与A、B等企业的负责人召开项目推进会: those an organiser holds the event with (after 与/同, before the
    verb) take part in it, unless they organise it too (A与B联合举办). With no verb, the event named
    right after them is theirs: X与A新能源项目签约仪式在Y举行."""
    rule_id = spec.name
    partner = words.companions
    organize = words.trigger(spec, "organize")

    def run(ctx: Context, view: SentenceView) -> None:
        events = [e for e in view.of(EVENT) if e not in ctx.visits]
        if not events:
            return
        verbs = view.tokens_among(organize)
        ms = view.mentions
        for _, tok in view.tokens_among(partner):
            # the clause, read over brackets: 与某(某地)实业有限公司…召开
            found = CLAUSE_END.search(ctx.text, tok.end, view.sentence.end)
            end = found.start() if found else view.sentence.end
            verb = next((v for _, v in verbs if tok.end < v.start < end), None)
            held = [e for e in events if verb is not None and verb.end <= e.start and e.end <= end]
            before = verb.start if held else 0
            if not held:  # no verb before the event: the one named right after the partners
                held = [e for e in events if tok.end < e.start and e.end <= (verb.start if verb else end)]
                before = held[0].start if held else 0
            if not held:
                continue
            event = held[0]
            partners = [m for m in ms if m.cls in ATTENDING and tok.end <= m.start and m.end <= before
                        and m not in ctx.bylines]
            organizers = organizers_of(ctx, event)
            for m in partners:
                if (m.cls, m.label) not in organizers and not any(
                        o is not m and o.start <= m.start and m.end <= o.end for o in partners):
                    ctx.fact(event, "participant", m, view, rule_id)

    return Gated(run, partner)


@rule("relation.participant.at_event", requires=["mentions.Event", "focus_event"] + [
      f"mentions.{c}" for c in ATTENDING], assigns=["facts.participant"])
def at_event(words, spec):
    """会上,A、B等企业代表畅所欲言: who a clause opened by a word for the event in focus (会上, 仪式上,
    活动中) names before its verb takes part in that event (not alliances or zones: they hold events)."""
    rule_id = spec.name
    references = re.compile(rf"(?:{alternation(words.lex.words('event_references.txt'))}),")
    takes_part = (PERSON, ENTERPRISE, ORGANIZATION, GROUP)

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        opened = references.match(text, s.start)
        event = focus_before(ctx, view)  # not an event the sentence goes on to name
        if opened is None or event is None:
            return
        start = opened.end()
        end = clause_bounds(ctx, view, start)[1]
        named = [m for m in view.of_classes(takes_part) if start <= m.start and m.end <= end]
        verb = next((t.start for t in view.tokens if start <= t.start < end and t.tag in ACTION_TAGS
                     and not any(m.start <= t.start < m.end for m in named)), end)
        organizers = organizers_of(ctx, event)
        subjects = [m for m in named if m.end <= verb]
        for m in subjects:
            if (m.cls, m.label) not in organizers and not any(
                    o is not m and o.start <= m.start and m.end <= o.end for o in subjects):
                ctx.fact(event, "participant", m, view, rule_id)

    return run


@rule("relation.participant.led_group", triggers={"lead"},
      requires=["mentions.Event", "mentions.TalentGroup", "visits", "focus_event"], assigns=["facts.participant"])
def led_group(words, spec):
    """A group someone leads (带领…青年人才) takes part in the event in focus."""
    rule_id = spec.name
    lead = words.trigger(spec, "lead")

    def run(ctx: Context, view: SentenceView) -> None:
        here = focus_and_verbs(ctx, view, lead)
        if here is None:
            return
        focus, _, found = here
        for _, tok in found:
            end = clause_bounds(ctx, view, tok.start)[1]
            for g in view.of(GROUP):
                if g.start >= tok.end and g.end <= end:
                    ctx.fact(focus, "participant", g, view, rule_id)

    return Gated(run, lead)
