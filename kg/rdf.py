"""From resolved entities and statements to RDF.

Each article's triples go to its own named graph (`kgr:article/<id>`), so one
article can be queried or dropped on its own; Turtle output is their union.
Every extracted triple gets a `kg:Assertion` with its rule, evidence sentence
and character offsets in the original text.
"""
from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import quote

import pyoxigraph
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef

from kg.model import Document, Entity, Statement
from kg.resolve import Resolved, article_key
from kg.vocab import KG, PREFIXES, RESOURCE, bind_prefixes

# Characters an IRI may not hold (RFC 3987) or that would confuse a reader; the
# rest, Chinese included, stays readable.
_IRI_UNSAFE = set(' "<>{}|\\^`#?%[]') | {chr(c) for c in range(0x20)}


def iri(key: str) -> URIRef:
    """The resource IRI for an entity key such as `enterprise/青禾医药`."""
    safe = "".join(quote(ch, safe="") if ch in _IRI_UNSAFE else ch for ch in key)
    return URIRef(str(RESOURCE) + safe)


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


def to_dataset(docs: list[Document], resolved: Resolved) -> Dataset:
    """One named graph per article, with entities, relations, attributes and provenance."""
    ds = bind_prefixes(Dataset())
    by_article: dict[str, list[Statement]] = {}
    for st in resolved.statements:
        by_article.setdefault(st.article_id, []).append(st)
    mentioned: dict[str, set[str]] = {}
    for key, ms in resolved.mentions.items():
        for article_id, _ in ms:
            mentioned.setdefault(article_id, set()).add(key)
    for doc in docs:
        graph = ds.graph(iri(article_key(doc.article_id)))
        article = iri(article_key(doc.article_id))
        _article(graph, doc, article)
        sentences = _sentences(graph, doc, article)
        for key in sorted(mentioned.get(doc.article_id, ())):
            _entity(graph, resolved.entities[key], article)
        for st in by_article.get(doc.article_id, []):
            _statement(graph, st, article, sentences)
    return ds


def _article(graph: Graph, doc: Document, article: URIRef) -> None:
    graph.add((article, RDF.type, KG.Article))
    graph.add((article, RDFS.label, Literal(doc.headline or doc.article_id, lang="zh")))
    if doc.headline:
        graph.add((article, KG.headline, Literal(doc.headline, lang="zh")))
    graph.add((article, KG.sourceFile, Literal(doc.path.name)))
    if doc.publication_date:
        graph.add((article, KG.datePublished, literal(doc.publication_date)))


def _sentences(graph: Graph, doc: Document, article: URIRef) -> dict[int, URIRef]:
    nodes = {}
    for s in doc.sentences:
        node = iri(f"{article_key(doc.article_id)}/s{s.index}")
        a, b = doc.norm.to_original(s.start, s.end)
        graph.add((node, RDF.type, KG.Sentence))
        graph.add((node, KG.article, article))
        graph.add((node, KG.index, literal(s.index)))
        graph.add((node, KG.text, Literal(doc.norm.original[a:b], lang="zh")))
        graph.add((node, KG.startOffset, literal(a)))
        graph.add((node, KG.endOffset, literal(b)))
        nodes[s.index] = node
    return nodes


def _entity(graph: Graph, entity: Entity, article: URIRef) -> None:
    node = iri(entity.key)
    graph.add((node, RDF.type, class_iri(entity.cls)))
    if entity.subclass:
        graph.add((node, RDF.type, class_iri(entity.subclass)))
    graph.add((node, RDFS.label, Literal(entity.label, lang="zh")))
    for alt in entity.alt_labels:
        graph.add((node, SKOS.altLabel, Literal(alt, lang="zh")))
    graph.add((node, KG.mentionedIn, article))


def _statement(graph: Graph, st: Statement, article: URIRef, sentences: dict[int, URIRef]) -> None:
    subject = iri(st.subject)
    if st.predicate == "type":
        predicate, obj = RDF.type, class_iri(st.obj)
    else:
        predicate = getattr(KG, st.predicate)
        obj = iri(st.obj) if st.is_relation else literal(st.obj)
    graph.add((subject, predicate, obj))
    node = _assertion_iri(st.article_id, st.subject, st.predicate, st.obj, st.start, st.end, st.rule)
    graph.add((node, RDF.type, KG.Assertion))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, KG.article, article))
    if st.sentence in sentences:
        graph.add((node, KG.sentence, sentences[st.sentence]))
    graph.add((node, KG.startOffset, literal(st.start)))
    graph.add((node, KG.endOffset, literal(st.end)))
    graph.add((node, KG.rule, Literal(st.rule)))


def union_graph(ds: Dataset) -> Graph:
    """All articles' triples in one graph (what graph.ttl holds)."""
    graph = bind_prefixes(Graph())
    # A set first: the same triple in several article graphs is added once, and
    # addN skips the per-triple event machinery of Graph.add.
    triples = {(s, p, o) for g in ds.graphs() for s, p, o in g if g.identifier != ds.default_graph.identifier}
    triples |= set(ds.default_graph)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


def serialize_turtle(graph: Graph) -> bytes:
    """Turtle, byte for byte the same for the same triples.

    Triples are sorted (so subjects group and runs repeat exactly) and written by
    Oxigraph's serializer, about twenty times faster than rdflib's on large graphs.
    """
    rows = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), t[2].n3()))
    triples = (pyoxigraph.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in rows)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes)


def _ox(term):
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    return pyoxigraph.BlankNode(str(term))
