"""The query store (kg.store): loading an rdflib dataset into Oxigraph and reading it back.

`SAMPLE_TRIG` is a small hand-written graph in the shape README "Graph shape"
describes (two articles, made-up names); test_query, test_export and
test_server import it from here.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, URIRef

from kg.errors import KgError
from kg.store import (
    ONTOLOGY_GRAPH,
    article_graphs,
    is_store,
    load_store,
    open_store,
    rdflib_quads,
    store_from_file,
)
from kg.summary import SUMMARY_GRAPH
from kg.vocab import ONTOLOGY_IRI

KG = "https://w3id.org/kg-news/ontology#"
KGR = "https://w3id.org/kg-news/id/"
A1 = f"{KGR}article/t001"
A2 = f"{KGR}article/t002"

SAMPLE_TRIG = """\
@prefix kg:   <https://w3id.org/kg-news/ontology#> .
@prefix kgr:  <https://w3id.org/kg-news/id/> .
@prefix rdf:  <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

kgr:article\\/t001 {
  kgr:article\\/t001 a kg:Article ;
      rdfs:label "t001" ;
      kg:headline "星河经济开发区举办青年骨干培训班"@zh ;
      kg:sourceFile "t001.txt" ;
      kg:datePublished "2024-03-05"^^xsd:date ;
      kg:author kgr:person\\/王小明 ;
      kg:contributor kgr:person\\/李芳 ;
      kg:editor kgr:person\\/赵强 ;
      kg:publisher kgr:organization\\/星河日报 .

  kgr:article\\/t001\\/s0 a kg:Sentence ;
      kg:article kgr:article\\/t001 ; kg:index 0 ;
      kg:text "3月1日，星河经济开发区组织云帆科技、青松制药的120余名青年骨干参加培训班。"@zh ;
      kg:startOffset 20 ; kg:endOffset 58 .
  kgr:article\\/t001\\/s1 a kg:Sentence ;
      kg:article kgr:article\\/t001 ; kg:index 1 ;
      kg:text "开发区党工委书记陈志远出席并讲话。"@zh ;
      kg:startOffset 58 ; kg:endOffset 75 .

  kgr:development-zone\\/星河经济开发区 a kg:DevelopmentZone ;
      rdfs:label "星河经济开发区"@zh ; skos:altLabel "星河开发区"@zh ;
      kg:mentionedIn kgr:article\\/t001 .
  kgr:enterprise\\/云帆科技 a kg:Enterprise ;
      rdfs:label "云帆科技"@zh ; kg:mentionedIn kgr:article\\/t001 ;
      kg:industry kgr:industry\\/人工智能 .
  kgr:enterprise\\/青松制药 a kg:Enterprise ;
      rdfs:label "青松制药"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:industry\\/人工智能 a kg:Industry ;
      rdfs:label "人工智能"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:t001\\/training-event\\/青年骨干培训班 a kg:TrainingEvent ;
      rdfs:label "青年骨干培训班"@zh ; kg:mentionedIn kgr:article\\/t001 ;
      kg:date "2024-03-01"^^xsd:date ;
      kg:organizer kgr:development-zone\\/星河经济开发区 ;
      kg:participant kgr:enterprise\\/云帆科技 , kgr:enterprise\\/青松制药 , kgr:t001\\/talent-group\\/青年骨干 ;
      kg:location kgr:place\\/星河会展中心 .
  kgr:place\\/星河会展中心 a kg:Place ;
      rdfs:label "星河会展中心"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:t001\\/talent-group\\/青年骨干 a kg:TalentGroup ;
      rdfs:label "青年骨干"@zh ; kg:mentionedIn kgr:article\\/t001 ;
      kg:count 120 ; kg:countQualifier "余" ; kg:countUnit "名" ;
      kg:affiliation kgr:enterprise\\/云帆科技 , kgr:enterprise\\/青松制药 .
  kgr:person\\/陈志远 a kg:Person ;
      rdfs:label "陈志远"@zh ; kg:mentionedIn kgr:article\\/t001 ;
      kg:jobTitle "党工委书记"@zh ;
      kg:worksFor kgr:development-zone\\/星河经济开发区 .
  kgr:person\\/王小明 a kg:Person ; rdfs:label "王小明"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:person\\/李芳 a kg:Person ; rdfs:label "李芳"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:person\\/赵强 a kg:Person ; rdfs:label "赵强"@zh ; kg:mentionedIn kgr:article\\/t001 .
  kgr:organization\\/星河日报 a kg:Organization ; rdfs:label "星河日报"@zh ; kg:mentionedIn kgr:article\\/t001 .

  kgr:article\\/t001\\/a\\/h01 a kg:Assertion ;
      rdf:subject kgr:t001\\/training-event\\/青年骨干培训班 ; rdf:predicate kg:organizer ;
      rdf:object kgr:development-zone\\/星河经济开发区 ;
      kg:sentence kgr:article\\/t001\\/s0 ; kg:article kgr:article\\/t001 ;
      kg:startOffset 25 ; kg:endOffset 36 ; kg:rule "organizer:组织" .
  kgr:article\\/t001\\/a\\/h02 a kg:Assertion ;
      rdf:subject kgr:t001\\/training-event\\/青年骨干培训班 ; rdf:predicate kg:participant ;
      rdf:object kgr:enterprise\\/云帆科技 ;
      kg:sentence kgr:article\\/t001\\/s0 ; kg:article kgr:article\\/t001 ;
      kg:startOffset 38 ; kg:endOffset 42 ; kg:rule "participant:参加" .
  kgr:article\\/t001\\/a\\/h03 a kg:Assertion ;
      rdf:subject kgr:t001\\/talent-group\\/青年骨干 ; rdf:predicate kg:count ;
      rdf:object 120 ;
      kg:sentence kgr:article\\/t001\\/s0 ; kg:article kgr:article\\/t001 ;
      kg:startOffset 48 ; kg:endOffset 52 ; kg:rule "count:数量词" .
  kgr:article\\/t001\\/a\\/h04 a kg:Assertion ;
      rdf:subject kgr:person\\/陈志远 ; rdf:predicate kg:jobTitle ;
      rdf:object "党工委书记"@zh ;
      kg:sentence kgr:article\\/t001\\/s1 ; kg:article kgr:article\\/t001 ;
      kg:startOffset 61 ; kg:endOffset 66 ; kg:rule "title:职务前置" .
}

