"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an offline query page.

Design. SPARQL itself, parsing, evaluation and every result serialization, is
Oxigraph's, through pyoxigraph (already the project's store). Queries run in a
small pool of worker processes that each hold the store: in memory, loaded from
the snapshot `kg build` writes beside the on-disk store, or else the on-disk
store read-only. HTTP is waitress's, a WSGI server in pure Python that answers
the connection-level attacks the standard library's `http.server` left to us:

* it accepts connections on an event loop and hands complete requests to a fixed
  pool of threads, so an idle or slow connection costs a socket, not a thread, and
  connections idle for `IDLE_TIMEOUT` seconds are closed (`channel_timeout`);
* the listen backlog is its `backlog` (1024 here, against 5 for `http.server`),
  so hundreds of clients connecting at once queue instead of being dropped and
  retried a second later;
* a request body is capped at `MAX_REQUEST_BYTES` whatever `Content-Length`
  says (413), and a malformed one (`Content-Length: -1`) is 400;
* answers are buffered and written by the event loop, so a client that reads
  slowly or hangs up costs no thread and logs no traceback.

Why waitress rather than cheroot or uvicorn: it is mature and widely deployed,
pure Python with no dependencies, and synchronous WSGI fits a handler that
blocks on a worker process; cheroot would do too but gives a thread to every
connection, and uvicorn would bring an asyncio framework for one endpoint.

Why not Oxigraph's own server (`oxigraph serve-read-only`, PyPI package
`oxigraph`)? It speaks the protocol, is read-only and has a `--timeout-s`, but it
has no result-size limit, no way to predeclare the project's prefixes, and its
page (YASGUI) knows nothing of the named queries; it would need a proxy in front
for all three, plus a second executable and a child process to manage.

Limits. A query that runs past `--timeout` seconds cannot be interrupted inside
pyoxigraph, so each query runs in a worker process; on timeout the worker is
killed (so the CPU is really freed), replaced, and the client gets 503. Each
query is evaluated once: its rows (or triples) are collected while they are
counted, and an answer past `--max-results` rows or `--max-bytes` bytes stops
there with 413. `SERVICE`, which would make the server send requests wherever a
query says (to this machine's other ports, or the local network), is refused
with 403 unless `--allow-service`; the query's tokens are read for it, so a
`SERVICE` inside a comment, a string or an IRI is no call and `service` or
`SeRvIcE` are. Updates get 403, and the workers hold a private in-memory copy or
open the store read-only, so nothing can change the data. A malformed query gets
400 with the parser's message.

Browsers. The server binds to 127.0.0.1 unless told otherwise, and then answers
only requests whose `Host` names this machine (a page on another site whose name
was made to resolve to 127.0.0.1, DNS rebinding, sends its own name). Requests a
browser marks as coming from another site (`Origin`, `Sec-Fetch-Site`) are
refused unless `--cors ORIGIN` allows that origin, which also gets the CORS
headers that let its scripts read the answers.

Routes: `/sparql` (GET `?query=`, POST form or `application/sparql-query`;
JSON, XML, CSV or TSV results by `Accept`, CONSTRUCT/DESCRIBE as Turtle, JSON-LD,
N-Triples or RDF/XML; a `format=` parameter overrides `Accept`, with the values
SPARQLWrapper sends: `xml` is RDF/XML for a graph, `n3` Turtle), `/` the query
page, `/queries` the named queries as JSON, `/queries/NAME?param=value` a named
query's text with its parameters bound.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import ipaddress
import json
import logging
import multiprocessing
import queue
import shutil
import sys
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, unquote, urlsplit

import pyoxigraph as ox

from kg.defaults import (
    OUT_DIR, SERVE_HOST, SERVE_MAX_BYTES, SERVE_MAX_RESULTS, SERVE_PORT, SERVE_TIMEOUT, SERVE_WORKERS,
)
from kg.errors import KgError
from kg.outputs import check_output_set
from kg.query import bind_params, named_queries, sparql_tokens
from kg.store import PREFIX_MAP, is_store, open_fast, open_store, store_from_file

#: seconds a worker may take to load the store (in memory: a few seconds per million triples)
WORKER_START_TIMEOUT = 300
#: largest request body (a query sent by POST)
MAX_REQUEST_BYTES = 1 << 20
#: seconds after which a connection with no request in progress is closed
IDLE_TIMEOUT = 15
#: pending connections the kernel queues before the server accepts them
BACKLOG = 1024
#: open connections at most; past it, new ones wait in the backlog
CONNECTION_LIMIT = 512
#: memory for answers kept to be given again (AnswerCache)
ANSWER_CACHE_BYTES = 64_000_000

# media type → serialization, in order of preference
RESULT_TYPES: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "text/n3": ox.RdfFormat.TURTLE,  # Turtle is N3 without its extensions
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
}
# `format=` parameter → the media types it stands for, whichever kind of result comes back
# (SPARQLWrapper sends `xml` for CONSTRUCT too, meaning RDF/XML, and `n3` for Turtle)
FORMAT_PARAM: dict[str, tuple[str, ...]] = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "ttl": ("text/turtle",),
    "turtle": ("text/turtle",),
    "n3": ("text/turtle",),
    "jsonld": ("application/ld+json",),
    "json-ld": ("application/ld+json",),
    "nt": ("application/n-triples",),
    "rdf": ("application/rdf+xml",),
    "rdfxml": ("application/rdf+xml",),
    "rdf+xml": ("application/rdf+xml",),
}


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> "Response":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


