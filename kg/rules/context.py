"""What the rules share while they extract one document: the `Context`.

One `Context` per document holds the text, a `SentenceView` of each sentence (its
tokens and the mentions found in it so far, also by class), all mentions, the facts,
and the few pieces of state rules hand on to later rules (byline masks, the items of
lists, places reached, people's titles, the principal agent, the alliance and event
in focus). Rules receive it and add to it; nothing else carries state between them.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from operator import itemgetter

from kg.model import Document, Fact, Mention, Sentence, Value
from kg.ner import Word
from kg.normalize import clean_label
from kg.rules.words import Words
from kg.segment import Segmenter, Token

# The subject of a byline's facts; the resolver maps it to the article.
ARTICLE_SUBJECT = Mention(-1, -1, "Article", "article", -1, "article")

_WORD, _END, _TAG = itemgetter(0), itemgetter(2), itemgetter(3)  # Token fields, read in C


@dataclass
class SentenceView:
    """A sentence with its tokens, and the mentions found in it so far (kept by `Context`)."""

    sentence: Sentence
    tokens: list[Token]
    # The sentence's mentions in the order found, and by class: rules read them, only
    # `Context.keep` adds to them (copy one to add mentions while reading it).
    mentions: list[Mention] = field(default_factory=list)
    classes: dict[str, list[Mention]] = field(default_factory=dict)
    breaks: list[int] | None = None  # clause punctuation outside quotes, found on first use
    # What one rule works out about the sentence for others that read it too (its lists).
    memo: dict = field(default_factory=dict)
    ends: dict[int, int] = field(init=False)  # token end offset → index
    # The words of the sentence: a rule whose trigger words are not among them has nothing to do.
    words: frozenset[str] = field(init=False)

    def __post_init__(self):
        tokens = self.tokens
        self.ends = dict(zip(map(_END, tokens), range(len(tokens))))
        self.words = frozenset(map(_WORD, tokens))

    def starting_at(self, offset: int) -> int | None:
        """The index of the token that starts at `offset`, if one does (tokens cover the sentence)."""
        before = self.ends.get(offset)
        if before is not None:
            return before + 1 if before + 1 < len(self.tokens) else None
        return 0 if self.tokens and self.tokens[0].start == offset else None

    def tokens_among(self, words: frozenset[str] | set[str]) -> list[tuple[int, Token]]:
        """(index, token) of each token that is one of `words`, in order.

        Found by searching the sentence for the few words it holds, not by
        walking all its tokens.
        """
        present = self.words & words
        if not present:
            return []
        text, base = self.sentence.text, self.sentence.start
        found = []
        for word in present:
            at = text.find(word)
            while at >= 0:
                i = self.ends.get(base + at + len(word))
                if i is not None and self.tokens[i].word == word:
                    found.append((i, self.tokens[i]))
                at = text.find(word, at + 1)
        found.sort()
        return found

    def tags(self) -> list[str | None]:
        return list(map(_TAG, self.tokens))

    def of(self, cls: str) -> list[Mention] | tuple:
        """The sentence's mentions of one class."""
        return self.classes.get(cls, ())

    def of_classes(self, classes) -> list[Mention]:
        """The sentence's mentions of any of `classes`, in order (a new list)."""
        return [m for m in self.mentions if m.cls in classes]


