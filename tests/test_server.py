"""`kg serve` (kg.server), spoken to over real HTTP on the loopback interface."""
from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import socket
import struct
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph

from kg import query as kg_query
from kg.server import (
    RESULT_TYPES, AnswerCache, Limits, Response, SparqlApp, evaluate, make_server, negotiate, parse_accept, query_page, uses_service,
)
from test_browser import browser  # noqa: F401 (a fixture)
from test_store import A2, write_sample

TIMEOUT = 2.0
MAX_RESULTS = 50
ENTERPRISES = "SELECT ?l WHERE { ?e a kg:Enterprise ; rdfs:label ?l } ORDER BY ?l"
# a four-way cross product of every triple: far beyond any time limit
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    _, trig = write_sample(folder)
    srv = make_server(graph=trig, port=0, limits=Limits(timeout=TIMEOUT, max_results=MAX_RESULTS), workers=2,
                      quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def request(server, path: str, *, data: bytes | None = None, headers: dict | None = None,
            method: str | None = None) -> tuple[int, str, bytes]:
    req = urllib.request.Request(server.url + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def get(server, query: str, accept: str | None = None, **extra: str):
    params = urllib.parse.urlencode({"query": query, **extra})
    return request(server, f"/sparql?{params}", headers={"Accept": accept} if accept else {})


def labels(body: bytes) -> list[str]:
    return [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]


# ------------------------------------------------------------ protocol


def test_binds_to_loopback_by_default(server):
    assert server.server_address[0] == "127.0.0.1"


def test_get_query_answers_sparql_json(server):
    status, ctype, body = get(server, ENTERPRISES)
    assert status == 200
    assert ctype.startswith("application/sparql-results+json")
    assert labels(body) == ["云帆科技", "青松制药"]


def test_post_form_and_direct_query(server):
    form = urllib.parse.urlencode({"query": ENTERPRISES}).encode()
    status, _, body = request(server, "/sparql", data=form,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and labels(body) == ["云帆科技", "青松制药"]
    status, _, body = request(server, "/sparql", data=ENTERPRISES.encode("utf-8"),
                              headers={"Content-Type": "application/sparql-query"})
    assert status == 200 and labels(body) == ["云帆科技", "青松制药"]


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/html, application/xml;q=0.9, */*;q=0.8", "application/xml"),
])
def test_select_content_negotiation(server, accept, media):
    status, ctype, body = get(server, ENTERPRISES, accept)
    assert status == 200 and ctype.split(";")[0] == media
    fmt = {"application/sparql-results+xml": ox.QueryResultsFormat.XML, "application/xml": ox.QueryResultsFormat.XML,
           "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV,
           "application/sparql-results+json": ox.QueryResultsFormat.JSON}[media]
    if fmt == ox.QueryResultsFormat.CSV:
        assert [row[0] for row in csv.reader(io.StringIO(body.decode("utf-8")))][1:] == ["云帆科技", "青松制药"]
    else:
        solutions = ox.parse_query_results(body, fmt)
        assert [s["l"].value for s in solutions] == ["云帆科技", "青松制药"]


def test_ask(server):
    status, _, body = get(server, "ASK { ?a a kg:Alliance }")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("accept, rdflib_format", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                                   ("application/n-triples", "nt")])
def test_construct_as_turtle_or_jsonld(server, accept, rdflib_format):
    query = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:Enterprise ; rdfs:label ?l }"
    status, ctype, body = get(server, query, accept)
    assert status == 200 and ctype.startswith(accept)
    graph = Graph().parse(data=body.decode("utf-8"), format=rdflib_format)
    assert sorted(str(o) for o in graph.objects()) == ["云帆科技", "青松制药"]


def test_format_parameter_overrides_accept(server):
    status, ctype, body = get(server, ENTERPRISES, "application/sparql-results+json", format="csv")
    assert status == 200 and ctype.startswith("text/csv") and "云帆科技" in body.decode("utf-8")


def test_unacceptable_media_type_is_406(server):
    status, _, body = get(server, ENTERPRISES, "image/png")
    assert status == 406 and b"text/csv" in body


def test_default_graph_uri_selects_one_article(server):
    query = "SELECT ?a WHERE { ?a a kg:Article }"
    status, _, body = get(server, query, **{"default-graph-uri": A2})
    assert status == 200
    assert [b["a"]["value"] for b in json.loads(body)["results"]["bindings"]] == [A2]


def test_malformed_query_is_400_with_the_parser_message(server):
    status, ctype, body = get(server, "SELECT ?x WHERE { ?x ?y ")
    assert status == 400 and ctype.startswith("text/plain")
    message = body.decode("utf-8")
    assert message.startswith("malformed query: error at 1:")


def test_missing_query_is_400_and_unknown_path_404(server):
    assert request(server, "/sparql")[0] == 400
    assert request(server, "/nowhere")[0] == 404


# ------------------------------------------------------------ read-only


def count_triples(server) -> int:
    _, _, body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_updates_are_refused_and_change_nothing(server):
    before = count_triples(server)
    update = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
    status, _, body = request(server, "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 403 and b"read-only" in body
    status, _, _ = request(server, "/sparql", data=update.encode(),
                           headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, _ = request(server, "/sparql?" + urllib.parse.urlencode({"update": "CLEAR ALL"}))
    assert status == 403
    # an update sent as a query is not a query
    assert get(server, "CLEAR ALL")[0] == 400
    assert request(server, "/sparql", data=b"x", method="PUT")[0] == 405
    assert request(server, "/sparql", method="DELETE")[0] == 405
    assert count_triples(server) == before > 0


# ------------------------------------------------------------ limits


def test_too_many_results_is_413_with_a_message(server):
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 413
    assert f"more than {MAX_RESULTS} results".encode() in body
    status, _, body = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert status == 413 and b"triples" in body
    assert get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")[0] == 200


def test_slow_query_is_stopped_with_503_and_the_server_goes_on(server):
    status, _, body = get(server, ENDLESS)
    assert status == 503
    assert b"timed out" in body
    # the worker that ran it was replaced; the endpoint still answers
    status, _, body = get(server, ENTERPRISES)
    assert status == 200 and labels(body) == ["云帆科技", "青松制药"]


# ------------------------------------------------------------ the page and named queries


def test_query_page_lists_named_queries_offline(server):
    status, ctype, body = request(server, "/")
    page = body.decode("utf-8")
    assert status == 200 and ctype.startswith("text/html")
    for name in ("provenance", "entity", "alliance-members"):
        assert f'data-query="{name}"' in page
    assert "src=\"http" not in page and "href=\"http" not in page and "@import" not in page


def test_query_page_escapes_what_it_shows(tmp_path, monkeypatch):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "evil.rq").write_text(
        '# <script>alert("x")</script> & more\n# param: who — <b>name</b>\nSELECT * WHERE { ?s ?p $who }\n',
        encoding="utf-8")
    monkeypatch.setattr(kg_query, "queries_dir", lambda: folder)
    page, _policy = query_page(Limits(timeout=5, max_results=10))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in page
    assert "&lt;b&gt;name&lt;/b&gt;" in page


def test_named_query_endpoint_binds_parameters_safely(server):
    status, _, body = request(server, "/queries/entity?" + urllib.parse.urlencode({"entity": '星河开发区"} #'}))
    assert status == 200
    assert '"星河开发区\\"} #"@zh' in body.decode("utf-8")
    status, _, body = request(server, "/queries/entity?" + urllib.parse.urlencode({"entity": "星河开发区"}))
    status, _, answer = get(server, body.decode("utf-8"))
    assert status == 200
    subjects = {b["subject"]["value"] for b in json.loads(answer)["results"]["bindings"]}
    assert subjects == {"青年骨干培训班", "星河产业链党建联盟"}
    assert request(server, "/queries/entity")[0] == 400
    assert request(server, "/queries/nothing")[0] == 404
    listing = json.loads(request(server, "/queries")[2])
    entity = next(q for q in listing if q["name"] == "entity")
    assert entity["params"][0]["name"] == "entity" and entity["description"]


# ------------------------------------------------------------ negotiation helpers


def test_parse_accept_orders_by_quality():
    assert parse_accept("text/csv;q=0.5, application/json, text/plain;q=0") == ["application/json", "text/csv"]
    assert negotiate([], RESULT_TYPES) == "application/sparql-results+json"
    assert negotiate(["text/*"], RESULT_TYPES) == "text/xml"
    assert negotiate(["image/png"], RESULT_TYPES) is None


def test_serving_a_store_folder(tmp_path):
    store_dir, _ = write_sample(tmp_path)
    srv = make_server(store=Path(store_dir), port=0, workers=1, quiet=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = get(srv, ENTERPRISES)
        assert status == 200 and labels(body) == ["云帆科技", "青松制药"]
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_named_query_endpoint_fills_in_empty_page_parameters(server):
    status, _headers, body = request(server, "/queries/provenance?limit=&offset=")
    assert status == 200 and body.decode("utf-8").rstrip().endswith("LIMIT 100 OFFSET 0")
    status, _headers, body = request(server, "/queries/provenance?limit=x")
    assert status == 400 and b"whole number" in body


# ------------------------------------------------------------ SERVICE (no requests to other hosts)

DATA = ox.Store()
DATA.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                 ox.NamedNode("http://example.org/o"), ox.DefaultGraph()))
# Oxigraph refuses port 1 before sending anything: a query that reaches this SERVICE fails
# with that message, so whether Oxigraph would call out can be seen without a network.
PORT_ONE = "<http://127.0.0.1:1/sparql>"
CALLED_OUT = "port 1 is not allowed"


@pytest.mark.parametrize("call", [
    f"SERVICE {PORT_ONE} {{ }}", f"service {PORT_ONE} {{ }}", f"SeRvIcE {PORT_ONE}{{}}", f"SERVICE SILENT {PORT_ONE} {{}}",
    f"# a comment\nSERVICE\t{PORT_ONE} {{}}", f"#x\rSERVICE {PORT_ONE} {{}}", f"FILTER(1)SERVICE{PORT_ONE}{{}}",
])
def test_service_is_refused_however_written(call):
    query = f"SELECT * WHERE {{ ?s ?p ?o . {call} }}"
    if "SILENT" not in call:  # Oxigraph would call out (SILENT only swallows the error)
        with pytest.raises(OSError, match=CALLED_OUT):
            list(DATA.query(query))
    response = evaluate(DATA, query)
    assert response.status == 403 and b"--allow-service" in response.body


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> {}",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'SERVICE <http://127.0.0.1:1/> {}') }",
    'SELECT * WHERE { ?s ?p ?o FILTER(?o != """a "quoted" SERVICE""") }',
    "SELECT * WHERE { ?s ?p ?o FILTER(?s != <http://example.org/SERVICE>) }",
    "PREFIX service: <http://example.org/> SELECT ?service WHERE { ?service ?p ?o FILTER(?p != service:SERVICE) }",
])
def test_service_in_comments_strings_iris_and_names_is_no_call(query):
    assert evaluate(DATA, query).status == 200


NOISE = st.lists(st.sampled_from([
    " ", "\n", ".", "?o", "<http://example.org/o>", "'SERVICE'", '"service"', "'''SERVICE x'''", "# SERVICE\n",
    "#SeRvIcE\r", "<http://x/SERVICE>", "ex:SERVICE", "?service", "_:service", "{}", "1", "'", '"', "\\",
]), max_size=3).map("".join)
# the keyword, where a parser reads it as one and where it does not
SPELLINGS = st.sampled_from(["SERVICE", "service", "SeRvIcE", "sErViCe"])
PLACES = st.sampled_from(["{}", " {} ", "\n{}", ".{}", "1{}", "true{}", "#\r{}", "'{}'", '"{}"', "# {}\n", "<http://x/{}>",
                          "ex:{}", "?{}", "_:{}", "ex:a.{}", "'''{}'''", "\\{}"])


@settings(max_examples=500, deadline=None, derandomize=True)
@given(NOISE, SPELLINGS, PLACES, st.sampled_from(["", " SILENT"]), st.sampled_from(["", " ", "\t", "\n"]), NOISE)
def test_no_query_oxigraph_would_call_out_with_gets_past_the_check(before, spelling, place, silent, space, after):
    call = place.format(spelling) + silent + space + PORT_ONE + space + "{}"
    query = "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ?o " + before + call + after + " }"
    loud = query.replace(" SILENT", "")  # the same call without SILENT shows whether Oxigraph makes it
    try:
        result = DATA.query(loud)
        list(result) if isinstance(result, ox.QuerySolutions) else None
        called_out = False
    except OSError as exc:
        called_out = CALLED_OUT in str(exc)
    except (SyntaxError, RuntimeError, ValueError):
        called_out = False
    if called_out:
        assert uses_service(query)


class SparqlStub(BaseHTTPRequestHandler):
    """Another endpoint on loopback: counts the requests it gets, answers one row."""

    requests = 0
    BODY = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"far"}}]}}'

    def answer(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    do_GET = do_POST = answer  # noqa: N815

    def log_message(self, *args) -> None:
        pass


def test_allowed_service_is_called_once_and_its_failure_is_502():
    stub = ThreadingHTTPServer(("127.0.0.1", 0), SparqlStub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    try:
        query = f"SELECT ?x WHERE {{ SERVICE <http://127.0.0.1:{stub.server_address[1]}/sparql> {{ ?s ?p ?x }} }}"
        response = evaluate(DATA, query, limits=Limits(allow_service=True))
        assert response.status == 200 and b"far" in response.body
        assert SparqlStub.requests == 1  # the query was evaluated once, not once to count and again to write
    finally:
        stub.shutdown()
        stub.server_close()
    failed = evaluate(DATA, f"SELECT * WHERE {{ SERVICE {PORT_ONE} {{ ?s ?p ?o }} }}",
                      limits=Limits(allow_service=True))
    assert failed.status == 502 and b"SERVICE call failed" in failed.body


# ------------------------------------------------------------ answer size

# rows of a literal doubled ten times: 7 × 1024 characters each
LONG_ROWS = ("SELECT ?i ?a10 WHERE { VALUES ?i { 1 2 3 4 5 6 7 8 } BIND('kg-row-' AS ?a0) "
             + " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(10)) + " }")


def test_an_answer_past_the_byte_limit_is_413_whatever_its_row_count():
    assert evaluate(DATA, LONG_ROWS, limits=Limits(max_bytes=100_000)).status == 200
    response = evaluate(DATA, LONG_ROWS, limits=Limits(max_bytes=20_000))
    assert response.status == 413 and b"more than 20000 bytes" in response.body
    construct = LONG_ROWS.replace("SELECT ?i ?a10 WHERE", "CONSTRUCT { ?s ?p ?a10 } WHERE { ?s ?p ?o") + " }"
    assert evaluate(DATA, construct, accept="text/turtle", limits=Limits(max_bytes=5_000)).status == 413
    assert evaluate(DATA, construct, accept="text/turtle", limits=Limits(max_bytes=50_000)).status == 200


def test_an_answer_written_larger_than_its_rows_is_checked_too():
    # 2,000 short rows: about 100 KB as N-Triples terms, more than twice that as XML
    numbers = f"SELECT ?i WHERE {{ VALUES ?i {{ {' '.join(map(str, range(2000)))} }} }}"
    assert evaluate(DATA, numbers, formats=("csv",), limits=Limits(max_bytes=150_000)).status == 200
    xml = evaluate(DATA, numbers, formats=("xml",), limits=Limits(max_bytes=150_000))
    assert xml.status == 413 and b"once written as application/sparql-results+xml" in xml.body


@pytest.mark.parametrize("fmt", [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                                 ox.QueryResultsFormat.TSV])
def test_rows_are_written_as_pyoxigraph_writes_them(fmt):
    store = ox.Store()
    store.load(A_FEW_TERMS, format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?none } } ORDER BY ?o"
    media = next(m for m, f in RESULT_TYPES.items() if f == fmt)
    assert evaluate(store, query, accept=media).body == store.query(query).serialize(format=fmt)


A_FEW_TERMS = """
@prefix ex: <http://example.org/> .
ex:a ex:p "tab\\tand\\nnewline \\"quoted\\" 中文" , "1"^^<http://www.w3.org/2001/XMLSchema#integer> , "标签"@zh , ex:b .
_:x ex:p "from a blank node" .
"""


def test_a_select_with_no_variables():
    response = evaluate(DATA, "SELECT * WHERE { }")
    assert response.status == 200
    assert json.loads(response.body) == {"head": {"vars": []}, "results": {"bindings": [{}]}}


# ------------------------------------------------------------ connections


def raw(server, data: bytes) -> bytes:
    """Send bytes as they are and read the answer until the server closes."""
    with socket.create_connection(server.server_address, timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def post_head(server, length: str, content_type: str = "application/x-www-form-urlencoded") -> bytes:
    host, port = server.server_address
    return (f"POST /sparql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {length}\r\nConnection: close\r\n\r\n").encode()


def test_request_bodies_are_capped_whatever_content_length_says(server):
    # http.server read a body of length -1 to its end, past the cap: waitress refuses the header
    query = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o } # padding"}).encode()
    assert raw(server, post_head(server, "-1") + query).startswith(b"HTTP/1.1 400")
    # a body over the cap is refused from its header, before it is read
    assert raw(server, post_head(server, str(2 << 20))).startswith(b"HTTP/1.1 413")
    assert raw(server, post_head(server, str(len(query))) + query).startswith(b"HTTP/1.1 200")


def test_idle_connections_are_closed(tmp_path):
    _, trig = write_sample(tmp_path)
    srv = make_server(graph=trig, port=0, workers=1, quiet=True, idle_timeout=1)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        idle = [socket.create_connection(srv.server_address, timeout=10) for _ in range(20)]
        assert get(srv, "ASK { ?s ?p ?o }")[0] == 200  # served while they idle
        for sock in idle:
            assert sock.recv(1) == b""  # closed by the server, within its timeout and clean-up interval
            sock.close()
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_clients_that_hang_up_leave_no_traceback(tmp_path, capfd):
    _, trig = write_sample(tmp_path)
    srv = make_server(graph=trig, port=0, workers=1, quiet=False)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        for _ in range(10):
            with socket.create_connection(srv.server_address, timeout=10) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        assert get(srv, "ASK { ?s ?p ?o }")[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
    err = capfd.readouterr().err
    assert '"GET /sparql" 200' in err  # the log is on
    assert "Traceback" not in err and "Error" not in err


# ------------------------------------------------------------ browsers: Host, Origin, CORS


def call(app: SparqlApp, path: str = "/sparql", method: str = "GET", **headers: str):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "wsgi.input": io.BytesIO(),
               "QUERY_STRING": urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})}
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    status_headers = []
    body = b"".join(app(environ, lambda status, hdrs: status_headers.extend([status, dict(hdrs)])))
    return int(status_headers[0].split()[0]), status_headers[1], body


def test_loopback_server_answers_only_its_own_host_names(server):
    port = server.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert call(server.app, host=host)[0] == 200, host
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1.attacker.example:{port}", ""):
        status, _, body = call(server.app, host=host)
        assert status == 403 and b"Host" in body, host
    anywhere = SparqlApp(server.pool, Limits(), quiet=True)  # listening beyond loopback: no Host check
    assert call(anywhere, host="kg.example.org")[0] == 200


def test_pages_of_other_sites_are_refused_unless_allowed(server):
    host = f"127.0.0.1:{server.server_address[1]}"
    status, headers, _ = call(server.app, host=host, origin="https://attacker.example")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers
    assert call(server.app, host=host, sec_fetch_site="cross-site")[0] == 403  # a plain <img src=…>
    assert call(server.app, host=host, origin=f"http://{host}", sec_fetch_site="same-origin")[0] == 200
    allowed = SparqlApp(server.pool, Limits(), allowed_hosts=server.app.allowed_hosts,
                        cors=("https://app.example",), quiet=True)
    status, headers, _ = call(allowed, host=host, origin="https://app.example", sec_fetch_site="cross-site")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://app.example"
    status, headers, _ = call(allowed, method="OPTIONS", host=host, origin="https://app.example")
    assert status == 204 and "POST" in headers["Access-Control-Allow-Methods"]
    assert call(allowed, host=host, origin="https://attacker.example")[0] == 403


def test_the_query_page_runs_only_its_own_script(server):
    status, headers, page = call(server.app, "/", host=f"127.0.0.1:{server.server_address[1]}")
    assert status == 200 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    script = page.decode("utf-8").split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in headers["Content-Security-Policy"]


# ------------------------------------------------------------ clients with their defaults


SELECT_ZONES = ("PREFIX kg: <https://w3id.org/kg-news/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                "SELECT ?l WHERE { ?e a kg:Enterprise ; rdfs:label ?l } ORDER BY ?l")
PREFIXES = "PREFIX kg: <https://w3id.org/kg-news/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
CONSTRUCT = PREFIXES + "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a kg:Enterprise ; rdfs:label ?l }"
DESCRIBE = PREFIXES + "DESCRIBE ?e WHERE { ?e a kg:Enterprise ; rdfs:label '云帆科技'@zh }"


def test_sparqlwrapper_with_its_defaults(server):
    from SPARQLWrapper import SPARQLWrapper

    def ask(query: str):
        client = SPARQLWrapper(server.url + "/sparql")
        client.setQuery(query)
        return client.queryAndConvert()

    rows = ask(SELECT_ZONES).getElementsByTagName("literal")  # XML by default
    assert [r.firstChild.data for r in rows] == ["云帆科技", "青松制药"]
    assert ask(PREFIXES + "ASK { ?e a kg:Alliance }").getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert sorted(str(o) for o in ask(CONSTRUCT).objects()) == ["云帆科技", "青松制药"]
    described = ask(DESCRIBE)
    assert len(described) > 2 and "云帆科技" in {str(o) for o in described.objects()}


def test_rdflib_sparqlstore_with_its_defaults(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(SPARQLStore(server.url + "/sparql"))
    assert [str(row.l) for row in graph.query(SELECT_ZONES)] == ["云帆科技", "青松制药"]
    assert graph.query(PREFIXES + "ASK { ?e a kg:Alliance }").askAnswer is True
    assert sorted(str(o) for o in graph.query(CONSTRUCT).graph.objects()) == ["云帆科技", "青松制药"]
    assert "云帆科技" in {str(o) for o in graph.query(DESCRIBE).graph.objects()}


@pytest.mark.parametrize("formats, media", [
    (["xml"], "application/rdf+xml"), (["n3"], "text/turtle"), (["rdf+xml", "application/rdf+xml"], "application/rdf+xml"),
    (["json"], "application/ld+json"), (["turtle"], "text/turtle"),
])
def test_format_parameter_names_a_graph_format_too(server, formats, media):
    params = urllib.parse.urlencode([("query", CONSTRUCT)] + [("format", f) for f in formats])
    status, ctype, _ = request(server, f"/sparql?{params}")
    assert status == 200 and ctype.startswith(media)


# ------------------------------------------------------------ the page in a browser


@pytest.mark.browser
def test_the_query_page_runs_a_named_query_in_chromium(server, browser):
    page = browser.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(server.url + "/")
    page.click("button[data-query='entities-per-class']")
    page.wait_for_selector("#result table")
    cells = page.locator("#result td").all_inner_texts()
    page.close()
    assert "https://w3id.org/kg-news/ontology#Enterprise" in cells
    assert not errors  # a script the page's policy blocked would show here


# ------------------------------------------------------------ answers kept


def test_answers_are_kept_within_their_budget():
    cache = AnswerCache(max_bytes=800)
    answer = Response(200, "text/csv", b"x" * 100)
    for key in "abcdefgh":
        cache.put((key,), answer)
    assert cache.get(("a",)) is answer  # now the most recently used
    cache.put(("i",), answer)  # past 800 bytes: the least recently used goes
    assert cache.get(("b",)) is None and cache.get(("a",)) is answer and cache.get(("i",)) is answer
    cache.put(("big",), Response(200, "text/csv", b"x" * 101))  # over an eighth of the budget
    cache.put(("late",), Response.text(503, "timed out"))  # only answers are kept, not failures
    assert cache.get(("big",)) is None and cache.get(("late",)) is None


class CountingPool:
    def __init__(self) -> None:
        self.jobs = []

    def run(self, job, timeout):
        self.jobs.append(job)
        return Response(200, "text/csv; charset=utf-8", b"l\r\n")


def test_the_same_request_is_answered_again_without_a_worker():
    pool = CountingPool()
    app = SparqlApp(pool, Limits(), quiet=True)
    assert call(app)[0] == call(app)[0] == 200
    assert len(pool.jobs) == 1
    call(app, accept="text/csv")  # another format is another answer
    assert len(pool.jobs) == 2
