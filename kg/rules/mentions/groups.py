"""Talent groups: a category of people (青年人才, 党建指导员, 成员单位) with its count (50余名)."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import AGENT_CLASSES, GROUP
from kg.normalize import clean_label
from kg.numbers import parse_count
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.spans import STOP_TAGS, extend_name_left
from kg.rules.words import CLAUSE_BREAK, CLOSE_QUOTES, NUMBER

DIGIT = re.compile(r"\d")
# The verb of taking a role: 4家企业任副理事长单位.
ROLE_VERB = re.compile(r"(?:担任|当选为?|任)")
ROLE_TAKEN = re.compile(rf"(?<=[业位司家名]){ROLE_VERB.pattern}")  # not 责任单位


@rule("mention.group", requires=["tokens", "masks", "mentions.DevelopmentZone", "mentions.Organization",
                                 "mentions.Enterprise", "mentions.Alliance"],
      assigns=["mentions.TalentGroup", "facts.count", "facts.countQualifier", "facts.countUnit"])
def groups(words, spec):
    """A talent category and the words before it (20名党建指导员), with its count, qualifier and unit."""
    rule_id = spec.name
    lex = words.lex
    group_re = re.compile(alternation(lex.group_heads))
    units = alternation(lex.measures("unit"))
    count_before = re.compile(rf"(?P<q>{words.number_before})?(?P<n>{NUMBER})(?P<q2>{words.number_after})?"
                              rf"(?P<unit>{units})$")
    count_after = re.compile(rf"^(?P<q>{words.number_before})?(?P<n>{NUMBER})(?P<q2>{words.number_after})?"
                             rf"(?P<unit>{units})")
    # 4家企业任副理事长单位: the count of the members that take a role
    count_of_role = re.compile(rf"(?P<n>{NUMBER})(?P<q2>{words.number_after})?(?P<unit>{units})"
                               rf"(?:企业|单位|公司)?{ROLE_VERB.pattern}$")

    def run(ctx: Context, view: SentenceView) -> None:
        s, text = view.sentence, ctx.text
        for m in group_re.finditer(s.text):
            end = s.start + m.end()
            head = view.ends.get(end)
            if head is None:
                continue
            verb_phrase = view.tokens[head].word != m.group() and view.tokens[head].tag in ("v", "vn", "l", "i")
            trailing = count_after.match(text[end:s.end])
            if verb_phrase and not trailing:
                continue  # 发展党员: a verb phrase, not a group (but 发展党员8名: eight new members)
            nxt = view.tokens[head + 1] if head + 1 < len(view.tokens) else None
            if nxt is not None and not trailing and not (nxt.tag in STOP_TAGS or nxt.tag == "v" or nxt.word in CLAUSE_BREAK
                                        or nxt.word in "、“”" or nxt.word in words.boundaries
                                        or DIGIT.match(nxt.word) or nxt.word in words.all_triggers
                                        or (nxt.word in lex.event_heads and "“" not in s.text[:m.start()][-12:])):
                continue  # 人才工作, 专家智囊: the head modifies another noun
            start = s.start + m.start() if verb_phrase else extend_name_left(ctx, view, head, limit=12)
            if m.group() in words.role_tails and any(
                    o.end == s.start + m.start() and o.cls in AGENT_CLASSES for o in view.mentions):
                continue  # 江南银行代表: people speaking for an organisation
            took = ROLE_TAKEN.search(text, start, s.start + m.start())
            if took:
                start = took.end()  # 4家企业任|副理事长单位: the members, then the role they take
            first = view.tokens[view.ends.get(start, -1) + 1]  # the name's first token
            if first.tag == "r" and end - first.end > 2:  # but 各类人才 stays: 人才 alone names no group
                start = first.end  # 各类|专业人才: a determiner is no part of the group's name
            count = count_before.search(text[max(s.start, start - 8):start])
            role_count = None if count else count_of_role.search(text[max(s.start, start - 12):start])
            label = clean_label(text[start:end])
            if len(label) <= 2 and not (count or trailing):
                continue  # 人才, 成员 alone name no group
            if count:
                start -= len(count.group())
            if text[end:end + 1] in CLOSE_QUOTES and "“" in text[start:end]:
                end += 1  # “青年突击队”: the name closes its quote
            mention = ctx.add(start, end, GROUP, view, rule_id, label=text[start:end])
            if mention is None:
                continue
            found = count or role_count or trailing
            if found:
                value = parse_count(found.group("n"))
                if value is not None:
                    qualifier = (found.groupdict().get("q") or "") + (found.group("q2") or "")
                    span = (mention.start, end + (trailing.end() if trailing and not count else 0))
                    ctx.attribute(mention, "count", value, span, rule_id)
                    if qualifier:
                        ctx.attribute(mention, "countQualifier", qualifier, span, rule_id)
                    ctx.attribute(mention, "countUnit", found.group("unit"), span, rule_id)

    return run
