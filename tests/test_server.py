"""`kg serve` (kg.server), spoken to over real HTTP on the loopback interface."""
from __future__ import annotations

import csv
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg import query as kg_query
from kg.server import RESULT_TYPES, Limits, make_server, negotiate, parse_accept, query_page
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