@dataclass(frozen=True)
class Limits:
    """What one query may cost: time, rows or triples, bytes, and whether it may call out."""

    timeout: float = SERVE_TIMEOUT
    max_results: int = SERVE_MAX_RESULTS
    max_bytes: int = SERVE_MAX_BYTES
    allow_service: bool = False


# ------------------------------------------------------------ evaluation


def parse_accept(header: str | None) -> list[str]:
    """Media types from an Accept header, most preferred first (q=0 dropped)."""
    if not header:
        return []
    entries = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for item in fields[1:]:
            name, _, value = item.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            entries.append((-q, position, media))
    return [media for _q, _p, media in sorted(entries)]


def parse_format(values: Iterable[str]) -> list[str] | None:
    """Media types asked for by `format=` values (names or media types); None if none is known."""
    wanted: list[str] = []
    for value in values:
        value = value.strip().lower()
        if "/" in value:
            wanted.append(value)
        else:
            wanted.extend(FORMAT_PARAM.get(value, ()))
    return wanted or None


def negotiate(accepted: list[str], table: dict[str, Any]) -> str | None:
    """The media type to answer with, from `table`'s keys; None if nothing fits."""
    default = next(iter(table))
    if not accepted:
        return default
    for media in accepted:
        if media in table:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            major = media[:-1]
            for candidate in table:
                if candidate.startswith(major):
                    return candidate
    return None


def uses_service(query: str) -> bool:
    """Whether a query's text holds the SERVICE keyword (not counting comments, strings, IRIs, names).

    A word that merely contains it (`trueSERVICE`, which a parser reads as `true SERVICE`)
    counts too: no other bare word of SPARQL does.
    """
    return any(kind == "word" and "SERVICE" in token.upper() for kind, token in sparql_tokens(query))


def _content_type(media: str) -> str:
    if media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
        return f"{media}; charset=utf-8"
    return media


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _TooLarge(Exception):
    """An answer past the row or byte limit; the message says which."""


