"""Names the sequence labeller finds (kg.ner): people, organisations and places the rules miss.

`mention.ner.label` runs the labeller once per article, over all its headline and body
sentences in one batched call (once for all the articles `Extractor.extract_many` is
given: larger batches, 13-30% faster labelling), and keeps LAC's words (names, times,
parts of speech) on the context for every later rule (`Context.ner`). The other rules here turn its spans
into mentions, and keep the rules' domain classes: a rule's mention wins where the two
overlap, an organisation's class comes from its suffix (an ORG span ending in 有限公司 is
an enterprise, in 高新区 a zone, in 党工委 an organisation), and a span with no suffix of
any class names nothing the graph has a class for. `kg build --disable mention.ner`
switches all of them off, and the rules read no labeller at all.
"""
from __future__ import annotations

import re

from kg.model import AGENT_CLASSES, ALLIANCE, ENTERPRISE, ORGANIZATION, PERSON, PLACE, ZONE
from kg.ner import Word, labeller
from kg.rules.context import Context, SentenceView
from kg.rules.registry import DOCUMENT, Batched, rule
from kg.rules.mentions.places import QUALIFIED_NAME
from kg.rules.spans import NAME_CHARACTER
from kg.rules.words import CLOSE_QUOTES, HAN_WORD, OPEN_QUOTES, PERSON_NAME

# LAC's tags of the words a company's name is made of.
NAME_TAGS = frozenset({"ORG", "PER", "LOC", "nz", "n"})
# jieba's tags of function words, which no name holds.
FUNCTION_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "a", "y", "e", "o"})
# Where a place name ends, when it is not a word jieba knows as a place: 澜江市, 北塘区, 白沙镇, 钟埭街道.
PLACE_END = re.compile(r"(?:省|市|区|县|镇|乡|村|州|旗|街道|社区|地区|岛|湾|港|山|河|江|湖)$")


def words_of(ctx: Context, view: SentenceView) -> list[Word]:
    """The labeller's words of a sentence (none when the labeller is off)."""
    return ctx.ner.get(view.sentence.index, [])


@rule("mention.ner.label", scope=DOCUMENT, requires=["sentences"], assigns=["ner"])
def label(words, spec):
    """The labeller's words, names and times of every headline and body sentence, in one call per article
    (or per batch of articles, `Extractor.extract_many`)."""
    tagger = labeller()  # loaded here, once: worker processes forked later share it

    def run_many(contexts: list[Context]) -> None:
        views = [(ctx, view) for ctx in contexts for view in ctx.body_views()]
        found = tagger.words([view.sentence.text for _, view in views], [view.sentence.start for _, view in views])
        for (ctx, view), words_of_sentence in zip(views, found):
            ctx.ner[view.sentence.index] = words_of_sentence

    return Batched(run=lambda ctx: run_many([ctx]), many=run_many)


def overlaps(view: SentenceView, start: int, end: int, classes=None) -> bool:
    return any(m.start < end and start < m.end for m in view.mentions if classes is None or m.cls in classes)


@rule("mention.ner.person", scope=DOCUMENT, requires=["ner", "masks", "lists", "mentions.Person", "mentions.Enterprise",
                                                      "mentions.Organization", "mentions.DevelopmentZone"],
      assigns=["mentions.Person"])
def persons(words, spec):
    """A person's name the labeller finds with no job title before it: 市领导A、B, A、B等参加, A表示.

    A name a rule found wins: the labeller's span inside a company's name, or a shorter
    one (马士 for a 马士光 named with his title elsewhere) is left out.
    """
    rule_id = spec.name
    surnames = words.lex.surnames

    def plausible(ctx: Context, view: SentenceView, w: Word) -> bool:
        name, text = w.text, ctx.text
        # a name of two characters starts with a family name; emoji and Latin runs are no names
        if not PERSON_NAME.fullmatch(name) or (len(name) < 3 and name[0] not in surnames):
            return False
        if text[w.start - 1:w.start] in OPEN_QUOTES and text[w.end:w.end + 1] in CLOSE_QUOTES:
            return False  # “浦法惠企”: a quoted slogan
        # 攀高|向|强: jieba reads two function words where the labeller saw a name of two characters
        return len(name) > 2 or not any(w.start <= t.start and t.end <= w.end and len(t.word) == 1
                                        and t.tag in FUNCTION_TAGS for t in view.tokens)

    def run(ctx: Context) -> None:
        text = ctx.text
        known = {m.label for m in ctx.mentions if m.cls == PERSON}
        for index, found in ctx.ner.items():
            view = ctx.view_of(index)
            for w in found:
                if w.tag != "PER" or not plausible(ctx, view, w) or overlaps(view, w.start, w.end):
                    continue
                if any(len(name) > len(w.text) and text.startswith(name, w.start) for name in known):
                    continue  # the labeller cut a known name short: mention.person.repeated finds it
                ctx.add(w.start, w.end, PERSON, view, rule_id)

    return run


def organisation_spans(found: list[Word]):
    """(start, end) of the labeller's ORG spans; a company named with a place in brackets is one
    span: 某某 ( 澜江 ) 实业有限公司."""
    i = 0
    while i < len(found):
        j = i
        while j + 4 < len(found) and found[j + 1].text == "(" and found[j + 2].tag == "LOC" \
                and found[j + 3].text == ")" and found[j + 4].tag in NAME_TAGS:
            j += 4
        if found[i].tag == "ORG" or (j > i and found[i].tag in NAME_TAGS):
            yield found[i].start, found[j].end
        i = j + 1


