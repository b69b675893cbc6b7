"""Benchmark the query store against rdflib's in-memory store.

    python benchmarks/bench_store.py                  # 1,000,000 triples; rdflib on a 100,000 sample
    python benchmarks/bench_store.py --triples 200000 --rdflib-triples 50000 --repeat 3

It generates a graph shaped like the one `kg build` writes (README "Graph
shape"): articles with bylines, sentences with offsets, shared entities
(zones, alliances, enterprises, people, …) restated in each article's named
graph, per-article events and talent groups, relations between them, and a
`kg:Assertion` with rule, sentence and offsets for every extracted triple.

Measured:
  * load: pyoxigraph quads → on-disk store plus its N-Quads snapshot
    (`kg.store.write_store_from_quads`, the bulk path `load_store` takes; it
    includes computing the summary graph of whole-graph counts, kg.summary), then
    the snapshot → an in-memory store (`kg.store.open_fast`, what `kg serve` and
    `kg export` do once at start), and on the sample `load_store` from an rdflib
    Dataset end to end;
  * each named query (ontology/queries/*.rq) with its default parameters (the
    listing queries' first page of 100): median latency to the complete answer
    (the store serializes it as SPARQL JSON, as the endpoint does; rdflib
    materializes its rows), on the in-memory store (the targets) and, for
    comparison, on the on-disk store `kg query` reads;
  * Turtle export throughput (`kg export --format ttl`) from memory and from
    disk, and rdflib's Turtle serializer on the sample.

rdflib is too slow for a million triples in a few minutes, so the comparison is
on a sample of whole articles (`--rdflib-triples`), with the store timed on the
same sample: the ratio column compares like with like. An rdflib query still running
after `--rdflib-cap` seconds is stopped and its ratio printed as a lower bound (">"). A query whose first run
takes over a second is timed once (so the run stays within a few minutes). Targets: every named
query <= 50 ms median on the full store, Turtle export >= 300,000 triples/s,
the store >= 20x faster than rdflib (in-memory store vs rdflib's in-memory store).
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
from rdflib import Dataset  # noqa: E402
from rdflib import URIRef  # noqa: E402

from kg.export import Source, export  # noqa: E402
from kg.rdf import rdflib_term as term  # noqa: E402
from kg.query import bind_params, named_queries  # noqa: E402
from kg.store import (  # noqa: E402
    ONTOLOGY_GRAPH,
    PREFIX_MAP,
    SNAPSHOT_NAME,
    SUMMARY_GRAPH,
    load_store,
    ontology_quads,
    open_fast,
    open_store,
    write_store_from_quads,
)

KG = "https://w3id.org/kg-news/ontology#"
KGR = "https://w3id.org/kg-news/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SYLLABLES = "星河云帆青松华岳龙腾东方新城高新恒川博远瑞丰金桥银湖天和嘉禾明德宏图中科智汇长江绿源光明创新"
SHARED = {  # class slug → (class, how many)
    "development-zone": ("DevelopmentZone", 60),
    "alliance": ("Alliance", 120),
    "enterprise": ("Enterprise", 6000),
    "organization": ("Organization", 1500),
    "person": ("Person", 4000),
    "place": ("Place", 600),
    "industry": ("Industry", 60),
    "campaign": ("Campaign", 30),
}
SUFFIX = {"development-zone": "经济开发区", "alliance": "党建联盟", "enterprise": "科技", "organization": "委员会",
          "person": "", "place": "会展中心", "industry": "产业", "campaign": "行动"}
RULES = ["organizer:组织", "participant:参加", "member:成员单位", "established:牵头成立", "location:在",
         "works-for:任职", "industry:产业", "affiliation:来自", "count:数量词", "title:职务前置"]
EVENT_TYPES = ["TrainingEvent", "MeetingEvent", "CeremonyEvent", "VisitEvent"]

N = ox.NamedNode
L = ox.Literal
TYPE, LABEL, ALT = N(RDF + "type"), N(RDFS + "label"), N(SKOS + "altLabel")
SUBJ, PRED, OBJ = N(RDF + "subject"), N(RDF + "predicate"), N(RDF + "object")
INT, DATE = N(XSD + "integer"), N(XSD + "date")


def k(name: str) -> ox.NamedNode:
    return N(KG + name)


def name_for(rng: random.Random, slug: str, i: int) -> str:
    base = "".join(rng.choice(SYLLABLES) for _ in range(2 if slug == "person" else 3))
    return f"{base}{SUFFIX[slug]}{i}"


class Generator:
    """Quads shaped like `kg build` output, one article at a time."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.entities = {slug: [(N(f"{KGR}{slug}/{label}"), label) for label in
                                (name_for(self.rng, slug, i) for i in range(count))]
                         for slug, (_cls, count) in SHARED.items()}

    def article(self, n: int) -> list[ox.Quad]:
        rng = self.rng
        aid = f"b{n:06d}"
        doc = N(f"{KGR}article/{aid}")
        quads: list[ox.Quad] = []

        def add(s, p, o):
            quads.append(ox.Quad(s, p, o, doc))

        def entity(slug: str):
            node, label = rng.choice(self.entities[slug])
            add(node, TYPE, k(SHARED[slug][0]))
            add(node, LABEL, L(label, language="zh"))
            add(node, k("mentionedIn"), doc)
            return node, label

        add(doc, TYPE, k("Article"))
        add(doc, LABEL, L(aid))
        add(doc, k("headline"), L(f"{aid}号新闻：开发区党建工作", language="zh"))
        add(doc, k("sourceFile"), L(f"{aid}.txt"))
        add(doc, k("datePublished"), L(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype=DATE))
        for role in ("author", "contributor", "editor"):
            add(doc, k(role), entity("person")[0])
        add(doc, k("publisher"), entity("organization")[0])

        sentences = []
        offset = 0
        for i in range(20):
            s = N(f"{KGR}article/{aid}/s{i}")
            length = rng.randint(20, 80)
            add(s, TYPE, k("Sentence"))
            add(s, k("article"), doc)
            add(s, k("index"), L(str(i), datatype=INT))
            add(s, k("text"), L("开发区组织企业参加培训活动，" * (length // 14 + 1), language="zh"))
            add(s, k("startOffset"), L(str(offset), datatype=INT))
            add(s, k("endOffset"), L(str(offset + length), datatype=INT))
            sentences.append((s, offset, offset + length))
            offset += length

        serial = [0]

        def state(s, p, o):
            """A triple and its kg:Assertion."""
            add(s, p, o)
            serial[0] += 1
            sentence, start, end = rng.choice(sentences)
            a = N(f"{KGR}article/{aid}/a/{serial[0]:04x}")
            begin = rng.randint(start, max(start, end - 4))
            add(a, TYPE, k("Assertion"))
            add(a, SUBJ, s)
            add(a, PRED, p)
            add(a, OBJ, o)
            add(a, k("sentence"), sentence)
            add(a, k("article"), doc)
            add(a, k("startOffset"), L(str(begin), datatype=INT))
            add(a, k("endOffset"), L(str(begin + 4), datatype=INT))
            add(a, k("rule"), L(rng.choice(RULES)))

        zone = entity("development-zone")[0]
        alliance = entity("alliance")[0]
        state(alliance, k("establishedBy"), zone)
        enterprises = [entity("enterprise")[0] for _ in range(4)]
        for e in enterprises[:2]:
            state(e, k("memberOf"), alliance)
        state(enterprises[0], k("industry"), entity("industry")[0])
        person = entity("person")[0]
        state(person, k("jobTitle"), L("党工委书记", language="zh"))
        state(person, k("worksFor"), zone)
        campaign = entity("campaign")[0]
        for j in range(3):
            etype = rng.choice(EVENT_TYPES)
            label = f"第{j + 1}次活动{aid}"
            ev = N(f"{KGR}{aid}/event/{label}")
            add(ev, TYPE, k(etype))
            add(ev, LABEL, L(label, language="zh"))
            add(ev, k("mentionedIn"), doc)
            add(ev, k("date"), L(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", datatype=DATE))
            state(ev, k("organizer"), rng.choice([zone, alliance]))
            state(ev, k("location"), entity("place")[0])
            for e in rng.sample(enterprises, 2):
                state(ev, k("participant"), e)
            if j == 0:
                state(ev, k("partOf"), campaign)
        tg = N(f"{KGR}{aid}/talent-group/青年骨干")
        add(tg, TYPE, k("TalentGroup"))
        add(tg, LABEL, L("青年骨干", language="zh"))
        add(tg, k("mentionedIn"), doc)
        state(tg, k("count"), L(str(rng.randint(10, 500)), datatype=INT))
        add(tg, k("countQualifier"), L("余"))
        add(tg, k("countUnit"), L("名"))
        state(tg, k("affiliation"), enterprises[0])
        return quads


def generate(triples: int, seed: int = 7) -> tuple[list[list[ox.Quad]], Generator]:
    gen = Generator(seed)
    articles, total = [], 0
    while total < triples:
        quads = gen.article(len(articles))
        articles.append(quads)
        total += len(quads)
    return articles, gen


def median_ms(fn, repeat: int) -> float:
    """Median of `repeat` timed runs after a warm-up; a query slower than 1 s is timed once."""
    t0 = time.perf_counter()
    fn()  # warm-up
    first = (time.perf_counter() - t0) * 1000
    if first > 1000:
        return first
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def to_rdflib(articles: list[list[ox.Quad]]) -> Dataset:
    dataset = Dataset(default_union=True)
    for quads in articles:
        graph = dataset.graph(URIRef(quads[0].graph_name.value))
        for q in quads:
            graph.add((term(q.subject), term(q.predicate), term(q.object)))
    onto = dataset.graph(URIRef(ONTOLOGY_GRAPH.value))
    for q in ontology_quads():
        onto.add((URIRef(q.subject.value), URIRef(q.predicate.value),
                  term(q.object) if not isinstance(q.object, ox.BlankNode) else q.object))
    return dataset


def add_graph(dataset: Dataset, store: ox.Store, graph: ox.NamedNode) -> None:
    """Copy the named graph `graph` of `store` into the rdflib `dataset`."""
    target = dataset.graph(URIRef(graph.value))
    for q in store.quads_for_pattern(None, None, None, graph):
        target.add((term(q.subject), term(q.predicate), term(q.object)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--rdflib-triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query on the store (median)")
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    parser.add_argument("--rdflib-cap", type=float, default=60, metavar="SECONDS",
                        help="stop an rdflib query after this long and report the ratio as a lower bound")
    parser.add_argument("--skip-disk", action="store_true",
                        help="do not time the on-disk store (the comparison column; slow on whole-graph queries)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _rdflib_child(conn, rdf, text: str, repeat: int) -> None:
    conn.send(median_ms(lambda: list(rdf.query(text, initNs=dict(PREFIX_MAP))), repeat))


def rdflib_median_ms(rdf, text: str, repeat: int, cap_s: float) -> float | None:
    """rdflib's median latency, timed in a forked child; None when it runs past `cap_s` seconds."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_rdflib_child, args=(child, rdf, text, repeat))
    process.start()
    try:
        if parent.poll(cap_s):
            return parent.recv()
        return None
    finally:
        process.kill()
        process.join()


def timed_query(store: ox.Store, text: str, repeat: int) -> float:
    return median_ms(lambda: store.query(text, prefixes=PREFIX_MAP).serialize(format=ox.QueryResultsFormat.JSON),
                     repeat)


def turtle_export_rate(store: ox.Store, out: Path) -> tuple[int, float]:
    """(triples, seconds) of `kg export --format ttl` from `store` (default graph = the merge)."""
    t0 = time.perf_counter()
    with open(out, "wb") as handle:
        export(Source(store, default_is_merge=True), "ttl", handle)
    seconds = time.perf_counter() - t0
    return sum(1 for _ in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE)), seconds


def run(args, work: Path) -> int:
    t0 = time.perf_counter()
    articles, gen = generate(args.triples)
    total = sum(len(a) for a in articles)
    print(f"generated {total:,} triples in {len(articles):,} articles ({time.perf_counter() - t0:.1f} s)")

    t0 = time.perf_counter()
    write_store_from_quads((q for a in articles for q in a), work / "store")
    load_s = time.perf_counter() - t0
    snapshot_mb = (work / "store" / SNAPSHOT_NAME).stat().st_size / 1e6
    print(f"kg build's store step: summary graph + on-disk store (bulk) + N-Quads snapshot ({snapshot_mb:,.0f} MB): "
          f"{load_s:.1f} s "
          f"= {total / load_s:,.0f} triples/s")
    t0 = time.perf_counter()
    store = open_fast(work / "store")
    mem_load_s = time.perf_counter() - t0
    print(f"load the snapshot into memory (what kg serve / kg export do at start, once): {mem_load_s:.1f} s "
          f"= {len(store):,} quads, {len(store) / mem_load_s:,.0f} quads/s")
    disk = open_store(work / "store")

    sample = []
    count = 0
    for a in articles:
        if count >= args.rdflib_triples:
            break
        sample.append(a)
        count += len(a)
    t0 = time.perf_counter()
    rdf = to_rdflib(sample)
    rdflib_load_s = time.perf_counter() - t0
    print(f"rdflib in-memory load of the {count:,}-triple sample ({len(sample)} articles): {rdflib_load_s:.2f} s "
          f"= {count / rdflib_load_s:,.0f} triples/s")
    t0 = time.perf_counter()
    load_store(rdf, work / "sample-store")
    print(f"kg.store.load_store(rdflib Dataset) on the sample, end to end: {time.perf_counter() - t0:.2f} s")
    sample_store = open_fast(work / "sample-store")
    # rdflib answers from the same summary graph the store computed, so both run the same queries
    add_graph(rdf, sample_store, SUMMARY_GRAPH)

    enterprise = next(q.object.value for q in articles[1]
                      if q.predicate == LABEL and q.subject.value.startswith(KGR + "enterprise/"))
    params = {"entity": enterprise, "article": "b000001"}

    print()
    print("named queries, median ms (default parameters: listing queries return their first page of 100); "
          "'memory' = in-memory store loaded from the snapshot (what kg serve runs on), "
          "'disk' = the on-disk RocksDB store (kg query)")
    header = (f"{'query':<22} {'memory ' + format(total, ','):>17} {'disk ' + format(total, ','):>15} "
              f"{'memory ' + format(count, ','):>15} {'rdflib ' + format(count, ','):>15} {'rdflib/memory':>13}"
              f"  rows")
    print(header)
    print("-" * len(header))
    failures = []
    ratios = []
    for name, q in named_queries().items():
        text = bind_params(q.text, {p.name: params[p.name] for p in q.params if p.default is None}, q.params)
        full_ms = timed_query(store, text, args.repeat)
        disk_ms = timed_query(disk, text, args.repeat) if not args.skip_disk else float("nan")
        rows_full = len(json.loads(store.query(text, prefixes=PREFIX_MAP).serialize(
            format=ox.QueryResultsFormat.JSON))["results"]["bindings"])
        small_ms = timed_query(sample_store, text, args.repeat)
        rdflib_ms = rdflib_median_ms(rdf, text, args.rdflib_repeat, args.rdflib_cap)
        capped = rdflib_ms is None
        if capped:  # stopped at the cap: the ratio is a lower bound
            rdflib_ms = args.rdflib_cap * 1000
        ratio = rdflib_ms / small_ms if small_ms else float("inf")
        ratios.append(ratio)
        flag = "" if full_ms <= 50 else "  > 50 ms"
        if full_ms > 50:
            failures.append(f"{name}: {full_ms:.1f} ms on the full in-memory store")
        if ratio < 20:
            failures.append(f"{name}: only {ratio:.1f}x rdflib")
            flag += "  < 20x"
        more = ">" if capped else " "
        print(f"{name:<22} {full_ms:>14.1f} ms {disk_ms:>12.1f} ms {small_ms:>12.1f} ms {more}{rdflib_ms:>11.1f} ms "
              f"{more}{ratio:>11.0f}x  {rows_full}{flag}")
    print("-" * len(header))
    print(f"{'geometric mean ratio':<22} {'':>17} {'':>15} {'':>15} {'':>15} "
          f"{statistics.geometric_mean(ratios):>12.0f}x")

    print()
    exported, export_s = turtle_export_rate(store, work / "export.ttl")
    rate = exported / export_s
    print(f"Turtle export, in-memory store ({exported:,} distinct triples): {export_s:.2f} s = {rate:,.0f} triples/s"
          f" (with the snapshot load: {exported / (export_s + mem_load_s):,.0f} triples/s)")
    if rate < 300_000:
        failures.append(f"Turtle export {rate:,.0f} triples/s < 300,000")
    if not args.skip_disk:
        exported_disk, disk_s = turtle_export_rate(disk, work / "export-disk.ttl")
        print(f"Turtle export, on-disk store (for comparison): {disk_s:.2f} s = {exported_disk / disk_s:,.0f} triples/s")
    t0 = time.perf_counter()
    buffer = io.BytesIO()
    export(Source(sample_store, True), "ttl", buffer)
    small_export = time.perf_counter() - t0
    t0 = time.perf_counter()
    rdf_union = rdf.serialize(format="turtle")
    rdflib_export = time.perf_counter() - t0
    print(f"Turtle export of the sample: in-memory store {small_export * 1000:.0f} ms, rdflib {rdflib_export * 1000:.0f} ms "
          f"({rdflib_export / small_export:.0f}x; rdflib wrote {len(rdf_union):,} chars)")

    print()
    if failures:
        print("targets missed:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("all targets met: every named query <= 50 ms on the full in-memory store, Turtle export >= 300,000 "
          "triples/s, store >= 20x rdflib on every query")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
