"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint and an offline query page.

Design. SPARQL itself, parsing, evaluation and every result serialization, is
Oxigraph's, through pyoxigraph (already the project's store). The HTTP layer is
the standard library's `ThreadingHTTPServer`, and queries run in a small pool of
worker processes that each hold the store: in memory, loaded from the snapshot
`kg build` writes beside the on-disk store, or else the on-disk store read-only.

Why not run Oxigraph's own server (`oxigraph serve-read-only`, PyPI package
`oxigraph`)? It was evaluated: it speaks the protocol, is read-only and has a
`--timeout-s`, but it has no result-size limit, no way to predeclare the
project's prefixes, and its page (YASGUI) knows nothing of the named queries. It
would need a proxy in front for all three, plus a second executable, a second
port and a child process to manage: more moving parts than the few hundred lines
here, for the same engine.

Limits. A query that runs past `--timeout` seconds cannot be interrupted inside
pyoxigraph, so each query runs in a worker process; on timeout the worker is
killed (so the CPU is really freed), replaced, and the client gets 503 with a
message. A result with more than `--max-results` rows (or triples) gets 413
with a message; results are counted before they are serialized. Updates are
refused with 403 (`update=` or `application/sparql-update`), and the workers
hold a private in-memory copy or open the store read-only, so nothing can change the data. A malformed query gets
400 with the parser's message. The server binds to 127.0.0.1 unless told
otherwise.

