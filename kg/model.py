"""The objects that travel through the pipeline.

Offsets in `Mention` and `Fact` are in the *normalized* text of their document;
`Document.norm.to_original` maps them back to the original file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple, Union

from kg.normalize import NormalizedText

# Core classes, by the local names of ontology/kg.ttl.
ZONE, ALLIANCE, ENTERPRISE, ORGANIZATION = "DevelopmentZone", "Alliance", "Enterprise", "Organization"
GROUP, PERSON, PLACE, INDUSTRY = "TalentGroup", "Person", "Place", "Industry"
EVENT, INITIATIVE, CAMPAIGN, ARTICLE = "Event", "Initiative", "Campaign", "Article"
AGENT_CLASSES = frozenset({ZONE, ALLIANCE, ENTERPRISE, ORGANIZATION})


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a headline, caption, byline line) of a document."""

    index: int
    start: int
    end: int
    text: str
    kind: str = "body"  # body | headline | caption | byline | footer
    paragraph: int = 0


# Mention, Fact and Statement are named tuples: they are made, hashed and compared
# by the ten thousand, and a tuple does all three in C.

class Mention(NamedTuple):
    """A span of text naming an entity of one class."""

    start: int
    end: int
    cls: str
    label: str  # simplified, quotes removed: the entity's name as written here
    sentence: int
    rule: str
    subclass: str | None = None  # e.g. TrainingEvent for an Event

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


Value = Union[int, float, str, date]


class Fact(NamedTuple):
    """One extracted statement about mentions: a relation or an attribute.

    `obj` is a Mention for a relation and a plain value for an attribute.
    `start`/`end` is the evidence span (normalized offsets) inside `sentence`.
    """

    subject: Mention
    predicate: str  # local name of a kg: property
    obj: Union[Mention, Value]
    sentence: int
    start: int
    end: int
    rule: str


@dataclass
class Document:
    """One article: its text, normalized text, layout and what was found in it."""

    article_id: str
    path: Path
    norm: NormalizedText
    sentences: list[Sentence]
    headline: str | None = None
    publication_date: date | None = None
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    # Entity keys of `mentions`, in order, when a worker process already worked them out.
    entity_keys: list[str] | None = None

    @property
    def text(self) -> str:
        return self.norm.text


@dataclass(frozen=True)
class Entity:
    """A resolved entity: one node of the graph."""

    key: str  # IRI path below the resource namespace
    cls: str
    label: str
    alt_labels: tuple[str, ...] = ()
    subclass: str | None = None


class Statement(NamedTuple):
    """A triple about resolved entities with its evidence in one article."""

    subject: str  # entity key
    predicate: str  # local name of a kg: property, or "type"
    obj: Union[str, Value]  # entity key for relations
    is_relation: bool
    article_id: str
    sentence: int
    start: int  # original-text offsets of the evidence span
    end: int
    rule: str


class MentionKey(NamedTuple):
    """What one mention tells about its entity, in compact form: all that cross-article
    resolution needs (kg.resolve.EntityTable), so articles can be extracted apart."""

    key: str
    label: str
    cls: str
    subclass: str | None
    generic: bool  # a reference word (联盟, 开发区): names the entity only when nothing else does
    original: str | None  # the spelling in the original text, when it may serve as an alias


class SentenceSpan(NamedTuple):
    """A sentence as the graph records it: offsets and text of the original."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class ArticleRecord:
    """One article's share of the graph, compact: what its named graph is made from
    (kg.rdf.article_quads) and what it adds to cross-article resolution (`mentions`).

    It depends on no other article, so it is computed once per version of the article
    and cached; the rest of a build is put together from these records.
    """

    article_id: str
    source_name: str
    headline: str | None
    publication_date: date | None
    sentences: list[SentenceSpan]
    mentions: list[MentionKey]
    statements: list[Statement]

    @property
    def entity_keys(self) -> list[str]:
        """The entities this article mentions, each once, sorted."""
        return sorted({m.key for m in self.mentions})