class _Bounded:
    """A file pyoxigraph writes an answer into as SPARQL TSV or N-Triples, one line per row.

    Both formats escape line breaks inside terms, so counting lines counts rows (after
    the TSV header), and raising in `write` stops the evaluation as soon as an answer
    passes the row or byte limit: each query is evaluated once, never counted first.
    """

    def __init__(self, limits: Limits, unit: str, header_lines: int) -> None:
        self.limits, self.unit = limits, unit
        self.chunks: list[bytes] = []
        self.size, self.rows = 0, -header_lines

    def write(self, data) -> int:
        data = bytes(data)
        self.size += len(data)
        self.rows += data.count(b"\n")
        if self.rows > self.limits.max_results:
            raise _TooLarge(f"more than {self.limits.max_results} {self.unit}")
        if self.size > self.limits.max_bytes:
            raise _TooLarge(f"more than {self.limits.max_bytes} bytes")
        self.chunks.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


def evaluate(store: ox.Store, query: str, *, accept: str | None = None, formats: tuple[str, ...] = (),
             limits: Limits = Limits(), default_graph_uris: tuple[str, ...] = (),
             named_graph_uris: tuple[str, ...] = ()) -> Response:
    """Run one SPARQL query, once, and serialize its result as negotiated, within `limits`."""
    if formats:
        accepted = parse_format(formats)
        if accepted is None:
            names = ", ".join(sorted(FORMAT_PARAM))
            return Response.text(400, f"unknown format {', '.join(formats)!r} (one of {names}, or a media type)")
    else:
        accepted = parse_accept(accept)
    service = uses_service(query)
    if service and not limits.allow_service:
        return Response.text(403, "SERVICE is refused: this endpoint does not call other endpoints "
                             "(start the server with --allow-service to let it)")
    kwargs: dict[str, Any] = {"prefixes": PREFIX_MAP}
    try:
        if default_graph_uris:
            kwargs["default_graph"] = [ox.NamedNode(u) for u in default_graph_uris]
        if named_graph_uris:
            kwargs["named_graphs"] = [ox.NamedNode(u) for u in named_graph_uris]
    except ValueError as exc:
        return Response.text(400, f"bad graph IRI: {_one_line(exc)}")
    try:
        result = store.query(query, **kwargs)
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(accepted, RESULT_TYPES)
            if media is None:
                return _not_acceptable(accepted, RESULT_TYPES)
            return Response(200, _content_type(media), result.serialize(format=RESULT_TYPES[media]))
        if isinstance(result, ox.QueryTriples):
            media = negotiate(accepted, GRAPH_TYPES)
            if media is None:
                return _not_acceptable(accepted, GRAPH_TYPES)
            triples = _Bounded(limits, "triples", header_lines=0)
            ox.serialize(result, triples, format=ox.RdfFormat.N_TRIPLES)
            body = triples.getvalue()
            if GRAPH_TYPES[media] != ox.RdfFormat.N_TRIPLES:
                prefixes = PREFIX_MAP if GRAPH_TYPES[media] == ox.RdfFormat.TURTLE else None
                body = ox.serialize(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), format=GRAPH_TYPES[media],
                                    prefixes=prefixes)
        else:
            media = negotiate(accepted, RESULT_TYPES)
            if media is None:
                return _not_acceptable(accepted, RESULT_TYPES)
            rows = _Bounded(limits, "results", header_lines=1)
            result.serialize(rows, format=ox.QueryResultsFormat.TSV)
            body = rows.getvalue()
            if RESULT_TYPES[media] != ox.QueryResultsFormat.TSV:
                body = ox.parse_query_results(body, ox.QueryResultsFormat.TSV).serialize(format=RESULT_TYPES[media])
        if len(body) > limits.max_bytes:
            raise _TooLarge(f"more than {limits.max_bytes} bytes once written as {media}")
        return Response(200, _content_type(media), body)
    except _TooLarge as exc:
        return Response.text(413, f"result too large: {exc} (add a LIMIT, or start the server with a larger "
                             "--max-results or --max-bytes)")
    except SyntaxError as exc:
        return Response.text(400, f"malformed query: {_one_line(exc)}")
    except OSError as exc:
        if service:
            return Response.text(502, f"a SERVICE call failed: {_one_line(exc)}")
        return Response.text(500, f"store error: {_one_line(exc)}")
    except (ValueError, RuntimeError) as exc:
        return Response.text(400, f"query rejected: {_one_line(exc)}")


