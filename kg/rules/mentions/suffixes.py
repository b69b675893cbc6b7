"""Names ending in a suffix of their class: 澜江高新区, 青禾科技有限公司, 区党工委, 科创联盟, 纪念馆.

Each class is its own rule, run in the order of the pipeline; a name is grown
leftwards from its suffix over name-like words (`extend_name_left`).
"""
from __future__ import annotations

import re

from kg.lexicon import alternation
from kg.model import ALLIANCE, ENTERPRISE, ORGANIZATION, PLACE, ZONE
from kg.normalize import clean_label
from kg.rules.context import Context, SentenceView
from kg.rules.registry import rule
from kg.rules.spans import COMPANY_STOP_TAGS, STOP_TAGS, ZONE_PREFIX_TAGS, extend_name_left, extend_place_left
from kg.rules.words import CLOSE_QUOTES


# jieba's tags of bound morphemes, which only ever sit inside a longer word.
BOUND_MORPHEMES = frozenset({"g", "zg", "ng", "vg", "ag", "tg", "dg", "rg"})


def names_ending_in(words, spec, cls: str, suffix: re.Pattern):
    """The rule for one class: each suffix that ends a token, with the name before it."""
    rule_id = spec.name
    generic = words.lex.generic_references
    title_after = re.compile(alternation(words.titles))
    limit = 24 if cls == ALLIANCE else 14
    allowed_tags = ZONE_PREFIX_TAGS if cls == ZONE else None
    stop_tags = COMPANY_STOP_TAGS if cls == ENTERPRISE else STOP_TAGS

    def run(ctx: Context, view: SentenceView) -> None:
        text, s = ctx.text, view.sentence
        base = s.start
        for m in suffix.finditer(s.text):
            end = base + m.end()
            if end < s.end and text[end] in CLOSE_QUOTES and cls == ALLIANCE:
                end += 1  # “科创红盟”: the name closes its quote
            head = view.ends.get(base + m.end())  # a suffix must end a word, not sit inside one
            if head is None or (head + 1 < len(view.tokens) and view.tokens[head + 1].tag in BOUND_MORPHEMES):
                continue  # 高新区|块: jieba cut a bound morpheme off the word the suffix sits in
            first, name_limit = head, limit
            if m.groupdict().get("department"):  # 发展|和|改革|委员会: the whole name, then what is before it
                first = view.starting_at(base + m.start())
                first = head if first is None else first
                name_limit = limit + len(view.tokens[first].word)  # the limit is for what precedes it
            start = extend_name_left(ctx, view, first, limit=name_limit, allowed_tags=allowed_tags,
                                     verbal=cls == ALLIANCE,  # 智能制造产业联盟
                                     stop_tags=stop_tags)
            if cls == ORGANIZATION:  # 某某科技股份有限公司党支部: a company's party branch
                owner = [e.start for e in view.mentions if e.cls == ENTERPRISE and e.end == base + m.start()]
                start = min([start] + owner)
            if cls == PLACE:  # 市烈士纪念馆: facility names often hold a verbal noun
                start = min(start, extend_place_left(ctx, view, head))
            if text[start] in words.leading_verbs and start + 3 < end:
                start += 1  # 赴澜江科技园: jieba glued the verb to an unknown name
            label = clean_label(text[start:end])
            if cls == ZONE and label == m.group() and label not in generic:
                continue  # 片区, 新区 alone refer to nothing in particular
            if cls == ZONE and text[base + m.start() - 1] in CLOSE_QUOTES:
                continue  # “四个一平方公里”产业园: a slogan before the head names a plan, not a zone
            if label == m.group() and cls != ALLIANCE and cls != ZONE and (cls == ENTERPRISE or len(label) < 3 or (
                    cls == ORGANIZATION and title_after.match(text, end))):
                continue  # a bare suffix (有限公司, 党委, 管委会主任) names nothing
            ctx.add(start, end, cls, view, rule_id)

    return run


@rule("mention.suffix.zone", requires=["tokens", "masks"], assigns=["mentions.DevelopmentZone"])
def zones(words, spec):
    """Development zones: 经济技术开发区, 高新区, 工业园 and a place name before them."""
    return names_ending_in(words, spec, ZONE, words.zone_re)


@rule("mention.suffix.enterprise", requires=["tokens", "masks"], assigns=["mentions.Enterprise"])
def enterprises(words, spec):
    """Companies: a legal form (有限公司, 集团) and the name before it."""
    return names_ending_in(words, spec, ENTERPRISE, words.enterprise_re)


@rule("mention.suffix.organization", requires=["tokens", "masks", "mentions.Enterprise"],
      assigns=["mentions.Organization"])
def organizations(words, spec):
    """Organisations: 党工委, 管委会, 组织部, 派出所; a company's party branch takes the company's name."""
    return names_ending_in(words, spec, ORGANIZATION, words.organization_re)


@rule("mention.suffix.alliance", requires=["tokens", "masks"], assigns=["mentions.Alliance"])
def alliances(words, spec):
    """Alliances: 联盟, 红盟, with their quotes and the industry in their name."""
    return names_ending_in(words, spec, ALLIANCE, words.alliance_re)


@rule("mention.suffix.place", requires=["tokens", "masks"], assigns=["mentions.Place"])
def places(words, spec):
    """Facilities and places: 纪念馆, 服务中心, 工作站, 核心区."""
    return names_ending_in(words, spec, PLACE, words.place_re)