Routes: `/sparql` (GET `?query=`, POST form or `application/sparql-query`;
JSON, XML, CSV or TSV results by `Accept`, CONSTRUCT/DESCRIBE as Turtle, JSON-LD,
N-Triples or RDF/XML; a `format=` parameter overrides `Accept`), `/` the query
page, `/queries` the named queries as JSON, `/queries/NAME?param=value` a named
query's text with its parameters bound.
"""
from __future__ import annotations

import argparse
import contextlib
import html
import json
import multiprocessing
import queue
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg.defaults import OUT_DIR, SERVE_HOST, SERVE_MAX_RESULTS, SERVE_PORT, SERVE_TIMEOUT, SERVE_WORKERS
from kg.errors import KgError
from kg.query import bind_params, named_queries
from kg.outputs import check_output_set
from kg.store import PREFIX_MAP, is_store, open_fast, open_store, store_from_file

#: seconds a worker may take to load the store (in memory: a few seconds per million triples)
WORKER_START_TIMEOUT = 300
MAX_REQUEST_BYTES = 1 << 20

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
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
# `format=` parameter → media type
FORMAT_PARAM = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes

    @classmethod
    def text(cls, status: int, message: str) -> "Response":
        return cls(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


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
        for field in fields[1:]:
            name, _, value = field.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            entries.append((-q, position, media))
    return [media for _q, _p, media in sorted(entries)]


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


def _content_type(media: str) -> str:
    if media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
        return f"{media}; charset=utf-8"
    return media


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def evaluate(store: ox.Store, query: str, *, accept: str | None = None, fmt: str | None = None,
             max_results: int = SERVE_MAX_RESULTS, default_graph_uris: tuple[str, ...] = (),
             named_graph_uris: tuple[str, ...] = ()) -> Response:
    """Run one SPARQL query and serialize its result as negotiated."""
    if fmt:
        media_wanted = FORMAT_PARAM.get(fmt.lower())
        if media_wanted is None:
            return Response.text(400, f"unknown format {fmt!r} (one of {', '.join(FORMAT_PARAM)})")
        accepted = [media_wanted]
    else:
        accepted = parse_accept(accept)
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
    except SyntaxError as exc:
        return Response.text(400, f"malformed query: {_one_line(exc)}")
    except (ValueError, RuntimeError) as exc:
        return Response.text(400, f"query rejected: {_one_line(exc)}")
    except OSError as exc:
        return Response.text(500, f"store error: {_one_line(exc)}")

    try:
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(accepted, RESULT_TYPES)
            if media is None:
                return _not_acceptable(accepted, RESULT_TYPES)
            return Response(200, _content_type(media), result.serialize(format=RESULT_TYPES[media]))
        is_graph = isinstance(result, ox.QueryTriples)
        table = GRAPH_TYPES if is_graph else RESULT_TYPES
        media = negotiate(accepted, table)
        if media is None:
            return _not_acceptable(accepted, table)
        count = 0
        for _ in result:
            count += 1
            if count > max_results:
                unit = "triples" if is_graph else "results"
                return Response.text(413, f"result too large: more than {max_results} {unit} "
                                     "(add a LIMIT, or start the server with a larger --max-results)")
        result = store.query(query, **kwargs)  # counted it; now serialize it
        if is_graph:
            prefixes = PREFIX_MAP if table[media] in (ox.RdfFormat.TURTLE,) else None
            body = ox.serialize(result, format=table[media], prefixes=prefixes)
        else:
            body = result.serialize(format=table[media])
        return Response(200, _content_type(media), body)
    except (OSError, RuntimeError, ValueError) as exc:
        return Response.text(500, f"query failed: {_one_line(exc)}")


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
        self._ctx = multiprocessing.get_context("spawn")
        self._store_path = str(store_path)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [_Worker(self._ctx, self._store_path) for _ in range(max(1, size))]
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


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the worker pool, the limits and the query page."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: WorkerPool, *, timeout: float,
                 max_results: int, quiet: bool = False, cleanup: Path | None = None) -> None:
        self.pool = pool
        self.query_timeout = timeout
        self.max_results = max_results
        self.quiet = quiet
        self._cleanup = cleanup
        self.page = query_page(timeout, max_results).encode("utf-8")
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        if self._cleanup is not None:
            shutil.rmtree(self._cleanup, ignore_errors=True)


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "kg-sparql/0.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, response: Response, head_only: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if response.status == 405:
            self.send_header("Allow", "GET, POST")
        self.end_headers()
        if not head_only:
            self.wfile.write(response.body)

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if url.path in ("/", "/index.html"):
            self._send(Response(200, "text/html; charset=utf-8", self.server.page))
        elif url.path == "/sparql":
            self._sparql(params)
        elif url.path == "/queries":
            self._send(Response(200, "application/json; charset=utf-8",
                                json.dumps(_queries_json(), ensure_ascii=False).encode("utf-8")))
        elif url.path.startswith("/queries/"):
            self._named_query(url.path[len("/queries/"):], params)
        else:
            self._send(Response.text(404, f"not found: {url.path} (the endpoint is /sparql)"))

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._send(Response.text(404 if url.path not in ("/", "/queries") else 405,
                                     f"POST goes to /sparql, not {url.path}"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._send(Response.text(400, "bad Content-Length"))
            return
        if length > MAX_REQUEST_BYTES:
            self._send(Response.text(413, f"request too large (over {MAX_REQUEST_BYTES} bytes)"))
            return
        body = self.rfile.read(length) if length else b""
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query, keep_blank_values=True)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._send(Response.text(400, "the request body is not UTF-8"))
            return
        if content_type == "application/sparql-update":
            self._send(_READ_ONLY)
            return
        if content_type == "application/sparql-query":
            if "query" in params:
                self._send(Response.text(400, "give the query in the body or in ?query=, not both"))
                return
            params["query"] = [text]
        elif content_type in ("application/x-www-form-urlencoded", ""):
            for name, values in parse_qs(text, keep_blank_values=True).items():
                params.setdefault(name, []).extend(values)
        else:
            self._send(Response.text(415, f"unsupported Content-Type {content_type!r}: use "
                                     "application/sparql-query or application/x-www-form-urlencoded"))
            return
        self._sparql(params)

    def _refuse(self) -> None:
        self._send(Response.text(405, "this endpoint is read-only: only GET and POST of queries"))

    do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815

    def _sparql(self, params: dict[str, list[str]]) -> None:
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            self._send(_READ_ONLY)
            return
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._send(Response.text(400, "give exactly one SPARQL query in the `query` parameter "
                                     "(or POST it as application/sparql-query)"))
            return
        fmt = (params.get("format") or [None])[0]
        job = {
            "query": queries[0],
            "accept": self.headers.get("Accept"),
            "fmt": fmt or None,
            "max_results": self.server.max_results,
            "default_graph_uris": tuple(params.get("default-graph-uri", [])),
            "named_graph_uris": tuple(params.get("named-graph-uri", [])),
        }
        self._send(self.server.pool.run(job, self.server.query_timeout))

    def _named_query(self, name: str, params: dict[str, list[str]]) -> None:
        from urllib.parse import unquote

        queries = named_queries()
        named = queries.get(unquote(name))
        if named is None:
            self._send(Response.text(404, f"no named query {unquote(name)!r}"))
            return
        optional = {p.name for p in named.params if p.default is not None}
        # the page sends every input; an empty limit/offset means "the default"
        values = {key: vals[-1] for key, vals in params.items() if vals and (vals[-1] or key not in optional)}
        try:
            text = bind_params(named.text, values, named.params)
        except KgError as exc:
            self._send(Response.text(400, str(exc)))
            return
        self._send(Response(200, "application/sparql-query; charset=utf-8", text.encode("utf-8")))


_READ_ONLY = Response.text(403, "this endpoint is read-only: SPARQL updates are not accepted")


def _queries_json() -> list[dict]:
    return [
        {"name": q.name, "description": q.description, "text": q.text,
         "params": [{"name": p.name, "description": p.description, "default": p.default} for p in q.params]}
        for q in named_queries().values()
    ]


# ------------------------------------------------------------ the page

_PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kg SPARQL</title>
<style>
body {{ font: 15px/1.5 system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 1.5em auto; max-width: 72em; padding: 0 1em; color: #222; }}
h1 {{ font-size: 1.4em; margin: 0 0 .3em; }}
.note {{ color: #555; font-size: .9em; }}
textarea {{ width: 100%; height: 14em; font: 13px/1.4 ui-monospace, monospace; box-sizing: border-box; }}
table {{ border-collapse: collapse; margin-top: .8em; font-size: .92em; }}
th, td {{ border: 1px solid #ccc; padding: .2em .5em; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }}
pre {{ background: #f7f7f7; padding: .6em; overflow: auto; }}
.queries li {{ margin: .35em 0; }}
.queries code {{ font-weight: bold; }}
.err {{ color: #a00; white-space: pre-wrap; }}
input.param {{ width: 10em; }}
</style>
</head>
<body>
<h1>kg — SPARQL</h1>
<p class="note">Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, read-only). Prefixes {prefixes} are predeclared.
Time limit {timeout:g} s, at most {max_results} results per query.</p>
<form id="form" method="get" action="/sparql">
<textarea id="query" name="query" spellcheck="false">SELECT ?class (COUNT(?entity) AS ?n)
WHERE {{ ?entity a ?class ; kg:mentionedIn ?article }}
GROUP BY ?class ORDER BY DESC(?n)</textarea>
<p><label>Result format <select id="format" name="format">
<option value="json">table (JSON)</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="xml">XML</option><option value="ttl">Turtle (CONSTRUCT)</option><option value="jsonld">JSON-LD (CONSTRUCT)</option>
</select></label> <button type="submit">Run</button> <span id="status" class="note"></span></p>
</form>
<div id="result"></div>
<h2>Named queries</h2>
<ul class="queries">
{items}
</ul>
<script>
"use strict";
const form = document.getElementById("form");
const statusEl = document.getElementById("status");
const resultEl = document.getElementById("result");
function cell(term) {{
  if (!term) return "";
  return term.value;
}}
function showTable(data) {{
  resultEl.textContent = "";
  if (typeof data.boolean === "boolean") {{ const p = document.createElement("p"); p.textContent = String(data.boolean); resultEl.appendChild(p); return; }}
  const table = document.createElement("table");
  const head = table.insertRow();
  for (const v of data.head.vars) {{ const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }}
  for (const b of data.results.bindings) {{
    const row = table.insertRow();
    for (const v of data.head.vars) row.insertCell().textContent = cell(b[v]);
  }}
  resultEl.appendChild(table);
  statusEl.textContent = data.results.bindings.length + " rows";
}}
form.addEventListener("submit", async (event) => {{
  event.preventDefault();
  const format = document.getElementById("format").value;
  const body = new URLSearchParams({{query: document.getElementById("query").value, format}});
  statusEl.textContent = "running…";
  const started = performance.now();
  try {{
    const response = await fetch("/sparql", {{method: "POST", body}});
    const text = await response.text();
    statusEl.textContent = (performance.now() - started).toFixed(0) + " ms";
    if (!response.ok) {{ resultEl.innerHTML = ""; const p = document.createElement("p"); p.className = "err"; p.textContent = response.status + " " + text; resultEl.appendChild(p); return; }}
    if (format === "json" && (response.headers.get("Content-Type") || "").includes("sparql-results+json")) {{ showTable(JSON.parse(text)); return; }}
    resultEl.textContent = ""; const pre = document.createElement("pre"); pre.textContent = text; resultEl.appendChild(pre);
  }} catch (error) {{ statusEl.textContent = String(error); }}
}});
for (const button of document.querySelectorAll("button[data-query]")) {{
  button.addEventListener("click", async () => {{
    const name = button.dataset.query;
    const params = new URLSearchParams();
    for (const input of document.querySelectorAll("input[data-for='" + CSS.escape(name) + "']")) params.set(input.name, input.value);
    const response = await fetch("/queries/" + encodeURIComponent(name) + "?" + params);
    const text = await response.text();
    if (!response.ok) {{ statusEl.textContent = text; return; }}
    document.getElementById("query").value = text;
    form.requestSubmit();
  }});
}}
</script>
</body>
</html>
"""


