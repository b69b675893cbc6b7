"""The project's vocabulary, as rdflib namespaces.

`KG` mirrors `ontology/kg.ttl` term for term (a test keeps the two in step), and
`_fail = True` makes a misspelt term an error instead of a silently minted IRI.
All prefixes are bound in one place: `bind_prefixes`.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

ONTOLOGY_IRI = URIRef("https://w3id.org/kg-news/ontology")
#: The store's graph of whole-graph counts and orderings (kg.summary).
SUMMARY_IRI = URIRef("https://w3id.org/kg-news/summary")
RESOURCE = Namespace("https://w3id.org/kg-news/id/")
ORG = Namespace("http://www.w3.org/ns/org#")


class KG(DefinedNamespace):
    """Terms of the kg ontology (ontology/kg.ttl)."""

    _NS = Namespace("https://w3id.org/kg-news/ontology#")
    _fail = True

    # classes
    Agent: URIRef
    Organization: URIRef
    DevelopmentZone: URIRef
    Alliance: URIRef
    Enterprise: URIRef
    TalentGroup: URIRef
    Person: URIRef
    Place: URIRef
    Industry: URIRef
    Event: URIRef
    TrainingEvent: URIRef
    MeetingEvent: URIRef
    CeremonyEvent: URIRef
    VisitEvent: URIRef
    Initiative: URIRef
    Campaign: URIRef
    Article: URIRef
    Sentence: URIRef
    Assertion: URIRef
    RuleUsage: URIRef
    CoMention: URIRef

    # object properties
    organizer: URIRef
    participant: URIRef
    location: URIRef
    establishedBy: URIRef
    memberOf: URIRef
    affiliation: URIRef
    worksFor: URIRef
    industry: URIRef
    dispatchedBy: URIRef
    engagedBy: URIRef
    partOf: URIRef
    author: URIRef
    contributor: URIRef
    editor: URIRef
    publisher: URIRef
    mentionedIn: URIRef
    sentence: URIRef
    article: URIRef

    # datatype properties
    count: URIRef
    countQualifier: URIRef
    countUnit: URIRef
    area: URIRef
    jobTitle: URIRef
    date: URIRef
    endDate: URIRef
    dateText: URIRef
    headline: URIRef
    datePublished: URIRef
    sourceFile: URIRef
    text: URIRef
    index: URIRef
    startOffset: URIRef
    endOffset: URIRef
    rule: URIRef
    role: URIRef
    graphDigest: URIRef  # written by kg push on the triple store (kg/push.py)

    # the store's summary graph (kg/summary.py)
    firstAgent: URIRef
    secondAgent: URIRef
    countedProperty: URIRef
    articleCount: URIRef
    statementCount: URIRef
    entityCount: URIRef
    enterpriseCount: URIRef
    rank: URIRef
    timelineRank: URIRef


PREFIXES = {
    "kg": KG._NS,
    "kgr": RESOURCE,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "schema": SDO,
    "org": ORG,
    "foaf": FOAF,
    "prov": PROV,
    "dcterms": DCTERMS,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes (and only those) on `graph`."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def ontology_dir() -> Path:
    """The folder holding the ontology, shapes, lexicons and named queries."""
    return Path(__file__).resolve().parent.parent / "ontology"


def sparql_prologue() -> str:
    """PREFIX lines for every bound prefix, for queries written without them."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
