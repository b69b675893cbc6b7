"""Extraction of mentions and facts from one normalized article, by the registered rules.

The rules (kg/rules/) are general for the genre (development-zone news) and read every
word they need from the lexicons (ontology/lexicon/); no rule knows a particular name.
ontology/pipeline.txt gives the one order they run in: mentions first, class by class,
then the discourse (principal agent), then facts sentence by sentence. Each fact keeps
its evidence span and the name of the rule that made it (`kg:rule`).

    extractor = Extractor(disable=["relation.participant"])   # a rule, or a group by prefix
    doc = extractor(doc)                                       # doc.mentions, doc.facts
    docs = extractor.extract_many(docs)                        # the same, the labeller batched over them
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.lexicon import Lexicon, load_lexicon, zone_key
from kg.model import Document
from kg.rules import load_rules
from kg.rules.context import ARTICLE_SUBJECT, Context
from kg.rules.registry import (
    DOCUMENT, EVERY_KIND, Batched, Gated, Rule, describe, load_order, needed_signals, select,
)
from kg.rules.words import Words
from kg.segment import Segmenter, default_segmenter

__all__ = ["ARTICLE_SUBJECT", "Extractor", "list_rules", "zone_key"]


class Extractor:
    """Finds mentions and facts in a `Document`; call it on each document.

    `disable` switches rules off by name or by group (`relation.participant`,
    `mention.`); an unknown name is a KgError. `order` is another pipeline file.
    """

    def __init__(self, lexicon: Lexicon | None = None, segmenter: Segmenter | None = None,
                 disable: Iterable[str] = (), order: Path | None = None):
        self.lex = lexicon or load_lexicon()
        self.segmenter = segmenter or default_segmenter()
        load_rules()
        self.order = load_order(order)
        self.lex.check_signals(needed_signals(self.order))
        self.rules = select(self.order, disable)
        self.words = Words(self.lex, self.segmenter)
        self.steps = _plan(self.rules, self.words)

    def __call__(self, doc: Document) -> Document:
        return self.extract_many([doc])[0]

    def extract_many(self, docs: list[Document]) -> list[Document]:
        """Extract several articles together: each step runs over all of them before the next,
        so a step that batches (`Batched`: the labeller) makes one call for all. Each article
        comes out as it would alone; rules keep no state from one article to the next.
        An article longer than SECTION_CHARS is extracted a section at a time (`sections`)."""
        self._extract_together([doc for doc in docs if len(doc.text) <= SECTION_CHARS])
        for doc in docs:
            if len(doc.text) > SECTION_CHARS:
                mentions, facts = [], []
                for part in sections(doc):
                    self._extract_together([part], section=True)
                    mentions += part.mentions
                    facts += part.facts
                doc.mentions, doc.facts = mentions, facts
        return docs

    def _extract_together(self, docs: list[Document], section: bool = False) -> None:
        contexts = [Context(doc, self.words, self.segmenter, section) for doc in docs]
        for step in self.steps:
            if isinstance(step, Batched):
                step.many(contexts)
            else:
                for ctx in contexts:
                    step(ctx)
        for doc, ctx in zip(docs, contexts):
            ctx.state_attributes()
            doc.mentions = ctx.mentions
            doc.facts = ctx.facts


#: An article longer than this many characters is extracted a section of whole sentences
#: at a time, so that what extraction holds at once (tokens, the labeller's words, each
#: sentence's view) is bounded by the section, not by the article: 1.9 million characters
#: held at once took about 0.7 GB. An article of the genre has a few thousand characters;
#: one of hundreds of thousands is a compilation, where the discourse (the agent reported
#: on, the alliance and the event in focus) may well start again with each section.
SECTION_CHARS = 100_000


def sections(doc: Document) -> Iterator[Document]:
    """`doc` as consecutive documents of whole sentences, each spanning at most SECTION_CHARS
    characters (or one longer sentence), with the article's text, offsets and sentence numbers."""
    part: list = []
    for sentence in doc.sentences:
        if part and sentence.end - part[0].start > SECTION_CHARS:
            yield replace(doc, sentences=part, mentions=[], facts=[])
            part = []
        part.append(sentence)
    if part:
        yield replace(doc, sentences=part, mentions=[], facts=[])


def list_rules(disable: Iterable[str] = (), order: Path | None = None) -> str:
    """The rules in the order they run, with what each reads and makes (`kg build --list-rules`)."""
    load_rules()
    rules = load_order(order)
    return describe(rules, select(rules, disable))


def _plan(rules: list[Rule], words: Words) -> list[Callable[[Context], None] | Batched]:
    """The steps that run `rules` in order: each document rule alone, consecutive sentence rules
    together in one pass over the sentences (each sentence through all of them in turn)."""
    steps: list[Callable[[Context], None] | Batched] = []
    batch: list[tuple[Rule, Callable | Gated]] = []
    for r in rules:
        component = r.make(words, r)
        if r.scope == DOCUMENT:
            if batch:
                steps.append(_sentence_pass(batch))
                batch = []
            steps.append(component)
        else:
            batch.append((r, component))
    if batch:
        steps.append(_sentence_pass(batch))
    return steps


def _sentence_pass(batch: list[tuple[Rule, Callable | Gated]]) -> Callable[[Context], None]:
    """One pass over the sentences; a rule is skipped where the sentence names none of the
    classes it needs (`Rule.naming`) or holds none of the words it starts from (`Gated`)."""
    entries = []
    for r, component in batch:
        run, words = (component.run, component.words) if isinstance(component, Gated) else (component, None)
        entries.append((r.kinds, run, words, r.naming or None))
    by_kind = {kind: [entry[1:] for entry in entries if kind in entry[0]] for kind in EVERY_KIND}

    def run_pass(ctx: Context) -> None:
        for view in ctx.views:
            for run, words, naming in by_kind.get(view.sentence.kind, ()):
                if (words is None or not words.isdisjoint(view.words)) \
                        and (naming is None or not naming.isdisjoint(view.classes)):
                    run(ctx, view)

    return run_pass