def suffix_classes(words) -> tuple[tuple[re.Pattern, str], ...]:
    """Each class's suffixes as one pattern anchored at the end of a name, most specific first."""
    return tuple((re.compile(f"(?:{pattern.pattern})$"), cls) for pattern, cls in (
        (words.enterprise_re, ENTERPRISE), (words.alliance_re, ALLIANCE),
        (words.organization_re, ORGANIZATION), (words.zone_re, ZONE)))


@rule("mention.ner.organization", requires=["ner", "masks", "tokens"] + [f"mentions.{c}" for c in sorted(AGENT_CLASSES)],
      assigns=[f"mentions.{c}" for c in sorted(AGENT_CLASSES)])
def organizations(words, spec):
    """An organisation the labeller finds (ORG), typed by the suffix it ends in: 有限公司, 联盟, 党工委, 高新区.

    A company named with a place in brackets (某某(澜江)实业有限公司) is one name. A span
    that ends in a verb (…人民政府主办) is cut after its suffix; one with no suffix of any
    class is typed by its last character where that says organisation (某某社, 某某局, 某某厂:
    ontology/lexicon/labelled_org_ends.tsv), else left to the rules that type it by context. Where a
    rule found a name of the same class with the same end, the labeller's left edge wins
    when it reaches further over name words only (科技有限责任公司 → 远帆科技有限责任公司; a verb
    inside, as in 某某小镇建设发展有限公司, but not first), and
    over no other agent's name (澜江高新区集结|青禾科技有限公司) but a company's, for its party
    branch (某某银行某支行党支部).
    """
    rule_id = spec.name
    classes = suffix_classes(words)
    triggers = words.all_triggers
    triggers_by_length = sorted(triggers, key=len, reverse=True)
    last_character = words.lex.mapping("labelled_org_ends.tsv")

    def trimmed(name: str) -> tuple[int, str] | None:
        """Where the name ends and its class: at its suffix, or at a suffix before a trailing verb (…政府主办);
        else, for a name of three characters or more, by its last character (某某社, 某某局)."""
        ends = [len(name)] + [len(name) - len(verb) for verb in triggers_by_length if name.endswith(verb)]
        for cut in ends:
            for pattern, cls in classes:
                m = pattern.search(name, 0, cut)
                if m and m.start() > 0:
                    return cut, cls
        if len(name) >= 3 and name[-1] in last_character and NAME_CHARACTER.match(name[0]):
            return len(name), last_character[name[-1]]
        return None

    def run(ctx: Context, view: SentenceView) -> None:
        text = ctx.text
        for start, end in organisation_spans(words_of(ctx, view)):
            found = trimmed(text[start:end])
            if found is None:
                continue
            end, cls = start + found[0], found[1]
            same = [m for m in view.mentions if m.cls == cls and m.end == end]
            if same:  # the rule's name, widened to the labeller's left edge over name words only
                rule_start = min(m.start for m in same)
                if start < rule_start and not any(m.start < start < m.end or (
                        start <= m.start and m.end <= rule_start and m.cls in AGENT_CLASSES
                        and not (cls == ORGANIZATION and m.cls == ENTERPRISE)) for m in view.mentions) \
                        and not any(
                        start <= t.start < rule_start and (t.start == start and t.word in triggers
                                                           or not NAME_CHARACTER.match(t.word) and t.word not in "()")
                        for t in view.tokens):
                    ctx.add(start, end, cls, view, rule_id)
                continue
            if not overlaps(view, start, end):
                ctx.add(start, end, cls, view, rule_id)

    return run


@rule("mention.ner.place", requires=["ner", "masks", "tokens", "mentions.Place"]
      + [f"mentions.{c}" for c in sorted(AGENT_CLASSES)], assigns=["mentions.Place", "mentions.DevelopmentZone"])
def places(words, spec):
    """A place the labeller finds (LOC) that no rule named: an administrative area (北塘区, 白沙镇)
    or a place jieba's dictionary knows (浙江, 湖州).

    A span that holds a zone's suffix is the zone, cut after the suffix (云溪高新区企业 →
    云溪高新区); other spans must end like a place or be places jieba knows, so that a
    coined word the labeller guessed at is left out.
    """
    rule_id = spec.name
    tags = words.tags

    def known_place(view: SentenceView, start: int, end: int) -> bool:
        inside = [t for t in view.tokens if start <= t.start and t.end <= end]
        return bool(inside) and inside[0].start == start and inside[-1].end == end \
            and all((t.tag or "").startswith("ns") for t in inside)

    def run(ctx: Context, view: SentenceView) -> None:
        found = words_of(ctx, view)
        for i, w in enumerate(found):
            if w.tag != "LOC" or not HAN_WORD.fullmatch(w.text):
                continue
            if QUALIFIED_NAME.match(ctx.text, w.end) or (
                    i + 1 < len(found) and found[i + 1].tag in ("LOC", "ORG", "nz") and found[i + 1].start == w.end):
                continue  # 中国(安徽)自贸区, 成渝地区|双城经济圈: the start of a longer name
            zone = words.zone_re.search(w.text)
            if zone:
                end = w.start + zone.end()
                if zone.start() > 0 and not overlaps(view, w.start, end):
                    ctx.add(w.start, end, ZONE, view, rule_id)
                continue
            if overlaps(view, w.start, w.end):
                continue
            if PLACE_END.search(w.text) or (tags.get(w.text) or "").startswith("ns") \
                    or known_place(view, w.start, w.end):
                ctx.add(w.start, w.end, PLACE, view, rule_id)

    return run
