"""Who belongs to an alliance: people and companies elected to its chairs, groups of its members,
members named as such."""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, ENTERPRISE, GROUP, ORGANIZATION, PERSON, ZONE, Mention
from kg.numbers import parse_count
from kg.rules.agents import listed_with
from kg.rules.context import Context, SentenceView
from kg.rules.registry import Gated, rule
from kg.rules.spans import clause_bounds
from kg.rules.words import NUMBER


@rule("relation.member_of.alliance_role", naming=[PERSON, ENTERPRISE, ORGANIZATION], triggers={"elect"},
      requires=["mentions.Alliance", "mentions.Person", "mentions.Enterprise", "mentions.Organization",
                "focus_alliance"],
      assigns=["facts.memberOf", "facts.role"])
def alliance_role(words, spec):
    """Elected to an alliance's chair (当选首任理事长, 选举X为联盟主席), or named before the alliance and its
    role (X任某联盟秘书长): a member, with that role."""
    rule_id = spec.name
    elect = words.trigger(spec, "elect")
    elected = re.compile(rf"(?:{alternation(elect)})(?:首任|首届|第一届|新一届|该联盟|联盟)*({words.alliance_roles})")
    role_after = re.compile(f"({words.alliance_roles}|成员)")

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        ms = view.mentions
        alliance = ctx.focus_alliance  # named here, or last named
        may_be_elected = alliance is not None and elected.search(view.sentence.text) is not None
        if not may_be_elected and not any(m.cls == ALLIANCE for m in ms):
            return
        for person in [m for m in ms if m.cls in (PERSON, ENTERPRISE, ORGANIZATION)]:
            end = clause_bounds(ctx, view, person.start)[1]
            chair = elected.match(text[person.end:end]) if may_be_elected else None
            if chair and alliance is not None and alliance is not person:
                ctx.fact(person, "memberOf", alliance, view, rule_id)
                ctx.fact(person, "role", chair.group(1), view, rule_id, (person.start, person.end + chair.end()))
                continue
            if person.cls != PERSON:
                continue
            for named in ms:
                if named.cls == ALLIANCE and person.end <= named.start < end:
                    role = role_after.match(text, named.end)
                    if role:
                        ctx.fact(person, "memberOf", named, view, rule_id)
                        ctx.fact(person, "role", role.group(1), view, rule_id,
                                 (person.start, named.end + len(role.group(1))))

    return run


@rule("relation.member_of.council_group", naming=[ENTERPRISE, ORGANIZATION], triggers={"elect"},
      requires=["lists", "mentions.Alliance", "mentions.Enterprise", "mentions.Organization", "focus_alliance"],
      assigns=["mentions.TalentGroup", "facts.memberOf", "facts.count", "facts.countQualifier"])
def council_group(words, spec):
    """A、B等4家企业任副理事长单位: the bodies named are members of a counted group of the alliance in focus
    (its 副理事长单位, with count 4), which belongs to the alliance."""
    rule_id = spec.name
    verbs = alternation(words.trigger(spec, "elect") | frozenset(words.lex.words("role_verbs.txt")))
    counted = re.compile(
        rf"等?(?P<q>{words.number_before})?(?P<n>{NUMBER})(?P<q2>{words.number_after})?[家个](?:企业|单位|公司)?"
        rf"(?:{verbs})(?:首届|首任|新一届|该联盟|联盟|理事会)*(?P<group>(?:{words.alliance_roles})(?:单位|企业))")

    def members(ctx: Context, view: SentenceView, end: int) -> list[Mention]:
        """The bodies named right before `end`: one, or every item of the list that ends there."""
        named = [m for m in view.of_classes((ENTERPRISE, ORGANIZATION)) if m.end == end]
        if not named:
            return []
        for items in ctx.lists.get(view.sentence.index, ()):
            if items[-1][1] == end:
                spans = set(items)
                return [m for m in view.of_classes((ENTERPRISE, ORGANIZATION)) if (m.start, m.end) in spans
                        or any(m.start <= a and m.end == b for a, b in spans)]
        return named[:1]

    def run(ctx: Context, view: SentenceView) -> None:
        alliance = ctx.focus_alliance
        if alliance is None:
            return
        s = view.sentence
        for found in counted.finditer(s.text):
            named = members(ctx, view, s.start + found.start())
            count = parse_count(found.group("n"))
            if not named or count is None:
                continue
            a, b = s.start + found.start("group"), s.start + found.end("group")
            group = next((g for g in view.of(GROUP) if g.span == (a, b)), None) \
                or ctx.add(a, b, GROUP, view, rule_id)  # a group mention.group did not find
            if group is None:
                continue
            if "count" not in ctx.attributes.get(group, {}):
                span = (s.start + found.start(), b)
                ctx.attribute(group, "count", count, span, rule_id)
                qualifier = (found.group("q") or "") + (found.group("q2") or "")
                if qualifier:
                    ctx.attribute(group, "countQualifier", qualifier, span, rule_id)
            for m in named:
                ctx.fact(m, "memberOf", group, view, rule_id)
            ctx.fact(group, "memberOf", alliance, view, rule_id)

    return run


