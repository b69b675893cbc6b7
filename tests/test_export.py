"""`kg export` (kg.export): every format read back by a second parser, counts kept."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from kg.cli import main
from kg.errors import KgError
from kg.export import export, open_export_source
from kg.store import ONTOLOGY_GRAPH, ontology_quads
from test_store import A1, A2, SAMPLE_TRIG, sample_quad_count, write_sample

ONTOLOGY_TRIPLES = len(ontology_quads())


def sample_triples() -> set:
    """The merge of the sample's article graphs (what graph.ttl holds)."""
    dataset = ox.Dataset(ox.parse(SAMPLE_TRIG, format=ox.RdfFormat.TRIG))
    return {(q.subject, q.predicate, q.object) for q in dataset}


@pytest.fixture()
def store_dir(tmp_path: Path) -> Path:
    return write_sample(tmp_path)[0]


def exported(source, fmt: str, article: str | None = None) -> bytes:
    buffer = io.BytesIO()
    export(source, fmt, buffer, article)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt, rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_hold_the_article_merge_without_the_ontology(store_dir, fmt, rdflib_format):
    data = exported(open_export_source(store=store_dir), fmt)
    expected = len(sample_triples())
    assert expected < sample_quad_count(), "the sample shares triples between articles"
    parsed = Graph().parse(data=data.decode("utf-8"), format=rdflib_format)
    assert len(parsed) == expected
    assert (URIRef(ONTOLOGY_GRAPH.value), None, None) not in parsed
    oxi = list(ox.parse(data, format={"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                                      "jsonld": ox.RdfFormat.JSON_LD}[fmt]))
    assert len({(t.subject, t.predicate, t.object) for t in oxi}) == expected


def test_turtle_uses_the_project_prefixes(store_dir):
    text = exported(open_export_source(store=store_dir), "ttl").decode("utf-8")
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#> ." in text
    assert "kgr:enterprise\\/云帆科技" in text


def test_jsonld_is_compacted_with_the_project_context(store_dir):
    data = json.loads(exported(open_export_source(store=store_dir), "jsonld"))
    assert data["@context"]["kg"] == "https://w3id.org/kg-news/ontology#"
    nodes = {node["@id"]: node for node in data["@graph"]}
    zone = nodes["https://w3id.org/kg-news/id/development-zone/星河经济开发区"]
    assert zone["@type"] == "kg:DevelopmentZone"
    assert "rdfs:label" in zone


@pytest.mark.parametrize("fmt, rdflib_format", [("trig", "trig"), ("nq", "nquads")])
def test_dataset_formats_keep_the_named_graphs(store_dir, fmt, rdflib_format):
    data = exported(open_export_source(store=store_dir), fmt)
    dataset = Dataset()
    dataset.parse(data=data.decode("utf-8"), format=rdflib_format)
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {A1, A2, ONTOLOGY_GRAPH.value}
    assert len(list(dataset.quads((None, None, None, None)))) == sample_quad_count() + ONTOLOGY_TRIPLES
    assert len(dataset.graph(URIRef(A2))) == len(list(
        ox.Dataset(ox.parse(SAMPLE_TRIG, format=ox.RdfFormat.TRIG)).quads_for_graph_name(ox.NamedNode(A2))))
    oxi = ox.Dataset(ox.parse(data, format=ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS))
    assert len(oxi) == sample_quad_count() + ONTOLOGY_TRIPLES
    assert not list(oxi.quads_for_graph_name(ox.DefaultGraph())), "the derived merge is not exported"


@pytest.mark.parametrize("fmt", ["ttl", "trig", "nq", "nt", "jsonld"])
def test_rdflib_written_files_convert_through_pyoxigraph(tmp_path, fmt):
    """The other direction: rdflib writes N-Quads, `kg export --graph` converts, both parsers agree."""
    source_file = tmp_path / "in.nq"
    dataset = Dataset()
    dataset.parse(data=SAMPLE_TRIG, format="trig")
    source_file.write_text(dataset.serialize(format="nquads"), encoding="utf-8")
    data = exported(open_export_source(graph=source_file), fmt)
    if fmt in ("trig", "nq"):
        back = Dataset()
        back.parse(data=data.decode("utf-8"), format={"trig": "trig", "nq": "nquads"}[fmt])
        assert len(list(back.quads((None, None, None, None)))) == sample_quad_count()
    else:
        back = Graph().parse(data=data.decode("utf-8"), format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt])
        assert len(back) == len(sample_triples())


def test_article_narrows_to_one_graph(store_dir):
    source = open_export_source(store=store_dir)
    expected = len(list(ox.Dataset(ox.parse(SAMPLE_TRIG, format=ox.RdfFormat.TRIG))
                        .quads_for_graph_name(ox.NamedNode(A2))))
    turtle = Graph().parse(data=exported(source, "ttl", "t002").decode("utf-8"), format="turtle")
    assert len(turtle) == expected
    quads = ox.Dataset(ox.parse(exported(source, "nq", "t002"), format=ox.RdfFormat.N_QUADS))
    assert len(quads) == expected and {q.graph_name for q in quads} == {ox.NamedNode(A2)}
    with pytest.raises(KgError, match="no article 't999'"):
        exported(source, "ttl", "t999")


def test_cli_writes_file_atomically_with_format_from_extension(tmp_path, capsys):
    store_dir, _ = write_sample(tmp_path)
    out = tmp_path / "exports" / "all.trig"
    assert main(["export", "--store", str(store_dir), "--out", str(out)]) == 0
    assert out.is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "no temporary file left"
    dataset = Dataset()
    dataset.parse(out, format="trig")
    assert len(list(dataset.quads((None, None, None, None)))) == sample_quad_count() + ONTOLOGY_TRIPLES


def test_cli_writes_to_stdout(tmp_path, capsysbinary):
    store_dir, _ = write_sample(tmp_path)
    assert main(["export", "--store", str(store_dir), "--format", "nt", "--article", "t001"]) == 0
    out = capsysbinary.readouterr().out
    graph = Graph().parse(data=out.decode("utf-8"), format="nt")
    assert (URIRef(A1), None, None) in graph
    assert (URIRef(A2), None, None) not in graph


def test_cli_missing_source_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "ttl"]) == 2
    err = capsys.readouterr().err
    assert "nothing to export" in err and err.count("\n") == 1


@pytest.mark.parametrize("fmt, rdf_format", [("ttl", ox.RdfFormat.TURTLE), ("nq", ox.RdfFormat.N_QUADS)])
def test_export_from_the_snapshot_equals_export_from_the_on_disk_store(store_dir, fmt, rdf_format):
    from kg.store import SNAPSHOT_NAME

    def parsed(data: bytes) -> set:
        return {q for q in ox.parse(data, format=rdf_format)
                if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}

    source = open_export_source(store=store_dir)
    assert not source.store.contains_named_graph(ox.NamedNode("urn:x"))  # opened fine
    from_memory = exported(source, fmt)
    (store_dir / SNAPSHOT_NAME).unlink()
    from_disk = exported(open_export_source(store=store_dir), fmt)
    assert parsed(from_memory) == parsed(from_disk)
    assert len(list(ox.parse(from_memory, format=rdf_format))) == len(list(ox.parse(from_disk, format=rdf_format)))
    if fmt == "ttl":  # the default graph only: the merge, no ontology
        assert {(t.subject, t.predicate, t.object) for t in parsed(from_memory)} == sample_triples()
