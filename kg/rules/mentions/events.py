"""Events: a name ending in an event noun (座谈会, 培训班, 仪式), and a founding told as a ceremony."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, EVENT, GROUP
from kg.normalize import clean_label
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.words import CLAUSE_BREAK, CLOSE_QUOTES, DATE, NUMBER, OPEN_QUOTES

# How often something took place: 4次, 三场, 两期.
FREQUENCY = re.compile(rf"{NUMBER}(?:次|场|期|轮)")
OPENING_QUOTE = frozenset("“")  # a token of its own, as all punctuation
NAME_BREAK_TAGS = frozenset({"v", "p", "c", "uj", "ul", "m", "q", "r", "d", "t", "ad", "l", "i"})


@rule("mention.event.head", triggers={"organize", "attend", "motion"},
      requires=["tokens", "masks", "mentions.TalentGroup"], assigns=["mentions.Event"])
def event_heads(words, spec):
    """An event noun and the words before it that name the event (人才工作座谈会, “青春建功”系列活动)."""
    rule_id = spec.name
    lex = words.lex
    generic_modifiers = frozenset(lex.words("event_generic_modifiers.txt"))
    # every place an event head starts, overlapping: in 人才工作会议 both 工作会 and 会议 are tried
    heads_at = re.compile(f"(?=({alternation(lex.event_heads)}))")
    # words an event's name does not reach back over: 组织|…培训班, 参加|…座谈会
    stops = (words.trigger(spec, "organize") | words.trigger(spec, "attend") | words.trigger(spec, "motion")
             | lex.boundaries)
    triggers, boundaries = words.all_triggers, words.boundaries
    legal_forms = tuple(lex.legal_forms)
    # 出席会议, 召开会议: a verb glued to the head makes a verb phrase; 签约仪式, 开工仪式 are names
    verb_phrase_starts = words.trigger(spec, "organize") | words.trigger(spec, "attend")
    # 围绕人才引进、技能培训等方面: the rest of a list of topics after an item
    topic_list_rest = re.compile(rf"(?:、[^、,;:。!?]{{1,15}})*等(?:{alternation(lex.words('topic_heads.txt'))})")

    def extend_left(ctx: Context, view: SentenceView, head: int, group_ends: set[int]) -> int:
        tokens = view.tokens
        start = tokens[head].start
        in_quote = False
        # 集中开工仪式, 签约仪式: the verbs right before a ceremony's noun say what it is for
        purpose = head
        if lex.event_heads.get(tokens[head].word) == "CeremonyEvent":
            while purpose > 0 and head - purpose < 2 and tokens[purpose - 1].tag == "v" \
                    and len(tokens[purpose - 1].word) == 2 and tokens[purpose - 1].word not in stops:
                purpose -= 1
        for i in range(head - 1, -1, -1):
            tok = tokens[i]
            if tok.word in CLOSE_QUOTES and tok.word != '"':
                in_quote = True
            elif tok.word in OPEN_QUOTES and tok.word != '"':
                in_quote = False
            elif not in_quote:
                # “…”实践活动, “…”首批发放仪式: what follows a quoted name belongs to the event's name
                after_quote = i > 0 and (tokens[i - 1].word in CLOSE_QUOTES or (
                    tokens[i - 1].tag == "m" and i > 1 and tokens[i - 2].word in CLOSE_QUOTES))
                quoted_compound = (tok.tag == "v" and after_quote) or (
                    tok.tag == "m" and i > 0 and tokens[i - 1].word in CLOSE_QUOTES and tokens[i + 1].tag == "v")
                # 科技创新大会: a noun + verb compound names what the event is about
                noun_verb = (tok.tag == "v" and i > 0 and tokens[i - 1].tag in ("n", "nz", "j", "vn")
                             and tok.word not in triggers and tok.word not in boundaries
                             and tokens[i - 1].word not in triggers and tokens[i + 1].tag != "v")
                # 人才培养签约仪式, 招商引资推介会: a set phrase right before the noun says what it is for
                set_phrase = i == head - 1 and tok.tag == "l"
                if quoted_compound or noun_verb or set_phrase or tok.word in generic_modifiers or i >= purpose:
                    pass  # “青春建功”系列活动: kept in the name, generic only alone
                elif tok.word in CLAUSE_BREAK or tok.word == "、" or tok.word in boundaries \
                        or (tok.word in stops and not (tok.word in ("启动", "揭牌") and tok.tag != "v")) \
                        or tok.tag in NAME_BREAK_TAGS and tok.word != "暨":
                    break
                if tok.end in group_ends and i + 1 < len(tokens) and tokens[i + 1].word in OPEN_QUOTES:
                    break  # 组织青年人才“…”主题学习: the group takes part, it is not the name
            if tokens[head].end - tok.start > 40:
                break
            if not in_quote and ctx.text.endswith(legal_forms, max(0, start - 8), start):
                break  # 与远帆科技有限公司|签约仪式: a company's full name is a party, not part of the name
            start = tok.start
        text = ctx.text
        if text[start] == "暨":  # the first half of a joint name was cut off: keep the second
            start += 1
        i = 0 if start == tokens[0].start else view.ends.get(start, head) + 1  # the token starting at `start`
        while i < purpose and tokens[i].tag in ("vn", "v") and not tokens[i].word.startswith("启动"):
            start = tokens[i].end  # 策划党建活动 → 党建活动
            i += 1
        while text[start] in CLOSE_QUOTES:
            start += 1
        return start

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        group_ends = None
        seen_ends = set()
        for m in heads_at.finditer(s.text):
            head_word = m.group(1)
            end = s.start + m.start() + len(head_word)
            if end in seen_ends:
                continue  # 成立大会, then 大会: the longest head ending here decides
            seen_ends.add(end)
            head = view.ends.get(end)
            if head is None or view.tokens[head].word[: -len(head_word)] in verb_phrase_starts:
                continue  # 出席会议: a verb phrase, not an event name
            nxt = view.tokens[head + 1] if head + 1 < len(view.tokens) else None
            if nxt is not None and nxt.tag in ("n", "vn") and nxt.word not in boundaries:
                continue  # 活动室, 培训基地: the head modifies another noun
            before = s.text[:end - s.start]
            if before.count("“") > before.count("”") and text[end:end + 1] not in CLOSE_QUOTES:
                continue  # “人才招聘周”: a quoted name goes on past the head
            if group_ends is None:
                group_ends = {g.end for g in view.mentions if g.cls == GROUP}
            start = extend_left(ctx, view, head, group_ends)
            label = clean_label(text[start:end])
            modifier = label[: len(label) - len(head_word)]
            # 党建共学4次, 外出招聘3次: held so many times, an event even when its name says little more
            counted = FREQUENCY.match(text, end) and len(label) >= 2
            if (len(modifier) < 2 or modifier in generic_modifiers) and not counted:
                continue
            if topic_list_rest.match(text, end):
                continue  # a topic talked about (技能培训等方面), not an event
            ctx.add(start, end, EVENT, view, rule_id, subclass=lex.event_heads.get(head_word) or None)

    return run


@rule("mention.event.launch", naming=[ALLIANCE], triggers={"launch"},
      requires=["mentions.Alliance", "mentions.Event"],
      assigns=["mentions.Event", "launched"])
def launch(words, spec):
    """An alliance founded on a day or at a place (X在Y揭牌成立) is an event: the ceremony."""
    rule_id = spec.name
    gap, verb_re = words.founded_gap, words.launch_verb

    def run(ctx: Context, view: SentenceView) -> None:
        alliances = view.of(ALLIANCE)
        s = view.sentence
        if not alliances or s.kind != "body" or view.of(EVENT):
            return
        for alliance in alliances:
            between = gap.match(ctx.text, alliance.end)
            verb = verb_re.match(ctx.text, between.end()) if between else None
            if verb is None or not (DATE.search(s.text) or "在" in between.group()):
                continue
            event = ctx.add(verb.start(), verb.end(), EVENT, view, rule_id,
                            label=alliance.label + verb.group(), subclass="CeremonyEvent")
            if event is not None:
                ctx.launched.add(event)
            return

    return run


@rule("mention.event.quoted", requires=["masks", "mentions.Event"], assigns=["mentions.Event"])
def quoted_meetings(words, spec):
    """A quoted name of a meeting: “新春第一会”, “项目建设推进会” (a name ending in 会 or in an event noun)."""
    rule_id = spec.name
    lex = words.lex
    meeting = re.compile(rf"“([^“”,。;:!?]{{1,20}}?(?:{alternation(lex.event_heads)}|第[一二三四五六七八九十\d]+会))”")

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        for m in meeting.finditer(s.text):
            a, b = s.start + m.start(1), s.start + m.end(1)
            if not any(e.start <= a and b <= e.end for e in view.of(EVENT)):
                head = lex.event_heads.get(next((h for h in lex.event_heads if m.group(1).endswith(h)), ""))
                ctx.add(a, b, EVENT, view, rule_id, subclass=head or "MeetingEvent")

    return Gated(run, OPENING_QUOTE)