kgr:article\\/t002 {
  kgr:article\\/t002 a kg:Article ;
      rdfs:label "t002" ;
      kg:headline "星河产业链党建联盟召开年度大会"@zh ;
      kg:sourceFile "t002.txt" ;
      kg:author kgr:person\\/王小明 .

  kgr:article\\/t002\\/s0 a kg:Sentence ;
      kg:article kgr:article\\/t002 ; kg:index 0 ;
      kg:text "星河产业链党建联盟由星河开发区牵头成立，云帆科技等成员单位参加年度大会。"@zh ;
      kg:startOffset 16 ; kg:endOffset 52 .

  kgr:development-zone\\/星河经济开发区 a kg:DevelopmentZone ;
      rdfs:label "星河经济开发区"@zh ; kg:mentionedIn kgr:article\\/t002 .
  kgr:alliance\\/星河产业链党建联盟 a kg:Alliance ;
      rdfs:label "星河产业链党建联盟"@zh ; kg:mentionedIn kgr:article\\/t002 ;
      kg:establishedBy kgr:development-zone\\/星河经济开发区 .
  kgr:enterprise\\/云帆科技 a kg:Enterprise ;
      rdfs:label "云帆科技"@zh ; kg:mentionedIn kgr:article\\/t002 ;
      kg:memberOf kgr:alliance\\/星河产业链党建联盟 .
  kgr:t002\\/meeting-event\\/年度大会 a kg:MeetingEvent ;
      rdfs:label "年度大会"@zh ; kg:mentionedIn kgr:article\\/t002 ;
      kg:dateText "日前"@zh ;
      kg:organizer kgr:alliance\\/星河产业链党建联盟 ;
      kg:participant kgr:enterprise\\/云帆科技 ;
      kg:partOf kgr:campaign\\/百日攻坚行动 .
  kgr:campaign\\/百日攻坚行动 a kg:Campaign ;
      rdfs:label "百日攻坚行动"@zh ; kg:mentionedIn kgr:article\\/t002 .
  kgr:person\\/王小明 a kg:Person ; rdfs:label "王小明"@zh ; kg:mentionedIn kgr:article\\/t002 .

  kgr:article\\/t002\\/a\\/h01 a kg:Assertion ;
      rdf:subject kgr:alliance\\/星河产业链党建联盟 ; rdf:predicate kg:establishedBy ;
      rdf:object kgr:development-zone\\/星河经济开发区 ;
      kg:sentence kgr:article\\/t002\\/s0 ; kg:article kgr:article\\/t002 ;
      kg:startOffset 16 ; kg:endOffset 36 ; kg:rule "established:牵头成立" .
  kgr:article\\/t002\\/a\\/h02 a kg:Assertion ;
      rdf:subject kgr:enterprise\\/云帆科技 ; rdf:predicate kg:memberOf ;
      rdf:object kgr:alliance\\/星河产业链党建联盟 ;
      kg:sentence kgr:article\\/t002\\/s0 ; kg:article kgr:article\\/t002 ;
      kg:startOffset 37 ; kg:endOffset 45 ; kg:rule "member:成员单位" .
}
"""


def sample_dataset() -> Dataset:
    dataset = Dataset()
    dataset.parse(data=SAMPLE_TRIG, format="trig")
    return dataset


def sample_quad_count() -> int:
    return len(ox.Dataset(ox.parse(SAMPLE_TRIG, format=ox.RdfFormat.TRIG)))


def write_sample(folder: Path) -> tuple[Path, Path]:
    """The sample as output/store and output/graph.trig under `folder`."""
    store_dir = load_store(sample_dataset(), folder / "store")
    trig = folder / "graph.trig"
    trig.write_text(SAMPLE_TRIG, encoding="utf-8")
    return store_dir, trig


@pytest.fixture()
def sample_store_dir(tmp_path: Path) -> Path:
    return load_store(sample_dataset(), tmp_path / "store")


def test_rdflib_quads_keep_graphs_and_literal_forms():
    quads = list(rdflib_quads(sample_dataset()))
    assert len(quads) == sample_quad_count()
    graphs = {q.graph_name for q in quads}
    assert graphs == {ox.NamedNode(A1), ox.NamedNode(A2)}
    objects = {q.object for q in quads}
    assert ox.Literal("星河开发区", language="zh") in objects
    assert ox.Literal("120", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")) in objects
    assert ox.Literal("t001") in objects


def test_load_store_holds_every_article_graph_the_ontology_and_the_summary(sample_store_dir: Path):
    assert is_store(sample_store_dir)
    store = open_store(sample_store_dir)
    names = set(store.named_graphs())
    assert names == {ox.NamedNode(A1), ox.NamedNode(A2), ONTOLOGY_GRAPH, SUMMARY_GRAPH}
    assert set(article_graphs(store)) == {ox.NamedNode(A1), ox.NamedNode(A2)}
    article_quads = sum(1 for q in store if q.graph_name not in (ONTOLOGY_GRAPH, SUMMARY_GRAPH, ox.DefaultGraph()))
    assert article_quads == sample_quad_count()
    # the ontology is its own graph and says what kg:Enterprise is called
    label = store.query(
        'SELECT ?l WHERE { GRAPH ?g { kg:Enterprise rdfs:label ?l FILTER(LANG(?l) = "zh") } }',
        prefixes={"kg": KG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    )
    rows = [(s["l"].value) for s in label]
    assert rows == ["企业"]
    assert str(ONTOLOGY_GRAPH.value) == str(ONTOLOGY_IRI)


def test_default_graph_is_the_merge_of_the_article_graphs_each_triple_once(sample_store_dir: Path):
    store = open_store(sample_store_dir)
    prefixes = {"kg": KG, "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "kgr": KGR}
    # 云帆科技's label is stated in both articles' graphs, yet counted once
    q = "SELECT (COUNT(*) AS ?n) WHERE { kgr:enterprise\\/云帆科技 rdfs:label ?l }"
    assert int(next(iter(store.query(q, prefixes=prefixes)))["n"].value) == 1
    q = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { kgr:enterprise\\/云帆科技 rdfs:label ?l } }"
    assert int(next(iter(store.query(q, prefixes=prefixes)))["n"].value) == 2
    q = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?e kg:mentionedIn ?a }"
    assert int(next(iter(store.query(q, prefixes=prefixes)))["n"].value) == 2
    # the ontology is kept apart, in its own graph
    assert not bool(store.query("ASK { kg:TrainingEvent rdfs:subClassOf kg:Event }", prefixes=prefixes))
    assert bool(store.query("ASK { GRAPH <%s> { kg:TrainingEvent rdfs:subClassOf kg:Event } }" % ONTOLOGY_IRI,
                            prefixes=prefixes))
    union = {(q.subject, q.predicate, q.object) for q in store
             if q.graph_name not in (ox.DefaultGraph(), ONTOLOGY_GRAPH, SUMMARY_GRAPH)}
    default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert union == default


def test_load_store_replaces_an_earlier_store(tmp_path: Path):
    target = tmp_path / "store"
    load_store(sample_dataset(), target)
    smaller = Dataset()
    g = smaller.graph(URIRef(A1))
    g.add((URIRef(A1), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(KG + "Article")))
    g.add((URIRef(A1), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("t001")))
    load_store(smaller, target)
    store = open_store(target)
    assert sum(1 for q in store.quads_for_pattern(None, None, None, ox.NamedNode(A1))) == 2
    assert not list(tmp_path.glob(".store.*")), "temporary folders are cleaned up"


def test_failed_load_keeps_the_previous_store(tmp_path: Path, monkeypatch):
    target = tmp_path / "store"
    load_store(sample_dataset(), target)

    def broken(_dataset):
        yield from ()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("kg.store.rdflib_quads", broken)
    with pytest.raises(RuntimeError):
        load_store(sample_dataset(), target)
    store = open_store(target)
    assert sum(1 for q in store if q.graph_name not in (ONTOLOGY_GRAPH, SUMMARY_GRAPH, ox.DefaultGraph())) == sample_quad_count()


def test_read_only_stores_can_be_opened_twice(sample_store_dir: Path):
    first, second = open_store(sample_store_dir), open_store(sample_store_dir)
    assert len(first) == len(second) > sample_quad_count()


def test_open_store_on_a_missing_folder_is_a_kg_error(tmp_path: Path):
    with pytest.raises(KgError, match="no query store"):
        open_store(tmp_path / "nowhere")


def test_store_from_file_parses_trig_and_adds_the_ontology(tmp_path: Path):
    trig = tmp_path / "g.trig"
    trig.write_text(SAMPLE_TRIG, encoding="utf-8")
    store = store_from_file(trig)
    assert ox.NamedNode(A1) in set(store.named_graphs())
    assert {ONTOLOGY_GRAPH, SUMMARY_GRAPH} <= set(store.named_graphs())
    bare = store_from_file(trig, with_ontology=False)
    named = sum(1 for q in bare if q.graph_name not in (ox.DefaultGraph(), SUMMARY_GRAPH))
    assert named == sample_quad_count()
    assert ONTOLOGY_GRAPH not in set(bare.named_graphs())
    as_it_is = store_from_file(trig, with_ontology=False, merge=False)
    assert set(as_it_is.named_graphs()) == {ox.NamedNode(A1), ox.NamedNode(A2)}


def test_store_from_file_reports_syntax_errors_in_one_line(tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(KgError, match="cannot parse") as info:
        store_from_file(bad)
    assert "\n" not in str(info.value)
    with pytest.raises(KgError, match="no such graph file"):
        store_from_file(tmp_path / "missing.ttl")


def _named_quads(store: ox.Store) -> set:
    """The store's quads without blank nodes (a parser may rename those)."""
    return {q for q in store if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}


