"""`kg push` (kg.push) against a real Oxigraph server started for each test.

The server is the `oxigraph` executable from the `test` extra, run as
`oxigraph serve --location DIR --bind 127.0.0.1:PORT`; the tests that need it are
skipped only when the executable is absent. The corpora are built with `kg build`
from articles written here, with made-up names.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.push
from kg.cli import main
from kg.errors import KgError
from kg.push import GRAPH_DIGEST, Endpoints, LocalGraph, _Sender, push
from kg.store import ENTITIES_GRAPH, ONTOLOGY_GRAPH, article_graphs, article_triples, open_store
from kg.summary import SUMMARY_GRAPH
from oxigraph_server import find_oxigraph, free_port, running_oxigraph

KGR = "https://w3id.org/kg-news/id/"

GAMMA = "北塘座谈"  # an article id beyond ASCII: its IRI is percent-encoded in ?graph=
ARTICLES = {
    "alpha": ("青川经开区举办青年人才专题培训班\n(记者 林晓东 通讯员 周一鸣)\n"
              "7月1日上午,青川经开区举办青年人才专题培训班,青禾科技、远澜生物、海岚电子等12家企业的高层次人才参加培训。\n"
              "编辑:王小红\n"),
    "beta": ("云溪高新区成立新材料产业联盟\n(记者 陈思远)\n"
             "9月18日,云溪高新区成立新材料产业联盟,星拓新材料有限公司、华岳智能股份有限公司等9家企业加入联盟。\n"
             "编辑:赵丽娜\n"),
    GAMMA: ("北塘工业园区召开企业座谈会\n(记者 孙嘉怡)\n"
              "3月5日,北塘工业园区召开企业座谈会,金穗机械、博衍电子等8家企业负责人参加座谈。\n"),
}
BETA_CHANGED = ARTICLES["beta"].replace("9家企业", "15家企业")
DELTA = ("南屏经济开发区选派党建指导员\n(记者 郭文博)\n"
         "今年以来,南屏经济开发区党工委选派20名党建指导员深入企业,帮助瑞霖能源有限公司解决实际困难。\n")


def article(name: str) -> str:
    return f"{KGR}article/{name}"


OXIGRAPH = find_oxigraph()
needs_oxigraph = pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph executable (test extra) is not installed")


@pytest.fixture
def server(tmp_path):
    """A fresh Oxigraph server on loopback: its base URL."""
    with running_oxigraph(tmp_path / "oxigraph") as base:
        yield base


def build(folder: Path, articles: dict[str, str]) -> Path:
    """`kg build` over the articles; the path of the store it wrote."""
    (folder / "in").mkdir(parents=True)
    for name, text in articles.items():
        (folder / "in" / f"{name}.txt").write_text(text, encoding="utf-8")
    assert main(["build", str(folder / "in"), "--out", str(folder / "out"), "--date", "2024-08-01"]) == 0
    return folder / "out" / "store"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Two builds: alpha, beta, gamma; then beta changed, gamma deleted, delta added."""
    root = tmp_path_factory.mktemp("corpora")
    first = build(root / "first", ARTICLES)
    second = build(root / "second", {"alpha": ARTICLES["alpha"], "beta": BETA_CHANGED, "delta": DELTA})
    return first, second


def local_graphs(store_path: Path) -> dict[str, set[ox.Triple]]:
    """Graph IRI → triples, for the graphs a push sends: the articles, the entities and the ontology."""
    store = open_store(store_path)
    graphs = {g.value: set(article_triples(store, g)) for g in article_graphs(store)}
    return {**graphs, **{g.value: {q.triple for q in store.quads_for_pattern(None, None, None, g)}
                         for g in (ENTITIES_GRAPH, ONTOLOGY_GRAPH)}}


