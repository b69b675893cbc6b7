"""Project the RDF graph onto a networkx graph of entities and their relations.

The RDF graph carries three layers: entities with their relations, the sentences
of each article, and one `kg:Assertion` per extracted triple that points back to
its sentence. Only the first layer is drawn; the other two are folded into
`evidence` lists on the nodes and edges they support, so the viewer and the
analytics never need to know about reification.

    nxg = to_networkx(graph)
    nxg.nodes[iri]["label"], nxg.nodes[iri]["class"], nxg.nodes[iri]["evidence"]
    nxg.nodes[iri]["count"], nxg.nodes[iri]["attribute_evidence"]["count"]
    for s, o, predicate, data in nxg.edges(keys=True, data=True): ...
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import unquote

import networkx as nx
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.vocab import KG, RESOURCE, ontology_dir

# Classes whose instances become nodes. The order breaks ties if a resource
# carries more than one core type (the pipeline gives one, hand-made graphs may not).
CORE_CLASSES: tuple[URIRef, ...] = (
    KG.DevelopmentZone, KG.Alliance, KG.Enterprise, KG.Organization, KG.TalentGroup,
    KG.Event, KG.Person, KG.Place, KG.Industry, KG.Initiative, KG.Campaign, KG.Article,
)
EVENT_SUBCLASSES: tuple[URIRef, ...] = (
    KG.TrainingEvent, KG.MeetingEvent, KG.CeremonyEvent, KG.VisitEvent,
)

# Node attribute names the projection sets itself; every other node attribute is
# a literal attribute named after its kg: property (count, date, jobTitle, ...).
RESERVED_NODE_KEYS = frozenset({
    "iri", "label", "alt_labels", "class", "subclass", "articles", "evidence", "attribute_evidence",
})

# Relations that say where an entity was read rather than how it relates to the
# world; views may hide them and measures leave them out (every entity of an
# article would otherwise hang off the article node).
CONTEXT_PREDICATES = frozenset({"mentionedIn"})

_KG_NS = str(KG._NS)


class Evidence(NamedTuple):
    """One sentence supporting a node or an edge, with where it comes from."""

    sentence: str
    article: str            # article IRI
    article_label: str
    start: int | None       # evidence span in the original text, 0-based
    end: int | None         # exclusive
    rule: str | None = None
    sentence_start: int | None = None  # where the sentence starts, to mark the span in it


def local_name(iri: str) -> str:
    """The part of an IRI after '#' or the last '/'."""
    iri = str(iri)
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[1]
    return iri


def is_kg_term(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(_KG_NS)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    """The project ontology, parsed once: labels of classes and properties."""
    graph = Graph()
    path = ontology_dir() / "kg.ttl"
    if path.exists():
        graph.parse(path, format="turtle")
    return graph


def term_labels(term: URIRef, graph: Graph | None = None) -> tuple[str, str]:
    """(Chinese label, English label) of an ontology term; local name as fallback."""
    zh = en = None
    for source in (graph, ontology_graph()):
        if source is None:
            continue
        for label in source.objects(term, RDFS.label):
            if isinstance(label, Literal):
                if label.language == "zh" and zh is None:
                    zh = str(label)
                elif label.language == "en" and en is None:
                    en = str(label)
    name = local_name(term)
    return zh or name, en or name


def _label_rank(label: Literal) -> int:
    """Chinese labels first, then labels without a language, then the rest."""
    lang = (label.language or "").lower()
    if lang == "zh" or lang.startswith("zh-"):
        return 0
    return 1 if not lang else 2


def _pick_label(graph: Graph, node: URIRef) -> str:
    """The display label: best rdfs:label, else kg:headline, else the IRI's last part."""
    labels = [l for l in graph.objects(node, RDFS.label) if isinstance(l, Literal)]
    if labels:
        return str(min(labels, key=lambda l: (_label_rank(l), str(l))))
    headline = graph.value(node, KG.headline)
    if headline is not None:
        return str(headline)
    return unquote(local_name(node))


def _python_value(literal: Literal):
    """A JSON-friendly Python value for a literal: int, float or str."""
    value = literal.toPython()
    if isinstance(value, bool):
        return str(literal)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Decimal)):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(literal)


def _core_class(types: set[URIRef]) -> tuple[str, str | None] | None:
    """(class, subclass) for a resource's rdf:types, or None if it is not an entity."""
    subclass = next((c for c in EVENT_SUBCLASSES if c in types), None)
    if subclass is not None:
        return "Event", local_name(subclass)
    for cls in CORE_CLASSES:
        if cls in types:
            return local_name(cls), None
    return None


def _int_or_none(term) -> int | None:
    if isinstance(term, Literal):
        try:
            return int(term.toPython())
        except (TypeError, ValueError):
            return None
    return None