class Context:
    """The state of extracting one document, shared by the rules."""

    def __init__(self, doc: Document, words: Words, segmenter: Segmenter, section: bool = False):
        self.doc = doc
        self.words = words
        self.text = doc.text
        # One jieba call per article: punctuation is always a token of its own, so
        # sentence edges are token edges and each sentence takes its slice. A section of a
        # long article (kg.extract, SECTION_CHARS) segments its own stretch of the text only.
        if section:
            first, last = doc.sentences[0], doc.sentences[-1]
            tokens = segmenter.tokens(doc.text[first.start:last.end], first.start)
        else:
            tokens = segmenter.tokens(doc.text)
        starts = [t.start for t in tokens]
        self.views = [SentenceView(s, tokens[bisect_left(starts, s.start):bisect_left(starts, s.end)]
                                   if s.kind != "footer" else [])
                      for s in doc.sentences]
        self._first_index = doc.sentences[0].index if doc.sentences else 0
        self.mentions: list[Mention] = []  # and each view's own
        self.facts: list[Fact] = []
        # the organisers found so far of each event (by identity): rules ask for them per event,
        # and a scan of all facts each time is quadratic on a long text
        self.organizers: dict[int, set[tuple[str, str]]] = {}
        # Attributes found with a mention (a group's count, a person's title): stated at the
        # end for the mentions that are kept. mention → predicate → (value, span, rule)
        self.attributes: dict[Mention, dict[str, tuple[Value, tuple[int, int], str]]] = {}
        # State rules hand on (see each rule's `assigns`):
        self.masks: dict[int, list[tuple[int, int]]] = {}  # by sentence: bylines, no other rule reads them
        # The sequence labeller's words (kg.ner: names, times, parts of speech) by sentence, offsets
        # into the document's text; empty when the labeller is switched off (mention.ner.label)
        self.ner: dict[int, list[Word]] = {}
        self.bylines: set[Mention] = set()  # people and outlets of bylines: no agents of the text
        self.lists: dict[int, list[list[tuple[int, int]]]] = {}  # item spans of each list, by sentence
        self.destinations: set[tuple[int, int]] = set()  # places reached by 赴/前往/走进
        self.titles: dict[int, list[tuple[Mention, int, str]]] = {}  # by sentence: (person, title start, titles)
        self.launched: set[Mention] = set()  # events that are a founding told as a ceremony
        self.visits: set[Mention] = set()  # events that are a visit (赴X), named by no event noun
        self.focus_industries: set[Mention] = set()  # industries named after 聚焦/发展
        self.principal: Mention | None = None  # the agent the article reports on
        self.focus_alliance: Mention | None = None  # the alliance last named
        self.focus_event: Mention | None = None  # the event last named

    # ------------------------------------------------------------ mentions

    def add(self, start: int, end: int, cls: str, view: SentenceView, rule: str,
            label: str | None = None, subclass: str | None = None) -> Mention | None:
        """A mention of `cls` at [start, end), unless its label is too short or a byline holds it."""
        label = clean_label(label if label is not None else self.text[start:end])
        if len(label) < 2 or self.is_masked(view, start, end):
            return None
        return self.keep(Mention(start, end, cls, label, view.sentence.index, rule, subclass))

    def view_of(self, index: int) -> SentenceView:
        """The view of the sentence numbered `index` in the article."""
        return self.views[index - self._first_index]

    def keep(self, mention: Mention) -> Mention:
        self.mentions.append(mention)
        view = self.view_of(mention.sentence)
        view.mentions.append(mention)
        view.classes.setdefault(mention.cls, []).append(mention)
        return mention

    def replace_mentions(self, mentions: list[Mention]) -> None:
        """Keep only `mentions` (in this order, one per span and class), and what is said of them."""
        kept = {(m.start, m.end, m.cls): m for m in mentions}
        self.mentions = mentions
        for view in self.views:
            view.mentions, view.classes = [], {}
        for m in mentions:  # keep() without appending to self.mentions again
            view = self.view_of(m.sentence)
            view.mentions.append(m)
            view.classes.setdefault(m.cls, []).append(m)
        self.attributes = {m: v for m, v in self.attributes.items() if kept.get((m.start, m.end, m.cls)) is m}
        self.titles = {s: kept_titles for s, titles in self.titles.items()
                       if (kept_titles := [t for t in titles if kept.get((t[0].start, t[0].end, t[0].cls)) is t[0]])}

    def body_views(self) -> list[SentenceView]:
        return [v for v in self.views if v.sentence.kind in ("body", "headline")]

    def mask(self, view: SentenceView, start: int, end: int) -> None:
        self.masks.setdefault(view.sentence.index, []).append((start, end))

    def is_masked(self, view: SentenceView, start: int, end: int) -> bool:
        masked = self.masks.get(view.sentence.index)
        return masked is not None and any(s < end and start < e for s, e in masked)

    # --------------------------------------------------------------- facts

    def fact(self, subject: Mention, predicate: str, obj, view: SentenceView, rule: str,
             span: tuple[int, int] | None = None) -> None:
        if isinstance(obj, Mention):
            if obj is subject or (obj.cls == subject.cls and obj.label == subject.label):
                return
            # The evidence is what this sentence says: a mention from another
            # sentence (the principal agent, the event in focus) adds no span.
            index = view.sentence.index
            if obj.sentence != index:
                start, end = subject.start, subject.end
            elif subject.sentence != index:
                start, end = obj.start, obj.end
            else:
                start, end = min(subject.start, obj.start), max(subject.end, obj.end)
        else:
            start, end = span or subject.span
        self.facts.append(Fact(subject, predicate, obj, view.sentence.index, start, end, rule))
        if predicate == "organizer" and isinstance(obj, Mention):
            self.organizers.setdefault(id(subject), set()).add((obj.cls, obj.label))

    def article_fact(self, predicate: str, obj: Mention, view: SentenceView, rule: str) -> None:
        """A fact about the article itself (its author, its publisher)."""
        self.facts.append(Fact(ARTICLE_SUBJECT, predicate, obj, view.sentence.index, obj.start, obj.end, rule))

    def attribute(self, mention: Mention, predicate: str, value: Value, span: tuple[int, int], rule: str) -> None:
        """An attribute found with `mention`, stated at the end if the mention is kept."""
        self.attributes.setdefault(mention, {})[predicate] = (value, span, rule)

    def state_attributes(self) -> None:
        for mention, values in self.attributes.items():
            view = self.view_of(mention.sentence)
            for predicate, (value, span, rule) in values.items():
                self.fact(mention, predicate, value, view, rule, span)