def query_page(timeout: float, max_results: int) -> str:
    """The offline query page: a form, and the named queries with their parameters."""
    items = []
    for q in named_queries().values():
        inputs = "".join(
            f' <input class="param" data-for="{html.escape(q.name)}" name="{html.escape(p.name)}" '
            f'placeholder="{html.escape(p.name if p.default is None else f"{p.name}={p.default}")}" '
            f'title="{html.escape(p.description)}">'
            for p in q.params
        )
        items.append(
            f'<li><code>{html.escape(q.name)}</code> — {html.escape(q.description)}{inputs} '
            f'<button type="button" data-query="{html.escape(q.name)}">run</button></li>'
        )
    prefixes = ", ".join(f"<code>{html.escape(p)}:</code>" for p in PREFIX_MAP)
    return _PAGE.format(prefixes=prefixes, timeout=timeout, max_results=max_results,
                        items="\n".join(items) or "<li>(none)</li>")


# ------------------------------------------------------------ set-up and CLI


def make_server(*, graph: Path | None = None, store: Path | None = None, host: str = SERVE_HOST,
                port: int = SERVE_PORT, timeout: float = SERVE_TIMEOUT,
                max_results: int = SERVE_MAX_RESULTS, workers: int = SERVE_WORKERS,
                quiet: bool = False, out_dir: Path = OUT_DIR) -> SparqlServer:
    """A ready (not yet serving) endpoint over `--graph FILE` or `--store DIR` (default output/)."""
    if graph is not None and store is not None:
        raise KgError("give --graph or --store, not both")
    if timeout <= 0 or max_results < 0:
        raise KgError("--timeout must be positive and --max-results not negative")
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
        return SparqlServer((host, port), pool, timeout=timeout, max_results=max_results,
                            quiet=quiet, cleanup=cleanup)
    except OSError as exc:
        pool.close()
        if cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
        raise KgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run_serve_command(args: argparse.Namespace) -> int:
    server = make_server(graph=args.graph, store=args.store, host=args.host, port=args.port,
                         timeout=args.timeout, max_results=args.max_results, workers=args.workers,
                         quiet=args.quiet)
    print(f"kg serve: SPARQL endpoint {server.url}/sparql, query page {server.url}/ "
          "(Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
