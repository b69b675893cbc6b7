"""kg.summary: the store's summary graph answers what the triples answer."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from test_store import SAMPLE_TRIG

from kg.store import PREFIX_MAP, add_ontology, merge_into_default
from kg.summary import SUMMARY_GRAPH, add_summary, summary_quads

# The same questions asked of the triples directly (how the named queries read before the summary).
DIRECT = {
    "classes": """
        SELECT ?class (COUNT(DISTINCT ?entity) AS ?n) WHERE {
          ?entity a ?class ; kg:mentionedIn ?article .
          FILTER(?class NOT IN (kg:Article, kg:Sentence, kg:Assertion))
        } GROUP BY ?class""",
    "rules": """
        SELECT ?rule ?property (COUNT(*) AS ?n) WHERE { ?a a kg:Assertion ; kg:rule ?rule ; rdf:predicate ?property }
        GROUP BY ?rule ?property""",
    "industries": """
        SELECT ?industry (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Enterprise ; kg:industry ?industry }
        GROUP BY ?industry""",
}

FROM_SUMMARY = {
    "classes": "SELECT ?class ?n WHERE { GRAPH <%s> { ?class kg:entityCount ?n } }",
    "rules": """SELECT ?rule ?property ?n WHERE { GRAPH <%s> {
                  ?u a kg:RuleUsage ; kg:rule ?rule ; kg:countedProperty ?property ; kg:statementCount ?n } }""",
    "industries": "SELECT ?industry ?n WHERE { GRAPH <%s> { ?industry kg:enterpriseCount ?n } }",
}


def sample_store(extra_trig: str = "") -> ox.Store:
    store = ox.Store()
    store.load((SAMPLE_TRIG + extra_trig).encode("utf-8"), format=ox.RdfFormat.TRIG)
    add_ontology(store)
    merge_into_default(store)
    add_summary(store)
    return store


def answer(store: ox.Store, query: str) -> set[tuple[str, ...]]:
    result = store.query(query, prefixes=PREFIX_MAP)
    names = [v.value for v in result.variables]
    return {tuple(row[n].value if row[n] is not None else None for n in names) for row in result}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return sample_store()


@pytest.mark.parametrize("question", sorted(DIRECT))
def test_summary_counts_equal_the_counts_over_the_triples(store, question):
    expected = answer(store, DIRECT[question])
    assert expected  # the sample has something to count
    assert answer(store, FROM_SUMMARY[question] % SUMMARY_GRAPH.value) == expected


def test_co_mentions_are_ranked_by_articles_from_one(store):
    pairs = answer(store, f"""
        SELECT ?rank ?n ?x ?y WHERE {{ GRAPH <{SUMMARY_GRAPH.value}> {{
          ?p a kg:CoMention ; kg:rank ?rank ; kg:articleCount ?n ; kg:firstAgent ?x ; kg:secondAgent ?y }} }}""")
    ranked = sorted((int(rank), int(n), x, y) for rank, n, x, y in pairs)
    assert [rank for rank, *_ in ranked] == list(range(1, len(ranked) + 1))
    counts = [n for _rank, n, _x, _y in ranked]
    assert counts == sorted(counts, reverse=True) and counts[0] >= 2
    # every pair is two organisations the same articles name, as often as the triples say
    for _rank, n, x, y in ranked:
        shared = answer(store, f"SELECT DISTINCT ?a WHERE {{ <{x}> kg:mentionedIn ?a . <{y}> kg:mentionedIn ?a }}")
        assert len(shared) == n


def test_timeline_ranks_follow_dates_with_undated_events_first(store):
    events = answer(store, f"""
        SELECT ?rank ?date WHERE {{ GRAPH <{SUMMARY_GRAPH.value}> {{ ?e kg:timelineRank ?rank }}
                                   OPTIONAL {{ ?e kg:date ?date }} }}""")
    assert events
    dates = [date for _rank, date in sorted(events, key=lambda e: int(e[0]))]
    undated = [d for d in dates if d is None]
    assert dates == undated + sorted(d for d in dates if d is not None)


def test_summary_is_computed_again_not_added_to(store):
    before = len(store)
    add_summary(store)
    add_summary(store)
    assert len(store) == before
    assert sorted(map(str, store.quads_for_pattern(None, None, None, SUMMARY_GRAPH))) == sorted(
        map(str, summary_quads(store)))


def test_a_new_article_changes_the_summary():
    more = """
    GRAPH kgr:article\\/t003 {
      kgr:enterprise\\/云帆科技 a kg:Enterprise ; rdfs:label "云帆科技"@zh ; kg:mentionedIn kgr:article\\/t003 .
      kgr:enterprise\\/新驰电子 a kg:Enterprise ; rdfs:label "新驰电子"@zh ; kg:mentionedIn kgr:article\\/t003 .
    }"""
    before = answer(sample_store(), FROM_SUMMARY["classes"] % SUMMARY_GRAPH.value)
    after = answer(sample_store(more), FROM_SUMMARY["classes"] % SUMMARY_GRAPH.value)
    enterprise = PREFIX_MAP["kg"] + "Enterprise"
    assert int(dict(after)[enterprise]) == int(dict(before)[enterprise]) + 1


def test_co_mention_pairs_are_the_most_shared_pairs_ties_by_label_then_iri(monkeypatch):
    """The counted pairs equal a plain count over the articles, in the documented order."""
    import random
    from collections import Counter

    from kg import summary

    monkeypatch.setattr(summary, "MAX_PAIRS", 15)
    monkeypatch.setattr(summary, "MAX_PAIRED_PER_ARTICLE", 5)
    rng = random.Random(3)
    # few labels for many agents, so that ties on the count and on the labels are common
    agents = [(f"http://example.org/agent/{i:02d}", f"名{rng.randrange(4)}") for i in range(12)]
    articles = {f"http://example.org/article/{a}": rng.sample(agents, rng.randrange(0, 8)) for a in range(40)}
    store = ox.Store()
    mentioned_in, label = (ox.NamedNode(str(PREFIX_MAP["kg"]) + "mentionedIn"),
                           ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"))
    enterprise = ox.NamedNode(str(PREFIX_MAP["kg"]) + "Enterprise")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for iri, name in agents:
        store.add(ox.Quad(ox.NamedNode(iri), rdf_type, enterprise))
        store.add(ox.Quad(ox.NamedNode(iri), label, ox.Literal(name, language="zh")))
    for article, named in articles.items():
        for iri, _name in named:
            store.add(ox.Quad(ox.NamedNode(iri), mentioned_in, ox.NamedNode(article)))

    labels = dict(agents)
    counted: Counter = Counter()
    for named in articles.values():
        if len(named) <= 5:
            iris = sorted(iri for iri, _ in named)
            counted.update((x, y) for i, x in enumerate(iris) for y in iris[i + 1:])
    expected = sorted(counted.items(), key=lambda item: (-item[1], labels[item[0][0]], labels[item[0][1]], *item[0]))
    got = [(n, x.value, y.value) for n, x, y in summary.co_mention_pairs(store)]
    assert got == [(n, x, y) for (x, y), n in expected[:15]]
    assert len({n for n, _x, _y in got}) < len(got)  # the sample does have ties to break
