"""How fast `kg push` loads a store into a real Oxigraph server, whole and incrementally.

    python benchmarks/bench_push.py [--articles 300] [--rounds 3] [--jobs 1,4] [--changed 0.1]
    python benchmarks/bench_push.py --store output/store       # a store `kg build` wrote; no incremental push

Articles are generated in the shape `kg build` writes (benchmarks/bench_store.py's
generator; made-up names) into an on-disk store. Each round, interleaved so that the
machine's drift falls on every variant alike:

  full push, N jobs   every graph PUT to an empty server (`oxigraph serve`, loopback),
                      once per value of --jobs
  bulk POST           the same quads as one N-Quads POST to Oxigraph's /store, a
                      non-standard shortcut of that server (no per-graph replace, no
                      digests): the ceiling of what the server ingests
  no-op push          the same store again: one digest query, every graph read and hashed
  incremental push    a store in which a share (--changed) of the articles were
                      regenerated, a tenth as many deleted and as many added

and prints the median of each, in articles/s and triples/s, and the full push against
the bulk POST. Needs the `oxigraph` executable (pip install oxigraph, in the test extra).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))  # the Oxigraph server the tests start

import pyoxigraph as ox  # noqa: E402
from bench_store import Generator  # noqa: E402
from oxigraph_server import running_oxigraph  # noqa: E402

from kg.push import push  # noqa: E402
from kg.store import ONTOLOGY_GRAPH, article_graphs, open_store, write_store_from_quads  # noqa: E402


def make_stores(articles: int, changed: float, work: Path, seed: int) -> tuple[Path, Path]:
    """A store of generated articles, and one where some were changed, deleted and added."""
    generator = Generator(seed)
    first = [generator.article(n) for n in range(articles)]
    n_changed, n_moved = int(articles * changed), max(1, int(articles * changed / 10))
    other = Generator(seed + 1)
    second = ([other.article(n) for n in range(n_changed)]                       # same ids, new content
              + first[n_changed:articles - n_moved]                              # unchanged; the last ones deleted
              + [other.article(n) for n in range(articles, articles + n_moved)])  # new ids
    write_store_from_quads((q for quads in first for q in quads), work / "first", snapshot=False)
    write_store_from_quads((q for quads in second for q in quads), work / "second", snapshot=False)
    return work / "first", work / "second"


def bulk_post(base: str, store_path: Path) -> None:
    store = open_store(store_path)
    graphs = [*article_graphs(store), ONTOLOGY_GRAPH]
    body = b"".join(store.dump(format=ox.RdfFormat.N_QUADS, from_graph=g).replace(b" .\n", f" {g} .\n".encode())
                    for g in graphs)
    request = urllib.request.Request(f"{base}/store", data=body, method="POST",
                                     headers={"Content-Type": "application/n-quads"})
    urllib.request.urlopen(request, timeout=600).close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", default="1,4", help="comma-separated numbers of requests in flight")
    parser.add_argument("--changed", type=float, default=0.1, help="share of articles changed for the incremental push")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", type=Path, metavar="DIR",
                        help="push this built store instead of generated articles (skips the incremental push)")
    args = parser.parse_args(argv)
    jobs_values = [int(j) for j in args.jobs.split(",")]

    with tempfile.TemporaryDirectory(prefix="kg-bench-push-") as tmp:
        work = Path(tmp)
        if args.store is not None:
            first, second = args.store, None
            articles = len(article_graphs(open_store(first)))
            print(f"{first}: {articles} articles")
        else:
            first, second = make_stores(args.articles, args.changed, work, args.seed)
            articles = args.articles
            print(f"{articles} generated articles; incremental push: {args.changed:.0%} changed, "
                  f"{max(1, int(articles * args.changed / 10))} deleted and as many added")
        times: dict[str, list[float]] = {}
        for round_ in range(args.rounds):
            for jobs in jobs_values:
                with running_oxigraph(work / f"full-{round_}-{jobs}") as base:
                    report = push(first, base, jobs=jobs)
                    triples = report.triples_sent
                    times.setdefault(f"full push, {jobs} jobs", []).append(report.seconds)
                    if jobs == jobs_values[-1]:
                        times.setdefault("no-op push", []).append(push(first, base, jobs=jobs).seconds)
                        if second is None:
                            continue
                        report = push(second, base, jobs=jobs)
                        assert report.replaced and report.created and report.deleted
                        times.setdefault("incremental push", []).append(report.seconds)
            with running_oxigraph(work / f"bulk-{round_}") as base:
                started = time.perf_counter()
                bulk_post(base, first)
                times.setdefault("bulk POST (Oxigraph only)", []).append(time.perf_counter() - started)

        print(f"a full push sends {triples:,} triples (the article graphs, the ontology, a digest per graph)")
        print(f"{'':28} {'median s':>9} {'articles/s':>11} {'triples/s':>11}   (min–max s)")
        for name, values in times.items():
            median = statistics.median(values)
            # triples/s over the whole store; an incremental push moves only a part of it
            rate = "" if name == "incremental push" else f"{triples / median:,.0f}"
            print(f"{name:28} {median:9.2f} {articles / median:11,.0f} {rate:>11}"
                  f"   ({min(values):.2f}–{max(values):.2f})")
        bulk = statistics.median(times["bulk POST (Oxigraph only)"])
        for jobs in jobs_values:
            full = statistics.median(times[f"full push, {jobs} jobs"])
            print(f"full push with {jobs} jobs / bulk POST: {full / bulk:.2f}x the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