def sparql(base: str, query: str) -> list[dict]:
    request = urllib.request.Request(f"{base}/query", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["results"]["bindings"]


def remote_graphs(base: str) -> dict[str, set[ox.Triple]]:
    """Every named graph on the server, read back through the Graph Store Protocol."""
    names = [row["g"]["value"] for row in sparql(base, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]
    graphs = {}
    for name in names:
        request = urllib.request.Request(f"{base}/store?graph={urllib.parse.quote(name, safe='')}",
                                         headers={"Accept": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as response:
            graphs[name] = {q.triple for q in ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES)}
    return graphs


def assert_remote_mirrors(base: str, store_path: Path) -> None:
    """The server holds exactly the store's article and ontology graphs, each with its digest triple."""
    local, remote = local_graphs(store_path), remote_graphs(base)
    assert sorted(remote) == sorted(local)
    for name, triples in local.items():
        # exact comparison is sound only without blank nodes (the server relabels them)
        assert not any(isinstance(t, ox.BlankNode) for triple in triples for t in triple), name
        digests = {t for t in remote[name] if t.predicate == GRAPH_DIGEST}
        assert [t.subject.value for t in digests] == [name]
        assert remote[name] - digests == triples, name
    assert sparql(base, "SELECT * WHERE { ?s ?p ?o } LIMIT 1") == []  # nothing in the default graph


@pytest.fixture
def requests_made(monkeypatch):
    """Every HTTP request kg.push makes, as (method, graph IRI or URL), still sent to the server."""
    made = []
    real_urlopen = urllib.request.urlopen

    def recording_urlopen(request, *args, **kwargs):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.full_url).query)
        made.append((request.get_method(), query.get("graph", [request.full_url])[0]))
        return real_urlopen(request, *args, **kwargs)

    monkeypatch.setattr(kg.push.urllib.request, "urlopen", recording_urlopen)
    return made


# ----------------------------------------------------------------- without a server

@pytest.mark.parametrize("endpoint, graph_store, query, store", [
    ("http://h:7878", None, "http://h:7878/query", "http://h:7878/store"),
    ("http://h:7878/", None, "http://h:7878/query", "http://h:7878/store"),
    ("https://h/kg/query", None, "https://h/kg/query", "https://h/kg/store"),
    ("http://h:3030/ds/query", "http://h:3030/ds/data", "http://h:3030/ds/query", "http://h:3030/ds/data"),
    ("http://h:7200/repositories/r", "http://h:7200/repositories/r/rdf-graphs/service",
     "http://h:7200/repositories/r", "http://h:7200/repositories/r/rdf-graphs/service"),
])
def test_endpoints_from_a_base_or_query_url(endpoint, graph_store, query, store):
    assert Endpoints.from_urls(endpoint, graph_store) == Endpoints(query, store)


def test_graph_urls_escape_the_iri():
    endpoints = Endpoints.from_urls("http://h:7878")
    assert endpoints.graph_url(article("a1")) == "http://h:7878/store?graph=https%3A%2F%2Fw3id.org%2Fkg-news%2Fid%2Farticle%2Fa1"
    assert Endpoints("q", "http://h/x?repo=1").graph_url("urn:g").startswith("http://h/x?repo=1&graph=")


@pytest.mark.parametrize("endpoint", ["h:7878", "ftp://h/query", "localhost"])
def test_an_endpoint_must_be_an_http_url(endpoint):
    with pytest.raises(KgError, match="--endpoint must be an http"):
        Endpoints.from_urls(endpoint)


def test_the_digest_is_of_the_content_not_of_the_order_or_blank_node_labels():
    graph = ox.NamedNode(article("t1"))
    p, q = ox.NamedNode("urn:p"), ox.NamedNode("urn:q")

    def digest(*triples):
        store = ox.Store()
        store.extend(ox.Quad(*t, graph) for t in triples)
        return LocalGraph.read(store, graph).digest

    one = digest((graph, p, ox.BlankNode("x")), (ox.BlankNode("x"), q, ox.Literal("一")))
    assert one == digest((ox.BlankNode("other"), q, ox.Literal("一")), (graph, p, ox.BlankNode("other")))
    assert one != digest((graph, p, ox.BlankNode("x")), (ox.BlankNode("x"), q, ox.Literal("二")))


def test_the_body_is_the_sorted_graph_and_its_digest():
    graph = ox.NamedNode(article("t1"))
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"urn:s{n}"), ox.NamedNode(f"urn:p{n % 3}"), ox.Literal(str(n)), graph)
                 for n in range(20))
    local = LocalGraph.read(store, graph)
    *lines, last = local.body().decode().splitlines()
    assert lines == sorted(f'<urn:s{n}> <urn:p{n % 3}> "{n}" .' for n in range(20))
    assert last == f'{graph} {GRAPH_DIGEST} "{local.digest}" .'
    assert local.triples == 20


def test_the_first_failed_request_stops_the_push():
    ran = []

    def request(n):
        if n == 0:
            raise KgError("PUT graph <g0>: HTTP 500")
        ran.append(n)

    sender = _Sender(jobs=1)
    with pytest.raises(KgError, match="g0"):
        for n in range(50):
            sender.submit(request, n)
        sender.finish()
    assert len(ran) <= 2  # at most the requests already waiting for the thread


