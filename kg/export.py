"""`kg export`: the built graph as Turtle, TriG, N-Quads, N-Triples or JSON-LD.

Graph formats (Turtle, N-Triples, JSON-LD) hold the merge of the article graphs
without the ontology, the same triples as `output/graph.ttl`. Dataset formats
(TriG, N-Quads) keep each article's named graph and the ontology's graph
`<https://w3id.org/kg-news/ontology>`; the store's summary graph is derived
data, computed again on load, and is left out. `--article ID` narrows either to one
article's graph.

Turtle, TriG, N-Triples and N-Quads are written by pyoxigraph, streaming from
the store; a built store is read into memory from its N-Quads snapshot first
(`kg.store.open_fast`), since dumping from RocksDB runs at about 90,000 quads/s. JSON-LD goes through rdflib, which (unlike pyoxigraph's JSON-LD
writer) can compact it with a context of the project's prefixes, so keys read
`rdfs:label` and `kg:organizer`. Files are written atomically.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from kg.atomic import atomic_open
from kg.defaults import EXPORT_FORMAT_ALIASES, OUT_DIR
from kg.errors import KgError
from kg.outputs import check_output_set
from kg.store import (NON_ARTICLE_GRAPHS, PREFIX_MAP, SUMMARY_GRAPH, article_graphs, article_triples, is_store,
                      open_fast, store_from_file)
from kg.vocab import RESOURCE

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = {"trig", "nq"}


def jsonld_context() -> dict[str, str]:
    """The compact JSON-LD context: the project's prefixes."""
    return dict(PREFIX_MAP)


class Source:
    """A store to export, and whether its default graph is the derived merge."""

    def __init__(self, store: ox.Store, default_is_merge: bool) -> None:
        self.store = store
        self.default_is_merge = default_is_merge


def open_export_source(graph: Path | None = None, store: Path | None = None,
                       out_dir: Path = OUT_DIR) -> Source:
    """`--graph FILE` (as it is), `--store DIR`, else output/store, else output/graph.ttl."""
    if graph is not None and store is not None:
        raise KgError("give --graph or --store, not both")
    if graph is not None:
        return Source(store_from_file(Path(graph), with_ontology=False, merge=False), False)
    check_output_set(Path(store) if store is not None else Path(out_dir))  # a whole set, or none of kg build's
    if store is not None:
        return Source(open_fast(Path(store)), True)
    default_store = Path(out_dir) / "store"
    if is_store(default_store):
        return Source(open_fast(default_store), True)
    default_graph = Path(out_dir) / "graph.ttl"
    if default_graph.is_file():
        return Source(store_from_file(default_graph, with_ontology=False, merge=False), False)
    raise KgError(f"nothing to export: neither {default_store}/ nor {default_graph} exists "
                  "(run `kg build` first, or pass --graph FILE)")


def article_graph(source: Source, article_id: str) -> ox.NamedNode:
    graph = ox.NamedNode(f"{RESOURCE}article/{article_id}")
    if not source.store.contains_named_graph(graph):
        count = len(article_graphs(source.store))
        raise KgError(f"no article {article_id!r} in the graph ({count} article graphs; "
                      "ids are the last part of kgr:article/ID)")
    return graph


def graph_triples(source: Source, article: ox.NamedNode | None = None) -> Iterator[ox.Triple]:
    """The triples a graph format exports: the article graphs' merge, without the ontology."""
    store = source.store
    if article is not None:
        return article_triples(store, article)
    if source.default_is_merge:
        return (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    # a file as it is: CONSTRUCT yields each triple once, however many graphs hold it
    return iter(store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"))


def dataset_quads(source: Source, article: ox.NamedNode | None = None) -> Iterator[ox.Quad]:
    """The quads a dataset format exports: named graphs (and a file's own default graph)."""
    store = source.store
    if article is not None:
        return _in_graph(article_triples(store, article), article)
    if not source.default_is_merge:
        return iter(store)
    # not the merge (derived from the named graphs) nor the summary (derived from the merge)
    return (quad for graph in store.named_graphs() if graph != SUMMARY_GRAPH
            for quad in (store.quads_for_pattern(None, None, None, graph) if graph in NON_ARTICLE_GRAPHS
                         else _in_graph(article_triples(store, graph), graph)))


def _in_graph(triples: Iterator[ox.Triple], graph: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Quad]:
    return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def export(source: Source, fmt: str, output: IO[bytes], article_id: str | None = None) -> None:
    """Write the graph in format `fmt` (ttl, trig, nq, nt, jsonld) to the binary stream `output`."""
    fmt = normalize_format(fmt)
    article = article_graph(source, article_id) if article_id else None
    rdf_format = FORMATS[fmt]
    if fmt == "jsonld":
        output.write(jsonld_bytes(graph_triples(source, article)))
    elif fmt in DATASET_FORMATS:
        ox.serialize(dataset_quads(source, article), output, rdf_format, prefixes=PREFIX_MAP)
    else:
        prefixes = PREFIX_MAP if rdf_format == ox.RdfFormat.TURTLE else None
        if article is None and source.default_is_merge:
            # one graph of the store: a native dump, no Python on the way
            source.store.dump(output, rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)
        else:
            ox.serialize(graph_triples(source, article), output, rdf_format, prefixes=prefixes)


def jsonld_bytes(triples: Iterator[ox.Triple]) -> bytes:
    """JSON-LD compacted with the project's prefixes (via rdflib)."""
    from rdflib import Graph

    from kg.vocab import bind_prefixes

    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph = bind_prefixes(Graph())
    graph.parse(data=ntriples.decode("utf-8"), format="nt")
    text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True,
                           ensure_ascii=False, indent=2)
    json.loads(text)  # a broken document should fail here, not in a user's parser
    return text.encode("utf-8") + b"\n"


def normalize_format(fmt: str) -> str:
    key = EXPORT_FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    if key not in FORMATS:
        raise KgError(f"unknown format {fmt!r} (ttl, trig, nq, nt or jsonld)")
    return key


def format_for(fmt: str | None, out: Path | None) -> str:
    if fmt:
        return normalize_format(fmt)
    if out is not None and out.suffix:
        return normalize_format(out.suffix.lstrip("."))
    return "ttl"


# ------------------------------------------------------------------ CLI


def run_export_command(args: argparse.Namespace) -> int:
    fmt = format_for(args.format, args.out)
    source = open_export_source(args.graph, args.store)
    try:
        if args.out is not None:
            with atomic_open(args.out, "wb") as handle:
                export(source, fmt, handle, args.article)
            print(f"wrote {args.out} ({fmt})", file=sys.stderr)
        else:
            export(source, fmt, sys.stdout.buffer, args.article)
            sys.stdout.buffer.flush()
    except (OSError, ValueError, RuntimeError) as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise KgError(f"export failed: {' '.join(str(exc).split())}") from None
    return 0