@rule("relation.member_of.joined", naming=[ALLIANCE, ORGANIZATION], triggers={"join"},
      requires=["mentions.Alliance", "mentions.Organization", "mentions.Enterprise", "mentions.DevelopmentZone",
                "bylines"],
      assigns=["facts.memberOf"])
def joined(words, spec):
    """A、B等8家企业加入X联盟, 某公司正式加盟X: the companies and bodies listed right before the verb are
    members of the alliance or body named right after it."""
    rule_id = spec.name
    join = words.trigger(spec, "join")
    # between the last member and the verb: 等8家企业, 正式
    tail = re.compile(rf"(?:等(?:{NUMBER})?[家个]?(?:企业|单位|公司)?)?")
    gap = words.agent_verb_gap

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        for _, tok in view.tokens_among(join):
            joined_bodies = [m for m in view.of_classes((ALLIANCE, ORGANIZATION)) if m.start == tok.end]
            if not joined_bodies:
                continue
            body = max(joined_bodies, key=lambda m: m.end)
            names = [m for m in view.of_classes((ENTERPRISE, ORGANIZATION, ZONE)) if m.end <= tok.start
                     and m not in ctx.bylines]
            last = [m for m in names if gap.fullmatch(text, tail.match(text, m.end).end(), tok.start)]
            if last:
                for m in listed_with(ctx, names, max(last, key=lambda m: (m.end, m.end - m.start))):
                    ctx.fact(m, "memberOf", body, view, rule_id)

    return Gated(run, join)


@rule("relation.member_of.group_of_alliance", naming=[GROUP], triggers={"include"},
      requires=["mentions.Alliance", "mentions.TalentGroup", "focus_alliance"], assigns=["facts.memberOf"])
def group_of_alliance(words, spec):
    """A group named as members (成员单位16家), or counted in after the alliance (涵盖企业30家), belongs to
    the alliance in focus."""
    rule_id = spec.name
    includes = re.compile(alternation(words.trigger(spec, "include")))
    member_heads = words.member_head_suffixes

    def run(ctx: Context, view: SentenceView) -> None:
        alliance = ctx.focus_alliance  # named here, or last named
        if alliance is None:
            return
        for g in view.of(GROUP):
            named_as_members = g.label.endswith(member_heads)
            counted_in = includes.search(ctx.text, clause_bounds(ctx, view, g.start)[0], g.start)
            if named_as_members or (counted_in and alliance.start < g.start):
                ctx.fact(g, "memberOf", alliance, view, rule_id)

    return run


@rule("relation.member_of.named_as_member", naming=[ENTERPRISE, ORGANIZATION],
      requires=["mentions.Alliance", "mentions.Enterprise",
                                                      "mentions.Organization", "focus_alliance"],
      assigns=["facts.memberOf"])
def named_as_member(words, spec):
    """联盟成员单位澜江云谷芯片股份有限公司: a company or body named right after the word for members."""
    rule_id = spec.name
    member_heads = words.member_head_suffixes

    def run(ctx: Context, view: SentenceView) -> None:
        alliance = ctx.focus_alliance  # named here, or last named
        if alliance is None:
            return
        for m in [*view.of(ENTERPRISE), *view.of(ORGANIZATION)]:
            if ctx.text.endswith(member_heads, view.sentence.start, m.start):
                ctx.fact(m, "memberOf", alliance, view, rule_id)

    return run
