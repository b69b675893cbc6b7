"""From resolved entities and statements to RDF.

Each article's triples go to its own named graph (`kgr:article/<id>`), so one
article can be queried or dropped on its own; Turtle output is their union.
Every extracted triple gets a `kg:Assertion` with its rule, evidence sentence
and character offsets in the original text.

The graph is made of pyoxigraph terms (`to_quads`): the store and the Turtle
writer take them as they are, and making them costs a tenth of what rdflib's
terms and in-memory store cost. rdflib, the API for the ontology, SHACL and the
HTML view, gets the union as a `Graph` (`to_rdflib`) when one is wanted.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import date
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef

from kg.model import ArticleRecord, Document, Entity, MentionKey, SentenceSpan, Statement
from kg.resolve import Resolved, article_key
from kg.store import ENTITIES_GRAPH, rdflib_quads
from kg.vocab import KG, PREFIXES, RESOURCE, bind_prefixes

# Characters an IRI may not hold (RFC 3987) or that would confuse a reader; the
# rest, Chinese included, stays readable.
_IRI_UNSAFE = re.compile(r'[ "<>{}|\\^`#?%\[\]\x00-\x1f]')


def iri(key: str) -> URIRef:
    """The resource IRI for an entity key such as `enterprise/青禾医药`."""
    return URIRef(str(RESOURCE) + _IRI_UNSAFE.sub(lambda m: quote(m.group(), safe=""), key))


def literal(value) -> Literal:
    if isinstance(value, bool):
        return Literal(str(value))
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(format(value, "g") if "e" not in format(value, "g") else repr(value), datatype=XSD.decimal)
    if isinstance(value, date):
        return Literal(value.isoformat(), datatype=XSD.date)
    return Literal(str(value))


def class_iri(local: str) -> URIRef:
    return getattr(KG, local)


def _assertion_iri(article_id: str, *parts) -> URIRef:
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
    return iri(f"{article_key(article_id)}/a/{digest}")


class _Terms:
    """pyoxigraph terms for the graph, with IRIs cached (entity keys repeat across statements)."""

    def __init__(self) -> None:
        self._iris: dict[str, ox.NamedNode] = {}
        self._kg: dict[str, ox.NamedNode] = {}

    def iri(self, key: str) -> ox.NamedNode:
        node = self._iris.get(key)
        if node is None:
            node = self._iris[key] = ox.NamedNode(str(iri(key)))
        return node

    def kg(self, local: str) -> ox.NamedNode:
        node = self._kg.get(local)
        if node is None:
            node = self._kg[local] = ox.NamedNode(str(getattr(KG, local)))  # a misspelt term fails here
        return node


def ox_literal(value) -> ox.Literal:
    """`literal(value)` as a pyoxigraph literal."""
    if isinstance(value, bool):
        return ox.Literal(str(value))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INTEGER)
    if isinstance(value, float):
        return ox.Literal(str(literal(value)), datatype=_DECIMAL)
    if isinstance(value, date):
        return ox.Literal(value.isoformat(), datatype=_DATE)
    return ox.Literal(str(value))


def zh(text: str) -> ox.Literal:
    return ox.Literal(text, language="zh")


_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
_ALT_LABEL = ox.NamedNode(str(SKOS.altLabel))
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(str(t)) for t in (RDF.subject, RDF.predicate, RDF.object))
_INTEGER, _DECIMAL, _DATE = (ox.NamedNode(str(t)) for t in (XSD.integer, XSD.decimal, XSD.date))


def to_quads(docs: list[Document], resolved: Resolved) -> list[ox.Quad]:
    """Every article's named graph, then the entities' graph (see `article_quads`, `entity_quads`).

    Built as pyoxigraph terms (created in Rust, a fraction of the cost of rdflib's),
    which the Turtle writer and the store take as they are.
    """
    terms = _Terms()
    by_article: dict[str, list[Statement]] = {}
    for st in resolved.statements:
        by_article.setdefault(st.article_id, []).append(st)
    quads: list[ox.Quad] = []
    for doc in docs:
        record = article_record(doc, resolved.mention_keys.get(doc.article_id, []), by_article.get(doc.article_id, []))
        quads.extend(article_quads(record, terms))
    quads.extend(entity_quads(resolved.entities.values(), terms))
    return quads


def article_record(doc: Document, mentions: list[MentionKey], statements: list[Statement]) -> ArticleRecord:
    """The compact share of one extracted and keyed article (see ArticleRecord)."""
    sentences = []
    for s in doc.sentences:
        a, b = doc.norm.to_original(s.start, s.end)
        sentences.append(SentenceSpan(s.index, a, b, doc.norm.original[a:b]))
    return ArticleRecord(article_id=doc.article_id, source_name=doc.path.name, headline=doc.headline,
                         publication_date=doc.publication_date, sentences=sentences, mentions=mentions,
                         statements=statements)


def article_quads(record: ArticleRecord, terms: _Terms | None = None) -> list[ox.Quad]:
    """One article's named graph `kgr:article/<id>`: the article, its sentences, what it
    mentions, and every statement it makes with its provenance.

    Nothing in it depends on another article, so an article's graph changes only when
    the article does; what does depend on all of them (the entities' labels) is in
    `entity_quads`.
    """
    terms = terms or _Terms()
    article = terms.iri(article_key(record.article_id))
    quads: list[ox.Quad] = []

    def add(s, p, o):
        quads.append(ox.Quad(s, p, o, article))

    add(article, _TYPE, terms.kg("Article"))
    add(article, _LABEL, zh(record.headline or record.article_id))
    if record.headline:
        add(article, terms.kg("headline"), zh(record.headline))
    add(article, terms.kg("sourceFile"), ox.Literal(record.source_name))
    if record.publication_date:
        add(article, terms.kg("datePublished"), ox_literal(record.publication_date))
    sentences = {}
    prefix = article_key(record.article_id)
    for s in record.sentences:
        node = terms.iri(f"{prefix}/s{s.index}")
        add(node, _TYPE, terms.kg("Sentence"))
        add(node, terms.kg("article"), article)
        add(node, terms.kg("index"), ox_literal(s.index))
        add(node, terms.kg("text"), zh(s.text))
        add(node, terms.kg("startOffset"), ox_literal(s.start))
        add(node, terms.kg("endOffset"), ox_literal(s.end))
        sentences[s.index] = node
    mentioned_in = terms.kg("mentionedIn")
    for key in record.entity_keys:
        add(terms.iri(key), mentioned_in, article)
    for st in record.statements:
        _statement(add, terms, st, article, sentences)
    return quads


def entity_quads(entities: Iterable[Entity], terms: _Terms | None = None) -> list[ox.Quad]:
    """Each entity's class, label and aliases, in the graph `<https://w3id.org/kg-news/entities>`.

    They are chosen by majority over every article that names the entity, so they live
    apart from the article graphs: a new article can change them without touching the
    graph of any other article.
    """
    terms = terms or _Terms()
    quads: list[ox.Quad] = []
    for entity in entities:
        node = terms.iri(entity.key)
        quads.append(ox.Quad(node, _TYPE, terms.kg(entity.cls), ENTITIES_GRAPH))
        if entity.subclass:
            quads.append(ox.Quad(node, _TYPE, terms.kg(entity.subclass), ENTITIES_GRAPH))
        quads.append(ox.Quad(node, _LABEL, zh(entity.label), ENTITIES_GRAPH))
        for alt in entity.alt_labels:
            quads.append(ox.Quad(node, _ALT_LABEL, zh(alt), ENTITIES_GRAPH))
    return quads


def article_own(quad: ox.Quad) -> bool:
    """Whether a quad of an article graph is about the article itself, its sentences or its
    assertions: such a triple is in no other article's graph."""
    graph = quad.graph_name.value
    subject = quad.subject.value
    return subject == graph or subject.startswith(graph + "/")


def _statement(add, terms: _Terms, st: Statement, article: ox.NamedNode,
               sentences: dict[int, ox.NamedNode]) -> None:
    subject = terms.iri(st.subject)
    if st.predicate == "type":
        predicate, obj = _TYPE, terms.kg(st.obj)
    else:
        predicate = terms.kg(st.predicate)
        obj = terms.iri(st.obj) if st.is_relation else ox_literal(st.obj)
    add(subject, predicate, obj)
    node = ox.NamedNode(str(_assertion_iri(st.article_id, st.subject, st.predicate, st.obj, st.start, st.end,
                                           st.rule)))
    add(node, _TYPE, terms.kg("Assertion"))
    add(node, _SUBJECT, subject)
    add(node, _PREDICATE, predicate)
    add(node, _OBJECT, obj)
    add(node, terms.kg("article"), article)
    if st.sentence in sentences:
        add(node, terms.kg("sentence"), sentences[st.sentence])
    add(node, terms.kg("startOffset"), ox_literal(st.start))
    add(node, terms.kg("endOffset"), ox_literal(st.end))
    add(node, terms.kg("rule"), ox.Literal(st.rule))


def union_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The articles' triples, each once however many articles state it, in Turtle's order.

    Sorted as N-Triples lines (subject, then predicate, then object), so that a
    subject's triples group and the same input always gives the same bytes.
    """
    return sorted({q.triple for q in quads}, key=str)


def turtle(triples: Iterable[ox.Triple]) -> bytes:
    """Turtle for `triples` in the order given (see `union_triples`), by Oxigraph's serializer."""
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def serialize_turtle(graph: Graph) -> bytes:
    """Turtle for an rdflib graph, byte for byte the same for the same triples."""
    return turtle(union_triples(rdflib_quads(graph)))


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    """A pyoxigraph term as rdflib's (an xsd:string literal stays a plain one)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype == _STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of `triples` (for the HTML view, GraphML and rdflib users)."""
    graph = bind_prefixes(Graph())
    cache: dict = {}  # entity IRIs and class terms repeat a lot

    def term(t):
        converted = cache.get(t)
        if converted is None:
            converted = cache[t] = rdflib_term(t)
        return converted

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph) for t in triples)
    return graph


_STRING = ox.NamedNode(str(XSD.string))
