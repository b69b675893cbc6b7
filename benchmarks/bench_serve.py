"""Load and hostile-client test of `kg serve`, on the loopback interface only.

    python benchmarks/bench_serve.py                       # this checkout's server
    python benchmarks/bench_serve.py --src /tmp/kg-before  # another checkout's (e.g. `git archive` of a commit)
    python benchmarks/bench_serve.py --clients 200 --rounds 5 --skip-cases

It builds the seed articles (`kg build seeds/`, with this checkout's code) into a
temporary folder, starts `python -m kg serve --store …` from the `--src` checkout
(PYTHONPATH), and then:

  * load: `--clients` clients at once, each sending `--rounds` GET requests on new
    connections, cycling through the named queries (ontology/queries/*.rq, with their
    default page and a parameter value found in the graph); median and p95 latency
    to the complete answer, and how many were answered 200. Target: all answered,
    p95 <= 300 ms with 200 clients. The server keeps recent answers (the store is
    read-only); `--unique` adds a different comment to every request, so that each one
    is evaluated.
  * cases (unless `--skip-cases`), each one line: a SERVICE call to a listener on
    loopback (how many requests reached it), an answer of 80 long rows (status and
    bytes), `Content-Length: -1` before a 4 MB query, a foreign `Host` header, a request
    while 200 idle connections are open (and how many of them the server closed within
    `--idle-wait` seconds), SPARQLWrapper's and rdflib's SPARQLStore's default
    CONSTRUCT, and tracebacks logged after clients hang up.

Every request goes to 127.0.0.1, is bounded in count and time, and the script stops
the server it started.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.query import bind_params, named_queries  # noqa: E402

REQUEST_TIMEOUT = 60.0


# ------------------------------------------------------------ the server


def build_seed(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "--out", str(folder)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return folder / "store"


class Server:
    """`python -m kg serve` from the `src` checkout, stopped on exit."""

    def __init__(self, src: Path, store: Path, log: Path, extra: list[str]) -> None:
        env = {**os.environ, "PYTHONPATH": str(src)}
        self.log = log
        self._log_file = open(log, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", "0", *extra],
            cwd=src, env=env, stdout=subprocess.DEVNULL, stderr=self._log_file)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            match = re.search(r"http://([\d.]+):(\d+)/sparql", log.read_text(encoding="utf-8"))
            if match:
                self.host, self.port = match.group(1), int(match.group(2))
                return
            if self.process.poll() is not None:
                raise SystemExit(f"kg serve exited: {log.read_text(encoding='utf-8')}")
            time.sleep(0.1)
        self.stop()
        raise SystemExit("kg serve did not start within 120 s")

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def tracebacks(self) -> int:
        return self.log.read_text(encoding="utf-8", errors="replace").count("Traceback")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


def get(url: str, headers: dict | None = None, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def query_url(server: Server, query: str, **params: str) -> str:
    return f"{server.url}/sparql?" + urllib.parse.urlencode({"query": query, **params})


# ------------------------------------------------------------ load


def workload(server: Server) -> list[tuple[str, str]]:
    """(name, SPARQL text) of every named query, parameters filled from the graph."""
    first = {}
    for name, query in (("entity", "SELECT ?v WHERE { ?e a kg:DevelopmentZone ; rdfs:label ?v } LIMIT 1"),
                        ("article", "SELECT ?v WHERE { ?v a kg:Article } LIMIT 1")):
        status, body = get(query_url(server, query, format="json"))
        bindings = json.loads(body)["results"]["bindings"] if status == 200 else []
        first[name] = bindings[0]["v"]["value"] if bindings else "none"
    first["article"] = first["article"].rsplit("/", 1)[-1]
    texts = []
    for q in named_queries().values():
        values = {p.name: first.get(p.name, "none") for p in q.params if p.default is None}
        texts.append((q.name, bind_params(q.text, values, q.params)))
    return texts


async def one_request(host: str, port: int, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/sparql-results+json\r\n"
                 "Connection: close\r\n\r\n".encode("ascii"))
    await writer.drain()
    data = await reader.read()
    writer.close()
    elapsed = time.perf_counter() - started
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, elapsed


async def load(server: Server, queries: list[tuple[str, str]], clients: int, rounds: int, unique: bool) -> dict:
    def path(number: int, i: int) -> str:
        text = queries[(number + i) % len(queries)][1]
        if unique:  # a comment makes each request new to the server's answer cache
            text += f"\n# client {number} request {i}"
        return "/sparql?" + urllib.parse.urlencode({"query": text})

    start = asyncio.Event()
    results: list[tuple[int, float]] = []

    async def client(number: int) -> None:
        await start.wait()
        for i in range(rounds):
            try:
                results.append(await asyncio.wait_for(one_request(server.host, server.port, path(number, i)),
                                                      REQUEST_TIMEOUT))
            except (OSError, asyncio.TimeoutError):
                results.append((0, REQUEST_TIMEOUT))

    tasks = [asyncio.create_task(client(n)) for n in range(clients)]
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - began
    latencies = sorted(t for _s, t in results)
    return {
        "requests": len(results),
        "answered": sum(1 for s, _t in results if s == 200),
        "median_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "wall_s": wall,
    }


# ------------------------------------------------------------ hostile cases


class CountingListener:
    """A loopback HTTP listener that counts the requests it gets and answers an empty SELECT."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    self.requests += 1
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


