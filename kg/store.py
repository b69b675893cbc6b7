"""The query store: an on-disk Oxigraph (pyoxigraph) database of the built graph.

`kg build` writes `output/store/` with a `StoreWriter` (kg.builder): one named graph
per article, the entities' classes and labels in `<https://w3id.org/kg-news/entities>`,
and the ontology in its own named graph `<https://w3id.org/kg-news/ontology>`.
`load_store` and `write_store_from_quads` make a store from a whole dataset at once.
`kg query`, `kg export` and `kg serve` read it back with `open_store` (read-only,
so several processes may share it), or load an RDF file given with `--graph`
through `store_from_file`.

The store's default graph is the merge of the article graphs, each triple once
however many articles state it: the same triples as `output/graph.ttl`. Queries
without `GRAPH` see it; `GRAPH ?g { … }` reaches each article's graph, and
`GRAPH <https://w3id.org/kg-news/ontology> { … }` the ontology (class and
property labels, subclasses), and `GRAPH <https://w3id.org/kg-news/summary> { … }`
counts and orderings over the whole graph, computed whenever a store is made
(kg.summary), which the aggregating named queries read. The merge is stored rather than computed with
pyoxigraph's `use_default_graph_as_union=True` because Oxigraph 0.5 repeats a
triple once per graph that holds it there, so `COUNT`s and listings of shared
entities came out inflated (Oxigraph issue 1919, fixed after 0.5.13); keeping it
also makes Turtle export a plain dump of one graph.

A store that `kg build` writes keeps each triple at most twice. The triples about an
article itself, its sentences and its assertions (nine in ten of a corpus; kg.articles
calls them its own) no other article can state, so they are stored in the default
graph only, where `?s kg:article <article>` finds them; an article's named graph holds
the rest of what it states, the triples about entities, which the merge must keep
while any article states them. `article_triples` puts the two back together for
exports and `kg push`; a store loaded from a file (`store_from_file`) keeps whole
article graphs, and `article_triples` reads those as they are.

Next to the RocksDB files the folder holds `snapshot.nq` (for stores of up to
SNAPSHOT_MAX_QUADS quads; a bigger one would not fit a reader's memory), every quad of the store
(named graphs, ontology and the merged default graph) as N-Quads. Iterating the
on-disk store is slow (about 90,000 quads/s, so a whole-graph export or a query
that scans everything is bound by RocksDB), so `kg serve` and `kg export` load
the snapshot into an in-memory `pyoxigraph.Store` with `open_fast` (a few seconds
per million triples, paid once) and fall back to the on-disk store when a folder
has no snapshot. `kg query`, one query per process, reads the on-disk store.

Loading bypasses rdflib's serializers: rdflib terms are converted to pyoxigraph
terms directly (with a cache, since entity IRIs repeat) into an in-memory store,
where the summary is computed; that store is then copied with `Store.bulk_extend`
(sorted files straight into RocksDB) and dumped as the snapshot.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from kg.atomic import atomic_directory, atomic_open
from kg.errors import KgError
from kg.summary import SUMMARY_GRAPH, add_summary
from kg.vocab import KG, ONTOLOGY_IRI, PREFIXES, ontology_dir

#: The project's prefixes as plain strings, for pyoxigraph's `prefixes=` arguments.
PREFIX_MAP: dict[str, str] = {prefix: str(ns) for prefix, ns in PREFIXES.items()}

ONTOLOGY_GRAPH = ox.NamedNode(str(ONTOLOGY_IRI))

#: The entities' classes, labels and aliases, chosen over all articles (kg.rdf.entity_quads).
ENTITIES_GRAPH = ox.NamedNode("https://w3id.org/kg-news/entities")

#: Named graphs of a store that are not articles.
NON_ARTICLE_GRAPHS = frozenset({ONTOLOGY_GRAPH, SUMMARY_GRAPH, ENTITIES_GRAPH})

#: The N-Quads copy of the whole store, inside the store folder.
SNAPSHOT_NAME = "snapshot.nq"

#: RDF file formats by file-name extension (those `--graph` accepts).
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}


def ontology_file() -> Path:
    return ontology_dir() / "kg.ttl"


class _TermConverter:
    """rdflib term → pyoxigraph term, caching IRIs and blank nodes (they repeat a lot)."""

    def __init__(self) -> None:
        self._nodes: dict = {}
        self._datatypes: dict[str, ox.NamedNode] = {}

    def node(self, term) -> ox.NamedNode | ox.BlankNode:
        cached = self._nodes.get(term)
        if cached is None:
            if isinstance(term, URIRef):
                cached = ox.NamedNode(str(term))
            elif isinstance(term, BNode):
                cached = ox.BlankNode(str(term))
            else:
                raise TypeError(f"not an IRI or blank node: {term!r}")
            self._nodes[term] = cached
        return cached

    def term(self, term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(term, RdfLiteral):
            if term.language:
                return ox.Literal(str(term), language=term.language)
            if term.datatype is not None:
                datatype = self._datatypes.get(term.datatype)
                if datatype is None:
                    datatype = self._datatypes[term.datatype] = ox.NamedNode(str(term.datatype))
                return ox.Literal(str(term), datatype=datatype)
            return ox.Literal(str(term))
        return self.node(term)

    def graph_name(self, identifier) -> ox.NamedNode | ox.BlankNode | ox.DefaultGraph:
        if identifier is None or identifier == DATASET_DEFAULT_GRAPH_ID:
            return ox.DefaultGraph()
        return self.node(identifier)


def rdflib_quads(dataset: Dataset | Graph) -> Iterator[ox.Quad]:
    """Every quad of an rdflib Dataset (or triple of a Graph) as pyoxigraph quads."""
    convert = _TermConverter()
    if isinstance(dataset, Dataset):
        for s, p, o, g in dataset.quads((None, None, None, None)):
            identifier = g.identifier if isinstance(g, Graph) else g
            yield ox.Quad(convert.node(s), convert.node(p), convert.term(o),
                          convert.graph_name(identifier))
    else:
        for s, p, o in dataset:
            yield ox.Quad(convert.node(s), convert.node(p), convert.term(o), ox.DefaultGraph())


def ontology_quads() -> list[ox.Quad]:
    """ontology/kg.ttl as quads in the graph <https://w3id.org/kg-news/ontology>."""
    with open(ontology_file(), "rb") as handle:
        return [ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH)
                for t in ox.parse(handle, format=ox.RdfFormat.TURTLE)]


