"""kg.vocab and ontology/kg.ttl: the namespace module and the ontology stay in step."""
import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.vocab import KG, PREFIXES, bind_prefixes, ontology_dir, sparql_prologue

NS = str(KG._NS)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
# Bookkeeping properties of the graph itself (offsets, rules, measure words): no
# outside vocabulary has a term they would mean, so they are not aligned.
UNALIGNED = {"countQualifier", "countUnit", "dateText", "sourceFile", "text", "index",
             "startOffset", "endOffset", "rule", "role"}
ALIGNING = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ontology_dir() / "kg.ttl")


def declared(ontology):
    return {str(s)[len(NS):] for kind in KINDS for s in ontology.subjects(RDF.type, kind) if str(s).startswith(NS)}


def module_terms():
    return set(KG.__annotations__)


def test_module_and_ontology_declare_the_same_terms(ontology):
    assert module_terms() == declared(ontology)


def test_every_kg_iri_used_in_the_ontology_is_declared(ontology):
    used = {str(t)[len(NS):] for triple in ontology for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used <= declared(ontology)


def test_misspelt_term_fails():
    with pytest.raises(AttributeError):
        KG.Enterprize  # noqa: B018
    assert KG.Enterprise == URIRef(NS + "Enterprise")


@pytest.mark.parametrize("term", sorted(module_terms()))
def test_term_has_chinese_and_english_labels(ontology, term):
    labels = list(ontology.objects(URIRef(NS + term), RDFS.label))
    langs = sorted(label.language for label in labels)
    assert langs == ["en", "zh"], (term, labels)


@pytest.mark.parametrize("term", sorted(module_terms() - UNALIGNED))
def test_core_term_is_aligned_to_an_outside_vocabulary(ontology, term):
    seen, todo = set(), [URIRef(NS + term)]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p in ALIGNING:
            todo.extend(o for o in ontology.objects(node, p) if isinstance(o, URIRef))
            todo.extend(s for s in ontology.subjects(p, node) if isinstance(s, URIRef) and p in (OWL.equivalentClass, OWL.equivalentProperty))
    outside = {n for n in seen if not str(n).startswith(NS)}
    assert outside, f"kg:{term} is not aligned with any outside vocabulary"


def test_each_term_has_one_kind(ontology):
    for term in module_terms():
        kinds = [k for k in KINDS if (URIRef(NS + term), RDF.type, k) in ontology]
        assert len(kinds) == 1, term


def test_ontology_header(ontology):
    header = URIRef("https://w3id.org/kg-news/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo)


def test_prefixes_are_bound_in_one_place():
    graph = bind_prefixes(Graph())
    bound = {p: str(ns) for p, ns in graph.namespaces()}
    for prefix, ns in PREFIXES.items():
        assert bound[prefix] == str(ns)
    prologue = sparql_prologue()
    assert f"PREFIX kg: <{NS}>" in prologue


def test_shapes_use_only_declared_terms(ontology):
    shapes = Graph().parse(ontology_dir() / "shapes.ttl")
    used = {str(t)[len(NS):] for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(NS)}
    assert used and used <= declared(ontology)
