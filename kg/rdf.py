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
from functools import lru_cache
from collections.abc import Iterable, Iterator
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
    return URIRef(iri_text(key))


def iri_text(key: str) -> str:
    return _RESOURCE + _IRI_UNSAFE.sub(lambda m: quote(m.group(), safe=""), key)


_RESOURCE = str(RESOURCE)


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


def _assertion_iri(article_id: str, *parts) -> str:
    digest = hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]
    return f"<{iri_text(f'{article_key(article_id)}/a/{digest}')}>"  # one per statement: not cached


def to_quads(docs: list[Document], resolved: Resolved) -> list[ox.Quad]:
    """Every article's named graph, then the entities' graph (see `article_quads`, `entity_quads`).

    Built as pyoxigraph terms (created in Rust, a fraction of the cost of rdflib's),
    which the Turtle writer and the store take as they are.
    """
    by_article: dict[str, list[Statement]] = {}
    for st in resolved.statements:
        by_article.setdefault(st.article_id, []).append(st)
    quads: list[ox.Quad] = []
    for doc in docs:
        record = article_record(doc, resolved.mention_keys.get(doc.article_id, []), by_article.get(doc.article_id, []))
        quads.extend(article_quads(record))
    quads.extend(entity_quads(resolved.entities.values()))
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


def article_quads(record: ArticleRecord) -> list[ox.Quad]:
    """One article's named graph `kgr:article/<id>` as quads (see `article_ntriples`)."""
    graph = ox.NamedNode(str(iri(article_key(record.article_id))))
    own, shared = article_ntriples(record)
    return [ox.Quad(t.subject, t.predicate, t.object, graph)
            for t in ox.parse((own + shared).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, lenient=True)]


def article_ntriple_parts(record: ArticleRecord) -> Iterator[tuple[bool, str]]:
    """One article's named graph as N-Triples, each triple once, in pieces: (own?, text).

    The graph holds the article, its sentences, what it mentions, and every statement
    it makes with its provenance. Nothing in it depends on another article, so an
    article's graph changes only when the article does; what does depend on all of them
    (the entities' labels) is in `entity_quads`.

    `own` are the triples about the article, its sentences and its assertions, which no
    other article can state; `shared` the rest (about entities, which other articles
    may state too). The text is written here directly rather than through term objects:
    on a corpus this is the bulk of a build's triples, and formatting them costs a
    fifth of making a pyoxigraph term for each.
    """
    article = _nt_iri(article_key(record.article_id))
    kg = _NT_KG
    yield True, f"{article} {_NT_TYPE} {kg['Article']} .\n"
    yield True, f"{article} {_NT_LABEL} {_nt_zh(record.headline or record.article_id)} .\n"
    if record.headline:
        yield True, f"{article} {kg['headline']} {_nt_zh(record.headline)} .\n"
    yield True, f"{article} {kg['sourceFile']} {_nt_literal(record.source_name)} .\n"
    if record.publication_date:
        yield True, f"{article} {kg['datePublished']} {_nt_literal(record.publication_date)} .\n"
    prefix = article_key(record.article_id)
    sentences = {}
    for s in record.sentences:
        node = sentences[s.index] = _nt_iri(f"{prefix}/s{s.index}")
        yield True, (f"{node} {_NT_TYPE} {kg['Sentence']} .\n{node} {kg['article']} {article} .\n"
                     f"{node} {kg['index']} {_nt_literal(s.index)} .\n{node} {kg['text']} {_nt_zh(s.text)} .\n"
                     f"{node} {kg['startOffset']} {_nt_literal(s.start)} .\n"
                     f"{node} {kg['endOffset']} {_nt_literal(s.end)} .\n")
    for key in record.entity_keys:
        yield False, f"{_nt_iri(key)} {kg['mentionedIn']} {article} .\n"
    stated: set[str] = set()  # each line once: the same statement read twice is one triple
    for st in record.statements:
        subject = _nt_iri(st.subject)
        if st.predicate == "type":
            predicate, obj = _NT_TYPE, kg[st.obj]
        else:
            predicate = kg[st.predicate]
            obj = _nt_iri(st.obj) if st.is_relation else _nt_literal(st.obj)
        triple = f"{subject} {predicate} {obj} .\n"
        if triple not in stated:
            stated.add(triple)
            yield subject == article, triple
        node = _assertion_iri(st.article_id, st.subject, st.predicate, st.obj, st.start, st.end, st.rule)
        if node in stated:
            continue
        stated.add(node)
        yield True, (f"{node} {_NT_TYPE} {kg['Assertion']} .\n{node} {_NT_SUBJECT} {subject} .\n"
                     f"{node} {_NT_PREDICATE} {predicate} .\n{node} {_NT_OBJECT} {obj} .\n"
                     f"{node} {kg['article']} {article} .\n")
        if st.sentence in sentences:
            yield True, f"{node} {kg['sentence']} {sentences[st.sentence]} .\n"
        yield True, (f"{node} {kg['startOffset']} {_nt_literal(st.start)} .\n"
                     f"{node} {kg['endOffset']} {_nt_literal(st.end)} .\n"
                     f"{node} {kg['rule']} {_nt_literal(st.rule)} .\n")


