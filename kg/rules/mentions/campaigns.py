"""Campaigns (…专项行动, …活动月) and quoted names of initiatives (“红色引擎”工程, “人才卡”)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import CAMPAIGN, INITIATIVE
from kg.normalize import clean_label
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.words import CJK, HAN_WORD, HAN_WORD_2_TO_4, NUMBER

QUOTED = re.compile(r"“([^“”]{1,30})”")
OPENING_QUOTE = frozenset("“")
# A numeral and a measure word right before a quote: 一杯“…”, 两项“…”.
COUNTED = re.compile(rf"{NUMBER}[杯碗份张块支把件]$")  # a token of its own, as all punctuation


@rule("mention.campaign.head", requires=["tokens", "masks"], assigns=["mentions.Campaign"])
def campaign_heads(words, spec):
    """A campaign noun (行动, 活动月) ending a token, with the noun before it."""
    rule_id = spec.name
    head_re = re.compile(alternation(words.lex.campaign_heads))

    def run(ctx: Context, view: SentenceView) -> None:
        s = view.sentence
        for found in head_re.finditer(s.text):
            i = view.ends.get(s.start + found.end())
            if i is None:
                continue
            tok, head = view.tokens[i], found.group()
            a = tok.start
            if len(tok.word) == len(head) and i > 0:
                prev = view.tokens[i - 1]
                if prev.tag in ("n", "nz", "j", None) and HAN_WORD_2_TO_4.fullmatch(prev.word) \
                        and prev.word not in words.boundaries:
                    a = prev.start
            if tok.end - a > len(head):
                ctx.add(a, tok.end, CAMPAIGN, view, rule_id)

    return run


@rule("mention.quoted_name", triggers={"honour"}, requires=["masks", "mentions.Campaign"],
      assigns=["mentions.Initiative", "mentions.Campaign"])
def quoted_names(words, spec):
    """A quoted name that no longer name holds: an initiative, or a campaign before 工作/行动."""
    rule_id = spec.name
    lex = words.lex
    cue = re.compile(rf"^(?:[{CJK}]{{0,4}}?)(?:{alternation(lex.initiative_cues)})")
    honour_before = re.compile(f"(?:{alternation(words.trigger(spec, 'honour'))})$")
    name_forming = re.compile(alternation(lex.words("name_forming_nouns.txt")))

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        for q in QUOTED.finditer(s.text):
            inner = q.group(1)
            a, b = s.start + q.start(), s.start + q.end()
            if any(ch in inner for ch in ",。!?:") or len(clean_label(inner)) < 2:
                continue
            if any(m.start <= a + 1 and b - 1 <= m.end and m.cls != INITIATIVE for m in view.mentions):
                continue  # part of a longer name
            after = text[b:s.end]
            if after[:1] and HAN_WORD.match(after[0]) and not cue.match(after) \
                    and not re.match(r"(工作|活动|行动)", after) and not after.startswith(("等", "三", "两", "四")) \
                    and not re.match(r"[促推助成为在]", after[0]):
                continue  # “两新”组织: the quote starts a longer name
            if after.startswith("的"):
                continue  # “…”的良好格局: a description, not a name
            if honour_before.search(text[s.start:a]):
                continue  # 担任“链长”: a role or an honour, not an initiative
            if COUNTED.search(text, s.start, a):
                continue  # 饮一杯“下午茶”: a thing counted out, not a name
            cls = CAMPAIGN if re.match(r"(工作|行动)", after) and not cue.match(after) else INITIATIVE
            named = name_forming.match(after)  # “一把手”工程 → 一把手工程
            ctx.add(a, b + (named.end() if named else 0), cls, view, rule_id)

    return Gated(run, OPENING_QUOTE)