def _not_acceptable(accepted: list[str], table: dict) -> Response:
    return Response.text(406, f"cannot answer with {', '.join(accepted)}; this result can be "
                         f"{', '.join(table)}")


# ------------------------------------------------------------ worker pool


def _worker_main(conn, store_path: str) -> None:
    """A query worker: load the store, then answer jobs until told to stop.

    A store folder with an N-Quads snapshot (what `kg build` writes) is loaded into
    memory, where queries run several times faster; otherwise the folder is opened
    read-only.
    """
    try:
        store = open_fast(Path(store_path))
    except Exception as exc:  # report, then exit: the parent shows the message
        conn.send(("error", _one_line(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            response = evaluate(store, **job)
        except Exception as exc:  # never let one query take the worker down
            response = Response.text(500, f"query failed: {_one_line(exc)}")
        conn.send((response.status, response.content_type, response.body))


class _Worker:
    def __init__(self, ctx, store_path: str) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, store_path), daemon=True,
                                   name="kg-sparql-worker")
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise KgError("a query worker did not start in time")
        kind, message = self.conn.recv()
        if kind != "ready":
            self.kill()
            raise KgError(f"a query worker could not open the store: {message}")

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        with contextlib.suppress(Exception):
            self.conn.close()


class WorkerPool:
    """Worker processes each holding the store (in memory, or read-only); slow queries get their worker killed."""

    def __init__(self, store_path: Path, size: int = SERVE_WORKERS) -> None:
        self.size = max(1, size)
        self._ctx = multiprocessing.get_context("spawn")
        self._store_path = str(store_path)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [_Worker(self._ctx, self._store_path) for _ in range(self.size)]
        try:
            for worker in workers:
                worker.wait_ready(WORKER_START_TIMEOUT)
        except BaseException:
            for worker in workers:
                worker.kill()
            raise
        for worker in workers:
            self._all.add(worker)
            self._idle.put(worker)

    def run(self, job: dict, timeout: float) -> Response:
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return Response.text(503, f"server busy: no query worker free within {timeout:g} s")
        try:
            worker.conn.send(job)
            if worker.conn.poll(timeout):
                status, content_type, body = worker.conn.recv()
                self._idle.put(worker)
                return Response(status, content_type, body)
        except (EOFError, OSError):
            self._retire(worker)
            return Response.text(500, "the query worker died; try again")
        self._retire(worker)
        return Response.text(503, f"query timed out after {timeout:g} s "
                             "(simplify it, add a LIMIT, or start the server with a larger --timeout)")

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        threading.Thread(target=self._replace, daemon=True).start()

    def _replace(self) -> None:
        try:
            worker = _Worker(self._ctx, self._store_path)
            worker.wait_ready(WORKER_START_TIMEOUT)
        except Exception as exc:
            print(f"kg serve: could not restart a query worker: {exc}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()


# ------------------------------------------------------------ HTTP


class AnswerCache:
    """Recent 200 answers by request, least recently used dropped first, within a byte budget.

    The store is read-only, so an answer never goes stale: a query asked again (a named
    query from the page, a client polling) is answered without a worker.
    """

    def __init__(self, max_bytes: int = ANSWER_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, Response] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Response | None:
        with self._lock:
            response = self._answers.get(key)
            if response is not None:
                self._answers.move_to_end(key)
            return response

    def put(self, key: tuple, response: Response) -> None:
        size = len(response.body)
        if response.status != 200 or size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = response
            self._bytes += size
            while self._bytes > self.max_bytes:
                _key, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)


_READ_ONLY = Response.text(403, "this endpoint is read-only: SPARQL updates are not accepted")
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """`Host` without its port: `localhost:7878` → `localhost`, `[::1]:7878` → `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


@dataclass
class SparqlApp:
    """The endpoint as a WSGI application: routes, browser checks, and the worker pool behind them."""

    pool: WorkerPool
    limits: Limits
    #: `Host` names answered; empty: any (the server listens beyond this machine)
    allowed_hosts: frozenset[str] = frozenset()
    #: origins whose pages may query the endpoint (`*`: any)
    cors: tuple[str, ...] = ()
    quiet: bool = False
    page: bytes = b""
    page_policy: str = ""
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))
    cache: AnswerCache = field(default_factory=AnswerCache)

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        response = self.respond(environ)
        headers = [("Content-Type", response.content_type), ("Content-Length", str(len(response.body))),
                   ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        if response.status == 405:
            headers.append(("Allow", "GET, POST, OPTIONS"))
        if response.content_type.startswith("text/html"):
            headers += [("Content-Security-Policy", self.page_policy), ("X-Frame-Options", "DENY")]
        origin = environ.get("HTTP_ORIGIN")
        if origin and self._origin_allowed(origin):
            headers += [("Access-Control-Allow-Origin", "*" if "*" in self.cors else origin), ("Vary", "Origin")]
            if environ.get("REQUEST_METHOD") == "OPTIONS":
                headers += [("Access-Control-Allow-Methods", "GET, POST"),
                            ("Access-Control-Allow-Headers", "Accept, Content-Type"),
                            ("Access-Control-Max-Age", "600")]
        start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
        if not self.quiet:
            self.log(f'{environ.get("REMOTE_ADDR", "-")} - "{environ.get("REQUEST_METHOD")} '
                     f'{environ.get("PATH_INFO", "")}" {response.status} {len(response.body)}')
        return [response.body]

    # -------------------------------------------------------- checks

    def _origin_allowed(self, origin: str) -> bool:
        return "*" in self.cors or origin in self.cors

    def _refusal(self, environ: dict) -> Response | None:
        """403 for a foreign `Host` (DNS rebinding) or a request from another site's page."""
        if self.allowed_hosts and _host_name(environ.get("HTTP_HOST", "")) not in self.allowed_hosts:
            return Response.text(403, "this server answers only requests addressed to "
                                 f"{' or '.join(sorted(self.allowed_hosts))} (the Host header said "
                                 f"{environ.get('HTTP_HOST', '')!r})")
        origin = environ.get("HTTP_ORIGIN")
        site = environ.get("HTTP_SEC_FETCH_SITE", "")
        same_origin = origin is not None and urlsplit(origin).netloc == environ.get("HTTP_HOST", "")
        if origin and not same_origin and origin != "null" and not self._origin_allowed(origin):
            return Response.text(403, f"requests from pages of {origin} are refused "
                                 "(start the server with --cors ORIGIN to allow them)")
        if site in ("cross-site", "same-site") and not same_origin and not (origin and self._origin_allowed(origin)):
            return Response.text(403, "requests from pages of other sites are refused "
                                 "(start the server with --cors ORIGIN to allow them)")
        return None

    # -------------------------------------------------------- routes

    def respond(self, environ: dict) -> Response:
        refusal = self._refusal(environ)
        if refusal is not None:
            return refusal
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if method == "OPTIONS":
            return Response(204, "text/plain; charset=utf-8", b"")
        if method == "POST":
            if path != "/sparql":
                return Response.text(404 if path not in ("/", "/queries") else 405,
                                     f"POST goes to /sparql, not {path}")
            return self._post(environ, params)
        if method not in ("GET", "HEAD"):
            return Response.text(405, "this endpoint is read-only: only GET and POST of queries")
        if path in ("/", "/index.html"):
            return Response(200, "text/html; charset=utf-8", self.page)
        if path == "/sparql":
            return self._sparql(environ, params)
        if path == "/queries":
            return Response(200, "application/json; charset=utf-8",
                            json.dumps(_queries_json(), ensure_ascii=False).encode("utf-8"))
        if path.startswith("/queries/"):
            return _named_query(path[len("/queries/"):], params)
        return Response.text(404, f"not found: {path} (the endpoint is /sparql)")

    def _post(self, environ: dict, params: dict[str, list[str]]) -> Response:
        # waitress has already refused a body over MAX_REQUEST_BYTES, and a malformed length
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Response.text(400, "the request body is not UTF-8")
        if content_type == "application/sparql-update":
            return _READ_ONLY
        if content_type == "application/sparql-query":
            if "query" in params:
                return Response.text(400, "give the query in the body or in ?query=, not both")
            params["query"] = [text]
        elif content_type in ("application/x-www-form-urlencoded", ""):
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        else:
            return Response.text(415, f"unsupported Content-Type {content_type!r}: use "
                                 "application/sparql-query or application/x-www-form-urlencoded")
        return self._sparql(environ, params)

    def _sparql(self, environ: dict, params: dict[str, list[str]]) -> Response:
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return _READ_ONLY
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return Response.text(400, "give exactly one SPARQL query in the `query` parameter "
                                 "(or POST it as application/sparql-query)")
        job = {
            "query": queries[0],
            "accept": environ.get("HTTP_ACCEPT"),
            "formats": tuple(v for v in params.get("format", []) if v.strip()),
            "limits": self.limits,
            "default_graph_uris": tuple(params.get("default-graph-uri", [])),
            "named_graph_uris": tuple(params.get("named-graph-uri", [])),
        }
        key = (job["query"], job["accept"], job["formats"], job["default_graph_uris"], job["named_graph_uris"])
        response = self.cache.get(key)
        if response is None:
            response = self.pool.run(job, self.limits.timeout)
            self.cache.put(key, response)
        return response


def _named_query(name: str, params: dict[str, list[str]]) -> Response:
    named = named_queries().get(unquote(name))
    if named is None:
        return Response.text(404, f"no named query {unquote(name)!r}")
    optional = {p.name for p in named.params if p.default is not None}
    # the page sends every input; an empty limit/offset means "the default"
    values = {key: vals[-1] for key, vals in params.items() if vals and (vals[-1] or key not in optional)}
    try:
        text = bind_params(named.text, values, named.params)
    except KgError as exc:
        return Response.text(400, str(exc))
    return Response(200, "application/sparql-query; charset=utf-8", text.encode("utf-8"))


def _queries_json() -> list[dict]:
    return [
        {"name": q.name, "description": q.description, "text": q.text,
         "params": [{"name": p.name, "description": p.description, "default": p.default} for p in q.params]}
        for q in named_queries().values()
    ]


# ------------------------------------------------------------ the page


def _asset(name: str) -> str:
    return resources.files("kg").joinpath("html_assets", name).read_text(encoding="utf-8")


def query_page(limits: Limits) -> tuple[str, str]:
    """The offline query page (a form, and the named queries with their parameters) and its
    Content-Security-Policy, which lets only its own inline script run."""
    from jinja2 import Environment
    from markupsafe import Markup

    script = _asset("query_page.js").replace("</", "<\\/")
    template = Environment(autoescape=True, keep_trailing_newline=True).from_string(_asset("query_page.html"))
    page = template.render(prefixes=list(PREFIX_MAP), timeout=f"{limits.timeout:g}",
                           max_results=limits.max_results, max_megabytes=f"{limits.max_bytes / 1e6:g}",
                           queries=list(named_queries().values()), script=Markup(script))
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
              "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    return page, policy


# ------------------------------------------------------------ the server


class SparqlServer:
    """The endpoint: a waitress server over `SparqlApp`, its worker pool and its temporary store."""

    def __init__(self, host: str, port: int, pool: WorkerPool, limits: Limits, *, cors: tuple[str, ...] = (),
                 quiet: bool = False, idle_timeout: float = IDLE_TIMEOUT, cleanup: Path | None = None) -> None:
        import waitress

        self.pool = pool
        self._cleanup = cleanup
        page, policy = query_page(limits)
        allowed = _LOOPBACK_NAMES | {host.lower()} if is_loopback(host) else frozenset()
        self.app = SparqlApp(pool, limits, allowed_hosts=frozenset(allowed), cors=tuple(cors), quiet=quiet,
                             page=page.encode("utf-8"), page_policy=policy)
        # waitress warns on stderr whenever requests queue for a thread: under load, that is normal
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self._connections: dict = {}  # waitress's socket map: the listener and every open connection
        self._server = waitress.create_server(
            self.app, map=self._connections, host=host, port=port, threads=max(4, 2 * pool.size), backlog=BACKLOG,
            connection_limit=CONNECTION_LIMIT, channel_timeout=idle_timeout,
            cleanup_interval=max(1, min(30, int(idle_timeout / 2))), max_request_body_size=MAX_REQUEST_BYTES,
            expose_tracebacks=False, log_socket_errors=False, ident="kg-sparql")

    @property
    def server_address(self) -> tuple[str, int]:
        return self._server.effective_host, self._server.effective_port

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        self._server.run()

    def shutdown(self) -> None:
        """Stop accepting and close every connection; `serve_forever` returns within a second."""
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        wasyncore.close_all(self._connections)

    def server_close(self) -> None:
        self.pool.close()
        if self._cleanup is not None:
            shutil.rmtree(self._cleanup, ignore_errors=True)


# ------------------------------------------------------------ set-up and CLI


def make_server(*, graph: Path | None = None, store: Path | None = None, host: str = SERVE_HOST,
                port: int = SERVE_PORT, limits: Limits = Limits(), workers: int = SERVE_WORKERS,
                cors: Iterable[str] = (), quiet: bool = False, idle_timeout: float = IDLE_TIMEOUT,
                out_dir: Path = OUT_DIR) -> SparqlServer:
    """A ready (not yet serving) endpoint over `--graph FILE` or `--store DIR` (default output/)."""
    if graph is not None and store is not None:
        raise KgError("give --graph or --store, not both")
    if limits.timeout <= 0 or limits.max_results < 0 or limits.max_bytes <= 0:
        raise KgError("--timeout and --max-bytes must be positive and --max-results not negative")
    cleanup = None
    if graph is None and store is None:
        check_output_set(Path(out_dir))  # a whole set, or none of kg build's
        if is_store(Path(out_dir) / "store"):
            store = Path(out_dir) / "store"
        elif (Path(out_dir) / "graph.ttl").is_file():
            graph = Path(out_dir) / "graph.ttl"
        else:
            raise KgError(f"nothing to serve: neither {out_dir}/store/ nor {out_dir}/graph.ttl exists "
                          "(run `kg build` first, or pass --graph FILE)")
    if graph is not None:
        cleanup = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        store = cleanup / "store"
        try:
            loaded = store_from_file(Path(graph), location=store)
            loaded.flush()
            del loaded
        except BaseException:
            shutil.rmtree(cleanup, ignore_errors=True)
            raise
    else:
        open_store(Path(store))  # a clear error now rather than in a worker
    try:
        pool = WorkerPool(Path(store), workers)
    except BaseException:
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
        raise
    try:
        return SparqlServer(host, port, pool, limits, cors=tuple(cors), quiet=quiet, idle_timeout=idle_timeout,
                            cleanup=cleanup)
    except OSError as exc:
        pool.close()
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run_serve_command(args: argparse.Namespace) -> int:
    limits = Limits(timeout=args.timeout, max_results=args.max_results, max_bytes=args.max_bytes,
                    allow_service=args.allow_service)
    server = make_server(graph=args.graph, store=args.store, host=args.host, port=args.port, limits=limits,
                         workers=args.workers, cors=args.cors or (), quiet=args.quiet)
    print(f"kg serve: SPARQL endpoint {server.url}/sparql, query page {server.url}/ "
          "(Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