def add_ontology(store: ox.Store) -> None:
    """Add the ontology in its named graph."""
    store.extend(ontology_quads())


def merge_into_default(store: ox.Store) -> None:
    """Copy the article graphs' triples into the default graph (each triple once: a store is a set)."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g NOT IN (%s, %s)) }"
                 % (ONTOLOGY_GRAPH, SUMMARY_GRAPH))


def load_store(dataset: Dataset, path: Path) -> Path:
    """(Re)create the on-disk store at `path` from `dataset` plus the ontology and the summary.

    The store is built in a temporary folder beside `path` and swapped in only
    when complete, so a failure leaves the previous store as it was.
    """
    return write_store_from_quads(rdflib_quads(dataset), path)


def write_store_from_quads(quads: Iterable[ox.Quad], path: Path, *, with_ontology: bool = True,
                           snapshot: bool = True) -> Path:
    """(Re)create the on-disk store at `path` from pyoxigraph quads, as `load_store` does.

    The graph is assembled in memory first (the merged default graph, the
    ontology, the summary graph computed from them), then written to RocksDB
    in bulk and, with `snapshot`, dumped as the folder's N-Quads snapshot (see
    `open_fast`). Both writes are native dumps of the in-memory store.
    """
    path = Path(path)
    memory = ox.Store()
    memory.bulk_extend(quads)
    if with_ontology:
        add_ontology(memory)
    merge_into_default(memory)  # in Oxigraph, not quad by quad in Python
    add_summary(memory)
    with atomic_directory(path) as tmp:
        disk = ox.Store(str(tmp))
        try:
            disk.bulk_extend(memory)  # sorted files straight into RocksDB; no compaction needed after
            disk.flush()
        finally:
            del disk  # closes RocksDB before the folder is renamed
        if snapshot:
            with open(snapshot_path(tmp), "wb") as handle:
                memory.dump(handle, ox.RdfFormat.N_QUADS)
    return path


class StoreWriter:
    """The store of one `kg build`, written in bulk while the articles stream past.

    Article graphs arrive as Turtle and N-Triples text (kg.articles) and are gathered
    into TriG batches, each loaded by Oxigraph's bulk loader (sorted files straight into
    RocksDB) in a background thread while the next batch gathers; an article's own
    triples go to the default graph (the merge) only, the others to its named graph and
    to the merge (see the module's notes). pyoxigraph lets go of the
    GIL while it loads, so extraction results keep flowing meanwhile.

    With `base`, the store starts as a copy of that (published) store: RocksDB's
    checkpoint, hard links to its immutable files, so copying costs nothing and the
    base is never changed. Graphs of deleted or changed articles are then removed
    (`remove_article`), with the triples of the merge that no other graph still holds.
    """

    #: Text gathered before a bulk load starts. The loader sorts a batch in memory, taking
    #: several times its size, and larger batches cost more CPU per quad: 3,000 articles
    #: built in 68-72 s with 4 MB, 76 s with 8 MB, 79-80 s with 16 MB, 111 s with 48 MB,
    #: 78-79 s with 1-2 MB (more, smaller files for RocksDB to merge).
    BATCH_BYTES = 4 * 2**20

    def __init__(self, path: Path, base: Path | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        path = Path(path)
        if base is not None:
            ox.Store.read_only(str(base)).backup(str(path))
        self.store = ox.Store(str(path))
        self.path = path
        self.fresh = base is None
        self._parts: list[bytes] = []
        self._size = 0
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="kg-store-load")
        self._loading = None

    def remove_article(self, article_id: str) -> None:
        graph = _article_graph(article_id)
        if not self.store.contains_named_graph(graph):
            return
        # its own triples, in the merge only; then the merge keeps a shared triple while
        # any other graph still states it
        self.store.update(
            "DELETE { ?s ?p ?o } WHERE { ?s %s %s . ?s ?p ?o } ; DELETE WHERE { %s ?p ?o } ; "
            "DELETE { ?s ?p ?o } WHERE { GRAPH %s { ?s ?p ?o } "
            "FILTER NOT EXISTS { GRAPH ?other { ?s ?p ?o } FILTER(?other NOT IN (%s, %s, %s)) } }"
            % (_KG_ARTICLE, graph, graph, graph, graph, ONTOLOGY_GRAPH, SUMMARY_GRAPH))
        self.store.remove_graph(graph)

    def add_article(self, article_id: str, turtle: bytes, ntriples: bytes) -> None:
        """Queue one article graph (Turtle without prefix lines, plus N-Triples) for loading.

        A huge article is cut into pieces at statement ends, so that no batch, and no
        bulk load's memory, grows with the size of one article.
        """
        graph = _article_graph(article_id)
        if not ntriples:  # an article that names nothing still has its graph, empty
            self.store.add_graph(graph)
        name = str(graph).encode("utf-8")
        # Oxigraph's Turtle writer escapes line breaks in literals: " .\n" ends a statement
        self._queue(None, _pieces(turtle, b" .\n", self.BATCH_BYTES // 2))  # its own: the merge only
        self._queue(name, _pieces(ntriples, b"\n", self.BATCH_BYTES // 2))

    def _queue(self, graph_name: bytes | None, pieces: list[memoryview]) -> None:
        """Queue each piece for the named graph (if any) and the merge; a full batch starts loading."""
        for piece in pieces:
            if graph_name is not None:
                self._parts += [graph_name, b" {\n", piece, b"}\n"]
                self._size += len(piece)
            self._parts += [b"{\n", piece, b"}\n"]
            self._size += len(piece)
            if self._size >= self.BATCH_BYTES:
                self._load_batch()

    def _load_batch(self) -> None:
        from kg.articles import TURTLE_HEADER

        if not self._parts:
            return
        data = b"".join([TURTLE_HEADER, *self._parts])
        self._parts, self._size = [], 0
        self._wait()
        # our own output, from checked terms: lenient skips validating every IRI again
        self._loading = self._loader.submit(self.store.bulk_load, data, ox.RdfFormat.TRIG, lenient=True)

    def _wait(self) -> None:
        if self._loading is not None:
            self._loading.result()  # a failed load raises here
            self._loading = None

    def replace_entities(self, ntriples: bytes) -> None:
        """Make the entities' graph (and its share of the merge) hold exactly `ntriples`."""
        if self.fresh:  # nothing to compare with: load it in bulk with the last articles
            # in batches like the articles: one bulk load sorts in memory several times its input
            self._queue(str(ENTITIES_GRAPH).encode("utf-8"), _pieces(ntriples, b"\n", self.BATCH_BYTES // 2))
            self._load_batch()
            return
        self._load_batch()
        self._wait()
        new = {q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True)}
        old = {q.triple for q in self.store.quads_for_pattern(None, None, None, ENTITIES_GRAPH)}
        default = ox.DefaultGraph()
        gone = old - new
        self.store.extend([ox.Quad(t.subject, t.predicate, t.object, g) for t in new - old
                           for g in (ENTITIES_GRAPH, default)])
        for t in gone:
            self.store.remove(ox.Quad(t.subject, t.predicate, t.object, ENTITIES_GRAPH))
            if not any(q.graph_name != default
                       for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None)):
                self.store.remove(ox.Quad(t.subject, t.predicate, t.object, default))

    def load_rest(self) -> None:
        """Load what is queued and wait for it."""
        self._load_batch()
        self._wait()

    def finish(self, build_id: str) -> None:
        """Load what is left, add the ontology and the summary, mark the store with `build_id`, close it."""
        from kg.outputs import STORE_MARKER

        self.load_rest()
        self._loader.shutdown()
        if not self.store.contains_named_graph(ONTOLOGY_GRAPH):
            add_ontology(self.store)
        add_summary(self.store)
        self.store.flush()
        del self.store  # closes RocksDB
        (self.path / STORE_MARKER).write_text(build_id + "\n", encoding="utf-8")


def _pieces(data: bytes, end: bytes, size: int) -> list[memoryview]:
    """`data` cut into pieces of about `size` bytes, each ending with `end` (views, not copies:
    a huge article's graph is not held twice)."""
    pieces, start, view = [], 0, memoryview(data)
    while len(data) - start > size:
        cut = data.find(end, start + size)
        if cut < 0:
            break
        pieces.append(view[start:cut + len(end)])
        start = cut + len(end)
    if start < len(data):
        pieces.append(view[start:])
    return pieces


def _article_graph(article_id: str) -> ox.NamedNode:
    from kg.rdf import iri
    from kg.resolve import article_key

    return ox.NamedNode(str(iri(article_key(article_id))))


#: A store with more quads than this gets no N-Quads snapshot: loading it into memory
#: would take more memory than a reader should need (see `open_fast`).
SNAPSHOT_MAX_QUADS = 1_000_000


def write_snapshot_if_small(path: Path, quads: int) -> bool:
    """Dump the store at `path`, of about `quads` quads, as its snapshot if it has at most SNAPSHOT_MAX_QUADS."""
    if quads > SNAPSHOT_MAX_QUADS:
        return False
    store = ox.Store.read_only(str(path))
    with atomic_open(snapshot_path(path), "wb") as handle:
        store.dump(handle, ox.RdfFormat.N_QUADS)
    return True


def snapshot_path(path: Path) -> Path:
    return Path(path) / SNAPSHOT_NAME


def has_snapshot(path: Path) -> bool:
    """Whether the store folder `path` has its N-Quads snapshot."""
    return is_store(path) and snapshot_path(path).is_file()


def load_snapshot(path: Path) -> ox.Store:
    """An in-memory store holding the snapshot of the store folder `path`."""
    source = snapshot_path(path)
    store = ox.Store()
    try:
        # our own output, written from checked terms: skip re-validating every IRI
        store.load(path=str(source), format=ox.RdfFormat.N_QUADS, lenient=True)
    except SyntaxError as exc:
        raise KgError(f"cannot parse {source}: {_one_line(exc)} (run `kg build` again)") from None
    except (OSError, ValueError) as exc:
        raise KgError(f"cannot read {source}: {_one_line(exc)}") from None
    return store


def open_fast(path: Path) -> ox.Store:
    """The store at `path` in memory, from its snapshot; the on-disk store (read-only) without one.

    In memory, queries that scan the graph and whole-graph exports run an order of
    magnitude faster than on RocksDB; loading costs a few seconds per million triples.
    """
    path = Path(path)
    if has_snapshot(path):
        return load_snapshot(path)
    return open_store(path)


def is_store(path: Path) -> bool:
    """Whether `path` looks like an Oxigraph (RocksDB) store folder."""
    path = Path(path)
    return path.is_dir() and (path / "CURRENT").is_file()


def open_store(path: Path) -> ox.Store:
    """Open the store at `path` read-only (other readers may share it)."""
    path = Path(path)
    if not is_store(path):
        raise KgError(f"no query store at {path} (run `kg build`, or pass --graph FILE)")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise KgError(f"cannot open the store at {path}: {_one_line(exc)}") from None


def rdf_format_for(path: Path, fmt: str | None = None) -> ox.RdfFormat:
    """The RDF format of `path`, from `fmt` if given else from its extension."""
    key = (fmt or Path(path).suffix.lstrip(".")).lower()
    try:
        return RDF_FORMATS[key]
    except KeyError:
        known = ", ".join(sorted({"ttl", "trig", "nq", "nt", "jsonld", "rdf"}))
        raise KgError(f"cannot tell the RDF format of {path} (known: {known})") from None


def load_file(store: ox.Store, path: Path, fmt: str | None = None) -> None:
    """Parse the RDF file `path` into `store` (quads keep their graphs)."""
    path = Path(path)
    if not path.is_file():
        raise KgError(f"no such graph file: {path} (run `kg build` first?)")
    rdf_format = rdf_format_for(path, fmt)
    try:
        store.load(path=str(path), format=rdf_format)
    except SyntaxError as exc:
        raise KgError(f"cannot parse {path}: {_one_line(exc)}") from None
    except (OSError, ValueError) as exc:
        raise KgError(f"cannot read {path}: {_one_line(exc)}") from None


def store_from_file(path: Path, *, with_ontology: bool = True, merge: bool = True,
                    location: Path | None = None) -> ox.Store:
    """A store holding the RDF file `path` (in memory, or on disk at `location`).

    With `with_ontology` the ontology is added in its named graph, as in the
    store `kg build` writes, so the named queries find class and property labels.
    As there, the default graph ends up holding the merge of the other graphs and
    the summary graph is computed (kg.summary), unless `merge` is false (the file's
    quads exactly as they are, for exporting).
    """
    store = ox.Store(str(location)) if location is not None else ox.Store()
    load_file(store, path)
    if with_ontology:
        add_ontology(store)
    if merge:
        merge_into_default(store)
        add_summary(store)
    return store


def article_graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode]:
    """The named graphs of `store` other than the ontology's, the entities' and the summary's."""
    return [g for g in store.named_graphs() if g not in NON_ARTICLE_GRAPHS]


def article_triples(store: ox.Store, graph: ox.NamedNode | ox.BlankNode) -> Iterator[ox.Triple]:
    """Every triple of the article graph `graph`, each once: its named graph, plus, in a store
    `kg build` wrote, the article's own triples, which are kept in the merge only."""
    yield from (q.triple for q in store.quads_for_pattern(None, None, None, graph))
    if ox.Quad(graph, _RDF_TYPE, _KG_ARTICLE_CLASS, graph) in store:
        return  # a whole article graph, as loaded from a file
    default = ox.DefaultGraph()
    yield from (q.triple for q in store.quads_for_pattern(graph, None, None, default))
    for link in store.quads_for_pattern(None, _KG_ARTICLE, graph, default):
        yield from (q.triple for q in store.quads_for_pattern(link.subject, None, None, default))


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_KG_ARTICLE, _KG_ARTICLE_CLASS = ox.NamedNode(str(KG.article)), ox.NamedNode(str(KG.Article))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