def _collect_evidence(graph: Graph, article_labels: dict[str, str]):
    """Evidence per (subject, predicate, object) triple, from the kg:Assertion nodes."""
    found: dict[tuple, list[Evidence]] = defaultdict(list)
    for assertion in set(graph.subjects(RDF.subject, None)):
        subject = graph.value(assertion, RDF.subject)
        predicate = graph.value(assertion, RDF.predicate)
        obj = graph.value(assertion, RDF.object)
        if subject is None or predicate is None or obj is None:
            continue
        sentence = graph.value(assertion, KG.sentence)
        text = graph.value(sentence, KG.text) if sentence is not None else None
        article = graph.value(assertion, KG.article)
        if article is None and sentence is not None:
            article = graph.value(sentence, KG.article)
        sentence_start = _int_or_none(graph.value(sentence, KG.startOffset)) if sentence is not None else None
        start = _int_or_none(graph.value(assertion, KG.startOffset))
        end = _int_or_none(graph.value(assertion, KG.endOffset))
        if start is None and sentence is not None:
            start = sentence_start
            end = _int_or_none(graph.value(sentence, KG.endOffset))
        rule = graph.value(assertion, KG.rule)
        article_iri = str(article) if article is not None else ""
        if article_iri and article_iri not in article_labels:
            article_labels[article_iri] = _pick_label(graph, article)
        found[(subject, predicate, obj)].append(Evidence(
            sentence=str(text) if text is not None else "",
            article=article_iri,
            article_label=article_labels.get(article_iri, ""),
            start=start,
            end=end,
            rule=str(rule) if rule is not None else None,
            sentence_start=sentence_start,
        ))
    return found


