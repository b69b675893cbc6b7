"""The store's summary graph: whole-graph counts and orderings, computed once.

Some questions a user asks of the whole graph are aggregations: how many
entities of each class, how many statements each extraction rule made, which
organisations are named together in the most articles, the events in date order,
how many enterprises each industry has. On a million triples Oxigraph needs 50 to
300 ms to answer them from the triples, every time. A built store is read-only,
so their answers are computed once, when the store is made (`add_summary`), and
kept in the named graph `<https://w3id.org/kg-news/summary>`:

    kg:Enterprise          kg:entityCount 6000 .                 # per class
    kgr:summary/rule/3     a kg:RuleUsage ; kg:rule "organizer:组织" ;
                           kg:countedProperty kg:organizer ; kg:statementCount 412 .
    kgr:summary/pair/1     a kg:CoMention ; kg:rank 1 ; kg:articleCount 37 ;
                           kg:firstAgent kgr:zone/… ; kg:secondAgent kgr:alliance/… .
    kgr:event/…            kg:timelineRank 1 .                   # position by date
    kgr:industry/…         kg:enterpriseCount 12 .

The named queries that ask these questions read the summary (a page of a ranked
list is a range of ranks), and join the few rows they return to the graph for
labels. The summary is derived data: exports leave it out, and every way of
making a store (`kg build`, `--graph FILE`) computes it again from the triples.
"""
from __future__ import annotations

import pyoxigraph as ox

from kg.vocab import KG, ONTOLOGY_IRI, RESOURCE, SUMMARY_IRI, sparql_prologue

SUMMARY_GRAPH = ox.NamedNode(str(SUMMARY_IRI))

_ONTOLOGY = f"<{ONTOLOGY_IRI}>"

#: Entities per class: the classes of the ontology, less the bookkeeping ones,
#: counting entities the articles mention.
CLASS_COUNTS = f"""
SELECT ?class (COUNT(?entity) AS ?n)
WHERE {{
  GRAPH {_ONTOLOGY} {{ ?class a owl:Class }}
  FILTER(?class NOT IN (kg:Assertion, kg:Sentence, kg:Article, kg:RuleUsage, kg:CoMention))
  ?entity a ?class .
  FILTER EXISTS {{ ?entity kg:mentionedIn [] }}
}}
GROUP BY ?class
"""

#: Statements per extraction rule and property (only kg:Assertion nodes carry kg:rule).
RULE_COUNTS = """
SELECT ?rule ?property (COUNT(*) AS ?n)
WHERE { ?assertion kg:rule ?rule ; rdf:predicate ?property }
GROUP BY ?rule ?property
"""

#: Pairs of organisations and the number of articles naming both; each
#: (entity, article) counted once before pairing.
CO_MENTIONS = """
SELECT ?x ?y (COUNT(*) AS ?n) (MIN(?xl) AS ?xLabel) (MIN(?yl) AS ?yLabel)
WHERE {
  {
    SELECT ?x ?y
    WHERE {
      { SELECT DISTINCT ?x ?article WHERE { VALUES ?c { kg:DevelopmentZone kg:Alliance kg:Enterprise kg:Organization }
                                           ?x a ?c ; kg:mentionedIn ?article } }
      { SELECT DISTINCT ?y ?article WHERE { VALUES ?c { kg:DevelopmentZone kg:Alliance kg:Enterprise kg:Organization }
                                           ?y a ?c ; kg:mentionedIn ?article } }
      FILTER(STR(?x) < STR(?y))
    }
  }
  OPTIONAL { ?x rdfs:label ?xl }
  OPTIONAL { ?y rdfs:label ?yl }
}
GROUP BY ?x ?y
"""

#: Every event (of any subclass of kg:Event) with its earliest date and a label.
EVENTS = f"""
SELECT ?e (MIN(?d) AS ?date) (MIN(?l) AS ?label)
WHERE {{
  GRAPH {_ONTOLOGY} {{ ?t rdfs:subClassOf* kg:Event }}
  ?e a ?t .
  OPTIONAL {{ ?e kg:date ?d }}
  OPTIONAL {{ ?e rdfs:label ?l }}
}}
GROUP BY ?e
"""

#: Enterprises per industry.
INDUSTRY_COUNTS = """
SELECT ?industry (COUNT(DISTINCT ?e) AS ?n)
WHERE { ?e kg:industry ?industry ; a kg:Enterprise }
GROUP BY ?industry
"""

_PROLOGUE = sparql_prologue()
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _term(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(KG[name]))


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=_INTEGER)


def _value(term) -> str:
    return term.value if term is not None else ""


def _rows(store: ox.Store, query: str):
    return store.query(_PROLOGUE + query)


def summary_quads(store: ox.Store) -> list[ox.Quad]:
    """The summary graph of `store`, whose default graph holds the merged articles."""
    quads: list[ox.Quad] = []

    def add(subject, predicate: str, obj) -> None:
        quads.append(ox.Quad(subject, _term(predicate), obj, SUMMARY_GRAPH))

    for row in _rows(store, CLASS_COUNTS):
        add(row["class"], "entityCount", _integer(int(row["n"].value)))

    rule_rows = sorted(_rows(store, RULE_COUNTS), key=lambda r: (r["rule"].value, r["property"].value))
    for i, row in enumerate(rule_rows, 1):
        usage = ox.NamedNode(f"{RESOURCE}summary/rule/{i}")
        quads.append(ox.Quad(usage, _TYPE, _term("RuleUsage"), SUMMARY_GRAPH))
        add(usage, "rule", row["rule"])
        add(usage, "countedProperty", row["property"])
        add(usage, "statementCount", _integer(int(row["n"].value)))

    # most articles first, then by the names, so that pages of the list are stable
    pairs = sorted(((int(r["n"].value), _value(r["xLabel"]), _value(r["yLabel"]), r["x"], r["y"])
                    for r in _rows(store, CO_MENTIONS)),
                   key=lambda p: (-p[0], p[1], p[2], p[3].value, p[4].value))
    for rank, (n, _xl, _yl, x, y) in enumerate(pairs, 1):
        pair = ox.NamedNode(f"{RESOURCE}summary/pair/{rank}")
        quads.append(ox.Quad(pair, _TYPE, _term("CoMention"), SUMMARY_GRAPH))
        add(pair, "rank", _integer(rank))
        add(pair, "articleCount", _integer(n))
        add(pair, "firstAgent", x)
        add(pair, "secondAgent", y)

    # events without a date first (as SPARQL orders unbound values), then by date and name
    events = sorted(((r["date"] is not None, _value(r["date"]), _value(r["label"]), r["e"])
                     for r in _rows(store, EVENTS)),
                    key=lambda e: (e[0], e[1], e[2], e[3].value))
    for rank, (_dated, _date, _label, event) in enumerate(events, 1):
        add(event, "timelineRank", _integer(rank))

    for row in _rows(store, INDUSTRY_COUNTS):
        add(row["industry"], "enterpriseCount", _integer(int(row["n"].value)))
    return quads


def add_summary(store: ox.Store) -> None:
    """(Re)compute the summary graph of `store` from its default graph."""
    if store.contains_named_graph(SUMMARY_GRAPH):
        store.remove_graph(SUMMARY_GRAPH)
    quads = summary_quads(store)
    if quads:
        store.extend(quads)
