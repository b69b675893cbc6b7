"""kg.builder: `kg build` over a corpus — incremental equals clean, kills leave a whole set."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.builder import build_output
from kg.errors import KgError
from kg.outputs import MANIFEST_NAME, check_output_set, state_dir
from kg.store import SUMMARY_GRAPH

ROOT = Path(__file__).resolve().parent.parent

# Made-up zones, companies and people. The zone is spelt three ways across articles,
# so that which spelling is its label depends on which articles are in the build.
ARTICLES = {
    "a.txt": ("江苏青川经济技术开发区举办青年人才专题培训班\n"
              "7月1日上午,江苏青川经济技术开发区举办青年人才专题培训班,青禾科技有限公司、远澜生物等12家企业的"
              "青年骨干参加培训。\n青川经开区党工委副书记赵海峰表示,将持续优化营商环境。\n"),
    "b.txt": ("青川经开区召开人才工作座谈会\n"
              "6月18日,青川经开区召开人才工作座谈会,区内企业代表参加会议。\n"
              "青禾科技总经理林晓东说,公司将继续加大研发投入。\n"),
    "c.txt": ("云溪高新区成立新材料产业联盟\n"
              "3月5日,云溪高新区新材料产业联盟正式成立,首批成员单位包括海岚电子股份有限公司、金穗新材料有限公司等9家。\n"
              "该联盟聚焦新材料产业,定期开展技术交流。\n"),
}
CHANGED_B = ("青川经济技术开发区召开人才工作座谈会\n"
             "6月18日,青川经济技术开发区召开人才工作座谈会,区内30余家企业代表参加会议。\n"
             "青川经济技术开发区聘请8位法律专家,为企业提供咨询服务。\n")
NEW_D = ("北塘经开区举办项目推介会\n"
         "5月20日,北塘经开区举办项目推介会,星拓智能、青禾科技等企业参加。\n")


def write(folder: Path, articles: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(folder):
        os.unlink(folder / name)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def store_quads(out: Path) -> set[ox.Quad]:
    store = ox.Store.read_only(str(out / "store"))
    return set(store)


def turtle_triples(out: Path) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE)}


def build(folder: Path, out: Path, **kw):
    return build_output([folder], out, jobs=1, quiet=True, **kw)


def test_incremental_build_equals_a_clean_build(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    first = build(write(corpus, ARTICLES), out)
    assert (first.new, first.changed, first.unchanged) == (3, 0, 0)
    # b changes, c goes, d comes: the zone's label now comes from other spellings
    final = {"a.txt": ARTICLES["a.txt"], "b.txt": CHANGED_B, "d.txt": NEW_D}
    again = build(write(corpus, final), out)
    assert (again.new, again.changed, again.unchanged, again.deleted) == (1, 1, 1, 1)
    clean = build(write(tmp_path / "clean", final), tmp_path / "clean-out")
    assert store_quads(out) == store_quads(tmp_path / "clean-out")
    assert turtle_triples(out) == turtle_triples(tmp_path / "clean-out")
    labels = {q.object.value for q in store_quads(out) if q.subject.value.endswith("zone/青川经开区")
              and q.predicate.value.endswith("#label")}
    assert labels == {"青川经济技术开发区"}  # the most used spelling after the change
    assert (again.entities, again.statements, again.triples) == (clean.entities, clean.statements, clean.triples)


def test_graph_ttl_is_the_default_graph_of_the_store(tmp_path):
    out = tmp_path / "out"
    build(write(tmp_path / "corpus", ARTICLES), out)
    default = {q.triple for q in store_quads(out) if q.graph_name == ox.DefaultGraph()}
    assert turtle_triples(out) == default


def test_the_store_keeps_an_article_s_own_triples_once_and_gives_its_whole_graph_back(tmp_path):
    import io

    from kg.builder import extract_to
    from kg.store import article_graphs, article_triples

    corpus, out = write(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build(corpus, out)
    store = ox.Store.read_only(str(out / "store"))
    extracted = io.BytesIO()
    assert extract_to(sorted(corpus.iterdir()), extracted) == 0
    expected: dict = {}
    for q in ox.parse(extracted.getvalue(), format=ox.RdfFormat.N_QUADS):
        expected.setdefault(q.graph_name, set()).add(q.triple)
    assert set(article_graphs(store)) == set(expected)
    article_predicate = ox.NamedNode("https://w3id.org/kg-news/ontology#article")
    for graph, triples in expected.items():
        assert set(article_triples(store, graph)) == triples  # what `kg extract` writes for it
        own = {graph} | {q.subject for q in store.quads_for_pattern(None, article_predicate, graph, None)}
        stored = list(store.quads_for_pattern(None, None, None, graph))
        assert stored and not any(q.subject in own for q in stored)  # only the triples about entities
        assert len(stored) < len(triples) / 3


def test_trig_export_of_a_built_store_has_every_article_graph_whole(tmp_path):
    import io

    from kg.builder import extract_to
    from kg.export import export, open_export_source

    corpus, out = write(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build(corpus, out)
    extracted, exported = io.BytesIO(), io.BytesIO()
    extract_to(sorted(corpus.iterdir()), extracted)
    export(open_export_source(store=out / "store"), "trig", exported)
    graphs: dict = {}
    for q in ox.parse(exported.getvalue(), format=ox.RdfFormat.TRIG):
        graphs.setdefault(q.graph_name, set()).add(q.triple)
    for graph, triples in graphs.items():
        if graph.value.startswith("https://w3id.org/kg-news/id/article/"):
            assert triples == {q.triple for q in ox.parse(extracted.getvalue(), format=ox.RdfFormat.N_QUADS)
                               if q.graph_name == graph}
    assert sum(g.value.startswith("https://w3id.org/kg-news/id/article/") for g in graphs) == len(ARTICLES)


def test_an_article_that_names_nothing_has_a_graph_and_leaves_nothing_when_deleted(tmp_path):
    from kg.store import article_graphs, article_triples

    plain = {"plain.txt": "今天天气很好，大家都出门散步。\n", "a.txt": ARTICLES["a.txt"]}
    out = tmp_path / "out"
    build(write(tmp_path / "corpus", plain), out)
    store = ox.Store.read_only(str(out / "store"))
    graph = ox.NamedNode("https://w3id.org/kg-news/id/article/plain")
    assert graph in article_graphs(store) and not list(store.quads_for_pattern(None, None, None, graph))
    assert any(t.object == ox.Literal("今天天气很好，大家都出门散步。", language="zh")
               for t in article_triples(store, graph))
    del store
    (tmp_path / "corpus" / "plain.txt").unlink()
    build(tmp_path / "corpus", out)
    build(write(tmp_path / "clean", {"a.txt": ARTICLES["a.txt"]}), tmp_path / "clean-out")
    assert store_quads(out) == store_quads(tmp_path / "clean-out")


def test_a_rebuild_with_no_change_touches_nothing(tmp_path):
    corpus, out = write(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    first = build(corpus, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = build(corpus, out)
    assert again.nothing_changed and again.build_id == first.build_id
    assert (again.unchanged, again.new, again.entities) == (3, 0, first.entities)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    # another --date is another build of every article, equal to a clean one
    when = date(2024, 8, 1)
    dated = build(corpus, out, publication_date=when)
    assert not dated.nothing_changed and dated.new == 3
    build(corpus, tmp_path / "clean", publication_date=when)
    assert store_quads(out) == store_quads(tmp_path / "clean")


def test_a_failed_article_is_reported_and_skipped(tmp_path):
    articles = dict(ARTICLES)
    corpus = write(tmp_path / "corpus", articles)
    (corpus / "broken.txt").write_bytes(bytes(range(256)) * 8)  # binary: cannot be read as text
    reasons = []
    report = build_output([corpus], tmp_path / "out", jobs=1, quiet=True,
                          report_failure=lambda path, reason: reasons.append((path.name, reason)))
    assert [name for name, _ in reasons] == ["broken.txt"] and "binary" in reasons[0][1]
    assert [p.name for p, _ in report.failed] == ["broken.txt"] and report.new == 4
    assert check_output_set(tmp_path / "out")["failed"]
    assert report.entities > 0 and (tmp_path / "out" / "graph.ttl").is_file()


def test_the_cli_says_so_in_its_exit_status(tmp_path):
    corpus = write(tmp_path / "corpus", ARTICLES)
    (corpus / "empty.txt").write_bytes(b"")
    done = kg("build", corpus, "--out", tmp_path / "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "empty.txt: empty file" in done.stderr
    assert "failed 1" in done.stdout and (tmp_path / "out" / "graph.html").is_file()


def test_quiet_prints_nothing_and_plain_progress_is_lines(tmp_path):
    corpus = write(tmp_path / "corpus", ARTICLES)
    done = kg("build", corpus, "--out", tmp_path / "q", "--quiet", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    from kg.builder import Progress

    class Sink:
        lines: list[str] = []

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

        def isatty(self):
            return False

    sink = Sink()
    progress = Progress(3, stream=sink, every=0.0)
    for _ in range(3):
        progress.advance()
    lines = "".join(sink.lines).splitlines()
    assert len(lines) == 3
    assert "3/3 articles (100%)" in lines[-1] and "/s" in lines[-1]

    class Terminal(Sink):
        lines: list[str] = []

        def isatty(self):
            return True

    terminal = Terminal()
    bar = Progress(3, stream=terminal)
    for _ in range(3):
        bar.advance()
    bar.close()
    drawn = "".join(terminal.lines)
    assert "3/3" in drawn and "article/s" in drawn  # tqdm's bar with its rate


def test_an_output_folder_with_other_files_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(KgError, match="did not write"):
        build(write(tmp_path / "corpus", ARTICLES), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_readers_refuse_a_set_that_is_not_its_manifest(tmp_path):
    out = tmp_path / "out"
    build(write(tmp_path / "corpus", ARTICLES), out)
    assert check_output_set(out)["build"]
    assert check_output_set(out / "store")["build"]  # a store folder names its set too
    turtle = out / "graph.ttl"
    turtle.write_bytes(turtle.read_bytes().replace(b"# kg build ", b"# kg build x", 1))
    with pytest.raises(KgError, match="graph.ttl"):
        check_output_set(out)
    assert check_output_set(tmp_path / "corpus") is None  # no manifest: not a kg build folder


def kg(*args, cwd, timeout=600):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_killed_builds_leave_a_whole_set_and_a_rerun_finishes_the_job(tmp_path):
    """kill -9 at many moments of a build: the output is always a whole set (the old one or
    the new one), and a rerun gives the graph an uninterrupted build gives."""
    corpus, out, clean = tmp_path / "corpus", tmp_path / "out", tmp_path / "clean"
    many = {f"{i:02d}{name}": text.replace("青禾", "青禾" if i % 2 else "远澜")
            for i in range(20) for name, text in ARTICLES.items()}
    write(corpus, dict(list(many.items())[:12]))
    assert kg("build", corpus, "--out", out, "--quiet", cwd=tmp_path).returncode == 0
    first = check_output_set(out)["build"]
    write(corpus, many)  # the next build has work to do
    started = time.monotonic()
    assert kg("build", corpus, "--out", clean, "--quiet", cwd=tmp_path).returncode == 0
    duration = time.monotonic() - started  # an uninterrupted build, the reference
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    killed = 0
    for fraction in (0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.9, 0.97):
        process = subprocess.Popen([sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--quiet",
                                    "--jobs", "2"], cwd=tmp_path, env=env, start_new_session=True)
        time.sleep(fraction * duration)
        killed += process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # a build that ended already
            os.killpg(process.pid, signal.SIGKILL)  # the build and its workers, at once
        process.wait()
        manifest = check_output_set(out)  # raises if the set is not whole
        assert manifest["build"] == first or len(manifest["articles"]) == len(many)  # the old set or the new
        assert not [p for p in out.rglob("*.tmp")]
    assert killed >= 4  # most kills hit a running build (later ones find much of it cached)
    assert kg("build", corpus, "--out", out, "--quiet", cwd=tmp_path).returncode == 0
    assert not list(state_dir(out).glob("staging-*"))
    assert store_quads(out) == store_quads(clean)
    assert turtle_triples(out) == turtle_triples(clean)


def test_the_summary_graph_is_rebuilt_with_the_articles(tmp_path):
    corpus, out = write(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build(corpus, out)
    write(corpus, {"a.txt": ARTICLES["a.txt"]})
    build(corpus, out)
    summary = {q for q in store_quads(out) if q.graph_name == SUMMARY_GRAPH}
    clean = build(write(tmp_path / "clean", {"a.txt": ARTICLES["a.txt"]}), tmp_path / "clean-out")
    assert clean.articles == 1
    assert summary == {q for q in store_quads(tmp_path / "clean-out") if q.graph_name == SUMMARY_GRAPH}
    assert (out / MANIFEST_NAME).is_file() and not shutil.which("kg-none")


def test_extract_then_load_equals_build(tmp_path):
    corpus = write(tmp_path / "corpus", ARTICLES)
    extracted = tmp_path / "extracted"
    extracted.mkdir()
    for name in ARTICLES:  # one map task per file, as a batch system would run them
        done = subprocess.run([sys.executable, "-m", "kg", "extract", str(corpus / name)], capture_output=True,
                              cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
        assert done.returncode == 0, done.stderr
        (extracted / f"{name}.nq").write_bytes(done.stdout)
        assert list(ox.parse(done.stdout, format=ox.RdfFormat.N_QUADS))  # plain N-Quads to any reader
    done = kg("load", *sorted(extracted.iterdir()), "--out", tmp_path / "loaded", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    build(corpus, tmp_path / "built")
    assert store_quads(tmp_path / "loaded") == store_quads(tmp_path / "built")
    assert turtle_triples(tmp_path / "loaded") == turtle_triples(tmp_path / "built")


def test_a_dask_cluster_builds_the_same_graph(tmp_path):
    distributed = pytest.importorskip("distributed")
    corpus = write(tmp_path / "corpus", ARTICLES)
    build(corpus, tmp_path / "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        report = build(corpus, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert report.new == 3 and not report.failed
    assert store_quads(tmp_path / "dask") == store_quads(tmp_path / "local")
    assert turtle_triples(tmp_path / "dask") == turtle_triples(tmp_path / "local")


def test_readers_give_one_line_on_a_broken_set(tmp_path):
    build(write(tmp_path / "corpus", ARTICLES), tmp_path / "output")
    (tmp_path / "output" / "graph.html").write_text("not the page", encoding="utf-8")
    for command in (["query", "ASK {}"], ["export", "--format", "nt"], ["stats"]):
        done = kg(*command, cwd=tmp_path)
        assert done.returncode == 2, command
        assert done.stderr.count("\n") == 1 and "run `kg build` again" in done.stderr


def test_a_damaged_cache_entry_is_made_again(tmp_path):
    corpus, out = write(tmp_path / "corpus", ARTICLES), tmp_path / "out"
    build(corpus, out)
    entries = sorted(p for p in (state_dir(out) / "cache").rglob("*") if p.is_file())
    assert len(entries) == 3
    entries[0].write_bytes(entries[0].read_bytes()[:100])  # as a crash of the machine might leave it
    shutil.rmtree(out)
    rebuilt = build(corpus, out)
    assert rebuilt.new == 3 and not rebuilt.failed
    assert store_quads(out) == store_quads(tmp_path / "out")
    clean = build(write(tmp_path / "clean", ARTICLES), tmp_path / "clean-out")
    assert rebuilt.triples == clean.triples


def test_workers_write_the_cache_entries_and_a_rebuild_reads_them(tmp_path, monkeypatch):
    from kg.cache import ArticleCache

    texts = {f"n{i:02d}.txt": ARTICLES["a.txt"].replace("青禾", "青禾" + "一二三四五六七八九十"[i % 10] * (1 + i // 10))
             for i in range(17)}
    corpus, out = write(tmp_path / "corpus", texts), tmp_path / "out"
    puts = []
    monkeypatch.setattr(ArticleCache, "put", lambda self, key, entry: puts.append(key))
    first = build_output([corpus], out, jobs=2, quiet=True)  # 17 articles: three tasks for two workers
    assert first.new == 17 and not puts  # every entry written where it was made
    assert len([p for p in (state_dir(out) / "cache").rglob("*") if p.is_file()]) == 17
    shutil.rmtree(out)
    import kg.builder

    monkeypatch.setattr(kg.builder, "local_outputs", lambda *a, **k: iter(()))  # nothing may be extracted again
    again = build_output([corpus], out, jobs=2, quiet=True)
    assert again.new == 17 and not again.failed and again.triples == first.triples


def test_a_graph_bigger_than_the_overview_limit_is_shown_by_its_most_named_entities(tmp_path, monkeypatch):
    import json
    import re

    import networkx as nx

    monkeypatch.setenv("KG_HTML_OVERVIEW_NODES", "12")
    out = tmp_path / "out"
    report = build(write(tmp_path / "corpus", ARTICLES), out)
    assert report.entities > 12
    html = (out / "graph.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S).group(1))
    nodes = data["details"]["nodes"]
    assert len(nodes) == 12
    labels = {n["label"] for n in nodes}
    assert "青川经济技术开发区" in labels or "青川经开区" in labels  # the zone two articles name is kept
    assert any(n["ev"] for n in nodes)
    assert all(0 <= row[0] < len(data["sentences"]) for n in nodes for row in n["ev"])
    assert nx.read_graphml(out / "graph.graphml").number_of_nodes() == 12


@pytest.mark.parametrize("with_bad", [False, True], ids=["all readable", "one unreadable"])
def test_articles_extracted_together_come_out_as_each_alone(tmp_path, with_bad):
    """A worker's chunk of articles is extracted together (the labeller batched over them);
    each output is the one the article gives alone, and a bad article fails alone."""
    from kg.articles import ArticleInput, process_article, process_articles

    texts = ["青川经开区召开人才工作会议\n3月8日,青川经开区召开人才工作会议,区党工委书记张国栋出席。\n",
             "远澜科技有限公司加入产业联盟\n远澜科技有限公司加入青川经开区智能制造产业联盟。\n",
             "云溪高新区举办招聘会\n5月20日,云溪高新区举办高校毕业生专场招聘会,32家企业参加。\n"]
    paths = []
    for i, text in enumerate(texts):
        paths.append(tmp_path / f"a{i}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    if with_bad:
        paths.insert(1, tmp_path / "bad.txt")
        paths[1].write_bytes(b"\x00\x01\x02binary\xff")
    items = [ArticleInput(f"a{i}", path) for i, path in enumerate(paths)]
    together = process_articles(items)
    alone = [process_article(item) for item in items]
    assert [o.error is None for o in together] == [p.name != "bad.txt" for p in paths]
    assert [(o.article_id, o.own, o.shared, o.error) for o in together] == \
        [(o.article_id, o.own, o.shared, o.error) for o in alone]
    assert all(o.quad_count > 0 for o in together if o.error is None)


def test_a_cache_entry_gives_back_the_output_it_was_made_from(tmp_path):
    from kg.articles import ArticleInput, process_article
    from kg.cache import decode_entry, encode_entry

    path = tmp_path / "a.txt"
    path.write_text("远澜科技有限公司加入产业联盟\n远澜科技有限公司加入青川经开区智能制造产业联盟。\n" * 3, encoding="utf-8")
    output = process_article(ArticleInput("a", path))
    again = decode_entry(encode_entry(output))
    assert (again.record, again.own, again.shared, again.quad_count, again.own_count) == \
        (output.record, output.own, output.shared, output.quad_count, output.own_count)
    assert decode_entry(encode_entry(output)[:-5]) is None  # a cut entry is no entry
