"""kg.rdf: Turtle round trips, determinism, provenance, IRI escaping and SHACL conformance."""
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.pipeline import build
from kg.rdf import iri, literal, serialize_turtle
from kg.store import ENTITIES_GRAPH
from kg.vocab import KG, RESOURCE, ontology_dir

ROOT = Path(__file__).resolve().parent.parent

# Traditional characters, a pinyin gloss and full-width punctuation, so that original
# offsets differ from normalized ones.
ARTICLE = (
    "青川經開(kāi)區(qū)舉辦青年人才專題培訓班\n"
    "（記者 林曉東 通訊員 周一鳴）\n"
    "7月1日上午，青川經濟技術開發區舉辦青年人才專題培訓班，青禾科技、遠瀾生物、海嵐電子等12家企業的高層次人才參加培訓。\n"
    "今年以來，青川經開區黨工委選派20名黨建指導員深入企業，幫助企業解決實際困難。\n"
    "6月18日，青川經開區成立新能源汽車產業聯盟，首批吸納成員企業30家。\n"
    "近日，青川經開區組織50餘名青年人才赴江寧高新區參觀學習，感受創新氛圍。\n"
    "青禾科技有限公司總經理張明遠說，公司將繼續加大研發投入。\n"
    "編輯：王小紅\n"
    "來源：青川日報\n"
)
SECOND = (
    "青川经开区召开人才工作座谈会\n"
    "6月18日,青川经开区召开人才工作座谈会,区内企业代表参加会议。\n"
)

ENTITY_CLASSES = {getattr(KG, c) for c in (
    "DevelopmentZone", "Alliance", "Enterprise", "Organization", "TalentGroup", "Person", "Place",
    "Industry", "Event", "Initiative", "Campaign")}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(SECOND, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def result(folder):
    return build([folder], publication_date="2024-08-01")


@pytest.fixture(scope="module")
def graph(result):
    return result.graph


def test_round_trip_through_rdflib_and_oxigraph(graph):
    data = serialize_turtle(graph)
    assert data.decode("utf-8")
    parsed = Graph().parse(data=data, format="turtle")
    assert len(parsed) == len(graph)
    oxi = list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(oxi) == len(graph)
    assert set(parsed) == set(graph)  # no blank nodes: triples compare directly


def test_building_twice_gives_identical_turtle(folder, result):
    again = build([folder], publication_date="2024-08-01")
    assert serialize_turtle(again.graph) == serialize_turtle(result.graph)


def test_identical_turtle_across_processes(folder):
    """Hash randomisation must not reach the output."""
    code = ("import sys; from kg.pipeline import build; from kg.rdf import serialize_turtle; "
            "sys.stdout.buffer.write(serialize_turtle(build([sys.argv[1]], publication_date='2024-08-01').graph))")
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        done = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, env=env, timeout=300)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]


def test_quads_have_a_named_graph_per_article_and_turtle_is_their_union(result):
    names = {q.graph_name.value for q in result.quads}
    assert names == {str(RESOURCE) + "article/a", str(RESOURCE) + "article/b", ENTITIES_GRAPH.value}
    # labels depend on every article, so they are in the entities' graph only
    labels = {q.graph_name for q in result.quads if q.predicate.value == str(RDFS.label)
              and not q.subject.value.startswith(str(RESOURCE) + "article/")}
    assert labels == {ENTITIES_GRAPH}
    # a triple both articles state (a zone's class) is in both graphs, once in the union
    per_graph = Counter(q.triple for q in result.quads)
    shared = [t for t, n in per_graph.items() if n == 2]
    assert shared
    assert len(result.triples) == len(per_graph) == len(result.graph)
    assert set(result.triples) == set(per_graph)


def assertions_for(graph, s, p, o):
    found = set(graph.subjects(RDF.subject, s)) & set(graph.subjects(RDF.predicate, p)) & set(graph.subjects(RDF.object, o))
    return [a for a in found if (a, RDF.type, KG.Assertion) in graph]


def test_every_extracted_triple_has_provenance_inside_its_sentence(graph, folder):
    originals = {str(RESOURCE) + "article/a": (folder / "a.txt").read_text(encoding="utf-8"),
                 str(RESOURCE) + "article/b": (folder / "b.txt").read_text(encoding="utf-8")}
    entities = {s for s, o in graph.subject_objects(RDF.type) if o in ENTITY_CLASSES}
    articles = set(graph.subjects(RDF.type, KG.Article))
    skip = {RDF.type, RDFS.label, SKOS.altLabel, KG.mentionedIn}
    checked = relations = 0
    for s, p, o in graph:
        if s not in entities and s not in articles:
            continue
        if p in skip or (s in articles and p in (KG.headline, KG.sourceFile, KG.datePublished)):
            continue
        evidence = assertions_for(graph, s, p, o)
        assert evidence, f"no kg:Assertion for {s} {p} {o}"
        for a in evidence:
            start, end = graph.value(a, KG.startOffset).toPython(), graph.value(a, KG.endOffset).toPython()
            sentence = graph.value(a, KG.sentence)
            s_start = graph.value(sentence, KG.startOffset).toPython()
            s_end = graph.value(sentence, KG.endOffset).toPython()
            text = originals[str(graph.value(a, KG.article))]
            assert s_start <= start < end <= s_end, (s, p, o, start, end, s_start, s_end)
            assert str(graph.value(sentence, KG.text)) == text[s_start:s_end]
            assert text[start:end].strip()
            assert graph.value(a, KG.rule)
        checked += 1
        relations += o in entities
    assert checked > 20 and relations > 5