def article_ntriples(record: ArticleRecord) -> tuple[str, str]:
    """`article_ntriple_parts` joined: (own N-Triples, shared N-Triples)."""
    own: list[str] = []
    shared: list[str] = []
    for is_own, text in article_ntriple_parts(record):
        (own if is_own else shared).append(text)
    return "".join(own), "".join(shared)


class _KgTerms(dict):
    """`<kg:local>` in N-Triples form; a misspelt term fails here (KG is a closed namespace)."""

    def __missing__(self, local: str) -> str:
        text = self[local] = f"<{getattr(KG, local)}>"
        return text


_NT_KG = _KgTerms()
_NT_TYPE, _NT_LABEL, _NT_ALT_LABEL = f"<{RDF.type}>", f"<{RDFS.label}>", f"<{SKOS.altLabel}>"
_NT_SUBJECT, _NT_PREDICATE, _NT_OBJECT = f"<{RDF.subject}>", f"<{RDF.predicate}>", f"<{RDF.object}>"
_NT_INTEGER, _NT_DECIMAL, _NT_DATE = f"<{XSD.integer}>", f"<{XSD.decimal}>", f"<{XSD.date}>"
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@lru_cache(maxsize=100_000)
def _nt_iri(key: str) -> str:
    return f"<{iri_text(key)}>"


def _nt_string(text: str) -> str:
    return '"' + text.translate(_NT_ESCAPES) + '"'


def _nt_zh(text: str) -> str:
    return _nt_string(text) + "@zh"


def _nt_literal(value) -> str:
    """`literal(value)` in N-Triples form."""
    if isinstance(value, bool):
        return _nt_string(str(value))
    if isinstance(value, int):
        return f'"{value}"^^{_NT_INTEGER}'
    if isinstance(value, float):
        return f'"{literal(value)}"^^{_NT_DECIMAL}'
    if isinstance(value, date):
        return f'"{value.isoformat()}"^^{_NT_DATE}'
    return _nt_string(str(value))


def entity_quads(entities: Iterable[Entity]) -> list[ox.Quad]:
    """Each entity's class, label and aliases, in the graph `<https://w3id.org/kg-news/entities>`.

    They are chosen by majority over every article that names the entity, so they live
    apart from the article graphs: a new article can change them without touching the
    graph of any other article.
    """
    text = "".join(entity_ntriples(entity) for entity in entities).encode("utf-8")
    return [ox.Quad(t.subject, t.predicate, t.object, ENTITIES_GRAPH)
            for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES, lenient=True)]


def entity_ntriples(entity: Entity) -> str:
    """One entity's triples of the entities' graph, as N-Triples."""
    node = _nt_iri(entity.key)
    lines = [f"{node} {_NT_TYPE} {_NT_KG[entity.cls]} .\n"]
    if entity.subclass:
        lines.append(f"{node} {_NT_TYPE} {_NT_KG[entity.subclass]} .\n")
    lines.append(f"{node} {_NT_LABEL} {_nt_zh(entity.label)} .\n")
    lines.extend(f"{node} {_NT_ALT_LABEL} {_nt_zh(alt)} .\n" for alt in entity.alt_labels)
    return "".join(lines)


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