def _sorted_evidence(items: list[Evidence]) -> list[Evidence]:
    unique = set(items)
    return sorted(unique, key=lambda e: (e.article, e.start if e.start is not None else -1,
                                         e.end if e.end is not None else -1, e.sentence, e.rule or ""))


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Entities as nodes, kg: relations between them as edges, each with its evidence.

    Nodes are keyed by IRI string; edges by the predicate's local name, so two
    different relations between the same pair stay two edges.
    """
    nxg = nx.MultiDiGraph()

    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and isinstance(cls, URIRef):
            types[subject].add(cls)
    classes = {s: c for s, t in types.items() if (c := _core_class(t)) is not None}

    article_labels = {str(s): _pick_label(graph, s) for s, (c, _) in classes.items() if c == "Article"}
    evidence = _collect_evidence(graph, article_labels)

    for node in sorted(classes, key=str):
        cls, subclass = classes[node]
        label = _pick_label(graph, node)
        alt_labels = sorted({str(l) for l in graph.objects(node, SKOS.altLabel)} - {label})
        attrs: dict = {
            "iri": str(node),
            "label": label,
            "alt_labels": alt_labels,
            "class": cls,
            "subclass": subclass,
            "articles": sorted(str(a) for a in graph.objects(node, KG.mentionedIn)),
        }
        node_evidence = []
        for type_iri in types[node]:
            node_evidence.extend(evidence.get((node, RDF.type, type_iri), ()))
        attrs["evidence"] = _sorted_evidence(node_evidence)

        literals: dict[str, list] = defaultdict(list)
        literal_evidence: dict[str, list[Evidence]] = defaultdict(list)
        for predicate, obj in graph.predicate_objects(node):
            if isinstance(obj, Literal) and is_kg_term(predicate):
                name = local_name(predicate)
                if name not in RESERVED_NODE_KEYS:
                    literals[name].append(_python_value(obj))
                    literal_evidence[name].extend(evidence.get((node, predicate, obj), ()))
        # where each attribute (count, date, job title ...) was read, by attribute name
        attrs["attribute_evidence"] = {name: _sorted_evidence(found)
                                       for name, found in sorted(literal_evidence.items()) if found}
        for name, values in sorted(literals.items()):
            values = sorted(set(values), key=lambda v: (str(type(v)), v))
            attrs[name] = values[0] if len(values) == 1 else values
        nxg.add_node(str(node), **attrs)

    label_cache: dict[URIRef, tuple[str, str]] = {}
    for subject in sorted(classes, key=str):
        for predicate, obj in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
            if obj not in classes or not is_kg_term(predicate):
                continue
            if predicate not in label_cache:
                label_cache[predicate] = term_labels(predicate, graph)
            label_zh, label_en = label_cache[predicate]
            name = local_name(predicate)
            nxg.add_edge(
                str(subject), str(obj), key=name,
                predicate=name,
                iri=str(predicate),
                label_zh=label_zh,
                label_en=label_en,
                evidence=_sorted_evidence(evidence.get((subject, predicate, obj), [])),
            )
    return nxg


#: A graph of at most this many triples (and at most the overview limit of nodes) is shown whole.
WHOLE_PAGE_TRIPLES = 200_000
#: For a graph shown as an overview: evidence (kg:Assertion nodes) kept in all, at most per
#: node (in store order), and per statement.
OVERVIEW_ASSERTIONS = 20_000
OVERVIEW_ASSERTIONS_PER_NODE = 20
OVERVIEW_ASSERTIONS_PER_TRIPLE = 3
#: Assertions looked at per node, as a multiple of those it may keep.
OVERVIEW_SCAN_FACTOR = 10


def page_graph(store_path, limit: int, triples: int) -> Graph:
    """What the page and GraphML show of the built store at `store_path` (of `triples`
    triples), as an rdflib graph.

    A graph of at most `limit` nodes (entities and articles) and WHOLE_PAGE_TRIPLES triples
    is taken whole: the merge of the article graphs. A bigger one is cut to an overview:
    the `limit` entities that the most articles name (zones, alliances and enterprises
    first, as the page's overview has them), with their triples and a bounded sample of
    the evidence for each, so the page and the time to make it do not grow with the corpus.
    """
    from kg.rdf import to_rdflib
    from kg.store import ENTITIES_GRAPH, article_graphs

    store = ox.Store.read_only(str(store_path))
    default = ox.DefaultGraph()
    classes = {}
    for q in store.quads_for_pattern(None, _OX_TYPE, None, ENTITIES_GRAPH):
        classes.setdefault(q.subject, q.object.value)
    if len(classes) + len(article_graphs(store)) <= limit and triples <= WHOLE_PAGE_TRIPLES:
        return to_rdflib(q.triple for q in store.quads_for_pattern(None, None, None, default))
    return to_rdflib(overview_triples(store, top_entities(store, classes, limit)))


def top_entities(store, classes: dict, limit: int) -> list:
    """The `limit` entities most articles name, zones, alliances and enterprises first."""
    from kg.summary import _rows

    named = {row["e"]: int(row["n"].value) for row in _rows(store, MENTION_COUNTS)}
    backbone = {str(KG.DevelopmentZone), str(KG.Alliance), str(KG.Enterprise)}
    order = sorted(classes, key=lambda e: (classes[e] not in backbone, -named.get(e, 0), e.value))
    return order[:limit]


MENTION_COUNTS = "SELECT ?e (COUNT(?a) AS ?n) WHERE { ?e kg:mentionedIn ?a } GROUP BY ?e"


def overview_triples(store, nodes: list) -> list:
    """The triples of `nodes`, a bounded sample of the assertions about each, with their
    sentences, and the labels of the articles they name (see `page_graph`)."""
    default = ox.DefaultGraph()
    shown = set(nodes)
    per_node = max(1, min(OVERVIEW_ASSERTIONS_PER_NODE, OVERVIEW_ASSERTIONS // max(1, len(nodes))))
    out = []
    articles, sentences = set(), set()
    for node in nodes:
        for q in store.quads_for_pattern(node, None, None, default):
            out.append(q.triple)
            if q.predicate == _OX_MENTIONED_IN:
                articles.add(q.object)
        per_triple: dict = defaultdict(int)
        kept = examined = 0
        for q in store.quads_for_pattern(None, _OX_SUBJECT, node, default):
            # a node named in thousands of articles states the same few triples again and again:
            # look at a bounded number of its assertions, not at all of them
            if kept >= per_node or examined >= per_node * OVERVIEW_SCAN_FACTOR:
                break
            examined += 1
            obj = _first_object(store, q.subject, _OX_OBJECT)
            if obj is None or (obj.value.startswith(_RESOURCE) and obj not in shown):
                continue  # evidence of an edge the overview does not draw
            stated = (_first_object(store, q.subject, _OX_PREDICATE), obj)
            per_triple[stated] += 1
            if per_triple[stated] > OVERVIEW_ASSERTIONS_PER_TRIPLE:
                continue
            assertion = [t.triple for t in store.quads_for_pattern(q.subject, None, None, default)]
            kept += 1
            out.extend(assertion)
            sentences.update(t.object for t in assertion if t.predicate == _OX_SENTENCE)
    for sentence in sentences:
        out.extend(q.triple for q in store.quads_for_pattern(sentence, None, None, default)
                   if q.predicate != _OX_TYPE)
    for article in articles:  # labels for the article list; not drawn as nodes (no type)
        out.extend(q.triple for q in store.quads_for_pattern(article, None, None, default)
                   if q.predicate in (_OX_LABEL, _OX_HEADLINE))
    return out


def _first_object(store, subject, predicate):
    """The object of one triple `subject predicate ?o` of the default graph, or None."""
    quad = next(iter(store.quads_for_pattern(subject, predicate, None, ox.DefaultGraph())), None)
    return None if quad is None else quad.object


_RESOURCE = str(RESOURCE)
_OX_TYPE, _OX_LABEL, _OX_SUBJECT, _OX_PREDICATE, _OX_OBJECT = (
    ox.NamedNode(str(t)) for t in (RDF.type, RDFS.label, RDF.subject, RDF.predicate, RDF.object))
_OX_MENTIONED_IN, _OX_SENTENCE, _OX_HEADLINE = (ox.NamedNode(str(t)) for t in (KG.mentionedIn, KG.sentence, KG.headline))