def test_type_assertions_point_at_mentions(graph, folder):
    text = (folder / "a.txt").read_text(encoding="utf-8")
    zone = iri("zone/青川经开区")
    typed = assertions_for(graph, zone, RDF.type, KG.DevelopmentZone)
    assert typed
    spans = {text[graph.value(a, KG.startOffset).toPython():graph.value(a, KG.endOffset).toPython()] for a in typed}
    assert "青川經開(kāi)區(qū)" in spans or "青川經開區" in spans
    assert "青川經濟技術開發區" in spans


def test_entities_have_one_chinese_label(graph):
    for s, o in graph.subject_objects(RDF.type):
        if o in ENTITY_CLASSES:
            labels = list(graph.objects(s, RDFS.label))
            assert len(labels) == 1 and labels[0].language == "zh", s


def test_attribute_literals_are_typed(graph):
    group = iri("a/group/50余名青年人才")
    assert graph.value(group, KG.count) == Literal(50, datatype=XSD.integer)
    assert str(graph.value(group, KG.countQualifier)) == "余"
    dates = list(graph.objects(None, KG.date))
    assert dates and all(d.datatype == XSD.date for d in dates)


@pytest.mark.parametrize("key", [
    'enterprise/青禾 科技', 'enterprise/"青禾"科技', "organization/a<b>c", "place/x#y?z%", "industry/a{b}|c^d`e\\f",
    "person/tab\there", "event/[1]",
])
def test_unsafe_characters_are_escaped(key):
    node = iri(key)
    text = str(node)
    assert text.startswith(str(RESOURCE))
    assert not set(text[len(str(RESOURCE)):]) & set(' "<>{}|\\^`#?[]\t')
    graph = Graph()
    graph.add((node, RDFS.label, Literal("x", lang="zh")))
    data = graph.serialize(format="turtle", encoding="utf-8")
    assert Graph().parse(data=data, format="turtle").value(node, RDFS.label) == Literal("x", lang="zh")
    assert len(list(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))) == 1
    nt = graph.serialize(format="nt", encoding="utf-8")
    assert len(list(pyoxigraph.parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES))) == 1


def test_chinese_stays_readable_in_iris():
    assert str(iri("zone/青川经开区")) == str(RESOURCE) + "zone/青川经开区"
    assert iri("a b") != iri("a%20b") or str(iri("a b")).endswith("a%20b")


@pytest.mark.parametrize("value, datatype", [(3, XSD.integer), (1200.5, XSD.decimal), (800.0, XSD.decimal)])
def test_literal_datatypes(value, datatype):
    assert literal(value).datatype == datatype


# ------------------------------------------------------------------ SHACL

@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(ontology_dir() / "shapes.ttl")


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ontology_dir() / "kg.ttl")


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_build_conforms_to_shapes(graph, shapes, ontology, inference):
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference=inference)
    assert conforms, report


def broken(graph, change):
    g = Graph()
    for t in graph:
        g.add(t)
    change(g)
    return g


def _first(graph, cls):
    return sorted(graph.subjects(RDF.type, cls))[0]


def _count_as_string(g):
    s = iri("a/group/50余名青年人才")
    g.remove((s, KG.count, None))
    g.add((s, KG.count, Literal("50")))


def _bad_qualifier(g):
    g.add((iri("a/group/50余名青年人才"), KG.countQualifier, Literal("很多")))


def _two_labels(g):
    g.add((iri("zone/青川经开区"), RDFS.label, Literal("另一个名字", lang="zh")))


def _english_label(g):
    s = iri("zone/青川经开区")
    g.remove((s, RDFS.label, None))
    g.add((s, RDFS.label, Literal("Qingchuan zone", lang="en")))


def _works_for_a_person(g):
    g.add((iri("person/张明远"), KG.worksFor, iri("person/林晓东")))


def _industry_not_industry(g):
    g.add((iri("alliance/新能源汽车产业联盟"), KG.industry, iri("zone/青川经开区")))


def _author_not_person(g):
    g.add((iri("article/a"), KG.author, iri("zone/青川经开区")))


def _offsets_reversed(g):
    a = _first(g, KG.Assertion)
    g.remove((a, KG.startOffset, None))
    g.add((a, KG.startOffset, Literal(10 ** 6, datatype=XSD.integer)))


def _assertion_without_rule(g):
    g.remove((_first(g, KG.Assertion), KG.rule, None))


def _date_as_string(g):
    ev = _first(g, KG.Event)
    g.add((ev, KG.date, Literal("2024-07-01")))


def _sentence_offset_not_integer(g):
    s = _first(g, KG.Sentence)
    g.remove((s, KG.endOffset, None))
    g.add((s, KG.endOffset, Literal("12")))


def _location_is_a_group(g):
    g.add((iri("a/event/赴江宁高新区"), KG.location, iri("a/group/50余名青年人才")))


@pytest.mark.parametrize("change", [
    _count_as_string, _bad_qualifier, _two_labels, _english_label, _works_for_a_person, _industry_not_industry,
    _author_not_person, _offsets_reversed, _assertion_without_rule, _date_as_string, _sentence_offset_not_integer,
    _location_is_a_group,
])
def test_shapes_catch_violations(graph, shapes, ontology, change):
    bad = broken(graph, change)
    conforms, _, report = pyshacl.validate(bad, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert not conforms, change.__name__
