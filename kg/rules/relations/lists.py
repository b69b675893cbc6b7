"""What a list of names says: 来自A、B等企业的G (G comes from each), 集结A、B共9家服务单位 (each is a
member of the group), A、B、C (enterprises) in an alliance's sentence (members of the alliance)."""
from __future__ import annotations

import re

from kg.model import AGENT_CLASSES, ENTERPRISE, GROUP, Mention
from kg.rules.agents import alliance_here
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.words import NUMBER

# 等 or 共 closing a list (A、B等15家, A、B共9家), not 共同 (jointly).
LIST_TOTAL = re.compile(r"等|共(?!同)")
NAMED = AGENT_CLASSES | {GROUP}


def named_lists(ctx: Context, view: SentenceView) -> list[tuple[list[Mention], str, Mention | None]]:
    """(the mentions a list names, the text after it, the first group right after it) of each list
    of the sentence that names something.

    Worked out once per sentence for the three rules that read it.
    """
    lists = ctx.lists.get(view.sentence.index)
    if not lists:
        return []
    found = view.memo.get(named_lists)
    if found is None:
        found = view.memo[named_lists] = list(_named_lists(ctx, view, lists))
    return found


def _named_lists(ctx: Context, view: SentenceView, lists: list[list[tuple[int, int]]]):
    text, s = ctx.text, view.sentence
    ms = view.mentions
    for items in lists:
        run = []
        for a, b in items:
            # the item as cut, or a longer name ending there (某某(眉山)有限公司)
            named = [m for m in ms if m.start <= a and m.end == b and m.cls in NAMED and "、" not in text[m.start:m.end]]
            if named:
                run.append(max(named, key=lambda m: m.cls in AGENT_CLASSES))
        if run:
            end = items[-1][1]
            groups = [g for g in ms if g.cls == GROUP and g.start >= end and g.start - end <= 16]
            yield run, text[end:s.end], min(groups, key=lambda g: g.start) if groups else None


def affiliation_pattern(words) -> re.Pattern:
    """…的 after a list: the list is where a group comes from (15家企业的青年人才)."""
    return re.compile(rf"(?:等)?(?:{NUMBER}(?:{words.number_after})?[家个])?(?:企业|公司|单位)?的")


LIST_AND_GROUP = ["lists", "mentions.TalentGroup", "mentions.Enterprise", "mentions.Organization"]


@rule("relation.affiliation.list", requires=LIST_AND_GROUP, assigns=["facts.affiliation"])
def affiliation(words, spec):
    """来自A、B等企业的G: the group after a list and 的 comes from each item."""
    rule_id = spec.name
    affiliated = affiliation_pattern(words)

    def run(ctx: Context, view: SentenceView) -> None:
        for items, after, group in named_lists(ctx, view):
            if group is not None and affiliated.match(after):
                for m in items:
                    ctx.fact(group, "affiliation", m, view, rule_id)

    return run


@rule("relation.member_of.list_total", requires=LIST_AND_GROUP, assigns=["facts.memberOf"])
def list_total(words, spec):
    """集结A、B共9家服务单位: each item of a list closed by 等/共 (and no 的) is a member of the group after it."""
    rule_id = spec.name
    affiliated = affiliation_pattern(words)

    def run(ctx: Context, view: SentenceView) -> None:
        for items, after, group in named_lists(ctx, view):
            if group is not None and LIST_TOTAL.match(after) and not affiliated.match(after):
                for m in items:
                    ctx.fact(m, "memberOf", group, view, rule_id)

    return run


@rule("relation.member_of.alliance_list", requires=["lists", "mentions.Enterprise", "mentions.Alliance"],
      assigns=["facts.memberOf"])
def alliance_list(words, spec):
    """A list of two or more enterprises in a sentence that names an alliance: each is its member."""
    rule_id = spec.name

    def run(ctx: Context, view: SentenceView) -> None:
        lists = named_lists(ctx, view)
        alliance = alliance_here(ctx, view) if lists else None
        if alliance is None:
            return
        for items, _, _ in lists:
            if len(items) > 1 and all(m.cls == ENTERPRISE for m in items):
                for m in items:
                    ctx.fact(m, "memberOf", alliance, view, rule_id)

    return run

