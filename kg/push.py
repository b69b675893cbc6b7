"""`kg push`: load the built graph into a SPARQL 1.1 triple store, sending only what changed.

The store `kg build` writes (kg/store.py) goes to a server through the SPARQL 1.1
Graph Store HTTP Protocol, one named graph per article (`kgr:article/<id>`), the
entities' classes and labels in `<https://w3id.org/kg-news/entities>` and the
ontology in `<https://w3id.org/kg-news/ontology>`: `PUT {graph store}?graph=IRI`
with an N-Triples body replaces a graph, `DELETE` drops it. Any server that speaks
the protocol will do (Oxigraph, Fuseki, GraphDB, …).

What is not pushed: the store's default graph, the merge of the article graphs,
which on a server would have to be sent whole after every change (servers offer
the same view as a union default graph: Oxigraph's `--union-default-graph`,
Fuseki's `unionDefaultGraph`); and the summary graph (kg/summary.py), an index
of counts and ranks for kg's own named queries that is recomputed from every
article at each build, so any change anywhere changes it and it would be sent
every time, while a server answers the same questions with SPARQL aggregates.

How a push knows what changed. Each graph is sent with one more triple about
itself, `<graph> kg:graphDigest "…"`: the SHA-256 of the graph's N-Triples lines
sorted by their bytes (kg:graphDigest in ontology/kg.ttl). Before sending, one
SPARQL query reads every digest on the server back:

    SELECT ?g ?d WHERE { GRAPH ?g { ?g kg:graphDigest ?d } }

and a graph whose local digest matches is skipped; an article graph that has a
digest on the server but is no longer in the store is deleted. The record lives
on the server, next to the data it describes and replaced with it in the same
PUT (one transaction), so it holds whichever machine pushed last, and survives a
push that stopped half-way: the graphs it sent carry their new digests, the
others their old ones, and the next push sends the rest. A local record of what
was pushed where would be wrong as soon as another machine pushed. What a digest
cannot see is a graph edited on the server by other means; delete that graph
there and push again. Graphs without a digest (loaded by other means) are never
deleted, nor graphs outside `kgr:article/`.

Built stores have no blank nodes. Were a graph to hold some (the ontology is
hand-written Turtle, where `[ … ]` and lists make them), they are relabelled
canonically before the digest, since each build names them anew.

HTTP is the standard library's (`urllib.request`), with a timeout on every
request and optional HTTP basic authentication (the password from the
environment, never the command line). Graphs are read one at a time from the
store and sent by a few threads while the next ones are read; a failed request
stops the push with one line naming the graph and the HTTP status.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from kg.defaults import OUT_DIR, PUSH_JOBS, PUSH_PASSWORD_ENV, PUSH_TIMEOUT
from kg.errors import KgError
from kg.store import ENTITIES_GRAPH, NON_ARTICLE_GRAPHS, ONTOLOGY_GRAPH, article_graphs, article_triples, open_store
from kg.vocab import KG, RESOURCE

GRAPH_DIGEST = ox.NamedNode(str(KG.graphDigest))

#: Only graphs under this prefix are ever deleted from the server.
ARTICLE_PREFIX = f"{RESOURCE}article/"
# Graphs every article leans on: the entities' classes, labels and aliases, and the ontology.
SHARED_GRAPHS = (ENTITIES_GRAPH, ONTOLOGY_GRAPH)

DIGEST_QUERY = f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g {GRAPH_DIGEST} ?d }} }}"

NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Endpoints:
    """Where to send SPARQL queries and Graph Store Protocol requests."""

    query: str
    graph_store: str

    @classmethod
    def from_urls(cls, endpoint: str, graph_store: str | None = None) -> Endpoints:
        """`endpoint` as given when `graph_store` is given; else an Oxigraph server's base or query URL.

        Oxigraph answers SPARQL at `/query` and the Graph Store Protocol at `/store`;
        other servers lay them out differently (Fuseki `/ds/query` and `/ds/data`,
        GraphDB `/repositories/NAME` and `/repositories/NAME/rdf-graphs/service`),
        so for them both URLs are given.
        """
        _check_http_url(endpoint, "--endpoint")
        if graph_store is not None:
            _check_http_url(graph_store, "--graph-store")
            return cls(endpoint, graph_store)
        parts = urllib.parse.urlsplit(endpoint)
        path = parts.path.rstrip("/")
        if path.endswith("/query"):
            path = path[: -len("/query")]
        base = parts._replace(path=path, query="", fragment="")
        return cls(urllib.parse.urlunsplit(base._replace(path=path + "/query")),
                   urllib.parse.urlunsplit(base._replace(path=path + "/store")))

    def graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{separator}graph={urllib.parse.quote(graph, safe='')}"


def _check_http_url(url: str, option: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise KgError(f"{option} must be an http:// or https:// URL, not {url!r}")


class Remote:
    """A triple store over HTTP: the digest query, PUT and DELETE of one graph."""

    def __init__(self, endpoints: Endpoints, *, timeout: float = PUSH_TIMEOUT,
                 user: str | None = None, password: str | None = None) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        self._headers: dict[str, str] = {}
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
            self._headers["Authorization"] = f"Basic {token}"

    def digests(self) -> dict[str, str | None]:
        """Graph IRI → the digest the server holds for it (None when it holds several)."""
        body = urllib.parse.urlencode({"query": DIGEST_QUERY}).encode("utf-8")
        answer = self._request("POST", self.endpoints.query, body,
                               {"Content-Type": "application/x-www-form-urlencoded", "Accept": SPARQL_JSON},
                               what="the digest query")
        try:
            rows = json.loads(answer)["results"]["bindings"]
            pairs = [(row["g"]["value"], row["d"]["value"]) for row in rows]
        except (ValueError, KeyError, TypeError):
            raise KgError(f"{self.endpoints.query} did not answer the digest query with SPARQL JSON results "
                          "(is it the server's SPARQL query URL?)") from None
        digests: dict[str, str | None] = {}
        for graph, digest in pairs:
            digests[graph] = digest if graph not in digests else None
        return digests

    def put(self, graph: str, body: bytes) -> None:
        self._request("PUT", self.endpoints.graph_url(graph), body, {"Content-Type": NTRIPLES},
                      what=f"PUT graph <{graph}>")

    def delete(self, graph: str) -> None:
        # 404: already gone (another push deleted it first), which is what was wanted
        self._request("DELETE", self.endpoints.graph_url(graph), None, {},
                      what=f"DELETE graph <{graph}>", missing_ok=True)

    def _request(self, method: str, url: str, body: bytes | None, headers: dict[str, str], *,
                 what: str, missing_ok: bool = False) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers={**headers, **self._headers})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code == 404:
                return b""
            detail = _one_line(exc.read(500).decode("utf-8", "replace")) or exc.reason
            raise KgError(f"{what}: HTTP {exc.code} from {url}: {detail}") from None
        except urllib.error.URLError as exc:
            raise KgError(f"{what}: cannot reach {url}: {_one_line(str(exc.reason))}") from None
        except TimeoutError:
            raise KgError(f"{what}: no answer from {url} within {self.timeout:g} s") from None
        except OSError as exc:  # the connection dropped mid-answer
            raise KgError(f"{what}: {url}: {_one_line(str(exc)) or type(exc).__name__}") from None


@dataclass(frozen=True)
class LocalGraph:
    """One graph of the store as it is sent: sorted N-Triples, their digest, and the digest triple."""

    name: str
    ntriples: bytes
    triples: int
    digest: str

    @classmethod
    def read(cls, store: ox.Store, graph: ox.NamedNode) -> LocalGraph:
        if graph in NON_ARTICLE_GRAPHS:
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        else:  # an article's own triples are kept in the merge only (kg.store)
            data = ox.serialize(article_triples(store, graph), format=ox.RdfFormat.N_TRIPLES)
        if b"_:" in data:  # blank nodes (or a literal that merely looks like one)
            data = _relabel_blank_nodes(data)
        lines = data.splitlines(keepends=True)
        lines.sort()
        ntriples = b"".join(lines)
        return cls(graph.value, ntriples, len(lines), hashlib.sha256(ntriples).hexdigest())

    def body(self) -> bytes:
        """What the server is sent: the graph plus its digest triple."""
        digest = ox.Triple(ox.NamedNode(self.name), GRAPH_DIGEST, ox.Literal(self.digest))
        return self.ntriples + f"{digest} .\n".encode("utf-8")


def _relabel_blank_nodes(ntriples: bytes) -> bytes:
    """The same triples with blank nodes labelled by their place in the graph, not by chance.

    Parsing Turtle names blank nodes at random, so the ontology graph of each build
    would have a new digest if it held any (built article graphs hold none).
    """
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object)
                         for t in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # may change with Oxigraph: one extra PUT then
    return ox.serialize(dataset, format=ox.RdfFormat.N_TRIPLES)


@dataclass
class PushReport:
    """What a push did (or, with `dry_run`, would do) to the server."""

    graph_store: str
    articles: int
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    triples_sent: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        """PUT and DELETE requests made (besides the one digest query)."""
        return 0 if self.dry_run else len(self.created) + len(self.replaced) + len(self.deleted)

    def summary(self) -> str:
        rate = self.articles / self.seconds if self.seconds > 0 else 0.0
        changes = (f"{len(self.created):,} graphs created, {len(self.replaced):,} replaced, "
                   f"{len(self.deleted):,} deleted, {self.unchanged:,} unchanged; {self.triples_sent:,} triples")
        if self.dry_run:
            return f"dry run, nothing sent to {self.graph_store}: would have {changes}"
        return (f"pushed {self.articles:,} articles, the entities and the ontology to {self.graph_store} "
                f"in {self.seconds:.2f} s ({rate:,.0f} articles/s): {changes} sent")


class _Sender:
    """Runs requests on a few threads, with a bounded number waiting, and stops at the first failure."""

    def __init__(self, jobs: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="kg-push")
        self._slots = threading.BoundedSemaphore(2 * jobs)  # graphs read but not yet sent
        self._futures: list[Future] = []
        self._failed = threading.Event()

    def submit(self, request: Callable[..., None], *args) -> None:
        self._slots.acquire()
        if self._failed.is_set():
            self._slots.release()
            self.finish()  # raises the failure
        future = self._pool.submit(request, *args)
        future.add_done_callback(self._done)
        self._futures.append(future)

    def _done(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is not None:
            self._failed.set()
        self._slots.release()  # after: a submit woken by a failure sees it

    def finish(self) -> None:
        """Wait for every request sent; at the first failure drop those not started and raise it."""
        for future in self._futures:
            try:
                future.result()
            except BaseException:
                self._pool.shutdown(wait=True, cancel_futures=True)
                raise
        self._pool.shutdown(wait=True)


def push(store: ox.Store | Path | str, endpoint: str, *, graph_store: str | None = None,
         dry_run: bool = False, jobs: int = PUSH_JOBS, timeout: float = PUSH_TIMEOUT,
         user: str | None = None, password: str | None = None) -> PushReport:
    """Make the server's kg graphs equal to the store's article, entities and ontology graphs.

    `store` is a pyoxigraph store or the folder of one (opened read-only);
    `endpoint` and `graph_store` are resolved by `Endpoints.from_urls`.
    """
    if jobs < 1:
        raise KgError("--jobs must be at least 1")
    started = time.perf_counter()
    endpoints = Endpoints.from_urls(endpoint, graph_store)
    remote = Remote(endpoints, timeout=timeout, user=user, password=password)
    source = store if isinstance(store, ox.Store) else open_store(Path(store))
    graphs = _graphs_to_push(source)
    report = PushReport(endpoints.graph_store, articles=sum(g not in SHARED_GRAPHS for g in graphs), dry_run=dry_run)
    pushed = remote.digests()

    sender = _Sender(jobs)
    try:
        for graph in graphs:
            local = LocalGraph.read(source, graph)
            if pushed.get(local.name) == local.digest:
                report.unchanged += 1
                continue
            (report.replaced if local.name in pushed else report.created).append(local.name)
            report.triples_sent += local.triples + 1
            if not dry_run:
                sender.submit(remote.put, local.name, local.body())
        local_names = {g.value for g in graphs}
        for name in sorted(pushed):
            if name.startswith(ARTICLE_PREFIX) and name not in local_names:
                report.deleted.append(name)
                if not dry_run:
                    sender.submit(remote.delete, name)
    finally:
        sender.finish()
    report.seconds = time.perf_counter() - started
    return report



def _graphs_to_push(store: ox.Store) -> list[ox.NamedNode]:
    """The store's article graphs, sorted, then the graphs they share (entities, ontology) that it has."""
    articles = article_graphs(store)
    unnamed = [g for g in articles if not isinstance(g, ox.NamedNode)]
    if unnamed:
        raise KgError(f"the store has {len(unnamed)} graphs named by blank nodes, which a server cannot address")
    graphs = sorted(articles, key=lambda g: g.value)
    return graphs + [g for g in SHARED_GRAPHS if store.contains_named_graph(g)]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_push_command(args: argparse.Namespace) -> int:
    password = None
    if args.user is not None:
        password = os.environ.get(PUSH_PASSWORD_ENV)
        if password is None:
            raise KgError(f"--user {args.user} needs the password in the environment variable {PUSH_PASSWORD_ENV}")
    report = push(args.store or OUT_DIR / "store", args.endpoint, graph_store=args.graph_store,
                  dry_run=args.dry_run, jobs=args.jobs, timeout=args.timeout, user=args.user, password=password)
    if args.dry_run:
        for label, names in (("create", report.created), ("replace", report.replaced), ("delete", report.deleted)):
            for name in names:
                print(f"{label} <{name}>")
    print(report.summary())
    return 0