def test_an_unreachable_endpoint_is_one_line(stores, capsys):
    assert main(["push", "--store", str(stores[0]), "--endpoint", f"http://127.0.0.1:{free_port()}",
                 "--timeout", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach" in err[0] and "/query" in err[0], err


def test_a_user_needs_the_password_in_the_environment(stores, monkeypatch, capsys):
    monkeypatch.delenv("KG_PUSH_PASSWORD", raising=False)
    assert main(["push", "--store", str(stores[0]), "--endpoint", "http://127.0.0.1:1", "--user", "ann"]) == 2
    assert "KG_PUSH_PASSWORD" in capsys.readouterr().err


def test_basic_authentication_is_sent_with_every_request(stores, monkeypatch, capsys):
    """A stand-in server that records the Authorization header (Oxigraph itself has no authentication)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def answer(self, status, body=b""):
            seen.append((self.command, self.headers.get("Authorization")))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            self.answer(200, b'{"head": {"vars": ["g", "d"]}, "results": {"bindings": []}}')

        def do_PUT(self):
            self.answer(201)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("KG_PUSH_PASSWORD", "s3cret:x")
        assert main(["push", "--store", str(stores[0]), "--endpoint", f"http://127.0.0.1:{httpd.server_port}",
                     "--user", "ann"]) == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
    token = "Basic " + base64.b64encode(b"ann:s3cret:x").decode()
    assert [method for method, _ in seen].count("PUT") == 5  # three articles, the entities and the ontology
    assert {auth for _, auth in seen} == {token}
    assert "s3cret" not in capsys.readouterr().out


# ------------------------------------------------------------- against Oxigraph

@needs_oxigraph
def test_push_copies_every_article_graph_and_the_ontology(server, stores, requests_made):
    first, _ = stores
    report = push(first, server)
    assert sorted(report.created) == sorted([article("alpha"), article("beta"), article(GAMMA),
                                             ENTITIES_GRAPH.value, ONTOLOGY_GRAPH.value])
    assert report.replaced == report.deleted == [] and report.unchanged == 0 and report.articles == 3
    assert report.requests == 5
    assert sorted(method for method, _ in requests_made) == ["POST", "PUT", "PUT", "PUT", "PUT", "PUT"]
    assert_remote_mirrors(server, first)
    assert SUMMARY_GRAPH.value not in remote_graphs(server)


@needs_oxigraph
def test_an_incremental_push_sends_only_what_changed(server, stores, requests_made):
    first, second = stores
    push(first, server)
    before, after = local_graphs(first), local_graphs(second)
    # what the rebuild changed, seen in the local stores: beta, delta and the entities they name,
    # not alpha nor the ontology
    assert {g for g in after if after[g] != before.get(g)} == {article("beta"), article("delta"),
                                                               ENTITIES_GRAPH.value}

    requests_made.clear()
    report = push(second, server)
    assert report.created == [article("delta")]
    assert sorted(report.replaced) == sorted([article("beta"), ENTITIES_GRAPH.value])
    assert report.deleted == [article(GAMMA)]
    assert report.unchanged == 2  # alpha and the ontology
    assert sorted(requests_made) == sorted([("POST", f"{server}/query"), ("PUT", article("beta")),
                                            ("PUT", article("delta")), ("PUT", ENTITIES_GRAPH.value),
                                            ("DELETE", article(GAMMA))])
    assert_remote_mirrors(server, second)

    requests_made.clear()
    again = push(second, server)
    assert again.requests == 0 and again.unchanged == 5
    assert requests_made == [("POST", f"{server}/query")]


@needs_oxigraph
def test_a_push_from_another_machine_finds_the_same_digests(server, stores, tmp_path):
    """The record of what was pushed is on the server: a separate build of the same articles sends nothing."""
    push(stores[0], server)
    elsewhere = build(tmp_path / "elsewhere", ARTICLES)
    report = push(elsewhere, server)
    assert report.requests == 0 and report.unchanged == 5


@needs_oxigraph
def test_a_dry_run_lists_the_changes_and_sends_none(server, stores, capsys):
    first, second = stores
    push(first, server)
    remote_before = remote_graphs(server)
    assert main(["push", "--store", str(second), "--endpoint", f"{server}/query", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:4] == [f"create <{article('delta')}>", f"replace <{article('beta')}>",
                       f"replace <{ENTITIES_GRAPH.value}>", f"delete <{article(GAMMA)}>"]
    assert out[4].startswith("dry run, nothing sent")
    assert remote_graphs(server) == remote_before


@needs_oxigraph
def test_graphs_not_pushed_by_kg_are_left_alone(server, stores):
    foreign = {"http://example.org/other": '<http://example.org/s> <http://example.org/p> "x" .\n',
               article("hand-loaded"): f'<{article("hand-loaded")}> <http://example.org/p> "y" .\n'}
    for name, body in foreign.items():
        request = urllib.request.Request(f"{server}/store?graph={urllib.parse.quote(name, safe='')}",
                                         data=body.encode(), method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=30).close()
    report = push(stores[1], server)
    assert report.deleted == []
    assert set(foreign) <= set(remote_graphs(server))


@needs_oxigraph
def test_a_failed_request_is_one_line_naming_the_graph_and_status(server, stores, capsys):
    assert main(["push", "--store", str(stores[0]), "--endpoint", f"{server}/query",
                 "--graph-store", f"{server}/no-such-service"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("kg push: error: PUT graph <https://w3id.org/kg-news/")
    assert "HTTP 404" in err[0]


@needs_oxigraph
def test_kg_push_on_the_command_line(server, stores, tmp_path):
    """As a user runs it: a fresh process, the summary on stdout."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-m", "kg", "push", "--store", str(stores[0]), "--endpoint", server],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "pushed 3 articles, the entities and the ontology" in done.stdout and "5 graphs created" in done.stdout
    assert_remote_mirrors(server, stores[0])