def case_service(server: Server) -> str:
    listener = CountingListener()
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        status, _ = get(query_url(server, query))
        time.sleep(0.5)
        return f"status {status}, {listener.requests} request(s) reached the listener"
    finally:
        listener.close()


def case_big_answer(server: Server) -> str:
    # 80 rows of a 5.8-million-character literal, made by doubling a string 19 times
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(19))
    query = (f"SELECT ?i ?a19 WHERE {{ VALUES ?i {{ {' '.join(str(n) for n in range(80))} }} "
             f'BIND("kg-bench-" AS ?a0) {binds} }}')
    started = time.perf_counter()
    status, body = get(query_url(server, query, format="csv"), timeout=300)
    return f"status {status}, {len(body) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s"


def raw_exchange(server: Server, data: bytes, *, half_close: bool = False, timeout: float = 30) -> bytes:
    """Send bytes as they are; what came back before the server closed (it may refuse mid-send)."""
    chunks = []
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server stopped reading: what it answered is still to be read
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
    return b"".join(chunks)


def status_of(response: bytes) -> str:
    return response.split(b"\r\n", 1)[0].decode("latin-1") or "connection closed with no answer"


def case_negative_length(server: Server) -> str:
    # a query padded past the 1 MiB cap by a comment: read in full, it is a valid query
    body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o } #" + "x" * (4 << 20)}).encode()
    head = (f"POST /sparql HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: -1\r\n\r\n").encode()
    return status_of(raw_exchange(server, head + body, half_close=True))


def case_foreign_host(server: Server) -> str:
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    head = (f"GET /sparql?{query} HTTP/1.1\r\nHost: attacker.example:{server.port}\r\n"
            "Connection: close\r\n\r\n").encode()
    return status_of(raw_exchange(server, head))


def case_idle(server: Server, idle: int, wait: float) -> str:
    sockets = []
    try:
        for _ in range(idle):
            sockets.append(socket.create_connection((server.host, server.port), timeout=5))
        started = time.perf_counter()
        try:
            status, _ = get(query_url(server, "ASK { ?s ?p ?o }"), timeout=10)
        except OSError as exc:
            status = f"no answer ({type(exc).__name__})"
        answer = f"request with {idle} idle connections open: {status} in {time.perf_counter() - started:.2f} s"
        time.sleep(wait)
        closed = 0
        for sock in sockets:
            sock.settimeout(0.05)
            try:
                closed += sock.recv(1) == b""
            except socket.timeout:
                pass
            except OSError:
                closed += 1
        return f"{answer}; {closed}/{idle} closed by the server after {wait:g} s"
    finally:
        for sock in sockets:
            sock.close()