def test_load_store_writes_a_snapshot_that_loads_into_memory_with_the_same_quads(sample_store_dir: Path):
    from kg.store import SNAPSHOT_NAME, has_snapshot, open_fast

    assert (sample_store_dir / SNAPSHOT_NAME).is_file() and has_snapshot(sample_store_dir)
    disk = open_store(sample_store_dir)
    memory = open_fast(sample_store_dir)
    assert len(memory) == len(disk)
    assert _named_quads(memory) == _named_quads(disk)
    assert set(memory.named_graphs()) == set(disk.named_graphs())
    # the in-memory copy is private: a change there never reaches the folder
    memory.add(ox.Quad(ox.NamedNode(A1), ox.NamedNode(KG + "headline"), ox.Literal("x"), ox.DefaultGraph()))
    assert len(open_fast(sample_store_dir)) == len(disk)


def test_open_fast_falls_back_to_the_on_disk_store_without_a_snapshot(sample_store_dir: Path):
    from kg.store import SNAPSHOT_NAME, has_snapshot, open_fast

    expected = len(open_store(sample_store_dir))
    (sample_store_dir / SNAPSHOT_NAME).unlink()
    assert not has_snapshot(sample_store_dir)
    store = open_fast(sample_store_dir)
    assert len(store) == expected
    with pytest.raises((OSError, RuntimeError)):  # the on-disk store, opened read-only
        store.add(ox.Quad(ox.NamedNode(A1), ox.NamedNode(KG + "headline"), ox.Literal("x"), ox.DefaultGraph()))


def test_a_broken_snapshot_is_a_kg_error(sample_store_dir: Path):
    from kg.store import SNAPSHOT_NAME, open_fast

    (sample_store_dir / SNAPSHOT_NAME).write_text("<a> <b> .\n", encoding="utf-8")
    with pytest.raises(KgError, match="run `kg build` again"):
        open_fast(sample_store_dir)


def test_write_store_from_quads_writes_the_snapshot_too(tmp_path: Path):
    from kg.store import open_fast, rdflib_quads, write_store_from_quads

    folder = write_store_from_quads(rdflib_quads(sample_dataset()), tmp_path / "store")
    assert _named_quads(open_fast(folder)) == _named_quads(open_store(folder))
