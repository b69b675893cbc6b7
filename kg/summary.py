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

#: Which organisations each article names (each pair once), and their labels: the
#: pairs named together are counted from these in Python (see `co_mention_pairs`).
AGENT_ARTICLES = """
SELECT DISTINCT ?x ?article
WHERE { VALUES ?c { kg:DevelopmentZone kg:Alliance kg:Enterprise kg:Organization } ?x a ?c ; kg:mentionedIn ?article }
"""
AGENT_LABELS = """
SELECT ?x (MIN(?l) AS ?label)
WHERE { VALUES ?c { kg:DevelopmentZone kg:Alliance kg:Enterprise kg:Organization } ?x a ?c ; rdfs:label ?l }
GROUP BY ?x
"""

#: An article naming more organisations than this is a list (a directory, a roll of
#: members), not a report of who worked with whom: its names are not paired, which
#: also keeps the count linear in the input (n names would make n²/2 pairs).
MAX_PAIRED_PER_ARTICLE = 100
#: The ranked list keeps this many pairs, most articles first.
MAX_PAIRS = 10_000

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

    for rank, (n, x, y) in enumerate(co_mention_pairs(store), 1):
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


def co_mention_pairs(store: ox.Store) -> list[tuple[int, ox.NamedNode, ox.NamedNode]]:
    """(articles naming both, x, y) for pairs of organisations, the MAX_PAIRS most named together.

    Ranked by articles, then by the two labels and IRIs, so that pages of the list are stable.
    Articles naming more than MAX_PAIRED_PER_ARTICLE organisations pair none of them.
    Pairs are counted as integer codes in numpy arrays: ten thousand articles make
    millions of pairs, which as Python tuples in a Counter would take most of a gigabyte.
    """
    import numpy as np

    agent_ids: dict[str, int] = {}
    article_ids: dict[str, int] = {}
    agent_of, article_of = [], []
    for row in _rows(store, AGENT_ARTICLES):
        agent_of.append(agent_ids.setdefault(row["x"].value, len(agent_ids)))
        article_of.append(article_ids.setdefault(row["article"].value, len(article_ids)))
    if not agent_of:
        return []
    iris = sorted(agent_ids, key=agent_ids.__getitem__)
    # number the agents in the order of their IRIs, so that x < y within a pair as strings too
    by_iri = np.empty(len(iris), dtype=np.int64)
    by_iri[np.array(sorted(range(len(iris)), key=iris.__getitem__), dtype=np.int64)] = np.arange(len(iris))
    agents = by_iri[np.array(agent_of, dtype=np.int64)]
    articles = np.array(article_of, dtype=np.int64)
    del agent_of, article_of, article_ids
    order = np.lexsort((agents, articles))
    agents, articles = agents[order], articles[order]
    starts = np.flatnonzero(np.r_[True, articles[1:] != articles[:-1]])
    ends = np.r_[starts[1:], len(articles)]
    n = len(iris)
    codes = []
    for start, end in zip(starts.tolist(), ends.tolist()):
        if 2 <= end - start <= MAX_PAIRED_PER_ARTICLE:
            first, second = np.triu_indices(end - start, 1)
            named = agents[start:end]
            codes.append(named[first] * n + named[second])
    if not codes:
        return []
    pairs, counts = np.unique(np.concatenate(codes), return_counts=True)
    del codes
    xs, ys = pairs // n, pairs % n
    iri_of_rank = sorted(iris)
    labels = {row["x"].value: _value(row["label"]) for row in _rows(store, AGENT_LABELS)}
    label_rank = {label: i for i, label in enumerate(sorted({labels.get(iri, "") for iri in iri_of_rank}))}
    rank_of_label = np.array([label_rank[labels.get(iri, "")] for iri in iri_of_rank], dtype=np.int64)
    ranked = np.lexsort((ys, xs, rank_of_label[ys], rank_of_label[xs], -counts))[:MAX_PAIRS]
    return [(int(counts[i]), ox.NamedNode(iri_of_rank[xs[i]]), ox.NamedNode(iri_of_rank[ys[i]]))
            for i in ranked.tolist()]


def add_summary(store: ox.Store) -> None:
    """(Re)compute the summary graph of `store` from its default graph."""
    if store.contains_named_graph(SUMMARY_GRAPH):
        store.remove_graph(SUMMARY_GRAPH)
    quads = summary_quads(store)
    if quads:
        store.extend(quads)