def case_clients(server: Server) -> str:
    construct = "CONSTRUCT { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l } WHERE { ?e a kg:DevelopmentZone ; rdfs:label ?l }"
    out = []
    try:
        from SPARQLWrapper import SPARQLWrapper

        client = SPARQLWrapper(f"{server.url}/sparql")
        client.setQuery("PREFIX kg: <https://w3id.org/kg-news/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                        + construct)
        try:
            graph = client.queryAndConvert()
            out.append(f"SPARQLWrapper CONSTRUCT: {len(graph)} triples")
        except Exception as exc:  # report whatever the client raised
            out.append(f"SPARQLWrapper CONSTRUCT: {type(exc).__name__} {str(exc)[:60]!r}")
    except ImportError:
        out.append("SPARQLWrapper not installed")
    try:
        from rdflib import Graph
        from rdflib.plugins.stores.sparqlstore import SPARQLStore

        graph = Graph(SPARQLStore(f"{server.url}/sparql"))
        try:
            result = graph.query("PREFIX kg: <https://w3id.org/kg-news/ontology#> "
                                 "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + construct)
            out.append(f"SPARQLStore CONSTRUCT: {len(result.graph)} triples")
        except Exception as exc:  # report whatever the client raised
            out.append(f"SPARQLStore CONSTRUCT: {type(exc).__name__} {str(exc)[:60]!r}")
    except ImportError:
        out.append("rdflib's SPARQLStore not available")
    return "; ".join(out)


def case_hang_up(server: Server, clients: int = 20) -> str:
    before = server.tracebacks()
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5000"})
    head = f"GET /sparql?{query} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n\r\n".encode()
    for _ in range(clients):
        with socket.create_connection((server.host, server.port), timeout=5) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            sock.sendall(head)  # and close at once, with a reset
    time.sleep(2)
    get(query_url(server, "ASK { ?s ?p ?o }"))
    return f"{server.tracebacks() - before} traceback(s) logged for {clients} clients that hung up"


# ------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=ROOT, help="checkout whose `kg serve` runs (default: this one)")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5, help="requests per client")
    parser.add_argument("--idle", type=int, default=200, help="idle connections held open in the idle case")
    parser.add_argument("--idle-wait", type=float, default=20.0,
                        help="seconds to wait before counting idle connections the server closed")
    parser.add_argument("--skip-cases", action="store_true", help="only the load test")
    parser.add_argument("--unique", action="store_true",
                        help="make every request's text unique, so that no answer comes from the server's cache")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="an extra argument for kg serve (repeatable)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-serve-") as tmp:
        store = build_seed(Path(tmp) / "out")
        server = Server(args.src.resolve(), store, Path(tmp) / "serve.log", ["--quiet", *args.serve_arg])
        try:
            queries = workload(server)
            stats = asyncio.run(load(server, queries, args.clients, args.rounds, args.unique))
            print(f"load: {args.clients} clients x {args.rounds} requests over {len(queries)} named queries"
                  f"{' (each request unique)' if args.unique else ''}: "
                  f"{stats['answered']}/{stats['requests']} answered 200, median {stats['median_ms']:.0f} ms, "
                  f"p95 {stats['p95_ms']:.0f} ms, max {stats['max_ms']:.0f} ms, {stats['wall_s']:.1f} s in all",
                  flush=True)
            if args.skip_cases:
                return
            for name, case in [("SERVICE to loopback", case_service),
                               ("80 rows of 5.8 MB literals", case_big_answer),
                               ("Content-Length: -1, 4 MB query", case_negative_length),
                               ("Host: attacker.example", case_foreign_host),
                               ("idle connections", lambda s: case_idle(s, args.idle, args.idle_wait)),
                               ("default CONSTRUCT of two clients", case_clients),
                               ("clients that hang up", case_hang_up)]:
                try:
                    print(f"{name}: {case(server)}", flush=True)
                except Exception as exc:  # one case failing must not hide the others
                    print(f"{name}: failed: {type(exc).__name__}: {exc}", flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
