"""Names the sequence labeller finds (kg.ner): people, organisations and places the rules miss.

`mention.ner.label` runs the labeller once per article, over all its headline and body
sentences in one batched call, and keeps LAC's words (names, times, parts of speech) on
the context for every later rule (`Context.ner`). The other rules here turn its spans
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
from kg.rules.registry import DOCUMENT, rule
from kg.rules.words import CJK, CLOSE_QUOTES, OPEN_QUOTES

# A person's name: two to four Han characters, or a transliteration with its dot (阿卜杜·热合曼).
PERSON_NAME = re.compile(rf"[{CJK}]{{2,4}}|[{CJK}]{{1,8}}·[{CJK}]{{1,8}}")
# LAC's parts of speech that never sit inside a name: verbs, prepositions, conjunctions, particles.
NOT_IN_NAME = frozenset({"v", "vd", "p", "c", "u", "d", "xc", "w"})
# jieba's tags of function words, which no name holds.
FUNCTION_TAGS = frozenset({"p", "c", "u", "uj", "ul", "uz", "ud", "ug", "uv", "d", "a", "y", "e", "o"})
# Where a place name ends, when it is not a word jieba knows as a place: 澜江市, 北塘区, 白沙镇, 钟埭街道.
PLACE_END = re.compile(r"(?:省|市|区|县|镇|乡|村|州|旗|街道|社区|地区|岛|湾|港|山|河|江|湖)$")


def words_of(ctx: Context, view: SentenceView) -> list[Word]:
    """The labeller's words of a sentence (none when the labeller is off)."""
    return ctx.ner.get(view.sentence.index, [])


@rule("mention.ner.label", scope=DOCUMENT, requires=["sentences"], assigns=["ner"])
def label(words, spec):
    """The labeller's words, names and times of every headline and body sentence, in one call per article."""
    tagger = labeller()  # loaded here, once: worker processes forked later share it

    def run(ctx: Context) -> None:
        views = ctx.body_views()
        for view, found in zip(views, tagger.words([v.sentence.text for v in views])):
            base = view.sentence.start
            ctx.ner[view.sentence.index] = [Word(base + w.start, base + w.end, w.tag, w.text) for w in found]

    return run


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
            view = ctx.views[index]
            for w in found:
                if w.tag != "PER" or not plausible(ctx, view, w) or overlaps(view, w.start, w.end):
                    continue
                if any(len(name) > len(w.text) and text.startswith(name, w.start) for name in known):
                    continue  # the labeller cut a known name short: mention.person.repeated finds it
                ctx.add(w.start, w.end, PERSON, view, rule_id)

    return run
